"""JPEG over-compression (quality from the quantization tables) and blur."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from guidelines.checks.quality import (
    STD_LUMINANCE,
    estimate_quality,
    laplacian_variance,
    scaled_tables,
    tile_sharpness,
)
from tests.assets.media_factory import make_jpeg
from tests.guidelines.helpers import photo


def tables_of(quality: int, **save) -> dict[int, list[int]]:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 80, 40)).save(buf, "JPEG", quality=quality, **save)
    with Image.open(io.BytesIO(buf.getvalue())) as im:
        return dict(im.quantization)


@pytest.mark.parametrize("quality", [5, 10, 25, 49, 50, 51, 75, 90, 95, 100])
def test_quality_is_recovered_from_libjpeg_tables(quality: int) -> None:
    estimated, exact, error = estimate_quality(tables_of(quality))
    assert exact and error == 0.0
    # Near 100 several qualities give identical tables; any of them is right.
    assert scaled_tables(estimated, STD_LUMINANCE)[0].tolist() == tables_of(quality)[0]
    if quality <= 95:
        assert estimated == quality


def test_custom_tables_get_the_nearest_quality() -> None:
    # A camera-like table: libjpeg's at quality 80, nudged.
    table = (scaled_tables(80, STD_LUMINANCE)[0] + np.arange(64) % 2).tolist()
    estimated, exact, _ = estimate_quality({0: table})
    assert not exact and 74 <= estimated <= 80


def test_quality_10_fails_and_quality_90_passes(run_rule) -> None:
    picture = photo(320, 240)
    q10 = run_rule(make_jpeg(image=picture, quality=10), "jpeg_quality", min_quality=70)
    q90 = run_rule(make_jpeg(image=picture, quality=90), "jpeg_quality", min_quality=70)
    assert (q10.status, q10.details["estimated_quality"]) == ("fail", 10)
    assert (q90.status, q90.details["estimated_quality"]) == ("pass", 90)
    assert q10.message == "medido 10; pedido 70"


def test_jpeg_quality_skips_other_formats(run_rule) -> None:
    result = run_rule(photo(64, 64), "jpeg_quality", min_quality=70)
    assert result.status == "skip" and "JPEG" in result.message


def test_laplacian_variance_of_known_arrays() -> None:
    assert laplacian_variance(np.full((20, 20), 128)) == 0.0
    checker = (np.indices((20, 20)).sum(axis=0) % 2) * 255
    # Every inner pixel of a checkerboard has a Laplacian of ±4 × 255.
    assert laplacian_variance(checker) == pytest.approx((4 * 255) ** 2)


def test_blurred_photo_fails_and_sharp_photo_passes(run_rule) -> None:
    picture = photo(1200, 800)
    sharp = run_rule(make_jpeg(image=picture, quality=92), "sharpness", min_sharpness=40)
    blurred_image = picture.filter(ImageFilter.GaussianBlur(5))
    blurred = run_rule(make_jpeg(image=blurred_image, quality=92), "sharpness", min_sharpness=40)
    assert sharp.status == "pass" and blurred.status == "fail"
    assert blurred.details["sharpness"] < sharp.details["sharpness"] / 5


def test_sharpness_is_measured_at_a_normalised_size(run_rule) -> None:
    # The same scene at two resolutions reads about the same once normalised.
    picture = photo(2400, 1600)
    big = run_rule(make_jpeg(image=picture, quality=92), "sharpness", min_sharpness=1)
    small_image = picture.resize((1200, 800), Image.Resampling.LANCZOS)
    small = run_rule(make_jpeg(image=small_image, quality=92), "sharpness", min_sharpness=1)
    ratio = big.details["sharpness"] / small.details["sharpness"]
    assert 0.6 < ratio < 1.6


def kite_on_sky(
    width: int = 3000, height: int = 2000, size: int = 70, seed: int = 3
) -> Image.Image:
    """A small detailed, high-contrast subject on a smooth gradient sky."""
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sky = np.array([90, 150, 230], np.float32) + ramp * np.array([60, 50, 15], np.float32)
    im = Image.fromarray(np.broadcast_to(sky, (height, width, 3)).astype(np.uint8), "RGB")
    rng = np.random.default_rng(seed)
    cells = (rng.integers(0, 2, (size // 6, size // 6)) * 255).astype(np.uint8)
    patch = Image.fromarray(cells, "L").resize((size, size), Image.Resampling.NEAREST)
    mask = Image.new("L", (size, size), 0)
    half = size // 2
    ImageDraw.Draw(mask).polygon([(half, 0), (size, half), (half, size), (0, half)], fill=255)
    im.paste(patch.convert("RGB"), (int(width * 0.6), int(height * 0.3)), mask)
    return im


@pytest.mark.parametrize(
    ("name", "image", "status"),
    [
        ("sharp kite on a plain sky", kite_on_sky(), "pass"),
        ("the same kite blurred", kite_on_sky().filter(ImageFilter.GaussianBlur(5)), "fail"),
        ("a photo blurred all over", photo(1200, 800).filter(ImageFilter.GaussianBlur(3)), "fail"),
        ("a sharp photo", photo(1200, 800), "pass"),
    ],
)
def test_sharpness_is_measured_where_the_subject_is(run_rule, name, image, status) -> None:
    result = run_rule(make_jpeg(image=image, quality=92), "sharpness", min_sharpness=40)
    assert result.status == status, (name, result.details)
    if name.startswith("sharp kite"):
        # Over the whole frame the kite read as blurred: the sky dilutes it.
        assert result.details["laplacian_variance"] < 40 <= result.details["sharpness"]


def test_tile_sharpness_of_known_arrays() -> None:
    flat = np.full((256, 256), 128)
    assert tile_sharpness(flat) == 0.0
    # One checkerboard tile in a flat frame of 64 tiles: the top tenth (6 tiles) holds it.
    spot = flat.copy()
    spot[33:65, 33:65] = (np.indices((32, 32)).sum(axis=0) % 2) * 255
    assert tile_sharpness(spot) > laplacian_variance(spot) * 5
    # Too small to tile: the whole frame.
    assert tile_sharpness(np.full((20, 20), 9)) == 0.0
