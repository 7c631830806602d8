"""Logo checks against the official versions: clear space, stretching, colours, version, size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guidelines import check_piece
from guidelines.marks import REGION_SIDE, SHAPE_SIDE, best_form, compare, find_mark
from guidelines.officials import Official


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


def recolour(
    image: Image.Image, old: tuple[int, int, int], new: tuple[int, int, int]
) -> Image.Image:
    pixels = np.array(image)
    near = (np.abs(pixels[..., :3].astype(int) - old).sum(axis=-1) < 40) & (pixels[..., 3] > 0)
    pixels[near, :3] = new
    return Image.fromarray(pixels)


def test_recoloured_logo_has_the_right_form_and_wrong_colours(write, provincial, principal) -> None:
    report = logo_report(write, provincial, recolour(principal, (31, 78, 140), (214, 40, 40)))
    version = report.check("logo-version")
    # The form is recognised (the shape was not touched); the colours are what fails.
    assert version.status == "fail"
    assert version.details["best"] == "principal"
    assert version.details["form_matches"] is True and version.details["color_matches"] is False
    assert version.details["similarity"] > 0.9
    assert version.message.startswith(
        "La forma coincide con el logo oficial «Logo principal a color», pero sus colores"
    )
    assert statuses(report)["logo-colores"] == "fail"
    assert statuses(report)["logo-proporcion"] == "pass"
    assert "#D62828" in report.check("logo-colores").message


def test_a_recoloured_logo_is_told_the_colour_of_each_region(write, provincial, principal) -> None:
    # The shield was Azul Provincia; painted red. By ΔE2000 that red is nearer to
    # Gris Institucional than to Azul Provincia: the region, not ΔE, must decide.
    report = logo_report(write, provincial, recolour(principal, (31, 78, 140), (214, 40, 40)))
    colours = report.check("logo-colores")
    red = next(row for row in colours.details["colors"] if row["hex"] == "#D62828")
    assert red["nearest"] == "Gris Institucional"
    assert red["should_be"] == "Azul Provincia" and red["should_be_hex"] == "#1F4E8C"
    assert red["basis"] == "region" and red["word"] == "red"
    assert colours.details["matched_logo"] == "principal"
    assert "el rojo #D62828 (debería ser Azul Provincia)" in colours.message


def test_each_recoloured_region_gets_its_own_official_colour(write, provincial, principal) -> None:
    painted = recolour(principal, (31, 78, 140), (214, 40, 40))
    painted = recolour(painted, (224, 165, 38), (40, 170, 60))  # the gold stripe, green
    colours = logo_report(write, provincial, painted).check("logo-colores")
    by_hex = {row["hex"]: row for row in colours.details["colors"] if not row["ok"]}
    assert by_hex["#D62828"]["should_be"] == "Azul Provincia"
    assert by_hex["#28AA3C"]["should_be"] == "Dorado"


def test_without_a_matched_logo_the_nearest_colour_is_offered(write, provincial) -> None:
    poster = Image.new("RGB", (400, 300), (214, 40, 40))
    result = check_piece(write(poster, ".png"), provincial, "graphic").check("pieza-paleta")
    red = result.details["colors"][0]
    assert result.status == "fail" and "matched_logo" not in result.details
    assert red["basis"] == "nearest" and red["should_be"] == red["nearest"]
    assert "el rojo #D62828 (el oficial más parecido es" in result.message


def test_another_logo_does_not_match_the_form(write, provincial, official_logos) -> None:
    other = official_logos["municipalidad"]["horizontal"]["png"]
    report = logo_report(write, provincial, other)
    assert report.check("logo-version").details["form_matches"] is False
    # No form matched: colours fall back to the nearest official colour.
    assert "matched_logo" not in report.check("logo-colores").details


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda im: im.rotate(90, expand=True), id="rotated-90"),
        pytest.param(lambda im: im.rotate(10, expand=True), id="rotated-10"),
        pytest.param(lambda im: im.crop((0, 0, im.width * 6 // 10, im.height)), id="cropped"),
    ],
)
def test_rotated_or_cropped_logos_are_not_the_official_form(
    write, provincial, principal, change
) -> None:
    # The manual forbids turning or cutting the logo: such a mark is another form.
    version = logo_report(write, provincial, change(principal)).check("logo-version")
    assert version.status == "fail" and version.details["form_matches"] is False
    assert version.details["similarity"] < 0.8


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
    assert report.check("logo-version").details["similarity"] < 0.7


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


def test_form_is_judged_apart_from_colour(principal, official_logos) -> None:
    official = find_mark(np.asarray(principal))
    red = find_mark(np.asarray(recolour(principal, (31, 78, 140), (214, 40, 40))))
    with Image.open(official_logos["gobierno-provincial"]["emblema"]["png"]) as im:
        emblem = find_mark(np.asarray(im.convert("RGBA")))
    assert official is not None and red is not None and emblem is not None
    recoloured = compare(red, official)
    assert recoloured.form > 0.9 and recoloured.color < 0.2
    assert compare(emblem, official).form < 0.5


def test_versions_of_one_form_are_told_apart_by_colour(principal, official_logos) -> None:
    # Colour, monochrome and negative versions share a silhouette; a recoloured colour
    # logo is still matched to the colour version it came from.
    files = official_logos["gobierno-provincial"]
    officials = []
    for name in ("monocromo", "negativo", "principal"):
        with Image.open(files[name]["png"]) as im:
            mark = find_mark(np.asarray(im.convert("RGBA")))
        assert mark is not None
        officials.append(Official(name, name, mark))
    red = find_mark(np.asarray(recolour(principal, (31, 78, 140), (214, 40, 40))))
    assert red is not None
    found = best_form(red, officials)
    assert found is not None and found[1].name == "principal"


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


@pytest.mark.parametrize("size", [(40, 12), (1024, 313), (300, 900)])
def test_the_form_is_compared_on_grids_of_a_fixed_size(principal, size) -> None:
    # Whatever the size of the piece, form and regions cost the same: fixed grids.
    mark = find_mark(np.asarray(principal.resize(size)))
    assert mark is not None
    assert mark.shape.shape == (SHAPE_SIDE, SHAPE_SIDE)
    assert mark.region_lab.shape == (REGION_SIDE, REGION_SIDE, 3)
    assert mark.edges.shape == mark.region_solid.shape == (REGION_SIDE, REGION_SIDE)
