"""Fixtures for the brand-rule engine's tests.

``brands`` are the three shipped example brands; ``official_logos`` their
drawn logos written as PNG and SVG; ``run_rule`` checks a generated file
against a one-rule brand, so each check is tested on its own with the
parameters the test names (helpers in ``tests.guidelines.helpers``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from guidelines import SHIPPED_BRANDS, Brand, CheckResult, Report, check_piece, load_brands_dir
from guidelines.examples import write_logos
from tests.guidelines.helpers import one_rule_brand


@pytest.fixture(scope="session")
def brands() -> dict[str, Brand]:
    return load_brands_dir(SHIPPED_BRANDS)


@pytest.fixture(scope="session")
def provincial(brands: dict[str, Brand]) -> Brand:
    return brands["gobierno-provincial"]


@pytest.fixture(scope="session")
def official_logos(
    brands: dict[str, Brand], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, dict[str, Path]]]:
    """slug → logo name → {"png": path, "svg": path} (the brands the tests compare)."""
    root = tmp_path_factory.mktemp("logos")
    return {
        slug: write_logos(brands[slug], root / slug, height=512)
        for slug in ("gobierno-provincial", "municipalidad")
    }


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write bytes or a Pillow image (``fmt``, ``**save``) to a file in tmp_path."""
    counter = iter(range(10_000))

    def write(
        data: bytes | Image.Image, suffix: str = ".bin", fmt: str | None = None, **save: Any
    ) -> Path:
        path = tmp_path / f"piece{next(counter)}{suffix}"
        if isinstance(data, Image.Image):
            buf = io.BytesIO()
            data.save(buf, fmt or suffix.lstrip(".").upper().replace("JPG", "JPEG"), **save)
            data = buf.getvalue()
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def run_rule(write: Callable[..., Path]) -> Callable[..., CheckResult]:
    """``run_rule(data, check, suffix=".png", category="graphic", **params)`` → the result."""

    def run(
        data: bytes | Image.Image | Path,
        check: str,
        suffix: str = ".png",
        category: str = "graphic",
        metadata: dict[str, Any] | None = None,
        logos: dict[str, Path] | None = None,
        brand_logos: list[dict[str, Any]] | None = None,
        **params: Any,
    ) -> CheckResult:
        path = data if isinstance(data, Path) else write(data, suffix)
        brand = one_rule_brand(check, category, logos=brand_logos, **params)
        report: Report = check_piece(path, brand, category, metadata=metadata, logos=logos)
        assert len(report.checks) == 1
        return report.checks[0]

    return run
