"""The text of pieces: OCR of generated posters, PDF text layers, scans, SVG text, limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from assets.errors import InvalidFile
from assets.sniff import sniff
from assets.text import PieceText, TextSettings, Word, can_have_text, extract_text
from tests.assets.media_factory.printed import (
    LEGEND,
    PdfPage,
    make_print_pdf,
    make_scanned_pdf,
)
from tests.assets.text_corpus import POSTERS, error_rate, needs_ocr, poster, read

pytestmark = needs_ocr


def _file(tmp_path: Path, data: bytes, name: str) -> tuple[Path, object]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, sniff(data[:4096], name)


@pytest.mark.parametrize("name", sorted(POSTERS))
def test_posters_in_debian_fonts_are_read_nearly_letter_for_letter(name):
    drawn = poster(name)
    text = read(name)
    assert text.sources == ("ocr",)
    assert error_rate(drawn.text, text.text) <= 0.03, text.text
    assert text.confidence is not None and text.confidence > 80


def test_each_word_has_its_box_where_it_was_drawn():
    drawn = poster("legend")
    width, height = drawn.size
    left, top, right, bottom = drawn.boxes[0]  # the heading, "Vacunación"
    word = next(w for w in read("legend").words if w.text == "Vacunación")
    x0, y0, x1, y1 = word.box
    assert abs(x0 - left / width) < 0.02 and abs(x1 - right / width) < 0.03
    assert top / height - 0.01 < y0 < y1 < bottom / height + 0.03
    assert word.page == 0 and word.confidence is not None


def test_a_pdf_text_layer_is_read_without_ocr(tmp_path):
    data = make_print_pdf(
        [PdfPage(text="Campaña de vacunación\n" + LEGEND[:70]), PdfPage(text="Página dos")]
    )
    path, sniffed = _file(tmp_path, data, "pieza.pdf")
    text = extract_text(path, sniffed, ocr=False)
    assert text.complete and text.sources == ("layer",)
    assert "Campaña de vacunación" in text.text and "Página dos" in text.text
    assert text.confidence is None  # a text layer is exact
    first = next(w for w in text.words if w.text == "Campaña")
    assert first.page == 0 and 0.05 < first.box[0] < 0.2 and 0.05 < first.box[1] < 0.15
    assert [w.page for w in text.words if w.text == "dos"] == [1]


def test_an_image_only_pdf_page_waits_for_ocr_then_is_read(tmp_path):
    data = make_scanned_pdf(poster("no_legend").data, dpi=150)
    path, sniffed = _file(tmp_path, data, "escaneo.pdf")
    cheap = extract_text(path, sniffed, ocr=False)
    assert cheap.pending == (0,) and not cheap.complete
    full = extract_text(path, sniffed, ocr=True)
    assert full.complete and full.sources == ("ocr",)
    assert error_rate(poster("no_legend").text, full.text) <= 0.03


def test_a_raster_image_is_only_read_by_ocr(tmp_path):
    path, sniffed = _file(tmp_path, poster("no_legend").data, "afiche.png")
    assert extract_text(path, sniffed, ocr=False).pending == (0,)


def test_svg_text_elements_are_read_with_estimated_boxes(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
        '<text x="20" y="50" font-size="20">Campaña de <tspan>vacunación</tspan></text>'
        '<text x="200" y="150" style="font-size:10px" text-anchor="middle">Juana Pérez</text>'
        "</svg>"
    ).encode()
    path, sniffed = _file(tmp_path, svg, "pieza.svg")
    text = extract_text(path, sniffed, ocr=False)
    assert text.text == "Campaña de vacunación\nJuana Pérez"
    assert text.sources == ("svg",)
    first = text.words[0]
    assert first.text == "Campaña" and first.box[0] == pytest.approx(0.05)
    assert first.box[1] == pytest.approx((50 - 16) / 200)
    juana = next(w for w in text.words if w.text == "Juana")
    assert juana.box[0] < 0.5 < juana.box[2] + 0.2  # centred on x = 200


def test_an_svg_without_text_elements_needs_ocr(tmp_path):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="5" height="5"/></svg>'
    )
    path, sniffed = _file(tmp_path, svg, "trazos.svg")
    assert extract_text(path, sniffed, ocr=False).pending == (0,)


def test_pages_past_the_limit_are_not_read(tmp_path):
    pages = [PdfPage(text=f"Página número {n}") for n in range(1, 4)]
    path, sniffed = _file(tmp_path, make_print_pdf(pages), "tres.pdf")
    text = extract_text(path, sniffed, text_settings=TextSettings(page_limit=2), ocr=False)
    assert text.truncated and text.pages_total == 3 and len(text.pages) == 2
    assert "Página número 3" not in text.text


def test_ocr_past_its_time_per_page_stops_with_a_reason(tmp_path):
    path, sniffed = _file(tmp_path, poster("no_legend").data, "afiche.png")
    with pytest.raises(InvalidFile) as caught:
        extract_text(path, sniffed, text_settings=TextSettings(page_seconds=0.01), ocr=True)
    assert "too long" in caught.value.message


def test_the_text_survives_its_stored_form():
    text = read("official")
    again = PieceText.from_dict(text.to_dict())
    assert again.text == text.text and again.confidence == text.confidence
    assert again.words[0] == Word(
        text.words[0].text,
        0,
        tuple(round(v, 4) for v in text.words[0].box),  # type: ignore[arg-type]
        round(text.words[0].confidence or 0, 1),
    )


def test_only_images_svg_and_pdf_can_carry_text():
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert can_have_text(sniff(png.getvalue(), "a.png"))
    assert can_have_text(sniff(make_print_pdf([PdfPage()])[:4096], "a.pdf"))
    assert not can_have_text(sniff(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "a.mp3"))
