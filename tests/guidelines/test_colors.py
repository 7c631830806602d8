"""CIEDE2000 (numpy and coloraide), HEX parsing and sRGB → CIELAB."""

from __future__ import annotations

import numpy as np
import pytest
from coloraide import Color

from guidelines.colors import ciede2000, delta_e, nearest, parse_hex, srgb_to_lab, to_hex
from tests.guidelines.sharma import SHARMA_PAIRS


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_numpy_ciede2000_matches_sharma(lab1, lab2, expected) -> None:
    assert float(ciede2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)
    # The formula is symmetric: swapping the pair must not change it.
    assert float(ciede2000(np.array(lab2), np.array(lab1))) == pytest.approx(expected, abs=1e-4)


def test_numpy_ciede2000_vectorised_over_the_whole_table() -> None:
    a = np.array([p[0] for p in SHARMA_PAIRS])
    b = np.array([p[1] for p in SHARMA_PAIRS])
    expected = np.array([p[2] for p in SHARMA_PAIRS])
    assert np.abs(ciede2000(a, b) - expected).max() < 1e-4


def test_coloraide_matches_sharma_too() -> None:
    for lab1, lab2, expected in SHARMA_PAIRS:
        value = Color("lab-d65", list(lab1)).delta_e(Color("lab-d65", list(lab2)), method="2000")
        assert value == pytest.approx(expected, abs=1e-4)


def test_numpy_path_agrees_with_coloraide_on_random_srgb_pairs() -> None:
    rng = np.random.default_rng(3)
    pairs = rng.integers(0, 256, (200, 2, 3))
    ours = ciede2000(srgb_to_lab(pairs[:, 0]), srgb_to_lab(pairs[:, 1]))
    theirs = [delta_e(to_hex(p[0]), to_hex(p[1])) for p in pairs]
    assert np.abs(ours - np.array(theirs)).max() < 1e-6


def test_srgb_to_lab_matches_coloraide() -> None:
    for hex_value in ("#1F4E8C", "#FFFFFF", "#000000", "#E0A526", "#808080"):
        expected = Color(hex_value).convert("lab-d65").coords()
        assert srgb_to_lab(np.array(parse_hex(hex_value))) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("text", "rgb"),
    [("#1F4E8C", (31, 78, 140)), ("1f4e8c", (31, 78, 140)), ("#fff", (255, 255, 255))],
)
def test_parse_hex(text: str, rgb: tuple[int, int, int]) -> None:
    assert parse_hex(text) == rgb
    assert to_hex(rgb) == to_hex(parse_hex(to_hex(rgb)))


@pytest.mark.parametrize("text", ["#12345", "azul", "#GGGGGG", "", "#1F4E8C00"])
def test_parse_hex_refuses_what_is_not_a_colour(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hex(text)


def test_nearest_palette_colour() -> None:
    palette = srgb_to_lab(np.array([parse_hex("#1F4E8C"), parse_hex("#E0A526")]))
    index, distance = nearest(srgb_to_lab(np.array([[30, 80, 140], [226, 163, 40]])), palette)
    assert index.tolist() == [0, 1]
    assert (distance < 3).all()
