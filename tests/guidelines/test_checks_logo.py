"""Logo checks against the official versions: clear space, stretching, colours, version, size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guidelines import check_piece
from guidelines.marks import compare, find_mark


@pytest.fixture
def principal(official_logos) -> Image.Image:
    with Image.open(official_logos["gobierno-provincial"]["principal"]["png"]) as im:
        return im.convert("RGBA")


def logo_report(write, provincial, image: Image.Image | Path, **kw):
    path = image if isinstance(image, Path) else write(image, ".png")
    return check_piece(path, provincial, "logo", **kw)


def statuses(report) -> dict[str, str]:
    return {c.rule: c.status for c in report.checks}


def test_the_official_logo_passes_every_rule(write, provincial, official_logos) -> None:
    for name, files in official_logos["gobierno-provincial"].items():
        for kind in ("png", "svg"):
            report = logo_report(write, provincial, files[kind])
            assert report.status == "pass", (name, kind, report.to_dict())
            assert report.check("logo-version").details["best"] == name


def test_stretched_logo_fails_with_its_proportion(write, provincial, principal) -> None:
    stretched = principal.resize((round(principal.width * 1.4), principal.height))
    report = logo_report(write, provincial, stretched)
    result = report.check("logo-proporcion")
    assert result.status == "fail" and report.status == "fail"
    assert result.details["measured"] == pytest.approx(result.details["expected"] * 1.4, rel=0.02)
    measured = f"{result.details['measured']:.2f}".replace(".", ",")
    expected = f"{result.details['expected']:.2f}".replace(".", ",")
    assert result.message.startswith(
        f"El logo está deformado: su proporción es {measured} y la oficial es {expected}."
    )
    # Stretching does not make it another logo: the version is still recognised.
    assert report.check("logo-version").status == "pass"


def test_recoloured_logo_fails_colours_and_version(write, provincial, principal) -> None:
    pixels = np.array(principal)
    blue = (np.abs(pixels[..., :3].astype(int) - (31, 78, 140)).sum(axis=-1) < 40) & (
        pixels[..., 3] > 0
    )
    pixels[blue, :3] = (214, 40, 40)
    report = logo_report(write, provincial, Image.fromarray(pixels))
    assert statuses(report)["logo-colores"] == "fail"
    assert statuses(report)["logo-version"] == "fail"
    assert statuses(report)["logo-proporcion"] == "pass"
    assert "#D62828" in report.check("logo-colores").message


def test_wrong_version_for_the_rule(write, run_rule, provincial, official_logos) -> None:
    files = official_logos["gobierno-provincial"]
    logos = [
        {
            "name": n,
            "title": n.title(),
            "description": "d",
            "usage": "u",
            "drawing": dict(provincial.logo(n).drawing),
        }
        for n in ("principal", "negativo")
    ]
    palette_names = {"Azul Provincia": "#1F4E8C", "Blanco": "#FFFFFF", "Dorado": "#E0A526"}
    for logo in logos:
        for key in ("fill", "ink", "accent", "wordmark_color"):
            if key in logo["drawing"]:
                logo["drawing"][key] = palette_names[logo["drawing"][key]]
    ok = run_rule(
        files["principal"]["png"], "logo_version", brand_logos=logos, versions=["principal"]
    )
    wrong = run_rule(
        files["negativo"]["png"], "logo_version", brand_logos=logos, versions=["principal"]
    )
    assert ok.status == "pass"
    assert wrong.status == "fail" and wrong.details["best"] == "negativo"


def test_another_brands_logo_is_not_an_official_version(write, provincial, official_logos) -> None:
    report = logo_report(write, provincial, official_logos["municipalidad"]["horizontal"]["png"])
    assert report.check("logo-version").status == "fail"
    assert report.check("logo-version").details["similarity"] < 0.5


def test_too_small_logo(write, provincial, principal) -> None:
    small = principal.resize((principal.width // 8, principal.height // 8), Image.LANCZOS)
    result = logo_report(write, provincial, small).check("logo-tamano-minimo")
    assert result.status == "warn" and result.severity == "warning"
    assert result.details["measured"][0] < 240


def test_clear_space(write, provincial, principal) -> None:
    box = principal.getbbox()
    cramped = principal.crop((box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2))
    result = logo_report(write, provincial, cramped).check("logo-area-respeto")
    assert result.status == "warn"
    assert result.details["margins"]["left"] < 0.05
    assert "del lado menor del logo" in result.message
    roomy = Image.new("RGBA", (principal.width * 2, principal.height * 2), (0, 0, 0, 0))
    roomy.alpha_composite(principal, (principal.width // 2, principal.height // 2))
    assert logo_report(write, provincial, roomy).check("logo-area-respeto").status == "pass"


def test_logo_on_an_opaque_background_is_found(write, provincial, principal) -> None:
    on_white = Image.new("RGB", principal.size, "white")
    on_white.paste(principal, mask=principal.getchannel("A"))
    report = logo_report(write, provincial, on_white)
    assert statuses(report)["logo-version"] == "pass"
    assert statuses(report)["logo-proporcion"] == "pass"
    assert statuses(report)["logo-transparencia"] == "warn"


def test_logo_files_passed_by_the_caller_are_used(write, provincial, official_logos) -> None:
    # Compared with only the emblem, the horizontal logo is a different proportion.
    files = official_logos["gobierno-provincial"]
    report = logo_report(
        write, provincial, files["principal"]["png"], logos={"emblema": files["emblema"]["png"]}
    )
    assert report.check("logo-version").status == "fail"


def test_without_official_logos_the_comparisons_are_skipped(run_rule, official_logos) -> None:
    path = official_logos["gobierno-provincial"]["principal"]["png"]
    result = run_rule(path, "logo_aspect")
    assert result.status == "skip" and "No hay archivos de logo oficiales" in result.message


def test_mark_comparison_is_blind_to_stretch_but_not_to_colour(principal) -> None:
    official = find_mark(np.asarray(principal))
    stretched = find_mark(np.asarray(principal.resize((principal.width, principal.height * 2))))
    assert official is not None and stretched is not None
    assert compare(stretched, official).score > 0.85
    assert stretched.aspect == pytest.approx(official.aspect / 2, rel=0.02)


def test_an_empty_image_is_not_a_logo(write, provincial) -> None:
    report = logo_report(write, provincial, Image.new("RGBA", (300, 200), (0, 0, 0, 0)))
    assert report.status == "fail"
    version = report.check("logo-version")
    assert version.status == "fail" and version.message.startswith("No se encontró ningún logo")
    assert report.check("logo-proporcion").status == "skip"


def test_unreadable_official_files_are_left_out(
    write, provincial, official_logos, tmp_path
) -> None:
    files = official_logos["gobierno-provincial"]
    broken = tmp_path / "roto.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    logos = {
        "principal": files["principal"]["svg"],
        "roto": broken,
        "falta": tmp_path / "no-existe.png",
    }
    report = logo_report(write, provincial, files["principal"]["png"], logos=logos)
    assert report.check("logo-version").status == "pass"
    assert set(report.check("logo-version").details["scores"]) == {"principal"}
