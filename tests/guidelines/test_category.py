"""The piece category judged from the content: tables of generated images and drawings."""

from __future__ import annotations

import io
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from guidelines import SHIPPED_BRANDS, load_brands_dir
from guidelines.category import infer_category
from guidelines.examples import write_logos
from tests.assets.media_factory import make_exif
from tests.guidelines.helpers import photo

CAMERA = {"make": "Canon", "model": "Canon EOS R6", "exposure_time": (1, 250)}


@cache
def _official() -> tuple[Image.Image, bytes]:
    brand = load_brands_dir(SHIPPED_BRANDS)["gobierno-provincial"]
    with tempfile.TemporaryDirectory() as folder:
        files = write_logos(brand, Path(folder))
        with Image.open(files["principal"]["png"]) as drawn:
            png = drawn.convert("RGBA")
        return png, files["principal"]["svg"].read_bytes()


def swirl() -> Image.Image:
    """A one-colour anti-aliased mark on a transparent background (a Debian-like logo)."""
    im = Image.new("RGBA", (800, 1000), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    for r in range(100, 380, 6):
        draw.arc((400 - r, 500 - r, 400 + r, 500 + r), r, r + 250, fill=(215, 10, 83, 255), width=5)
    return im.filter(ImageFilter.GaussianBlur(1))


def poster(size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """Flat colour blocks and bars of "text": a graphic piece."""
    im = Image.new("RGB", size, (31, 78, 140))
    draw = ImageDraw.Draw(im)
    w, h = size
    draw.rectangle((0, int(h * 0.7), w, h), fill=(224, 165, 38))
    for i in range(6):
        y = int(h * 0.1) + i * int(h * 0.06)
        draw.rectangle(
            (int(w * 0.1), y, int(w * (0.5 + 0.05 * i)), y + int(h * 0.03)), fill="white"
        )
    return im


def cutout() -> Image.Image:
    """A photograph cut out on a transparent background: many colours, transparent."""
    rgba = photo(900, 600).convert("RGBA")
    mask = Image.new("L", rgba.size, 0)
    ImageDraw.Draw(mask).ellipse((150, 50, 750, 550), fill=255)
    rgba.putalpha(mask)
    return rgba


def encoded(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def _svg(body: str, w: int = 200, h: int = 200) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">{body}</svg>'
    ).encode()


def illustration() -> bytes:
    rng = np.random.default_rng(5)
    shapes = []
    for _ in range(300):
        x, y, r = (int(v) for v in rng.integers(0, 800, 3) % (800, 600, 60))
        color = "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rng.integers(0, 256, 3)))
        shapes.append(f'<circle cx="{x}" cy="{y}" r="{r + 3}" fill="{color}"/>')
    return _svg("".join(shapes), 800, 600)


def flyer() -> bytes:
    return _svg(
        '<rect width="600" height="800" fill="#1f4e8c"/>'
        '<text x="40" y="100" fill="#ffffff">Jornada de vacunación en la plaza '
        "central este sábado desde las nueve</text>",
        600,
        800,
    )


def banner() -> bytes:
    return _svg(
        '<rect width="1200" height="150" fill="#1f4e8c"/>'
        '<circle cx="75" cy="75" r="50" fill="#e0a526"/>',
        1200,
        150,
    )


def with_picture() -> bytes:
    png = encoded(Image.new("RGB", (4, 4), (9, 9, 9)), "PNG")
    import base64

    href = "data:image/png;base64," + base64.b64encode(png).decode()
    return _svg(f'<image href="{href}" width="200" height="200"/>')


CASES = [
    # (name, kind, mime, bytes, expected)
    (
        "official logo, transparent PNG",
        "image",
        "image/png",
        lambda: encoded(_official()[0], "PNG"),
        "logo",
    ),
    (
        "one-colour swirl on transparency",
        "image",
        "image/png",
        lambda: encoded(swirl(), "PNG"),
        "logo",
    ),
    (
        "the swirl as an 8-bit palette PNG",
        "image",
        "image/png",
        lambda: encoded(swirl().convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"),
        "logo",
    ),
    (
        "photo with camera EXIF",
        "image",
        "image/jpeg",
        lambda: encoded(photo(1200, 800), "JPEG", exif=make_exif(CAMERA)),
        "photo",
    ),
    (
        "photo without EXIF",
        "image",
        "image/jpeg",
        lambda: encoded(photo(1200, 800), "JPEG", quality=90),
        "photo",
    ),
    (
        "flat poster (JPEG)",
        "image",
        "image/jpeg",
        lambda: encoded(poster(), "JPEG", quality=92),
        "graphic",
    ),
    (
        "flat post at 1080 x 1080",
        "image",
        "image/png",
        lambda: encoded(poster((1080, 1080)), "PNG"),
        "social",
    ),
    (
        "photographic story at 1080 x 1920",
        "image",
        "image/jpeg",
        lambda: encoded(photo(1080, 1920), "JPEG"),
        "social",
    ),
    (
        "camera photo at 1080 x 1080 stays a photo",
        "image",
        "image/jpeg",
        lambda: encoded(photo(1080, 1080), "JPEG", exif=make_exif(CAMERA)),
        "photo",
    ),
    (
        "photo cut out on transparency",
        "image",
        "image/png",
        lambda: encoded(cutout(), "PNG"),
        "graphic",
    ),
    ("official logo SVG", "vector", "image/svg+xml", lambda: _official()[1], "logo"),
    (
        "simple mark SVG",
        "vector",
        "image/svg+xml",
        lambda: _svg(
            '<circle cx="100" cy="100" r="80" fill="#1f4e8c"/>'
            '<text x="60" y="110" fill="#ffffff">Salud</text>'
        ),
        "logo",
    ),
    (
        "illustration SVG: 300 shapes, many colours",
        "vector",
        "image/svg+xml",
        illustration,
        "graphic",
    ),
    ("flyer SVG with running text", "vector", "image/svg+xml", flyer, "graphic"),
    ("banner SVG, 8:1", "vector", "image/svg+xml", banner, "graphic"),
    ("SVG with an embedded picture", "vector", "image/svg+xml", with_picture, "graphic"),
    (
        "unreadable image: by type",
        "image",
        "image/png",
        lambda: b"\x89PNG\r\n\x1a\nbroken",
        "photo",
    ),
    ("video", "video", "video/mp4", lambda: b"", "video"),
    ("audio", "audio", "audio/mpeg", lambda: b"", "audio"),
    ("PDF", "document", "application/pdf", lambda: b"%PDF-1.4", "graphic"),
]


@pytest.mark.parametrize(
    ("name", "kind", "mime", "make", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_category_is_judged_from_the_content(tmp_path, name, kind, mime, make, expected) -> None:
    path = tmp_path / "piece"
    path.write_bytes(make())
    guess = infer_category(path, kind, mime)
    assert guess.category == expected, (name, guess)
    assert guess.reason


def _thumbnail(data: bytes) -> bytes:
    """The upload's WebP thumbnail (lossy, at most 320 px, transparency kept)."""
    with Image.open(io.BytesIO(data)) as im:
        small = im.convert("RGBA")
    small.thumbnail((320, 320))
    return encoded(small, "WEBP", quality=80)


RASTER = [c for c in CASES if c[2] in ("image/png", "image/jpeg") and "unreadable" not in c[0]]


@pytest.mark.parametrize(
    ("name", "kind", "mime", "make", "expected"), RASTER, ids=[c[0] for c in RASTER]
)
def test_the_thumbnail_gives_the_same_category(tmp_path, name, kind, mime, make, expected) -> None:
    data = make()
    path = tmp_path / "piece"
    path.write_bytes(data)
    guess = infer_category(path, kind, mime, thumbnail=_thumbnail(data))
    assert guess.category == expected, (name, guess)


def test_camera_data_in_stored_metadata_counts(tmp_path) -> None:
    path = tmp_path / "poster.jpg"
    path.write_bytes(encoded(poster(), "JPEG"))
    assert infer_category(path, "image", "image/jpeg").category == "graphic"
    stored = {"exif": {"make": "NIKON CORPORATION", "model": "NIKON D750"}}
    assert infer_category(path, "image", "image/jpeg", stored).category == "photo"
