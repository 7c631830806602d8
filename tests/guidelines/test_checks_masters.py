"""Checks on designer masters: a logo master in vectors, and the brand's typefaces only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidelines import check_piece, load_brand_dict
from tests.assets.media_factory import make_png
from tests.assets.media_factory import masters as mm

needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="needs Ghostscript")


def _brand(check: str, **params: object):
    return load_brand_dict(
        {
            "slug": "prueba",
            "name": "Marca de prueba",
            "version": "1",
            "palette": [{"name": "Naranja", "hex": "#E76F51"}],
            "typography": [{"name": "Atkinson Hyperlegible", "use": "Todo", "fallback": "Verdana"}],
            "rules": {
                "logo": [
                    {
                        "id": "regla",
                        "check": check,
                        "severity": "error",
                        "message": "Se pide {expected}; es {measured}.",
                        "params": params,
                    }
                ]
            },
        }
    )


def _check(tmp_path: Path, data: bytes, name: str, check: str, **params: object):
    path = tmp_path / name
    path.write_bytes(data)
    report = check_piece(path, _brand(check, **params), "logo")
    return report.checks[0]


@needs_gs
@pytest.mark.parametrize(
    ("data", "name"),
    [(mm.make_ai_pdf(), "logo.ai"), (mm.make_ai_ps(), "viejo.ai"), (None, "logo.eps")],
)
def test_vector_masters_pass_the_vector_rule(tmp_path, data, name):
    result = _check(tmp_path, data or mm.make_eps(), name, "vector_master")
    assert result.status == "pass", result.message


def test_a_png_or_a_photoshop_logo_is_not_a_vector_master(tmp_path):
    png = _check(tmp_path, make_png(60, 40), "logo.png", "vector_master")
    assert png.status == "fail"
    assert png.message == "Se pide un vector (AI, EPS, SVG o PDF); es una imagen PNG."
    psd = _check(tmp_path, mm.make_psd(), "logo.psd", "vector_master")
    assert psd.status == "fail" and "Photoshop" in psd.message


def test_the_brands_typeface_passes_and_foreign_ones_are_named(tmp_path):
    ours = _check(tmp_path, mm.make_ai_pdf(), "ok.ai", "brand_fonts")
    assert ours.status == "pass", ours.message
    assert ours.details["fonts"] == ["AtkinsonHyperlegible-Bold"]
    mixed = mm.make_ai_pdf(fonts=("AtkinsonHyperlegible-Regular", "Helvetica", "Comic-Sans"))
    result = _check(tmp_path, mixed, "mixta.pdf", "brand_fonts")
    assert result.status == "fail"
    assert result.details["foreign"] == ["Helvetica", "Comic-Sans"]
    assert "Helvetica y Comic-Sans" in result.message or "Helvetica" in result.message


@needs_gs
def test_fonts_of_postscript_artwork_are_checked_too(tmp_path):
    result = _check(tmp_path, mm.make_ai_ps(fonts=("Verdana-Bold", "Arial")), "v.ai", "brand_fonts")
    assert result.status == "fail" and result.details["foreign"] == ["Arial"]
    strict = _check(
        tmp_path, mm.make_ai_ps(fonts=("Verdana",)), "w.ai", "brand_fonts", fallbacks=False
    )
    assert strict.status == "fail" and strict.details["foreign"] == ["Verdana"]


def test_masters_only_skips_files_made_for_use_and_holds_originals(tmp_path):
    png = _check(tmp_path, make_png(60, 40), "logo.png", "vector_master", masters_only=True)
    assert png.status == "skip" and "hecho para usar" in png.message
    psd = _check(tmp_path, mm.make_psd(), "logo.psd", "vector_master", masters_only=True)
    assert psd.status == "fail"
    assert (
        psd.message == "Se pide un vector (AI, EPS, SVG o PDF); es un documento de Photoshop (PSD)."
    )
