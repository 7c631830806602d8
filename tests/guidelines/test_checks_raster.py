"""Type, weight, size, proportion, resolution, colour mode, ICC profile and transparency."""

from __future__ import annotations

import pytest
from PIL import Image, ImageCms

from tests.assets.media_factory import make_icc_rgb, make_jpeg, make_png, make_svg


@pytest.mark.parametrize(
    ("data", "suffix", "allowed", "status", "measured"),
    [
        (make_jpeg(64, 48), ".jpg", ["jpeg", "png"], "pass", "una imagen JPEG"),
        (make_png(64, 48), ".jpg", ["jpeg"], "fail", "una imagen PNG"),  # the name does not count
        (make_svg(), ".svg", ["svg"], "pass", "un vector SVG"),
        (make_svg(), ".svg", ["png"], "fail", "un vector SVG"),
    ],
)
def test_format_is_the_sniffed_type(run_rule, data, suffix, allowed, status, measured) -> None:
    result = run_rule(data, "format", suffix=suffix, allowed=allowed)
    assert result.status == status
    assert result.details["measured"] in ("jpg", "png", "svg")
    if status == "fail":
        assert result.message == f"medido {measured}; pedido " + " o ".join(
            "JPEG" if a == "jpeg" else a.upper() for a in allowed
        )


def test_file_size(run_rule) -> None:
    data = make_png(400, 400, "RGB", pattern="noise")
    assert run_rule(data, "file_size", max_mb=1).status == "pass"
    small = run_rule(data, "file_size", max_mb=0.1)
    assert small.status == "fail"
    assert small.details["measured_bytes"] == len(data)
    assert small.message.endswith("pedido 100 KB")


@pytest.mark.parametrize(
    ("size", "params", "status"),
    [
        ((1200, 800), {"min_width": 1000, "min_height": 600}, "pass"),
        ((800, 1200), {"min_width": 1000, "min_height": 600}, "fail"),
        ((800, 1200), {"min_width": 1000, "min_height": 600, "any_orientation": True}, "pass"),
        ((1200, 800), {"max_width": 1000}, "fail"),
        ((640, 480), {"min_width": 640, "max_width": 640}, "pass"),
    ],
)
def test_dimensions(run_rule, size, params, status) -> None:
    result = run_rule(make_png(*size, "RGB"), "dimensions", **params)
    assert result.status == status
    assert result.details["measured"] == list(size)


def test_dimensions_message_in_spanish(run_rule) -> None:
    result = run_rule(make_png(800, 600, "RGB"), "dimensions", min_width=1200, min_height=628)
    assert result.message == "medido 800 × 600 px; pedido al menos 1200 × 628 px"


def test_allowed_sizes_for_social_networks(run_rule) -> None:
    sizes = ["1080x1080", [1080, 1350]]
    assert run_rule(make_png(1080, 1350, "RGB"), "allowed_sizes", sizes=sizes).status == "pass"
    wrong = run_rule(make_png(1000, 1000, "RGB"), "allowed_sizes", sizes=sizes)
    assert wrong.status == "fail"
    assert wrong.message == "medido 1000 × 1000 px; pedido 1080 × 1080 px o 1080 × 1350 px"
    near = run_rule(make_png(1078, 1080, "RGB"), "allowed_sizes", sizes=sizes, tolerance_px=2)
    assert near.status == "pass" and near.details["matched"] == [1080, 1080]


@pytest.mark.parametrize(
    ("size", "ratios", "status"),
    [
        ((1920, 1080), ["16:9"], "pass"),
        ((1910, 1080), ["16:9"], "pass"),  # within 1 %
        ((1080, 1080), ["16:9", "4:5"], "fail"),
        ((1080, 1350), ["16:9", "4:5"], "pass"),
        ((1200, 628), [1.91], "pass"),
    ],
)
def test_aspect_ratio(run_rule, size, ratios, status) -> None:
    assert run_rule(make_png(*size, "RGB"), "aspect_ratio", ratios=ratios).status == status


def test_print_resolution_at_a4_300_dpi(run_rule) -> None:
    # A4 at 300 ppp is 2480 × 3508 px, in either orientation.
    ok = run_rule(make_png(3508, 2480, "L"), "print_resolution", size="A4", dpi=300)
    assert ok.status == "pass" and ok.details["needed"] == [3508, 2480]
    low = run_rule(make_png(1754, 1240, "L"), "print_resolution", size="A4", dpi=300)
    assert low.status == "fail"
    assert low.details["effective_dpi"] == pytest.approx(150, abs=0.5)
    assert low.message == "medido 1754 × 1240 px; pedido 3508 × 2480 px"
    millimetres = run_rule(make_png(1200, 600, "L"), "print_resolution", size=[100, 50], dpi=300)
    assert millimetres.status == "pass"


def test_embedded_dpi(run_rule) -> None:
    assert run_rule(make_jpeg(32, 32, dpi=(300, 300)), "embedded_dpi", min_dpi=300).status == (
        "pass"
    )
    low = run_rule(make_jpeg(32, 32, dpi=(72, 72)), "embedded_dpi", min_dpi=300)
    assert low.status == "fail" and low.message == "medido 72 ppp; pedido al menos 300 ppp"
    missing = run_rule(make_png(32, 32, "RGB"), "embedded_dpi", min_dpi=300)
    assert missing.status == "fail" and missing.details["measured"] is None


@pytest.mark.parametrize(
    ("mode", "allowed", "status", "measured"),
    [
        ("RGB", ["rgb"], "pass", "rgb"),
        ("CMYK", ["rgb"], "fail", "cmyk"),
        ("CMYK", ["cmyk"], "pass", "cmyk"),
        ("L", ["rgb"], "fail", "grayscale"),
    ],
)
def test_color_mode(run_rule, mode, allowed, status, measured) -> None:
    color = 128 if mode == "L" else (200, 60, 40)
    data = make_jpeg(64, 64, mode=mode, color=color)
    result = run_rule(data, "color_mode", suffix=".jpg", allowed=allowed)
    assert result.status == status and result.details["measured"] == measured


def test_cmyk_message_speaks_plainly(run_rule) -> None:
    result = run_rule(make_jpeg(64, 64, mode="CMYK"), "color_mode", allowed=["rgb"])
    assert result.message == "medido CMYK (para imprenta); pedido RGB (para pantalla)"


def test_icc_profile(run_rule) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert run_rule(make_jpeg(32, 32, icc=srgb), "icc_profile", profile="sRGB").status == "pass"
    other = run_rule(
        make_jpeg(32, 32, icc=make_icc_rgb("Wide Gamut Test")), "icc_profile", profile="sRGB"
    )
    assert other.status == "fail" and other.details["measured"] == "Wide Gamut Test"
    # No profile: browsers assume sRGB, unless the rule requires one.
    assert run_rule(make_jpeg(32, 32), "icc_profile", profile="sRGB").status == "pass"
    required = run_rule(make_jpeg(32, 32), "icc_profile", profile="sRGB", required=True)
    assert required.status == "fail"


def test_transparency(run_rule) -> None:
    transparent = make_png(64, 64, "RGBA", color=(30, 120, 200, 0))
    opaque_rgba = make_png(64, 64, "RGBA", color=(30, 120, 200, 255))
    jpeg = make_jpeg(64, 64)
    assert run_rule(transparent, "transparency", required=True).status == "pass"
    assert run_rule(opaque_rgba, "transparency", required=True).status == "fail"
    assert run_rule(jpeg, "transparency", required=True).status == "fail"
    assert run_rule(jpeg, "transparency", required=False).status == "pass"
    assert run_rule(transparent, "transparency", required=False).status == "fail"


def test_header_checks_do_not_decode_pixels(write) -> None:
    # A PNG whose header promises a size but whose pixels are garbage still has a size.
    from guidelines import check_piece
    from tests.guidelines.helpers import one_rule_brand

    good = make_png(2000, 1000, "RGB")
    broken = good[:200]
    path = write(broken, ".png")
    brand = one_rule_brand("dimensions", min_width=100)
    assert check_piece(path, brand, "graphic").checks[0].status == "pass"
    with Image.open(path) as im:
        assert im.size == (2000, 1000)
