"""Media files generated in memory for tests across the project.

Every generator returns the bytes of a small, valid file made with Pillow,
pillow-heif, PyAV or numpy, so no binary fixture is ever committed. Metadata
(EXIF, IPTC, XMP, ICC) is written the way cameras and Photoshop write it, so
the readers are tested against the real structures::

    from tests.assets.media_factory import make_jpeg, make_mp4

    data = make_jpeg(400, 200, orientation=6, exif={"make": "Canon", "gps": (-34.6, -58.4)})
"""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib
from collections.abc import Iterable, Sequence
from fractions import Fraction

import av
import numpy as np
import pillow_heif
from PIL import ExifTags, Image, TiffImagePlugin

Color = tuple[int, ...] | str

pillow_heif.register_heif_opener()

# --- images ------------------------------------------------------------------


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


def make_svg(
    extra: str = "",
    *,
    width: str | None = "200",
    height: str | None = "100",
    viewbox: str | None = "0 0 200 100",
    fill: str = "#0033a0",
    prologue: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
) -> bytes:
    """A small SVG logo: a filled rectangle plus ``extra`` markup inside the root."""
    attrs = ['xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"']
    if width is not None:
        attrs.append(f'width="{width}"')
    if height is not None:
        attrs.append(f'height="{height}"')
    if viewbox is not None:
        attrs.append(f'viewBox="{viewbox}"')
    body = f'<rect x="0" y="0" width="200" height="100" fill="{fill}"/>{extra}'
    return f"{prologue}<svg {' '.join(attrs)}>{body}</svg>\n".encode()


def make_pdf(
    pages: int = 1,
    *,
    width_pt: int = 595,
    height_pt: int = 842,
    color: Color = (0, 51, 160),
    pattern: str | None = None,
) -> bytes:
    """A PDF whose pages are plain images of ``width_pt`` x ``height_pt`` points."""
    images = [make_image(width_pt, height_pt, color=color, pattern=pattern) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=72.0, save_all=True, append_images=images[1:])
    return buf.getvalue()


# --- colour profiles -----------------------------------------------------------

# sRGB primaries adapted to D50, as ICC profiles store them.
SRGB_D50 = {
    "r": (0.4360747, 0.2225045, 0.0139322),
    "g": (0.3850649, 0.7168786, 0.0971045),
    "b": (0.1430804, 0.0606169, 0.7141733),
}


def make_icc_rgb(
    description: str = "Test RGB",
    *,
    primaries: dict[str, tuple[float, float, float]] | None = None,
    gamma: float = 2.2,
) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile.

    ``primaries`` maps ``r``/``g``/``b`` to D50 XYZ colourants; swapping
    sRGB's red and blue makes a profile whose effect on colour is obvious.
    """
    prim = primaries or SRGB_D50

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(values: Iterable[float]) -> bytes:
        return b"XYZ \x00\x00\x00\x00" + b"".join(s15(v) for v in values)

    ascii_ = description.encode("ascii", "replace") + b"\x00"
    desc = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(ascii_)) + ascii_
    desc += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\x00" * 67
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256))
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"cprt", b"text\x00\x00\x00\x00" + b"No copyright\x00"),
        (b"rXYZ", xyz(prim["r"])),
        (b"gXYZ", xyz(prim["g"])),
        (b"bXYZ", xyz(prim["b"])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    return _icc(b"mntr", b"RGB ", b"XYZ ", tags)


def _icc(device_class: bytes, space: bytes, pcs: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    body = b""
    for sig, data in tags:
        pad = (-len(data)) % 4
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\x00" * pad
    size = 128 + table_size + len(body)
    header = struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000)
    header += device_class + space + pcs + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
    header += b"acsp" + b"\x00" * 24 + struct.pack(">I", 0)
    header += struct.pack(">iii", round(0.9642 * 65536), 65536, round(0.8249 * 65536))
    header += b"\x00" * (128 - len(header))
    return header + table + body


# --- video and audio -------------------------------------------------------------


def video_codec() -> str:
    """H.264 when the PyAV wheel has libx264, MPEG-4 Part 2 otherwise."""
    try:
        av.codec.Codec("libx264", "w")
    except Exception:
        return "mpeg4"
    return "libx264"


def _frames(n: int, w: int, h: int, color: Color | None) -> Iterable[np.ndarray]:
    for i in range(n):
        if color is not None:
            yield np.full((h, w, 3), color, np.uint8)
        else:
            # A moving gradient so every frame differs (and posters can be told apart).
            x = np.linspace(0, 255, w, dtype=np.float32)[None, :]
            y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
            r = (x + i * 8) % 256
            frame = np.stack([np.broadcast_to(r, (h, w)), np.broadcast_to(y, (h, w)),
                              np.full((h, w), 128, np.float32)], axis=-1)  # fmt: skip
            yield frame.astype(np.uint8)


def _encode_video(
    fmt: str,
    codec: str,
    seconds: float,
    w: int,
    h: int,
    fps: int,
    *,
    audio: str | None = None,
    rotation: int | None = None,
    color: Color | None = None,
    metadata: dict[str, str] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        if rstream := rotation:
            stream.set_display_rotation(rstream)
        astream = out.add_stream(audio, rate=48000, layout="stereo") if audio else None
        for i, arr in enumerate(_frames(max(1, round(seconds * fps)), w, h, color)):
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if astream is not None:
            _encode_tone(out, astream, seconds, 440, 0.3, 48000)
    return buf.getvalue()


def make_mp4(
    seconds: float = 1.0,
    w: int = 320,
    h: int = 240,
    fps: int = 25,
    *,
    audio: bool = False,
    rotation: int | None = None,
    color: Color | None = None,
    codec: str | None = None,
    metadata: dict[str, str] | None = None,
) -> bytes:
    """An MP4 (H.264 if available), optionally with AAC audio and a display rotation."""
    return _encode_video(
        "mp4", codec or video_codec(), seconds, w, h, fps,
        audio="aac" if audio else None, rotation=rotation, color=color, metadata=metadata,
    )  # fmt: skip


def make_mov(seconds: float = 1.0, w: int = 320, h: int = 240, fps: int = 25) -> bytes:
    """A QuickTime (.mov) file."""
    return _encode_video("mov", video_codec(), seconds, w, h, fps)


def make_webm(
    seconds: float = 1.0, w: int = 320, h: int = 240, fps: int = 25, *, audio: bool = False
) -> bytes:
    """A WebM with VP8 video (and Opus audio when asked)."""
    return _encode_video("webm", "libvpx", seconds, w, h, fps, audio="libopus" if audio else None)


def _tone(seconds: float, freq: float, amplitude: float, rate: int) -> np.ndarray:
    t = np.arange(round(seconds * rate), dtype=np.float64) / rate
    return (amplitude * np.sin(2 * math.pi * freq * t)).astype(np.float32)


def _encode_tone(
    out: av.container.OutputContainer,
    stream: av.audio.stream.AudioStream,
    seconds: float,
    freq: float,
    amplitude: float,
    rate: int,
) -> None:
    samples = _tone(seconds, freq, amplitude, rate)
    channels = stream.layout.nb_channels
    fmt = stream.format.name
    size = stream.frame_size or 1024
    for start in range(0, len(samples), size):
        chunk = samples[start : start + size]
        if fmt.endswith("p"):
            arr = np.repeat(chunk[None, :], channels, axis=0)
        else:
            arr = np.repeat(chunk, channels)[None, :]
        if fmt.startswith("s16"):
            arr = (arr * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            arr = (arr.astype(np.float64) * 2147483647).astype(np.int32)
        elif fmt.startswith("dbl"):
            arr = arr.astype(np.float64)
        arr = np.ascontiguousarray(arr)
        frame = av.AudioFrame.from_ndarray(arr, format=fmt, layout=stream.layout)
        frame.sample_rate = rate
        frame.pts = start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def _encode_audio(
    fmt: str,
    codec: str,
    seconds: float,
    freq: float,
    amplitude: float,
    rate: int,
    *,
    layout: str = "stereo",
    tags: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        for key, value in (tags or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if options:
            stream.options = options
        _encode_tone(out, stream, seconds, freq, amplitude, rate)
    return buf.getvalue()


def make_wav(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    channels: int = 1,
) -> bytes:
    """A 16-bit PCM WAV sine tone (written with the standard library)."""
    samples = (_tone(seconds, freq, amplitude, rate) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(samples, channels).tobytes())
    return buf.getvalue()


def make_mp3(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 44100,
    *,
    tags: dict[str, str] | None = None,
) -> bytes:
    """An MP3 (LAME) sine tone, with ID3 tags when given."""
    return _encode_audio("mp3", "libmp3lame", seconds, freq, amplitude, rate, tags=tags)


def make_ogg(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    codec: str = "libopus",
) -> bytes:
    """An Ogg audio file (Opus by default; ``codec="vorbis"`` for Vorbis)."""
    options = {"strict": "experimental"} if codec == "vorbis" else None
    return _encode_audio("ogg", codec, seconds, freq, amplitude, rate, options=options)


def make_m4a(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    container: str = "ipod",
) -> bytes:
    """AAC audio in an M4A (``ftyp M4A``) file; ``container="mp4"`` writes ``ftyp isom``."""
    return _encode_audio(container, "aac", seconds, freq, amplitude, rate)


def make_flac(
    seconds: float = 1.0, freq: float = 440, amplitude: float = 0.5, rate: int = 48000
) -> bytes:
    return _encode_audio("flac", "flac", seconds, freq, amplitude, rate, layout="mono")
