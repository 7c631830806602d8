"""Raster images: JPEG (with EXIF, IPTC, XMP, ICC), PNG, TIFF, WebP, GIF, HEIC, AVIF."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pillow_heif
from PIL import ExifTags, Image, TiffImagePlugin

Color = tuple[int, ...] | str

pillow_heif.register_heif_opener()


def make_image(
    w: int = 640,
    h: int = 480,
    *,
    mode: str = "RGB",
    color: Color = (200, 60, 40),
    pattern: str | None = None,
) -> Image.Image:
    """A Pillow image; ``pattern="quadrants"`` paints four distinct quarters.

    Quadrant colours (RGB): top-left red, top-right green, bottom-left blue,
    bottom-right yellow, so crops and rotations can be told apart.
    """
    if pattern == "quadrants":
        im = Image.new("RGB", (w, h), (255, 0, 0))
        im.paste((0, 255, 0), (w // 2, 0, w, h // 2))
        im.paste((0, 0, 255), (0, h // 2, w // 2, h))
        im.paste((255, 255, 0), (w // 2, h // 2, w, h))
        return im.convert(mode) if mode != "RGB" else im
    if pattern == "noise":
        rng = np.random.default_rng(7)
        arr = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        return Image.fromarray(arr, "RGB").convert(mode)
    if isinstance(color, tuple) and mode == "RGBA" and len(color) == 3:
        color = (*color, 255)
    return Image.new(mode, (w, h), color)


_EXIF_BASE = {
    "make": 0x010F,
    "model": 0x0110,
    "artist": 0x013B,
    "copyright": 0x8298,
    "description": 0x010E,
    "software": 0x0131,
    "datetime": 0x0132,
}
_EXIF_SUB = {
    "exposure_time": 0x829A,
    "f_number": 0x829D,
    "iso": 0x8827,
    "datetime_original": 0x9003,
    "offset_time_original": 0x9011,
    "focal_length": 0x920A,
    "lens": 0xA434,
}


def make_exif(exif: dict | None = None, *, orientation: int | None = None) -> Image.Exif:
    """An ``Image.Exif`` from friendly names (see ``_EXIF_BASE``/``_EXIF_SUB``).

    ``gps`` is ``(lat, lon)`` in signed decimal degrees; integer keys are raw
    IFD0 tags (for hostile values).
    """
    out = Image.Exif()
    if orientation is not None:
        out[0x0112] = orientation
    for key, value in (exif or {}).items():
        if isinstance(key, int):
            out[key] = value
        elif key in _EXIF_BASE:
            out[_EXIF_BASE[key]] = value
        elif key in _EXIF_SUB:
            if isinstance(value, float) or isinstance(value, tuple):
                value = _rational(value)
            out.get_ifd(ExifTags.IFD.Exif)[_EXIF_SUB[key]] = value
        elif key == "gps":
            lat, lon = value
            gps = out.get_ifd(ExifTags.IFD.GPSInfo)
            gps[1], gps[2] = ("S" if lat < 0 else "N"), _dms(abs(lat))
            gps[3], gps[4] = ("W" if lon < 0 else "E"), _dms(abs(lon))
        else:
            raise KeyError(key)
    return out


def _rational(value: float | tuple[int, int]) -> TiffImagePlugin.IFDRational:
    if isinstance(value, tuple):
        return TiffImagePlugin.IFDRational(*value)
    frac = Fraction(value).limit_denominator(100000)
    return TiffImagePlugin.IFDRational(frac.numerator, frac.denominator)


def _dms(deg: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    d = int(deg)
    m = int((deg - d) * 60)
    s = (deg - d - m / 60) * 3600
    return (
        TiffImagePlugin.IFDRational(d, 1),
        TiffImagePlugin.IFDRational(m, 1),
        TiffImagePlugin.IFDRational(round(s * 10000), 10000),
    )


def make_jpeg(
    w: int = 640,
    h: int = 480,
    *,
    color: Color = (200, 60, 40),
    exif: dict | None = None,
    iptc: dict | None = None,
    xmp: str | None = None,
    orientation: int | None = None,
    icc: bytes | None = None,
    mode: str = "RGB",
    quality: int = 90,
    dpi: tuple[int, int] | None = None,
    image: Image.Image | None = None,
    pattern: str | None = None,
) -> bytes:
    """A JPEG, optionally with EXIF, an IPTC block (APP13), XMP, ICC and DPI."""
    im = image or make_image(w, h, mode=mode, color=color, pattern=pattern)
    params: dict = {"quality": quality}
    if exif or orientation is not None:
        params["exif"] = make_exif(exif, orientation=orientation)
    if xmp is not None:
        params["xmp"] = xmp.encode()
    if icc is not None:
        params["icc_profile"] = icc
    if dpi is not None:
        params["dpi"] = dpi
    buf = io.BytesIO()
    im.save(buf, "JPEG", **params)
    data = buf.getvalue()
    return splice_app13(data, iptc_block(iptc)) if iptc else data


# IPTC IIM dataset numbers in record 2 (application record).
IPTC_DATASETS = {
    "object_name": 5,
    "keywords": 25,
    "date_created": 55,
    "time_created": 60,
    "creator": 80,
    "city": 90,
    "state": 95,
    "country": 101,
    "headline": 105,
    "credit": 110,
    "source": 115,
    "copyright": 116,
    "caption": 120,
}


def iptc_block(fields: dict) -> bytes:
    """IPTC IIM records (UTF-8, declared in 1:90) for the given fields."""

    def dataset(record: int, number: int, value: bytes) -> bytes:
        return struct.pack(">BBBH", 0x1C, record, number, len(value)) + value

    out = dataset(1, 90, b"\x1b%G") + dataset(2, 0, b"\x00\x04")
    for key, value in fields.items():
        number = key if isinstance(key, int) else IPTC_DATASETS[key]
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            out += dataset(2, number, v if isinstance(v, bytes) else str(v).encode())
    return out


def splice_app13(jpeg: bytes, iptc: bytes) -> bytes:
    """Insert a Photoshop APP13 segment with an 8BIM 0x0404 (IPTC) resource."""
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    resource += iptc + (b"\x00" if len(iptc) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    pos = 2
    while jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        pos += 2 + struct.unpack(">H", jpeg[pos + 2 : pos + 4])[0]
    return jpeg[:pos] + segment + jpeg[pos:]


def make_png(
    w: int = 640,
    h: int = 480,
    mode: str = "RGBA",
    *,
    color: Color = (30, 120, 200, 128),
    icc: bytes | None = None,
    dpi: tuple[int, int] | None = None,
    xmp: str | None = None,
    image: Image.Image | None = None,
    pattern: str | None = None,
) -> bytes:
    """A PNG (RGBA and half transparent by default)."""
    if isinstance(color, tuple) and mode in ("RGB", "L") and len(color) == 4:
        color = color[:3] if mode == "RGB" else color[0]
    im = image or make_image(w, h, mode=mode, color=color, pattern=pattern)
    params: dict = {}
    if icc is not None:
        params["icc_profile"] = icc
    if dpi is not None:
        params["dpi"] = dpi
    if xmp is not None:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        params["pnginfo"] = info
    buf = io.BytesIO()
    im.save(buf, "PNG", **params)
    return buf.getvalue()


def make_png_header(w: int, h: int, *, bit_depth: int = 8, color_type: int = 2) -> bytes:
    """A PNG whose header declares any size, with one empty image chunk.

    Enough for a reader to learn the declared size (decompression bomb tests)
    without anyone allocating the pixels.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def make_tiff(
    w: int = 640,
    h: int = 480,
    mode: str = "RGB",
    *,
    color: Color = (20, 160, 90),
    compression: str | None = "tiff_lzw",
    exif: dict | None = None,
    icc: bytes | None = None,
) -> bytes:
    """A TIFF: little-endian ``II``, or big-endian ``MM`` with ``mode="I;16B"``."""
    if mode.startswith("I;16"):
        dtype = ">u2" if mode == "I;16B" else "<u2"
        ramp = np.linspace(0, 65535, w * h).reshape(h, w).astype(dtype)
        im = Image.frombytes(mode, (w, h), ramp.tobytes())
    else:
        im = make_image(w, h, mode=mode, color=color)
    params: dict = {}
    # libtiff writes its native byte order; only Pillow's own writer keeps MM.
    if compression and mode != "I;16B":
        params["compression"] = compression
    if exif:
        params["exif"] = make_exif(exif)
    if icc is not None:
        params["icc_profile"] = icc
    buf = io.BytesIO()
    im.save(buf, "TIFF", **params)
    return buf.getvalue()


def make_webp(
    w: int = 640,
    h: int = 480,
    mode: str = "RGBA",
    *,
    color: Color = (250, 200, 0, 100),
    quality: int = 80,
    lossless: bool = False,
    image: Image.Image | None = None,
) -> bytes:
    """A WebP, with alpha by default."""
    im = image or make_image(w, h, mode=mode, color=color)
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=quality, lossless=lossless)
    return buf.getvalue()


def make_gif(
    w: int = 64,
    h: int = 48,
    *,
    frames: int = 3,
    colors: Sequence[Color] | None = None,
    duration: int = 100,
) -> bytes:
    """An animated GIF whose frames are plain colours (first frame red)."""
    palette = list(colors or [(255, 0, 0), (0, 255, 0), (0, 0, 255)])
    images = [Image.new("RGB", (w, h), palette[i % len(palette)]) for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, "GIF", save_all=frames > 1, append_images=images[1:], duration=duration)
    return buf.getvalue()


def make_heic(
    w: int = 320,
    h: int = 240,
    *,
    color: Color = (10, 90, 200),
    exif: dict | None = None,
    orientation: int | None = None,
    quality: int = 80,
) -> bytes:
    """A HEIC still image made by pillow-heif (x265)."""
    im = make_image(w, h, color=color)
    params: dict = {"quality": quality}
    if exif or orientation is not None:
        params["exif"] = make_exif(exif, orientation=orientation).tobytes()
    buf = io.BytesIO()
    im.save(buf, "HEIF", **params)
    return buf.getvalue()


def make_avif(w: int = 320, h: int = 240, *, color: Color = (10, 90, 200)) -> bytes:
    buf = io.BytesIO()
    make_image(w, h, color=color).save(buf, "AVIF", quality=60)
    return buf.getvalue()
