"""The generated posters the text tests share, each read by OCR once per test session.

OCR costs about half a second per poster, so the posters are drawn and read
once (``read``) and every test that needs a poster's text (extraction,
rules, the app) takes it from here.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from assets.sniff import sniff
from assets.text import PieceText, extract_text, ocr_available
from tests.assets.media_factory.printed import LEGEND, Poster, make_poster

#: Tests that read pixels need Tesseract (``make system-test-deps`` installs it).
needs_ocr = pytest.mark.skipif(
    not ocr_available(), reason="tesseract-ocr is not installed (make system-test-deps)"
)

BODY = (
    "Campaña de vacunación contra la gripe: del 1 al 30 de junio en todos los centros de "
    "salud. Llevá tu documento y tu libreta."
)
#: name → how it is drawn: a legend poster, one without it, one naming an official,
#: several fonts, sizes and backgrounds.
POSTERS: dict[str, dict[str, object]] = {
    "legend": {
        "text": BODY + "\n" + LEGEND,
        "heading": "Vacunación",
        "font": "dejavu",
        "font_px": 30,
    },
    "no_legend": {"text": BODY, "heading": "Vacunación", "font": "liberation", "font_px": 34},
    "official": {
        "text": BODY + "\nJuana Pérez te invita a vacunarte.\n" + LEGEND,
        "font": "liberation",
        "font_px": 30,
        "background": "stripes",
    },
    "small_busy": {
        "text": BODY,
        "font": "dejavu-serif",
        "font_px": 22,
        "background": "dots",
        "size": (900, 900),
    },
    "gradient_serif": {
        "text": BODY,
        "font": "liberation-serif",
        "font_px": 40,
        "background": "gradient",
    },
}


@cache
def poster(name: str) -> Poster:
    spec = dict(POSTERS[name])
    text = str(spec.pop("text"))
    return make_poster(text, **spec)  # type: ignore[arg-type]


@cache
def read(name: str) -> PieceText:
    """The OCR of poster ``name`` (once per session)."""
    data = poster(name).data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.png"
        path.write_bytes(data)
        return extract_text(path, sniff(data[:4096], path.name), ocr=True)


def error_rate(reference: str, read_text: str) -> float:
    """Character error rate: edits to turn what was read into the reference, per reference
    character (spaces and line breaks counted as one space)."""
    from rapidfuzz.distance import Levenshtein

    want, have = " ".join(reference.split()), " ".join(read_text.split())
    return Levenshtein.distance(want, have) / max(1, len(want))
