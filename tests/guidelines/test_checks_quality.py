"""JPEG over-compression (quality from the quantization tables) and blur."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from guidelines.checks.quality import (
    STD_LUMINANCE,
    estimate_quality,
    laplacian_variance,
    scaled_tables,
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
    assert blurred.details["laplacian_variance"] < sharp.details["laplacian_variance"] / 5


def test_sharpness_is_measured_at_a_normalised_size(run_rule) -> None:
    # The same scene at two resolutions reads about the same once normalised.
    picture = photo(2400, 1600)
    big = run_rule(make_jpeg(image=picture, quality=92), "sharpness", min_sharpness=1)
    small_image = picture.resize((1200, 800), Image.Resampling.LANCZOS)
    small = run_rule(make_jpeg(image=small_image, quality=92), "sharpness", min_sharpness=1)
    ratio = big.details["laplacian_variance"] / small.details["laplacian_variance"]
    assert 0.6 < ratio < 1.6
