"""Small files that cost a lot to process: the corpus of ``bench/abuse.py`` and its tests.

Each generator returns the bytes of one file, made here and never kept in git:

- ``svg_filter_bomb``: a few kilobytes of SVG, every shape with its own
  turbulence-plus-blur filter; the sanitizer accepts it, resvg spends
  minutes drawing it;
- ``flat_png``: a one-colour PNG of any pixel size, compressed to almost
  nothing (13000 × 13000 is half a megabyte and about 700 MB decoded),
  written row by row so that making it needs no memory;
- ``silent_flac``: hours of silence in a few megabytes;
- ``big_photo``: a camera-sized JPEG (12 MP by default) for free-size requests.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def svg_filter_bomb(shapes: int = 50, side: int = 2000) -> bytes:
    """``shapes`` rectangles, each blurred turbulence over the whole canvas."""
    defs, body = [], []
    for i in range(shapes):
        defs.append(
            f'<filter id="f{i}" x="0" y="0" width="1" height="1">'
            f'<feTurbulence type="fractalNoise" baseFrequency="0.{i % 9 + 1}" numOctaves="8"/>'
            f'<feGaussianBlur stdDeviation="{20 + i}"/></filter>'
        )
        body.append(
            f'<rect x="0" y="0" width="{side}" height="{side}" fill="#0b5cad" filter="url(#f{i})"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
        f'viewBox="0 0 {side} {side}"><defs>{"".join(defs)}</defs>{"".join(body)}</svg>'
    ).encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def flat_png(width: int = 13000, height: int = 13000) -> bytes:
    """An RGB PNG of one colour, deflated in a fraction of a second at any size.

    Rows go to the compressor in blocks of about 1 MB with a full flush after
    each: a full flush resets the compressor, so every identical block after
    the first compresses to the same bytes, which are repeated rather than
    computed again. The zlib header and Adler-32 are written here.
    """
    row = b"\x00" * (1 + 3 * width)
    per_block = max(1, (1 << 20) // len(row))
    blocks, rest = divmod(height, per_block)
    block = row * per_block
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = []
    if blocks:
        parts.append(deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH))
    if blocks > 1:
        again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
        parts.append(again * (blocks - 1))
    parts.append(deflate.compress(row * rest) + deflate.flush())
    adler = 1
    for _ in range(blocks):
        adler = zlib.adler32(block, adler)
    adler = zlib.adler32(row * rest, adler)
    stream = b"\x78\xda" + b"".join(parts) + struct.pack(">I", adler & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", stream)
        + _chunk(b"IEND", b"")
    )


def silent_flac(seconds: float, rate: int = 44100) -> bytes:
    """A mono FLAC of ``seconds`` of digital silence (PyAV's FLAC encoder)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        block = rate  # one second per frame
        silence = np.zeros((1, block), dtype=np.int16)
        left = int(seconds * rate)
        pts = 0
        while left > 0:
            n = min(block, left)
            frame = av.AudioFrame.from_ndarray(silence[:, :n], format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = pts
            for packet in stream.encode(frame):
                container.mux(packet)
            pts += n
            left -= n
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def big_photo(width: int = 4000, height: int = 3000, seed: int = 7) -> bytes:
    """A photo-like JPEG: a gradient with noise (noise keeps it from compressing to nothing)."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    base = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], -1)
    noisy = base + rng.normal(0, 12, (height, width, 1)).astype(np.float32)
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
