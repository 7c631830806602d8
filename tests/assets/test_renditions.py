"""Rendition specs, geometry, colour management and every kind of source."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image, ImageFile

from assets.errors import InvalidFile, InvalidFilterSpecError
from assets.renditions import STANDARD_RENDITIONS, parse_spec, render, render_many
from assets.renditions.color import cmyk_profile
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from tests.assets import media_factory as mf

SETTINGS = IngestSettings()

VALID_SPECS = [
    ("max-320|format-webp", "max-320|format-webp"),
    ("max-800x600", "max-800x600"),
    ("max-500x500", "max-500"),
    ("width-1200|format-jpg|quality-85", "width-1200|format-jpeg|quality-85"),
    ("height-100", "height-100"),
    ("FILL-1080x1080-c0.30,0.40|FORMAT-WEBP", "fill-1080x1080-c0.3,0.4|format-webp"),
    ("fill-1080x1080-c0.5,0.5", "fill-1080x1080"),
    ("fill-1200x630-c0,1", "fill-1200x630-c0,1"),
    ("bgcolor-FFF|format-png|max-10", "max-10|format-png|bgcolor-ffffff"),
    ("format-tif", "format-tiff"),
    ("original|format-png", "original|format-png"),
    ("quality-100", "quality-100"),
    ("dpi-300|original|format-jpeg", "original|format-jpeg|dpi-300"),
]


@pytest.mark.parametrize(("spec", "canonical"), VALID_SPECS)
def test_spec_canonical(spec, canonical):
    parsed = parse_spec(spec)
    assert parsed.canonical == canonical
    assert parse_spec(parsed.canonical) == parsed  # canonical forms parse back to the same spec


INVALID_SPECS = [
    "",
    "   ",
    "max",
    "max-0",
    "max-10001",
    "max-abc",
    "max-10x",
    "max-320-320",
    "width-1.5",
    "width--5",
    "fill-100",
    "fill-100x100-c1.5,0.5",
    "fill-100x100-c0.5",
    "fill-100x100-top",
    "format-gif",
    "format-svg",
    "quality-0",
    "quality-101",
    "bgcolor-red",
    "bgcolor-12345",
    "dpi-0",
    "dpi-9601",
    "dpi-300.5",
    "dpi-300|dpi-72",
    "max-100|width-100",
    "format-webp|format-png",
    "rotate-90",
    "max-100||format-png",
    "max-1" + "0" * 300,
]


@pytest.mark.parametrize("spec", INVALID_SPECS)
def test_invalid_specs(spec):
    with pytest.raises(InvalidFilterSpecError) as info:
        parse_spec(spec)
    assert info.value.details["reason"]


# (spec, source size, scalable, expected crop, expected size)
PLANS = [
    ("max-320", (6000, 4000), False, (0, 0, 6000, 4000), (320, 213)),
    ("max-1600", (300, 200), False, (0, 0, 300, 200), (300, 200)),  # never upscale a raster
    ("max-1600", (300, 200), True, (0, 0, 300, 200), (1600, 1067)),  # vectors scale up
    ("width-100", (400, 300), False, (0, 0, 400, 300), (100, 75)),
    ("height-100", (400, 300), False, (0, 0, 400, 300), (133, 100)),
    ("fill-100x100", (400, 200), False, (100, 0, 300, 200), (100, 100)),
    ("fill-100x100-c0,0.5", (400, 200), False, (0, 0, 200, 200), (100, 100)),
    ("fill-100x100-c1,0.5", (400, 200), False, (200, 0, 400, 200), (100, 100)),
    ("fill-200x100-c0.5,0.9", (300, 300), False, (0, 150, 300, 300), (200, 100)),
    ("fill-1000x1000", (400, 200), False, (100, 0, 300, 200), (200, 200)),  # same shape, smaller
    ("max-10000", (10, 20000), True, (0, 0, 10, 20000), (5, 10000)),
]


@pytest.mark.parametrize(("spec", "source", "scalable", "crop", "size"), PLANS)
def test_plans(spec, source, scalable, crop, size):
    plan = parse_spec(spec).plan(*source, scalable)
    assert plan.crop == pytest.approx(crop)
    assert plan.size == size


def write(tmp_path, data, name="source"):
    path = tmp_path / name
    path.write_bytes(data)
    return path, sniff(data[:HEAD_BYTES])


def one(tmp_path, data, spec, settings=SETTINGS):
    path, sniffed = write(tmp_path, data)
    return render(path, sniffed, spec, settings)


def decode(rendered):
    image = Image.open(io.BytesIO(rendered.data))
    assert image.size == (rendered.width, rendered.height)
    assert Image.MIME[image.format] == rendered.mime
    return image


def close(color, expected, tolerance=8):
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=False))


RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)


def test_exif_orientation_is_applied(tmp_path):
    data = mf.make_jpeg(400, 200, orientation=6, pattern="quadrants")
    image = decode(one(tmp_path, data, "max-320|format-png")).convert("RGB")
    assert image.size == (160, 320)
    # Rotated a quarter turn clockwise: blue|red over yellow|green.
    assert close(image.getpixel((40, 80)), BLUE)
    assert close(image.getpixel((120, 80)), RED)
    assert close(image.getpixel((40, 240)), YELLOW)
    assert close(image.getpixel((120, 240)), GREEN)


def test_untagged_cmyk_goes_through_a_press_profile(tmp_path):
    data = mf.make_jpeg(mode="CMYK", color=(255, 0, 0, 0))  # 100% cyan ink
    image = decode(one(tmp_path, data, "max-320|format-png"))
    assert image.mode == "RGB"
    pixel = image.getpixel((100, 100))
    assert close(pixel, (0, 174, 239))  # process cyan, as a press profile prints it
    assert not close(pixel, (0, 255, 255), tolerance=30)  # not the naive ink-as-light


def test_embedded_cmyk_profile_is_honoured(tmp_path):
    # A profile whose "cyan" ink is printed red: only honouring it gives red.
    inks = {"c": (220, 0, 0), "m": (0, 160, 0), "y": (0, 0, 200), "k": (0, 0, 0)}
    icc = cmyk_profile(inks, description="Test press")
    data = mf.make_jpeg(mode="CMYK", color=(255, 0, 0, 0), icc=icc)
    pixel = decode(one(tmp_path, data, "max-64|format-png")).getpixel((10, 10))
    assert close(pixel, (220, 0, 0), tolerance=10)


def test_embedded_rgb_profile_is_converted_to_srgb(tmp_path):
    swapped = mf.make_icc_rgb(
        "Swapped", primaries={"r": mf.SRGB_D50["b"], "g": mf.SRGB_D50["g"], "b": mf.SRGB_D50["r"]}
    )
    data = mf.make_png(64, 64, "RGB", color=(255, 0, 0), icc=swapped)
    pixel = decode(one(tmp_path, data, "max-64|format-png")).getpixel((10, 10))
    assert close(pixel, BLUE, tolerance=3)


def test_alpha_is_kept_in_webp_and_png(tmp_path):
    data = mf.make_png(100, 100, "RGBA", color=(30, 120, 200, 128))
    for spec in ("max-50|format-webp", "max-50|format-png"):
        image = decode(one(tmp_path, data, spec))
        assert image.mode == "RGBA"
        assert abs(image.getpixel((25, 25))[3] - 128) <= 2


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("max-50|format-jpeg", (142, 187, 227)),  # half transparent on white
        ("max-50|format-jpeg|bgcolor-000000", (15, 60, 100)),
        ("max-50|format-webp|bgcolor-000000", (15, 60, 100)),
    ],
)
def test_transparency_is_flattened_on_white_or_bgcolor(tmp_path, spec, expected):
    data = mf.make_png(100, 100, "RGBA", color=(30, 120, 200, 128))
    image = decode(one(tmp_path, data, spec))
    assert image.mode == "RGB"
    assert close(image.getpixel((25, 25)), expected)


@pytest.mark.parametrize(
    ("focal", "top", "bottom"),
    [("c0.1,0.5", RED, BLUE), ("c0.9,0.5", GREEN, YELLOW), ("c0.5,0.5", None, None)],
)
def test_fill_crops_around_the_focal_point(tmp_path, focal, top, bottom):
    data = mf.make_png(800, 400, "RGB", pattern="quadrants")
    image = decode(one(tmp_path, data, f"fill-100x100-{focal}|format-png")).convert("RGB")
    assert image.size == (100, 100)
    if top is None:  # centred: the middle of the picture, all four quarters
        assert close(image.getpixel((10, 10)), RED) and close(image.getpixel((90, 90)), YELLOW)
        return
    assert close(image.getpixel((50, 20)), top)
    assert close(image.getpixel((50, 80)), bottom)


@pytest.mark.parametrize(
    ("spec", "size"),
    [
        ("max-1600", (100, 50)),
        ("width-50", (50, 25)),
        ("height-10", (20, 10)),
        ("original", (100, 50)),
    ],
)
def test_rasters_are_never_upscaled(tmp_path, spec, size):
    assert one(tmp_path, mf.make_jpeg(100, 50), spec).width == size[0]
    assert one(tmp_path, mf.make_jpeg(100, 50), spec).height == size[1]


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (mf.make_jpeg(64, 64), "image/jpeg"),
        (mf.make_png(64, 64), "image/png"),
        (mf.make_webp(64, 64), "image/webp"),
        (mf.make_tiff(64, 64), "image/jpeg"),
        (mf.make_gif(64, 64), "image/png"),
        (mf.make_svg(), "image/png"),
        (mf.make_pdf(width_pt=64, height_pt=64), "image/jpeg"),
    ],
    ids=["jpeg", "png", "webp", "tiff", "gif", "svg", "pdf"],
)
def test_default_output_format(tmp_path, data, mime):
    assert one(tmp_path, data, "max-32").mime == mime


def test_tiff_output(tmp_path):
    image = decode(one(tmp_path, mf.make_jpeg(64, 64), "max-32|format-tiff"))
    assert image.format == "TIFF"


def test_quality_changes_the_size(tmp_path):
    data = mf.make_jpeg(400, 300, pattern="noise")
    low = one(tmp_path, data, "max-300|format-webp|quality-10")
    high = one(tmp_path, data, "max-300|format-webp|quality-95")
    assert len(low.data) < len(high.data) / 2


def test_renditions_carry_no_metadata(tmp_path):
    data = mf.make_jpeg(200, 100, exif={"gps": (-34.6, -58.4), "artist": "Ana"}, xmp="<x/>")
    image = decode(one(tmp_path, data, "max-100|format-jpeg"))
    assert not image.getexif()
    assert "xmp" not in image.info


@pytest.mark.parametrize(
    ("data", "spec", "size", "color"),
    [
        (mf.make_gif(64, 48), "max-64|format-png", (64, 48), RED),  # the first frame
        (mf.make_heic(64, 48, color=(10, 90, 200)), "max-64|format-png", (64, 48), (10, 90, 200)),
        (mf.make_avif(64, 48, color=(10, 90, 200)), "max-64|format-png", (64, 48), (10, 90, 200)),
        (mf.make_tiff(64, 48, color=(20, 160, 90)), "max-64|format-png", (64, 48), (20, 160, 90)),
        (
            mf.make_webp(64, 48, "RGB", color=(250, 200, 0)),
            "max-64|format-png",
            (64, 48),
            (250, 200, 0),
        ),
        (mf.make_svg(fill="#009639"), "max-400|format-png", (400, 200), (0, 150, 57)),
        (
            mf.make_pdf(width_pt=200, height_pt=100, color=(0, 51, 160)),
            "max-400|format-png",
            (400, 200),
            (0, 51, 160),
        ),
        (
            mf.make_mp4(0.5, 160, 120, color=(200, 40, 40)),
            "max-320|format-png",
            (160, 120),
            (200, 40, 40),
        ),
    ],
    ids=["gif", "heic", "avif", "tiff", "webp", "svg", "pdf", "video"],
)
def test_every_source_kind(tmp_path, data, spec, size, color):
    image = decode(one(tmp_path, data, spec)).convert("RGB")
    assert image.size == size
    assert close(image.getpixel((size[0] // 2, size[1] // 2)), color, tolerance=12)


def test_16_bit_tiff(tmp_path):
    image = decode(one(tmp_path, mf.make_tiff(64, 32, mode="I;16B"), "max-64|format-png"))
    # The generator's ramp runs from black at the top left to white at the bottom right.
    gray = np.asarray(image.convert("L")).astype(int)
    assert gray[0, 0] < 5 and gray[-1, -1] > 250
    assert np.all(np.diff(gray[:, 0]) >= 0)


def test_svg_transparency_is_kept(tmp_path):
    data = mf.make_svg('<circle cx="100" cy="50" r="10" fill="red"/>', fill="none")
    image = decode(one(tmp_path, data, "max-200|format-webp"))
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((100, 50))[3] == 255


def test_video_poster_is_displayed_upright(tmp_path):
    image = decode(one(tmp_path, mf.make_mp4(1.0, 320, 240, rotation=90), "max-320|format-png"))
    assert image.size == (240, 320)


def test_video_poster_is_taken_after_the_start(tmp_path):
    # The generator's frames scroll red by 8 per frame; frame 0 has red 0 at x=0.
    data = mf.make_mp4(2.0, 160, 120, fps=25)
    image = decode(one(tmp_path, data, "original|format-png")).convert("RGB")
    assert 25 <= image.getpixel((0, 60))[0] <= 60  # about frame 5 (0.2 s, 10%): red near 40


def test_audio_waveform(tmp_path):
    image = decode(one(tmp_path, mf.make_wav(1.0), "max-400|format-png"))
    assert image.size == (400, 200)
    alpha = np.asarray(image.getchannel("A"))
    assert alpha[100].max() == 255  # bars across the middle
    assert alpha[0].max() == 0  # background transparent
    silent = decode(one(tmp_path, mf.make_wav(1.0, amplitude=0.0), "max-400|format-png"))
    assert np.asarray(silent.getchannel("A"))[50].max() == 0  # a flat line only


def test_render_many_decodes_once_and_makes_the_thumb_from_the_preview(tmp_path, monkeypatch):
    big = mf.make_image(600, 400, pattern="noise").resize((6000, 4000), Image.Resampling.BILINEAR)
    path, sniffed = write(tmp_path, mf.make_jpeg(image=big, quality=85))
    loads, resized_from = [], []
    real_load, real_resize = ImageFile.ImageFile.load, Image.Image.resize

    def counting_load(self):
        if getattr(self, "tile", None):  # something left to decode
            loads.append(self.size)
        return real_load(self)

    def recording_resize(self, size, *args, **kwargs):
        resized_from.append((self.size, size))
        return real_resize(self, size, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    monkeypatch.setattr(Image.Image, "resize", recording_resize)
    out = render_many(path, sniffed, STANDARD_RENDITIONS, SETTINGS)
    assert (out["preview"].width, out["preview"].height) == (1600, 1067)
    assert (out["thumb"].width, out["thumb"].height) == (320, 213)
    assert loads == [(3000, 2000)]  # one decode, at half scale through draft()
    assert ((1600, 1067), (320, 213)) in resized_from


def test_invalid_spec_fails_before_any_decoding(tmp_path):
    missing = tmp_path / "does-not-exist"
    with pytest.raises(InvalidFilterSpecError):
        render(missing, sniff(mf.make_jpeg()), "max-0", SETTINGS)


@pytest.mark.parametrize(
    "data",
    [
        mf.make_jpeg(300, 200, pattern="noise")[:3000],
        mf.make_png(300, 200, "RGB", pattern="noise")[:5000],
        mf.make_webp(image=mf.make_image(300, 200, pattern="noise"))[:2000],
    ],
    ids=["jpeg", "png", "webp"],
)
def test_truncated_images_raise_invalid_file(tmp_path, data):
    with pytest.raises(InvalidFile) as info:
        one(tmp_path, data, "max-100")
    assert info.value.message in ("The file is damaged or incomplete.",)


def test_decompression_bomb_is_refused_quickly(tmp_path):
    started = time.perf_counter()
    with pytest.raises(InvalidFile) as info:
        one(tmp_path, mf.make_png_header(100_000, 100_000), "max-320")
    assert info.value.message == "The image is too large to process."
    assert time.perf_counter() - started < 1.0


def test_output_size_is_bounded_by_the_pixel_limit(tmp_path):
    with pytest.raises(InvalidFile):
        one(tmp_path, mf.make_svg(), "width-10000", IngestSettings(max_image_pixels=1_000_000))
