"""Print preflight facts of generated PDFs with known boxes, fonts and images."""

from __future__ import annotations

import pytest

from assets.errors import InvalidFile
from assets.preflight import preflight
from tests.assets.media_factory.printed import PdfImage, PdfPage, make_print_pdf


@pytest.fixture
def write(tmp_path):
    def write(pages):
        path = tmp_path / "pieza.pdf"
        path.write_bytes(make_print_pdf(pages))
        return path

    return write


def test_boxes_fonts_images_and_colours_page_by_page(write):
    path = write(
        [
            PdfPage(size_mm=(297, 420), images=[PdfImage((600, 300), (50.8, 25.4), "cmyk")]),
            PdfPage(
                bleed_mm=None,
                font="helvetica",
                text_colour="rich",
                images=[PdfImage((100, 100), (50.8, 50.8), "rgb")],
            ),
        ]
    )
    facts = preflight(path)
    first, second = facts.pages
    assert facts.pages_total == 2 and not facts.truncated
    assert first.trim_mm == (297.0, 420.0) and first.bleed_mm == pytest.approx(3.0)
    assert [(f.name, f.embedded) for f in first.fonts] == [("DejaVuSans", True)]
    [image] = first.images
    assert image.pixels == (600, 300) and image.ppi == pytest.approx(300, abs=0.5)
    assert image.colour == "cmyk" and first.colours == {"cmyk"}
    assert not first.rich_black_text
    assert second.bleed_mm == 0 and not second.has_bleed_box
    assert [(f.name, f.embedded) for f in second.fonts] == [("Helvetica", False)]
    assert second.images[0].ppi == pytest.approx(50) and second.images[0].colour == "rgb"
    assert second.rich_black_text and "rgb" in second.colours


def test_rgb_text_is_seen_in_the_vector_colours(write):
    [page] = preflight(write([PdfPage(text_colour="rgb")])).pages
    assert page.colours == {"rgb"} and not page.rich_black_text


def test_the_page_limit_bounds_the_work(write):
    facts = preflight(write([PdfPage()] * 3), max_pages=2)
    assert len(facts.pages) == 2 and facts.truncated


def test_a_damaged_pdf_is_refused(tmp_path):
    path = tmp_path / "roto.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(InvalidFile):
        preflight(path)
