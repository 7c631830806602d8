"""`brandhub check FILE --brand SLUG --category CAT`: exit status 0 complies, 1 warns, 2 fails."""

from __future__ import annotations

import json

import pytest

from tests.app.compliance.support import BRAND, pieces


@pytest.fixture
def files(app, runner, tmp_path):
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    out = {}
    for name in ("official", "flat", "stretched", "recoloured"):
        out[name] = tmp_path / f"{name}.png"
        out[name].write_bytes(pieces()[name])
    out["html"] = tmp_path / "afiche.pdf"
    out["html"].write_text("<html><body>no soy un PDF</body></html>")
    return out


def check(runner, path, *extra, category="logo", brand=BRAND):
    return runner.invoke(
        args=["check", str(path), "--brand", brand, "--category", category, *extra]
    )


@pytest.mark.parametrize(
    ("piece", "code", "verdict"),
    [
        ("official", 0, "✓ La pieza cumple con la marca."),
        ("flat", 1, "! La pieza se puede publicar, pero revise los avisos."),
        ("stretched", 2, "✗ La pieza no cumple"),
        ("recoloured", 2, "✗ La pieza no cumple"),
    ],
)
def test_exit_status_and_readable_report(runner, files, piece, code, verdict):
    r = check(runner, files[piece])
    assert r.exit_code == code, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"{piece}.png"
    assert lines[1] == "Gobierno Provincial de Ejemplo · versión 2025.1 · Logo"
    assert lines[2].startswith(verdict)


def test_a_failing_piece_reads_measured_against_allowed(runner, files):
    out = check(runner, files["stretched"]).output
    assert "✗ No cumple" in out and "Logo sin deformar (Obligatoria)" in out
    assert "El logo está deformado: su proporción es 6,2" in out
    assert "Medido: 6,21 · Permitido: 3,26" in out
    assert out.index("✗ No cumple") < out.index("✓ Cumple")  # what to fix comes first


def test_json_report(runner, files):
    r = check(runner, files["flat"], "--json")
    assert r.exit_code == 1
    body = json.loads(r.output)
    assert body["status"] == "warn" and body["brand"] == BRAND and body["category"] == "logo"
    assert {c["rule"]: c["status"] for c in body["checks"]}["logo-transparencia"] == "warn"


def test_a_file_that_is_no_media_fails_with_a_reason(runner, files):
    r = check(runner, files["html"], category="graphic")
    assert r.exit_code == 2
    assert "parece una página web" in r.output


def test_unknown_brand_or_category(runner, files):
    missing = check(runner, files["official"], brand="no-existe")
    assert missing.exit_code == 1 and "No existe la marca no-existe" in missing.output
    wrong = check(runner, files["official"], category="afiche")
    assert wrong.exit_code == 2  # click's usage error


def test_without_a_category_the_file_decides(runner, files):
    # The transparent PNG logo is judged a logo (by its type alone it was a photo).
    r = runner.invoke(args=["check", str(files["official"]), "--brand", BRAND, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["category"] == "logo"
    # A file that is no media at all is still reported, as a graphic piece.
    r = runner.invoke(args=["check", str(files["html"]), "--brand", BRAND, "--json"])
    assert r.exit_code == 2 and json.loads(r.output)["category"] == "graphic"
