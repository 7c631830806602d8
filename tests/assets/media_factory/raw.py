"""Camera raw files for tests: DNG written tag by tag, as the DNG specification lays it out.

``make_dng`` writes a little-endian TIFF whose first directory is the small RGB
thumbnail the specification asks for, with the camera's EXIF and GPS
directories beside it, and two sub-directories: the Bayer mosaic itself
(16-bit samples in an RGGB pattern, 12 bits used) and, optionally, a JPEG
preview of the size given (what cameras and Lightroom embed). LibRaw reads it
as any DNG; ExifTool reads its tags. ``with_dimensions`` rewrites the mosaic's
width and height to lie about its size.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

# TIFF field types: BYTE, ASCII, SHORT, LONG, RATIONAL, SRATIONAL
_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _SRATIONAL = 1, 2, 3, 4, 5, 10
_SIZE = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8, _SRATIONAL: 8}


@dataclass
class _Ifd:
    entries: list[tuple[int, int, Any]] = field(default_factory=list)
    offset: int = 0

    def add(self, tag: int, kind: int, value: Any) -> None:
        self.entries.append((tag, kind, value))


def _encode(kind: int, value: Any) -> tuple[int, bytes]:
    if kind == _ASCII:
        raw = value.encode() + b"\0"
        return len(raw), raw
    values = value if isinstance(value, list | tuple) else [value]
    if kind == _BYTE:
        return len(values), bytes(values)
    if kind == _SHORT:
        return len(values), struct.pack(f"<{len(values)}H", *values)
    if kind == _LONG:
        return len(values), struct.pack(f"<{len(values)}L", *values)
    if kind in (_RATIONAL, _SRATIONAL):
        fmt = "<2L" if kind == _RATIONAL else "<2l"
        out = b""
        for v in values:
            num, den = v if isinstance(v, tuple) else (round(v * 10000), 10000)
            out += struct.pack(fmt, num, den)
        return len(values), out
    raise ValueError(kind)


def _ifd_size(ifd: _Ifd) -> int:
    size = 2 + 12 * len(ifd.entries) + 4
    for _tag, kind, value in ifd.entries:
        data = _encode(kind, value if not callable(value) else [0] * _pointer_count(value))[1]
        if len(data) > 4:
            size += len(data) + len(data) % 2
    return size


def _pointer_count(value: Any) -> int:
    return int(getattr(value, "count", 1))


class _Pointer:
    """A LONG value resolved once the layout is known (offsets of directories or strips)."""

    def __init__(self, resolve: Any, count: int = 1) -> None:
        self.resolve, self.count = resolve, count

    def __call__(self) -> list[int]:
        return list(self.resolve())


def _write_ifd(ifd: _Ifd) -> bytes:
    entries = sorted(ifd.entries, key=lambda e: e[0])
    head = struct.pack("<H", len(entries))
    data = b""
    data_at = ifd.offset + 2 + 12 * len(entries) + 4
    for tag, kind, value in entries:
        count, raw = _encode(kind, value() if callable(value) else value)
        if len(raw) <= 4:
            head += struct.pack("<HHL", tag, kind, count) + raw.ljust(4, b"\0")
        else:
            head += struct.pack("<HHLL", tag, kind, count, data_at + len(data))
            data += raw + b"\0" * (len(raw) % 2)
    return head + struct.pack("<L", 0) + data


def _scene(w: int, h: int) -> np.ndarray:
    """An RGB scene in linear 0..1: warm red left, deep blue right, a light band across."""
    x = np.linspace(0, 1, w)[None, :, None]
    y = np.linspace(0, 1, h)[:, None, None]
    red = np.array([0.85, 0.18, 0.10])
    blue = np.array([0.08, 0.20, 0.80])
    scene = np.where(x < 0.5, red, blue) * (0.55 + 0.45 * y)
    band = (np.abs(y - 0.5) < 0.08).astype(float)
    return np.clip(scene * (1 - band) + 0.9 * band, 0, 1)


def _mosaic(rgb: np.ndarray, white: int) -> np.ndarray:
    """RGGB Bayer samples of a linear RGB scene."""
    h, w, _ = rgb.shape
    out = np.empty((h, w), dtype=np.uint16)
    scaled = (rgb * white).astype(np.uint16)
    out[0::2, 0::2] = scaled[0::2, 0::2, 0]
    out[0::2, 1::2] = scaled[0::2, 1::2, 1]
    out[1::2, 0::2] = scaled[1::2, 0::2, 1]
    out[1::2, 1::2] = scaled[1::2, 1::2, 2]
    return out


def _srgb(rgb: np.ndarray) -> Image.Image:
    encoded = np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055)
    return Image.fromarray((np.clip(encoded, 0, 1) * 255).astype(np.uint8), "RGB")


def make_dng(
    w: int = 256,
    h: int = 170,
    *,
    preview: tuple[int, int] | None = None,
    make: str = "Canon",
    model: str = "Canon EOS R6",
    lens: str = "RF24-105mm F4 L IS USM",
    captured: str = "2024:05:25 11:30:15",
    offset: str | None = "-03:00",
    exposure: tuple[int, int] = (1, 250),
    f_number: float = 5.6,
    iso: int = 400,
    focal: float = 50.0,
    gps: tuple[float, float] | None = (-34.6037, -58.3816),
    orientation: int = 1,
) -> bytes:
    """A DNG of ``w`` × ``h`` Bayer pixels, with a JPEG preview of ``preview`` if given."""
    white = 4095
    scene = _scene(w, h)
    mosaic = _mosaic(scene, white).tobytes()
    thumb_img = _srgb(scene)
    thumb_img.thumbnail((256, 256))
    thumb = thumb_img.tobytes()
    jpeg = b""
    if preview:
        buf = io.BytesIO()
        _srgb(scene).resize(preview, Image.Resampling.BICUBIC).save(buf, "JPEG", quality=85)
        jpeg = buf.getvalue()

    ifd0, raw, prev, exif, gpsifd = _Ifd(), _Ifd(), _Ifd(), _Ifd(), _Ifd()
    blobs: list[bytes] = [thumb, mosaic, jpeg]
    blob_at: list[int] = [0, 0, 0]
    subs = [raw] + ([prev] if preview else [])

    ifd0.add(254, _LONG, 1)
    ifd0.add(256, _LONG, thumb_img.width)
    ifd0.add(257, _LONG, thumb_img.height)
    ifd0.add(258, _SHORT, [8, 8, 8])
    ifd0.add(259, _SHORT, 1)
    ifd0.add(262, _SHORT, 2)
    ifd0.add(271, _ASCII, make)
    ifd0.add(272, _ASCII, model)
    ifd0.add(273, _LONG, _Pointer(lambda: [blob_at[0]]))
    ifd0.add(274, _SHORT, orientation)
    ifd0.add(277, _SHORT, 3)
    ifd0.add(278, _LONG, thumb_img.height)
    ifd0.add(279, _LONG, len(thumb))
    ifd0.add(284, _SHORT, 1)
    ifd0.add(305, _ASCII, "BrandHub test DNG writer")
    ifd0.add(306, _ASCII, captured)
    ifd0.add(330, _LONG, _Pointer(lambda: [s.offset for s in subs], len(subs)))
    ifd0.add(34665, _LONG, _Pointer(lambda: [exif.offset]))
    if gps:
        ifd0.add(34853, _LONG, _Pointer(lambda: [gpsifd.offset]))
    ifd0.add(50706, _BYTE, [1, 4, 0, 0])
    ifd0.add(50707, _BYTE, [1, 1, 0, 0])
    ifd0.add(50708, _ASCII, model)
    # A plain sRGB-ish matrix (XYZ D65 -> camera), and a neutral white balance.
    matrix = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    ifd0.add(50721, _SRATIONAL, matrix)
    ifd0.add(50728, _RATIONAL, [1.0, 1.0, 1.0])
    ifd0.add(50778, _SHORT, 21)

    raw.add(254, _LONG, 0)
    raw.add(256, _LONG, w)
    raw.add(257, _LONG, h)
    raw.add(258, _SHORT, 16)
    raw.add(259, _SHORT, 1)
    raw.add(262, _SHORT, 32803)
    raw.add(273, _LONG, _Pointer(lambda: [blob_at[1]]))
    raw.add(277, _SHORT, 1)
    raw.add(278, _LONG, h)
    raw.add(279, _LONG, len(mosaic))
    raw.add(284, _SHORT, 1)
    raw.add(33421, _SHORT, [2, 2])
    raw.add(33422, _BYTE, [0, 1, 1, 2])
    raw.add(50714, _LONG, 0)
    raw.add(50717, _LONG, white)

    if preview:
        prev.add(254, _LONG, 1)
        prev.add(256, _LONG, preview[0])
        prev.add(257, _LONG, preview[1])
        prev.add(258, _SHORT, [8, 8, 8])
        prev.add(259, _SHORT, 7)
        prev.add(262, _SHORT, 6)
        prev.add(273, _LONG, _Pointer(lambda: [blob_at[2]]))
        prev.add(277, _SHORT, 3)
        prev.add(278, _LONG, preview[1])
        prev.add(279, _LONG, len(jpeg))

    exif.add(33434, _RATIONAL, [exposure])
    exif.add(33437, _RATIONAL, [(round(f_number * 10), 10)])
    exif.add(34855, _SHORT, iso)
    exif.add(36867, _ASCII, captured)
    exif.add(36868, _ASCII, captured)
    if offset:
        exif.add(36881, _ASCII, offset)
    exif.add(37386, _RATIONAL, [(round(focal * 10), 10)])
    exif.add(42036, _ASCII, lens)

    if gps:
        lat, lon = gps
        gpsifd.add(0, _BYTE, [2, 3, 0, 0])
        gpsifd.add(1, _ASCII, "S" if lat < 0 else "N")
        gpsifd.add(2, _RATIONAL, _dms(abs(lat)))
        gpsifd.add(3, _ASCII, "W" if lon < 0 else "E")
        gpsifd.add(4, _RATIONAL, _dms(abs(lon)))

    ifds = [ifd0, exif] + ([gpsifd] if gps else []) + subs
    at = 8
    for ifd in ifds:
        ifd.offset = at
        at += _ifd_size(ifd)
    for i, blob in enumerate(blobs):
        blob_at[i] = at
        at += len(blob)
    out = bytearray(b"II*\0" + struct.pack("<L", ifd0.offset))
    for ifd in ifds:
        assert len(out) == ifd.offset
        out += _write_ifd(ifd)
    for blob in blobs:
        out += blob
    return bytes(out)


def _dms(deg: float) -> list[tuple[int, int]]:
    d = int(deg)
    m = int((deg - d) * 60)
    s = round(((deg - d) * 60 - m) * 60 * 1000)
    return [(d, 1), (m, 1), (s, 1000)]


def with_dimensions(dng: bytes, width: int, height: int) -> bytes:
    """The DNG with its mosaic's width and height tags rewritten (a lying header)."""
    data = bytearray(dng)
    ifd0 = struct.unpack_from("<L", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd0)[0]
    sub_at = None
    for i in range(count):
        tag, kind, n, value = struct.unpack_from("<HHLL", data, ifd0 + 2 + 12 * i)
        if tag == 330:
            sub_at = value if n == 1 else struct.unpack_from("<L", data, value)[0]
    assert sub_at is not None
    count = struct.unpack_from("<H", data, sub_at)[0]
    for i in range(count):
        entry = sub_at + 2 + 12 * i
        tag = struct.unpack_from("<H", data, entry)[0]
        if tag in (256, 257):
            struct.pack_into("<L", data, entry + 8, width if tag == 256 else height)
    return bytes(data)
