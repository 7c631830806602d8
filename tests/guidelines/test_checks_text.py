"""Rules over the text of a piece: required legend, forbidden terms, electoral blackout.

The table runs the shipped "Programa Social de Ejemplo" brand's text rules over
generated posters (read by OCR once per session), PDFs with a text layer and
SVGs, and states each verdict.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from PIL import Image

from assets.text import PageText, PieceText, Word
from guidelines import SHIPPED_BRANDS, BrandError, check_piece, load_brands_dir
from guidelines.textmatch import Words, fold
from tests.assets.media_factory.printed import LEGEND, PdfPage, make_print_pdf
from tests.assets.text_corpus import needs_ocr, poster, read
from tests.guidelines.helpers import one_rule_brand

IN_BLACKOUT = datetime.date(2027, 5, 1)
OUTSIDE = datetime.date(2027, 7, 1)
NOISY_LEGEND = (
    "Este programa es pub1ico, ajeno a cualquier partido politico. Queda prohibído el uso "
    "para fines distintos a los establecidos en el programa."
)


@pytest.fixture(scope="module")
def brand():
    return load_brands_dir(SHIPPED_BRANDS)["programa-social"]


def _svg(text: str) -> bytes:
    lines = "".join(
        f'<text x="10" y="{30 + 30 * i}" font-size="18">{line}</text>'
        for i, line in enumerate(text.split("\n"))
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="400" viewBox="0 0 1200 400">'
        f"{lines}</svg>"
    ).encode()


def _pdf(text: str) -> bytes:
    lines = []
    for paragraph in text.split("\n"):
        while paragraph:
            lines.append(paragraph[:70])
            paragraph = paragraph[70:]
    return make_print_pdf([PdfPage(text="\n".join(lines))])


# name → (bytes, extension, text read before or None to let the rules read it)
def _piece(name: str) -> tuple[bytes, str, PieceText | None]:
    if name in ("legend", "no_legend", "official"):
        return poster(name).data, "png", read(name)
    if name == "pdf_legend":
        return _pdf("Campaña de vacunación\n" + LEGEND), "pdf", None
    if name == "pdf_gobernador":
        return _pdf("Un regalo del Gobernador para tu familia.\n" + LEGEND), "pdf", None
    if name == "svg_slogan":
        return (
            _svg("Juntos Transformamos la salud\n" + LEGEND[:60] + "\n" + LEGEND[60:]),
            "svg",
            None,
        )
    raise KeyError(name)


TABLE = [
    ("legend", "pieza-leyenda", None, "pass"),
    ("no_legend", "pieza-leyenda", None, "fail"),
    ("official", "pieza-leyenda", None, "pass"),
    ("pdf_legend", "pieza-leyenda", None, "pass"),
    ("pdf_gobernador", "pieza-leyenda", None, "pass"),
    ("legend", "pieza-textos-prohibidos", None, "pass"),
    ("pdf_gobernador", "pieza-textos-prohibidos", None, "fail"),
    ("official", "pieza-veda", IN_BLACKOUT, "fail"),
    ("official", "pieza-veda", OUTSIDE, "skip"),
    ("legend", "pieza-veda", IN_BLACKOUT, "pass"),
    ("svg_slogan", "pieza-veda", IN_BLACKOUT, "fail"),
    ("svg_slogan", "pieza-leyenda", None, "pass"),
    ("pdf_legend", "pieza-veda", IN_BLACKOUT, "pass"),
]


@needs_ocr
@pytest.mark.parametrize(("piece", "rule", "today", "verdict"), TABLE)
def test_piece_rule_verdict(brand, tmp_path, piece, rule, today, verdict):
    data, ext, text = _piece(piece)
    path = tmp_path / f"{piece}.{ext}"
    path.write_bytes(data)
    report = check_piece(path, brand, "graphic", text=text, today=today)
    result = next(c for c in report.checks if c.rule == rule)
    assert result.status == verdict, result.message


@needs_ocr
def test_a_piece_without_the_legend_says_what_is_missing(brand, tmp_path):
    path = tmp_path / "afiche.png"
    path.write_bytes(poster("no_legend").data)
    report = check_piece(path, brand, "graphic", text=read("no_legend"))
    result = next(c for c in report.checks if c.rule == "pieza-leyenda")
    assert result.message.startswith("Falta la leyenda obligatoria de los programas sociales")
    assert "«Este programa es público" in result.message
    assert result.details["absent"] == [LEGEND]
    assert result.details["text_sources"] == ["ocr"]


@needs_ocr
def test_a_named_official_is_boxed_on_the_piece(brand, tmp_path):
    path = tmp_path / "afiche.png"
    path.write_bytes(poster("official").data)
    report = check_piece(path, brand, "graphic", text=read("official"), today=IN_BLACKOUT)
    result = next(c for c in report.checks if c.rule == "pieza-veda")
    assert "esta dice «Juana Pérez»" in result.message
    [found] = result.details["found"]
    assert found["phrase"] == "Juana Pérez" and found["pages"] == [1]
    assert len(found["boxes"]) == 2 and all(b["page"] == 0 for b in found["boxes"])
    assert result.details["names"] == ["Juana Pérez"] and result.details["slogans"] == []


def test_a_raster_piece_not_read_yet_is_skipped_not_failed(brand, tmp_path):
    path = tmp_path / "afiche.png"
    path.write_bytes(poster("no_legend").data)
    report = check_piece(path, brand, "graphic", today=IN_BLACKOUT)
    for rule in ("pieza-leyenda", "pieza-textos-prohibidos", "pieza-veda"):
        result = next(c for c in report.checks if c.rule == rule)
        assert (result.status, result.code) == ("skip", "text_pending")


def test_accents_case_and_a_few_ocr_errors_do_not_fail_the_legend():
    text = PieceText((PageText(0, "ocr", NOISY_LEGEND.upper(), _words(NOISY_LEGEND.upper())),))
    match = Words(text).find(LEGEND, 0.1)
    assert match is not None and match.edits == 1  # «pub1ico»: accents and case are free
    assert Words(text).find(LEGEND, 0.0) is None
    assert Words(text).find("Queda permitido todo", 0.1) is None


def test_a_name_must_be_spelt_nearly_right():
    text = PieceText((PageText(0, "ocr", "", _words("Visitá a Juana Peres hoy")),))
    assert Words(text).find("Juana Pérez", 0.1) is not None  # one letter off in 10
    assert Words(text).find("Carlos Gómez", 0.1) is None


def test_folding():
    assert fold("¡Vacunación GRATUITA, ya!") == "vacunacion gratuita ya"


def _words(text: str) -> tuple[Word, ...]:
    return tuple(Word(t, 0, (0.0, 0.0, 0.1, 0.1), 90.0) for t in text.split())


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (
            {
                "periods": [
                    {"name": "x", "start": "2027-05-01", "end": "2027-04-01", "names": ["A"]}
                ]
            },
            "ends before",
        ),
        (
            {"periods": [{"name": "x", "start": "mayo", "end": "2027-04-01", "names": ["A"]}]},
            "not a date",
        ),
        (
            {"periods": [{"name": "x", "start": "2027-04-01", "end": "2027-05-01"}]},
            "names or slogans",
        ),
        (
            {
                "periods": [
                    {
                        "name": "x",
                        "start": "2027-04-01",
                        "end": "2027-05-01",
                        "names": ["A"],
                        "lema": ["B"],
                    }
                ]
            },
            "unknown period field",
        ),
    ],
)
def test_a_bad_blackout_calendar_fails_when_the_brand_loads(params, error):
    with pytest.raises(BrandError, match=error):
        one_rule_brand("blackout", **params)


def test_text_rules_skip_files_that_cannot_carry_text(tmp_path):
    brand = one_rule_brand("required_text", category="audio", phrases=["Hola"])
    from tests.assets.media_factory import make_wav

    path = tmp_path / "a.wav"
    path.write_bytes(make_wav())
    [result] = check_piece(path, brand, "audio").checks
    assert result.status == "skip"


def test_an_image_with_the_text_given_is_checked(tmp_path):
    brand = one_rule_brand("required_text", phrases=["www.ejemplo.gob"])
    path = tmp_path / "a.png"
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    given = PieceText(
        (PageText(0, "ocr", "Más en www.ejemplo.gob", _words("Más en www.ejemplo.gob")),)
    )
    [result] = check_piece(Path(path), brand, "graphic", text=given).checks
    assert result.status == "pass"
    [result] = check_piece(Path(path), brand, "graphic", text=PieceText(())).checks
    assert result.status == "fail" and result.details["absent"] == ["www.ejemplo.gob"]
