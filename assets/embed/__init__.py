"""Writing the archive's record into every file BrandHub hands out.

``write_metadata(data, mime, embedding, size)`` takes an encoded JPEG, PNG,
WebP or TIFF and returns it with the asset's creator, credit line, rights,
title and caption, its resolution and an ICC profile written in: EXIF (Artist,
Copyright, resolution), XMP (the full Unicode text) and IPTC IIM (UTF-8
declared, within the IIM byte limits). Presets, free sizes, ZIP entries,
share-link and press-kit downloads all go through it.

Why a writer of our own
-----------------------
Three ways were weighed; figures from ``bench/metadata_write.py`` on this
2-core machine (median ms; the machine is shared, so ±30%):

=========================  ========  =========  ==================  ===============
download                   encode    this       ExifTool stay-open  ExifTool/file
=========================  ========  =========  ==================  ===============
print JPEG q95, 24 MP      520-590   2-9        80-100              590-800
print TIFF LZW, 24 MP      2500-2900 39         450-600             1000-1200
=========================  ========  =========  ==================  ===============

- ExifTool in stay-open mode (PyExifTool) is the reference writer, but it is
  a Perl runtime dependency in production (a Debian package), one more
  process to keep alive per web worker, and it rewrites the whole file
  through a temporary file: 10-40 times the cost of the splice here.
- pyexiv2 (exiv2 bindings) works in-process but brings a compiled copy of
  exiv2 and still copies the image through it; it was not measured.
- Pillow embeds raw EXIF and XMP bytes but has no IPTC writer, guesses EXIF
  tag types from Python values, and re-encoding PNG and TIFF to add tags
  costs as much as making the file.

The blocks are small and fully specified, so they are built here
(``blocks.py``) and spliced into the encoder's bytes without decoding or
encoding the image again (``containers.py``). ExifTool and exiv2 remain the
oracles: ``tests/app/downloads/test_written_metadata.py`` reads every kind of
download with both (``exiftool -validate -warning`` reports OK, exiv2 prints
every field).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .blocks import IPTC_LIMITS, clean_text, cut_utf8, exif_block, iptc_block, xmp_packet
from .containers import NotWritable, write_jpeg, write_png, write_tiff, write_webp

__all__ = [
    "IPTC_LIMITS",
    "WRITER_VERSION",
    "Embedding",
    "NotWritable",
    "cut_utf8",
    "source_dpi",
    "write_metadata",
]

#: Bumped when what is written changes, so files made by an older writer are made again.
WRITER_VERSION = "2"
#: XMP travels in one JPEG APP1 segment (65,502 bytes): a caption past this is cut in XMP too.
_XMP_CAPTION_LIMIT = 48_000
_XMP_MAX = 65_000


@dataclass(frozen=True)
class Embedding:
    """What goes into a file: the credit fields, the resolution and the colour profile."""

    creator: str = ""
    credit: str = ""
    rights: str = ""
    title: str = ""
    caption: str = ""
    dpi: tuple[float, float] = (72.0, 72.0)
    icc: bytes | None = None

    def cleaned(self) -> Embedding:
        """Control characters out; a missing creator or credit takes the other's value."""
        creator, credit = clean_text(self.creator), clean_text(self.credit)
        dpi = tuple(v if 1 <= v <= 65535 else 72.0 for v in self.dpi)
        return Embedding(
            creator=creator or credit,
            credit=credit or creator,
            rights=clean_text(self.rights),
            title=clean_text(self.title),
            caption=clean_text(self.caption),
            dpi=(float(dpi[0]), float(dpi[1])),
            icc=self.icc,
        )


def write_metadata(data: bytes, mime: str, embedding: Embedding, size: tuple[int, int]) -> bytes:
    """``data`` (a ``mime`` file of ``size`` pixels) with ``embedding`` written in.

    Formats without a place for these fields come back unchanged; bytes that
    are not the format claimed raise :class:`NotWritable`.
    """
    e = embedding.cleaned()
    limit = _XMP_CAPTION_LIMIT
    while True:
        caption_xmp = cut_utf8(e.caption, limit).decode("utf-8")
        xmp = xmp_packet(e.creator, e.credit, e.rights, e.title, caption_xmp)
        if len(xmp) <= _XMP_MAX or not caption_xmp:
            break
        limit //= 2  # escaping (& is &amp;) made the packet too big for one segment
    iptc = iptc_block(e.creator, e.credit, e.rights, e.title, e.caption)
    if mime == "image/jpeg":
        exif = exif_block(e.creator, e.rights, e.dpi, size, jpeg=True)
        return write_jpeg(data, exif=exif, xmp=xmp, iptc=iptc, icc=e.icc, dpi=e.dpi)
    if mime == "image/png":
        exif = exif_block(e.creator, e.rights, e.dpi, size, jpeg=False)
        return write_png(data, exif=exif, xmp=xmp, iptc=iptc, icc=e.icc, dpi=e.dpi)
    if mime == "image/webp":
        exif = exif_block(e.creator, e.rights, e.dpi, size, jpeg=False)
        return write_webp(data, exif=exif, xmp=xmp, icc=e.icc, size=size)
    if mime == "image/tiff":
        return write_tiff(
            data, creator=e.creator, rights=e.rights, xmp=xmp, iptc=iptc, icc=e.icc, dpi=e.dpi
        )
    return data


def source_dpi(path: Path) -> tuple[float, float] | None:
    """The resolution a raster source declares (JFIF, EXIF, pHYs, TIFF), if any."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                dpi = im.info.get("dpi")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None  # not a raster Pillow knows (SVG, PDF): no resolution of its own
    if isinstance(dpi, tuple | list) and len(dpi) == 2:
        x, y = (float(v) for v in dpi)
        if 1 <= x <= 65535 and 1 <= y <= 65535:
            return round(x, 3), round(y, 3)
    return None
