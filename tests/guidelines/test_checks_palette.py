"""Palette compliance: dominant colours by area against the palette, by CIEDE2000."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from guidelines.checks.palette import dominant_colors, flat_pixels

BLUE, GOLD, WHITE, RED = (31, 78, 140), (224, 165, 38), (255, 255, 255), (214, 40, 40)


def poster(colors: list[tuple[tuple[int, int, int], float]], size=(600, 400)) -> Image.Image:
    """Vertical bands with the given colours and shares, plus white text-like strokes."""
    im = Image.new("RGB", size, colors[0][0])
    draw = ImageDraw.Draw(im)
    x = 0.0
    for color, share in colors:
        draw.rectangle((round(x), 0, round(x + share * size[0]), size[1]), fill=color)
        x += share * size[0]
    for y in range(40, size[1], 60):
        draw.line((20, y, size[0] - 20, y), fill=WHITE, width=2)
    return im


def test_dominant_colours_find_the_bands() -> None:
    rgba = np.asarray(poster([(BLUE, 0.6), (GOLD, 0.3), (RED, 0.1)]).convert("RGBA"))
    clusters = dominant_colors(rgba)
    found = {c.rgb: c.share for c in clusters if c.share > 0.02}
    assert set(found) >= {BLUE, GOLD, RED}
    assert abs(sum(found.values()) - 1.0) < 0.05
    assert found[RED] < found[GOLD] < found[BLUE]


def test_edges_are_not_flat_and_transparent_pixels_do_not_count() -> None:
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (*BLUE, 255)
    rgba[:, 5:] = (*GOLD, 255)
    flat = flat_pixels(rgba)
    assert flat[:, :4].all() and flat[:, 6:].all() and not flat[:, 4:6].any()
    rgba[:, 5:, 3] = 0
    clusters = dominant_colors(rgba)
    assert [c.rgb for c in clusters] == [BLUE]


def test_on_palette_poster_passes(run_rule) -> None:
    result = run_rule(poster([(BLUE, 0.7), (GOLD, 0.3)]), "palette", max_off_palette=0.05)
    assert result.status == "pass"
    assert result.details["off_palette_share"] == 0.0
    row = result.details["colors"][0]
    assert set(row) == {
        "hex",
        "share",
        "nearest",
        "nearest_hex",
        "delta_e",
        "neutral",
        "ok",
        "word",
        "should_be",
        "should_be_hex",
        "basis",
    }
    assert row["nearest"] == "Azul" and row["delta_e"] < 1


def test_off_palette_colour_is_reported_with_its_share(run_rule) -> None:
    result = run_rule(poster([(BLUE, 0.6), (RED, 0.4)]), "palette", max_off_palette=0.10)
    assert result.status == "fail"
    assert 0.35 < result.details["off_palette_share"] < 0.45
    red = next(r for r in result.details["colors"] if not r["ok"])
    assert red["hex"] == "#D62828" and red["delta_e"] > 20
    assert result.message.startswith("medido 4") and result.message.endswith("pedido 10 %")


def test_slightly_different_shade_within_tolerance(run_rule) -> None:
    near_blue = (35, 80, 145)  # ΔE2000 about 1.5 from the official blue
    assert run_rule(poster([(near_blue, 1.0)]), "palette", tolerance=3).status == "pass"
    assert run_rule(poster([(near_blue, 1.0)]), "palette", tolerance=0.5).status == "fail"


def test_neutrals_are_allowed_unless_the_rule_says_otherwise(run_rule) -> None:
    grey = poster([(BLUE, 0.5), ((120, 120, 120), 0.5)])
    assert run_rule(grey, "palette").status == "pass"
    assert run_rule(grey, "palette", neutrals=False).status == "fail"


def test_rule_may_restrict_to_some_palette_colours(run_rule) -> None:
    gold = poster([(GOLD, 1.0)])
    assert run_rule(gold, "palette").status == "pass"
    assert run_rule(gold, "palette", colors=["Azul"]).status == "fail"


def test_pdf_pieces_are_checked_on_their_first_page(run_rule) -> None:
    from tests.assets.media_factory import make_pdf

    on_brand = run_rule(make_pdf(color=BLUE), "palette", suffix=".pdf")
    off_brand = run_rule(make_pdf(color=RED), "palette", suffix=".pdf")
    assert on_brand.status == "pass"
    assert off_brand.status == "fail" and off_brand.details["off_palette_share"] > 0.9
