"""Camera raw photos through LibRaw (``rawpy``): size, embedded preview, demosaic, EXIF bytes.

LibRaw is a large parser of hostile input, so callers run these functions
inside :func:`assets.budget.run_within` (ingest, renditions, downloads and the
media job already do): a crash or a runaway decode ends the child, not the
server. Its failures become ``InvalidFile`` here, and sizes are checked
against ``IngestSettings`` before a single pixel is unpacked.

A raw photo is shown from the JPEG the camera embedded when that JPEG is big
enough for what is asked (it is the camera's own rendering, and reading it
costs milliseconds); otherwise the mosaic is demosaiced, at half size when
half is enough (four times fewer pixels to interpolate).
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from assets.budget import check_decode
from assets.errors import DAMAGED, InvalidFile
from assets.media import TOO_LARGE, decoder_errors
from assets.settings import IngestSettings
from assets.sniff import Sniffed
from assets.sniff.raw import CR3, ORF, RAF, RW2

# LibRaw's flip code -> the transposition that shows the photo upright.
_FLIP = {
    3: Image.Transpose.ROTATE_180,
    5: Image.Transpose.ROTATE_90,
    6: Image.Transpose.ROTATE_270,
}
#: Bytes read from the start of a TIFF-based raw to find its EXIF directories.
EXIF_WINDOW = 8 * 1024 * 1024


def _rawpy() -> Any:
    """The rawpy module, with LibRaw's OpenMP held to one thread.

    Renditions are made in a forked child (assets.budget); libgomp is not
    fork-safe: once a process has run a parallel region with a thread pool, a
    forked child that enters another waits for pool threads that were not
    copied, for ever. One thread makes no pool. libgomp reads the variable when
    it is loaded, so this runs before the first import of rawpy in the process.
    """
    os.environ["OMP_NUM_THREADS"] = "1"
    import rawpy

    return rawpy


def _errors() -> tuple[type[BaseException], ...]:
    rawpy = _rawpy()
    return (rawpy.LibRawError, rawpy.NotSupportedError)


@contextlib.contextmanager
def open_raw(path: Path, settings: IngestSettings) -> Iterator[Any]:
    """A ``rawpy.RawPy`` with the file opened (not unpacked), its size checked."""
    rawpy = _rawpy()

    raw = rawpy.RawPy()
    try:
        with _raw_errors():
            raw.open_file(str(path))
            sizes = raw.sizes
        if sizes.width <= 0 or sizes.height <= 0:
            raise InvalidFile(DAMAGED, reason="raw_size")
        pixels = max(sizes.raw_width * sizes.raw_height, sizes.width * sizes.height)
        if pixels > settings.max_image_pixels:
            raise InvalidFile(TOO_LARGE, width=sizes.raw_width, height=sizes.raw_height)
        yield raw
    finally:
        raw.close()


@contextlib.contextmanager
def _raw_errors() -> Iterator[None]:
    try:
        with decoder_errors():
            yield
    except _errors() as exc:
        raise InvalidFile(DAMAGED, error=f"{type(exc).__name__}: {exc}"[:200]) from exc


@dataclass(frozen=True)
class RawSize:
    """The photo's size as displayed (after the camera's rotation), and its preview's."""

    width: int
    height: int
    flip: int
    thumb: tuple[int, int] | None


def raw_size(path: Path, settings: IngestSettings) -> RawSize:
    """Displayed width and height, rotation code and embedded preview size (None if none)."""
    with open_raw(path, settings) as raw:
        sizes = raw.sizes
        width, height = sizes.width, sizes.height
        if sizes.flip in (5, 6):
            width, height = height, width
        thumb = None
        with contextlib.suppress(InvalidFile), _raw_errors():
            image = _thumb_image(raw, settings)
            if image is not None:
                turned = _turns(image, sizes.flip) in (5, 6)
                thumb = (image.height, image.width) if turned else image.size
        return RawSize(width, height, sizes.flip, thumb)


def raw_facts(path: Path, settings: IngestSettings) -> tuple[Any, Any]:
    """LibRaw's reading of exposure and lens (``other``, ``lens``).

    LibRaw unpacks the mosaic to answer, so a truncated or damaged raw is
    refused here, at ingest, even when its embedded preview is intact.
    """
    with open_raw(path, settings) as raw:
        sizes = raw.sizes
        check_decode(sizes.raw_width, sizes.raw_height, "I;16", settings.budget)
        with _raw_errors():
            return raw.other, raw.lens


def _thumb_image(raw: Any, settings: IngestSettings) -> Image.Image | None:
    """The embedded preview as stored (not rotated), or None when there is none usable."""
    rawpy = _rawpy()

    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
        return None
    if thumb.format == rawpy.ThumbFormat.JPEG:
        im = Image.open(io.BytesIO(thumb.data), formats=["JPEG"])
        if im.width * im.height > settings.max_image_pixels:
            return None
        return im
    if thumb.format == rawpy.ThumbFormat.BITMAP:
        data = np.asarray(thumb.data)
        if data.ndim == 3 and data.shape[2] == 3 and data.dtype == np.uint8:
            return Image.fromarray(data, "RGB")
    return None


def raw_image(path: Path, settings: IngestSettings, need: tuple[int, int]) -> Image.Image:
    """The photo, upright, RGB, at least ``need`` pixels when the file has that many.

    The embedded preview when it covers ``need``; otherwise a demosaic (half
    size when half covers it), held to the work budget before unpacking.
    """
    with open_raw(path, settings) as raw:
        sizes = raw.sizes
        with _raw_errors():
            thumb = _thumb_image(raw, settings)
            if thumb is not None:
                turned = _turns(thumb, sizes.flip)
                shown = (thumb.height, thumb.width) if turned in (5, 6) else thumb.size
                if shown[0] >= need[0] and shown[1] >= need[1]:
                    if thumb.format == "JPEG":
                        stored = (need[1], need[0]) if turned in (5, 6) else need
                        thumb.draft("RGB", stored)
                    thumb = thumb.convert("RGB")
                    return thumb.transpose(_FLIP[turned]) if turned else thumb
            width, height = sizes.width, sizes.height
            if sizes.flip in (5, 6):
                width, height = height, width
            half = width // 2 >= need[0] and height // 2 >= need[1]
            # The mosaic (2 bytes a pixel), then 16-bit RGB at the output size.
            check_decode(sizes.raw_width, sizes.raw_height, "I;16", settings.budget)
            out_w, out_h = (width // 2, height // 2) if half else (width, height)
            check_decode(out_w, out_h, "RGB", settings.budget)
            raw.unpack()
            rgb = raw.postprocess(half_size=half, use_camera_wb=True, output_bps=8)
        return Image.fromarray(np.ascontiguousarray(rgb), "RGB")


def _turns(im: Image.Image, flip: int) -> int:
    """The flip to apply to a camera's preview (stored unrotated, unless already turned)."""
    if flip not in _FLIP or (flip in (5, 6) and im.height > im.width):
        return 0
    return flip


# --- EXIF ---------------------------------------------------------------------


def exif_blocks(path: Path, sniffed: Sniffed) -> list[bytes]:
    """TIFF structures holding the raw's EXIF, for Pillow's ``Exif.load``.

    TIFF-based raws are read from their start (ORF and RW2 have their own
    magic where TIFF has ``*``); a RAF's EXIF is in its embedded JPEG; a CR3
    keeps IFD0, the EXIF directory and GPS in boxes ``CMT1``, ``CMT2`` and
    ``CMT4``, each a TIFF of its own (returned in that order).
    """
    with path.open("rb") as fh:
        head = fh.read(EXIF_WINDOW)
    if sniffed == RAF:
        return _raf_exif(head)
    if sniffed == CR3:
        return _cr3_boxes(head)
    if sniffed in (ORF, RW2):
        head = head[:2] + (b"*\x00" if head[:2] == b"II" else b"\x00*") + head[4:]
    return [head]


def _raf_exif(head: bytes) -> list[bytes]:
    try:
        offset, length = struct.unpack_from(">LL", head, 84)
    except struct.error:
        return []
    jpeg = head[offset : offset + length]
    try:
        with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as im:
            exif = im.info.get("exif")
    except (OSError, ValueError, SyntaxError):
        return []
    return [exif[6:]] if isinstance(exif, bytes) and exif.startswith(b"Exif\0\0") else []


def _cr3_boxes(head: bytes) -> list[bytes]:
    out: list[bytes] = []
    for name in (b"CMT1", b"CMT2", b"CMT4"):
        at = head.find(name)
        if at < 4:
            out.append(b"")
            continue
        (size,) = struct.unpack_from(">L", head, at - 4)
        out.append(head[at + 4 : at - 4 + size] if 8 < size < len(head) else b"")
    return out
