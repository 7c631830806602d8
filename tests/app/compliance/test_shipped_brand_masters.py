"""Designer masters under the shipped brands: a logo's original in vectors passes, a
Photoshop "logo" is named by the vector rule, a piece's foreign typefaces are named, and an
office document is converted by LibreOffice once for its preview and its check."""

from __future__ import annotations

import shutil
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import select

from assets import office
from brandhub.models import ComplianceReport
from tests.app.compliance.support import asset_row, pieces, stored_keys
from tests.assets.media_factory import masters as mm
from tests.assets.media_factory.office import make_pptx
from tests.assets.media_factory.raw import make_dng
from tests.factories import Api, add_token, add_user, session

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="needs Ghostscript")


def _checks(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["rule"]: (c["status"], c["message"]) for c in report["checks"]}


def _stored(app: Any, asset_id: int) -> dict[str, Any]:
    """The report kept with an asset."""
    with session(app) as db:
        row = db.scalar(select(ComplianceReport).where(ComplianceReport.asset_id == asset_id))
        assert row is not None
        return dict(row.report)


LOGO_MASTERS = {
    "logo.ai": lambda: mm.make_ai_pdf(fonts=("SourceSans3-Bold",)),
    "logo-viejo.ai": lambda: mm.make_ai_ps(fonts=("SourceSans3-Semibold",)),
    "logo.eps": mm.make_eps,
    "logo.pdf": lambda: mm.make_ai_pdf(fonts=("SourceSans3-Bold",), illustrator=False),
}


def test_logo_masters_in_vectors_pass_under_the_provincial_brand(app, api):
    for name, build in LOGO_MASTERS.items():
        r = api.upload(build(), name, category="logo")
        assert r.status_code == 201, (name, r.get_json())
        asset_id = r.get_json()["id"]
        assert asset_row(app, asset_id) == ("pass", "logo"), name
        checks = _checks(_stored(app, asset_id))
        assert checks["logo-formato"][0] == "pass", name
        status, text = checks["logo-original-vector"]
        assert status == "pass" and text.endswith("un original en vector."), name
        assert checks["logo-tipografias"][0] == "pass", name


def test_a_photoshop_logo_is_refused_by_the_vector_rule_and_a_png_is_not_held_to_it(app, api):
    r = api.upload(mm.make_psd(), "logo.psd", category="logo")
    assert r.status_code == 422
    report = r.get_json()["error"]["report"]
    failing = {rule: text for rule, (status, text) in _checks(report).items() if status == "fail"}
    # Its composite is checked as the logo it claims to be too (version, colours …).
    assert list(failing)[0] == "logo-original-vector"
    assert _checks(report)["logo-formato"][0] == "pass"
    assert failing["logo-original-vector"].startswith(
        "El original del logo debe estar en vector (AI, EPS, SVG o PDF) y este archivo es "
        "un documento de Photoshop (PSD)"
    )
    assert stored_keys(app) == []
    # A PNG made for use is not an original: the rule is skipped, saying why.
    png = api.upload(pieces()["official"], "logo.png", category="logo")
    assert png.status_code == 201, png.get_json()
    status, text = _checks(_stored(app, png.get_json()["id"]))["logo-original-vector"]
    assert status == "skip" and "hecho para usar" in text


def test_a_piece_with_a_foreign_typeface_is_named_by_the_brand_fonts_rule(app, runner):
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "barrios", "municipalidad"])
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", agency="barrios")))
    ours = mm.make_ai_pdf(fonts=("AtkinsonHyperlegible-Bold",), illustrator=False)
    ok = api.upload(ours, "afiche.pdf", category="graphic")
    assert ok.status_code == 201, ok.get_json()
    assert _checks(_stored(app, ok.get_json()["id"]))["pieza-tipografias"][0] == "pass"
    mixed = mm.make_ai_pdf(fonts=("AtkinsonHyperlegible-Regular", "Helvetica"), illustrator=False)
    r = api.upload(mixed, "afiche-mezcla.pdf", category="graphic")
    assert r.status_code == 422
    checks = _checks(r.get_json()["error"]["report"])
    status, text = checks["pieza-tipografias"]
    assert status == "fail"
    assert text.startswith("La pieza usa tipografías que no son de la marca: Helvetica.")
    assert "Atkinson Hyperlegible o Verdana" in text


def test_a_raw_photo_and_a_photoshop_piece_are_checked_on_their_pixels(api):
    # A camera raw sent as a photo: its type is accepted and it is measured as the photo it
    # is (the pixels LibRaw draws): too small for the provincial archive, named in pixels.
    r = api.upload(make_dng(), "foto.dng", category="photo", credit="Ana", copyright="GP")
    assert r.status_code == 422
    checks = _checks(r.get_json()["error"]["report"])
    assert checks["foto-formato"][0] == "pass"
    assert checks["foto-modo-color"][0] == "pass"
    status, text = checks["foto-tamano"]
    assert status == "fail"
    assert text.startswith("La foto es chica para el archivo institucional: mide 256")
    # A Photoshop document sent as a graphic piece: its composite is measured for print.
    psd = api.upload(mm.make_psd(), "afiche.psd", category="graphic")
    assert psd.status_code == 422
    checks = _checks(psd.get_json()["error"]["report"])
    assert checks["pieza-formato"][0] == "pass"
    status, text = checks["pieza-impresion"]
    assert status == "fail" and "120 × 80" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_presentation_is_converted_once_for_its_preview_and_its_check(api, tmp_path):
    # The conversions run in budgeted children: each one leaves a mark in a file.
    marks = tmp_path / "conversions"
    marks.write_text("")
    real = office.to_pdf

    def counted(*args: Any, **kwargs: Any) -> bytes:
        with marks.open("a") as fh:
            fh.write("x")
        return real(*args, **kwargs)

    with mock.patch.object(office, "to_pdf", counted):
        r = api.upload(make_pptx(), "campaña.pptx", category="graphic")
    assert marks.read_text() == "x"
    # Checked as a graphic piece of the provincial brand, which takes no PowerPoint files;
    # the first slide (from the upload's PDF) is measured all the same: its colours pass.
    assert r.status_code == 422
    checks = {c["rule"]: c for c in r.get_json()["error"]["report"]["checks"]}
    assert [rule for rule, c in checks.items() if c["status"] == "fail"] == ["pieza-formato"]
    assert checks["pieza-paleta"]["status"] == "pass"
    # Which typefaces a presentation uses is not read from it: said, not passed.
    assert checks["pieza-tipografias"]["status"] == "skip"
