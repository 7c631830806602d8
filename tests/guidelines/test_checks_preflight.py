"""``print_preflight``: each problem of a print PDF named with its page."""

from __future__ import annotations

import pytest

from guidelines import SHIPPED_BRANDS, check_piece, load_brands_dir
from tests.assets.media_factory.printed import PdfImage, PdfPage, make_print_pdf
from tests.guidelines.helpers import one_rule_brand


def _check(tmp_path, pages, brand=None, **params):
    brand = brand or one_rule_brand("print_preflight", brand_fonts=False, **params)
    path = tmp_path / "pieza.pdf"
    path.write_bytes(make_print_pdf(pages))
    return next(
        c for c in check_piece(path, brand, "graphic").checks if c.check == "print_preflight"
    )


def test_a_print_ready_pdf_passes(tmp_path):
    result = _check(tmp_path, [PdfPage(images=[PdfImage((300, 300), (25.4, 25.4), "cmyk")])])
    assert result.status == "pass", result.details
    assert result.details["pages_checked"] == 1


def test_no_bleed_an_rgb_image_and_a_font_not_embedded_each_named_with_its_page(tmp_path):
    result = _check(
        tmp_path,
        [
            PdfPage(),
            PdfPage(
                bleed_mm=None,
                font="helvetica",
                images=[PdfImage((600, 600), (50.8, 50.8), "rgb")],
            ),
        ],
    )
    assert result.status == "fail"
    problems = {(p["code"], p["page"]) for p in result.details["problems"]}
    assert problems == {("bleed", 2), ("font_not_embedded", 2), ("image_colour", 2)}
    assert result.details["problem_pages"] == [2]
    texts = [p["text"] for p in result.details["problems"]]
    assert "Página 2: sin sangrado (se piden 3 mm por lado)." in texts
    assert "Página 2: la fuente Helvetica no está incrustada." in texts
    assert "Página 2: una imagen está en RGB; para imprenta debe estar en CMYK." in texts


@pytest.mark.parametrize(
    ("page", "code"),
    [
        (PdfPage(size_mm=(200, 200)), "page_size"),
        (PdfPage(bleed_mm=1.5), "bleed"),
        (PdfPage(images=[PdfImage((150, 150), (25.4, 25.4))]), "low_ppi"),
        (PdfPage(text_colour="rich"), "rich_black_text"),
        (PdfPage(text_colour="rgb"), "vector_colour"),
    ],
)
def test_each_problem_alone(tmp_path, page, code):
    result = _check(tmp_path, [page])
    assert [p["code"] for p in result.details["problems"]] == [code]
    assert result.details["problems"][0]["page"] == 1


def test_allowed_formats_and_colours_come_from_the_rule(tmp_path):
    page = PdfPage(size_mm=(200, 200), text_colour="rgb")
    result = _check(tmp_path, [page], formats=[[200, 200]], colours=["cmyk", "rgb"])
    assert result.status == "pass"
    assert _check(tmp_path, [PdfPage(size_mm=(297, 210))], formats=["A4"]).status == "pass"


def test_fonts_outside_the_brand_typography(tmp_path):
    brand = load_brands_dir(SHIPPED_BRANDS)["programa-social"]
    result = _check(tmp_path, [PdfPage()], brand=brand)
    assert [(p["code"], p.get("font")) for p in result.details["problems"]] == [
        ("font_not_brand", "DejaVuSans")
    ]
    assert result.message.startswith(
        "El PDF no está listo para imprenta: hay problemas en las páginas 1 "
    )
