"""Every rule of every shipped brand runs on a file of its category and speaks Spanish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guidelines import CATEGORIES, CATEGORY_TITLES, Brand, check_piece, load_brand_dict
from guidelines.engine import _fill
from tests.assets.media_factory import make_jpeg, make_mp4, make_pdf, make_png, make_wav
from tests.guidelines.helpers import photo

CREDITS = {"creator": "Ana Pérez", "copyright": "Gobierno", "caption": "Acto", "keywords": ["a"]}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    root = tmp_path_factory.mktemp("samples")
    files = {
        "photo.jpg": make_jpeg(image=photo(900, 600), quality=88, iptc=CREDITS),
        "graphic.png": make_png(600, 848, "RGB", color=(31, 78, 140)),
        "graphic.pdf": make_pdf(width_pt=298, height_pt=421, color=(31, 78, 140)),
        "social.png": make_png(1080, 1080, "RGB", color=(224, 165, 38)),
        "video.mp4": make_mp4(seconds=1, w=320, h=180, fps=25, audio=True),
        "audio.wav": make_wav(seconds=6, freq=1000, amplitude=0.07, channels=2),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return {
        "photo": [root / "photo.jpg"],
        "graphic": [root / "graphic.png", root / "graphic.pdf"],
        "social": [root / "social.png"],
        "video": [root / "video.mp4"],
        "audio": [root / "audio.wav"],
    }


@pytest.mark.parametrize("slug", ["gobierno-provincial", "ministerio-salud", "municipalidad"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_shipped_rule_runs(
    brands: dict[str, Brand],
    samples: dict[str, list[Path]],
    official_logos: dict[str, dict[str, dict[str, Path]]],
    slug: str,
    category: str,
) -> None:
    brand = brands[slug]
    if category == "logo":
        logos = official_logos.get(slug) or official_logos["gobierno-provincial"]
        paths = [next(iter(logos.values()))["png"], next(iter(logos.values()))["svg"]]
    else:
        paths = samples[category]
    for path in paths:
        report = check_piece(path, brand, category)
        assert [c.rule for c in report.checks] == [r.id for r in brand.rules_for(category)]
        for result in report.checks:
            assert result.message and "{" not in result.message, (result.rule, result.message)
            assert result.title
        # The format rule accepts the file each category is made for.
        assert report.checks[0].status == "pass", report.checks[0].message
    assert CATEGORY_TITLES[category]


def test_rule_messages_fill_every_placeholder(brands: dict[str, Brand]) -> None:
    from guidelines.registry import CHECKS

    for brand in brands.values():
        for category in CATEGORIES:
            for rule in brand.rules_for(category):
                values = {name: "X" for name in CHECKS[rule.check].placeholders}
                assert "{" not in _fill(rule.message, values)
                assert "—" not in _fill(rule.message, values)


def test_header_facts_do_not_depend_on_rule_order(write: Callable[..., Path]) -> None:
    # Decoding in draft mode shrinks the image object; size and DPI must still be the file's.
    brand = load_brand_dict(
        {
            "slug": "orden",
            "name": "Orden",
            "version": "1",
            "rules": {
                "photo": [
                    {
                        "id": "nitidez",
                        "check": "sharpness",
                        "severity": "warning",
                        "message": "{measured}",
                        "params": {"min_sharpness": 1},
                    },
                    {
                        "id": "tamano",
                        "check": "dimensions",
                        "severity": "error",
                        "message": "{measured}",
                        "params": {"min_width": 2000},
                    },
                    {
                        "id": "ppp",
                        "check": "embedded_dpi",
                        "severity": "error",
                        "message": "{measured}",
                        "params": {"min_dpi": 300},
                    },
                ]
            },
        }
    )
    path = write(make_jpeg(image=photo(2400, 1600), quality=85, dpi=(300, 300)), ".jpg")
    report = check_piece(path, brand, "photo")
    assert report.check("tamano").details["measured"] == [2400, 1600]
    assert report.check("ppp").status == "pass"
