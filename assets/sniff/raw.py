"""Camera raw files recognised from their first bytes.

Most raw formats are TIFF underneath, so the TIFF signature alone cannot tell
a Nikon NEF from a scanned TIFF: the first directory's tags can. A DNG
carries ``DNGVersion`` (50706); a Canon CR2 writes ``CR`` right after the
TIFF header; Nikon and Sony files are TIFFs whose ``Make`` names the maker
and keeps a thumbnail in its first directory (Pillow would show only that
thumbnail, so they are raw, not TIFF; a scanner's TIFF names its maker but
holds the picture itself). The others have signatures of their own: Olympus ORF
(``IIRO``/``IIRS``/``MMOR``), Panasonic RW2 (``IIU\\0``), Fujifilm RAF
(``FUJIFILMCCD-RAW``) and Canon CR3 (an ISO base media file of brand
``crx``).
"""

from __future__ import annotations

import struct

from assets.sniff.sniffed import Sniffed

CR2 = Sniffed("image/x-canon-cr2", "image", "cr2", "Canon raw photo (CR2)")
CR3 = Sniffed("image/x-canon-cr3", "image", "cr3", "Canon raw photo (CR3)")
NEF = Sniffed("image/x-nikon-nef", "image", "nef", "Nikon raw photo (NEF)")
ARW = Sniffed("image/x-sony-arw", "image", "arw", "Sony raw photo (ARW)")
RAF = Sniffed("image/x-fuji-raf", "image", "raf", "Fujifilm raw photo (RAF)")
ORF = Sniffed("image/x-olympus-orf", "image", "orf", "Olympus raw photo (ORF)")
RW2 = Sniffed("image/x-panasonic-rw2", "image", "rw2", "Panasonic raw photo (RW2)")
DNG = Sniffed("image/x-adobe-dng", "image", "dng", "Digital negative (DNG)")

RAW_TYPES: tuple[Sniffed, ...] = (CR2, CR3, NEF, ARW, RAF, ORF, RW2, DNG)
RAW_MIMES = frozenset(t.mime for t in RAW_TYPES)

#: Extensions a raw photo may carry (every raw family is one: cameras rename freely).
RAW_EXTENSIONS = frozenset({"cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "raf"}) | {
    "orf",
    "rw2",
    "raw",
    "dng",
}

_SUBFILE_TYPE, _MAKE, _SUB_IFDS, _DNG_VERSION = 0x00FE, 0x010F, 0x014A, 0xC612
_MAKERS = ((b"NIKON", NEF), (b"SONY", ARW))


def is_raw(sniffed: Sniffed) -> bool:
    return sniffed.mime in RAW_MIMES


def match_raw(head: bytes) -> Sniffed | None:
    """The raw type of a file from its head, or None when it is not a camera raw."""
    if head.startswith(b"FUJIFILMCCD-RAW"):
        return RAF
    if head[:4] in (b"IIRO", b"IIRS", b"MMOR"):
        return ORF
    if head[:4] == b"IIU\x00":
        return RW2
    if head[4:8] == b"ftyp" and head[8:12] == b"crx ":
        return CR3
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        if head[8:10] == b"CR":
            return CR2
        return _tiff_raw(head)
    return None


def _tiff_raw(head: bytes) -> Sniffed | None:
    """DNG, NEF or ARW from the first directory of a TIFF (within the head)."""
    order = "<" if head[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack_from(order + "L", head, 4)
        (count,) = struct.unpack_from(order + "H", head, ifd)
        make = b""
        reduced = False  # the first directory is a thumbnail, the photo is further on
        for i in range(min(count, 400)):
            tag, kind, n, value = struct.unpack_from(order + "HHLL", head, ifd + 2 + 12 * i)
            if tag == _DNG_VERSION:
                return DNG
            if tag == _MAKE and kind == 2:
                at = ifd + 2 + 12 * i + 8 if n <= 4 else value
                make = head[at : at + min(n, 64)].upper()
            if tag == _SUB_IFDS or (tag == _SUBFILE_TYPE and value & 1):
                reduced = True
    except struct.error:
        return None  # a directory beyond the head: an ordinary TIFF as far as we can tell
    if not reduced:
        return None  # a scanner's TIFF names its maker too, but holds the picture itself
    for maker, sniffed in _MAKERS:
        if make.startswith(maker):
            return sniffed
    return None
