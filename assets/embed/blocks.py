"""The three metadata blocks a download carries, as bytes: EXIF, XMP and IPTC IIM.

Each is built here from the plain values of :class:`~assets.embed.Embedding`;
``containers.py`` puts them into JPEG, PNG, WebP and TIFF files.

- EXIF is a small TIFF structure (IFD0 and an Exif sub-IFD) written by hand,
  so every tag has the type the EXIF 2.32 specification gives it (Pillow's
  writer guesses types from Python values and turns bytes into UNDEFINED).
  Artist and Copyright are "ASCII" fields; non-ASCII text is stored as UTF-8,
  as the Metadata Working Group recommends and as ExifTool and exiv2 read it.
- XMP is the full Unicode text: ``dc:creator``, ``dc:rights``,
  ``photoshop:Credit``, ``dc:title``, ``dc:description``.
- IPTC IIM declares UTF-8 (CodedCharacterSet ``ESC % G``) and keeps the byte
  limits of the IIM 4.2 specification, cutting only between characters.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

# IPTC IIM 4.2 maximum lengths in bytes (record 2, the application record).
IPTC_LIMITS = {
    "by_line": 32,
    "credit": 32,
    "source": 32,
    "headline": 256,
    "copyright": 128,
    "caption": 2000,
}
_IPTC_DATASETS = {
    "headline": 105,
    "by_line": 80,
    "credit": 110,
    "source": 115,
    "copyright": 116,
    "caption": 120,
}

# TIFF field types
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
_TYPE_SIZE = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}

# Tags
X_RESOLUTION, Y_RESOLUTION, RESOLUTION_UNIT = 0x011A, 0x011B, 0x0128
ARTIST, COPYRIGHT, XMP_TAG, YCBCR_POSITIONING = 0x013B, 0x8298, 0x02BC, 0x0213
EXIF_IFD, IPTC_TAG, ICC_TAG = 0x8769, 0x83BB, 0x8773


@dataclass(frozen=True)
class Entry:
    """One IFD entry: its tag, TIFF type, count and value bytes (in the file's byte order)."""

    tag: int
    type: int
    count: int
    value: bytes


def clean_text(value: str | None) -> str:
    """``value`` without control characters (a NUL would end an EXIF string early)."""
    if not value:
        return ""
    return "".join(ch for ch in value if ch >= " " or ch == "\t").strip()


def cut_utf8(text: str, limit: int) -> bytes:
    """``text`` as UTF-8 in at most ``limit`` bytes, cut between characters."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return raw
    return raw[:limit].decode("utf-8", "ignore").encode("utf-8")


def ascii_entry(tag: int, text: str) -> Entry:
    raw = text.encode("utf-8") + b"\x00"
    return Entry(tag, ASCII, len(raw), raw)


def rational(value: float, endian: str) -> bytes:
    """A resolution as a RATIONAL: whole numbers exactly, others to 1/1000."""
    if float(value).is_integer():
        return struct.pack(endian + "II", int(value), 1)
    return struct.pack(endian + "II", round(value * 1000), 1000)


def resolution_entries(dpi: tuple[float, float], endian: str) -> list[Entry]:
    return [
        Entry(X_RESOLUTION, RATIONAL, 1, rational(dpi[0], endian)),
        Entry(Y_RESOLUTION, RATIONAL, 1, rational(dpi[1], endian)),
        Entry(RESOLUTION_UNIT, SHORT, 1, struct.pack(endian + "H", 2)),  # inches
    ]


def write_ifd(
    entries: Iterable[Entry], offset: int, endian: str, next_ifd: int = 0
) -> tuple[bytes, dict[int, int]]:
    """An IFD placed at ``offset`` followed by its out-of-line values.

    Entries are written sorted by tag, as TIFF requires; values longer than
    four bytes follow the directory, each on a word boundary. Returns the bytes
    and, for each tag, where its value (or the entry's value field) lies, so a
    caller can fill a pointer in afterwards.
    """
    ordered = sorted(entries, key=lambda e: e.tag)
    size = 2 + 12 * len(ordered) + 4
    data_at = offset + size
    head = struct.pack(endian + "H", len(ordered))
    tail = b""
    where: dict[int, int] = {}
    for index, entry in enumerate(ordered):
        value = entry.value
        field = offset + 2 + 12 * index + 8
        if len(value) <= 4:
            head += struct.pack(endian + "HHI", entry.tag, entry.type, entry.count)
            head += value.ljust(4, b"\x00")
            where[entry.tag] = field
        else:
            at = data_at + len(tail)
            head += struct.pack(endian + "HHII", entry.tag, entry.type, entry.count, at)
            tail += value + (b"\x00" if len(value) % 2 else b"")
            where[entry.tag] = at
    head += struct.pack(endian + "I", next_ifd)
    return head + tail, where


def exif_block(
    creator: str,
    rights: str,
    dpi: tuple[float, float],
    size: tuple[int, int],
    *,
    jpeg: bool,
) -> bytes:
    """A complete little-endian TIFF structure for a JPEG APP1, PNG eXIf or WebP EXIF chunk.

    Holds the tags the EXIF specification requires of a file (resolution,
    Exif version, colour space, pixel dimensions; for JPEG also the YCbCr
    positioning and component order), Artist and Copyright.
    """
    endian = "<"
    ifd0 = resolution_entries(dpi, endian)
    if creator:
        ifd0.append(ascii_entry(ARTIST, creator))
    if rights:
        ifd0.append(ascii_entry(COPYRIGHT, rights))
    if jpeg:
        ifd0.append(Entry(YCBCR_POSITIONING, SHORT, 1, struct.pack("<H", 1)))
    ifd0.append(Entry(EXIF_IFD, LONG, 1, b"\x00\x00\x00\x00"))  # filled in below
    sub = [
        Entry(0x9000, UNDEFINED, 4, b"0232"),  # ExifVersion
        Entry(0xA000, UNDEFINED, 4, b"0100"),  # FlashpixVersion
        Entry(0xA001, SHORT, 1, struct.pack("<H", 1)),  # ColorSpace: sRGB
        Entry(0xA002, LONG, 1, struct.pack("<I", size[0])),  # PixelXDimension
        Entry(0xA003, LONG, 1, struct.pack("<I", size[1])),  # PixelYDimension
    ]
    if jpeg:
        sub.append(Entry(0x9101, UNDEFINED, 4, b"\x01\x02\x03\x00"))  # Y Cb Cr
    first, where = write_ifd(ifd0, 8, endian)
    sub_at = 8 + len(first)
    second, _ = write_ifd(sub, sub_at, endian)
    block = bytearray(b"II*\x00" + struct.pack("<I", 8) + first + second)
    struct.pack_into("<I", block, where[EXIF_IFD], sub_at)
    return bytes(block)


def xmp_packet(creator: str, credit: str, rights: str, title: str = "", caption: str = "") -> bytes:
    """An XMP packet with the full Unicode values (nothing is cut here)."""
    props = ""
    if creator:
        props += f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>"
    if rights:
        props += (
            f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{escape(rights)}</rdf:li>'
            "</rdf:Alt></dc:rights>"
        )
    if title:
        props += (
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
            "</rdf:Alt></dc:title>"
        )
    if caption:
        props += (
            f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(caption)}'
            "</rdf:li></rdf:Alt></dc:description>"
        )
    if credit:
        props += f"<photoshop:Credit>{escape(credit)}</photoshop:Credit>"
    if title:
        props += f"<photoshop:Headline>{escape(title)}</photoshop:Headline>"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        f"{props}</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def _dataset(record: int, number: int, raw: bytes) -> bytes:
    return b"\x1c" + bytes([record, number]) + struct.pack(">H", len(raw)) + raw


def iptc_block(creator: str, credit: str, rights: str, title: str = "", caption: str = "") -> bytes:
    """IPTC IIM datasets (records 1 and 2), UTF-8 declared, each within its byte limit."""
    values = {
        "by_line": creator,
        "credit": credit,
        "copyright": rights,
        "headline": title,
        "caption": caption,
    }
    # 1:90 CodedCharacterSet = ESC % G (UTF-8); 2:00 ApplicationRecordVersion = 4.
    block = _dataset(1, 90, b"\x1b%G") + _dataset(2, 0, struct.pack(">H", 4))
    for name, number in sorted(_IPTC_DATASETS.items(), key=lambda item: item[1]):
        raw = cut_utf8(values.get(name, ""), IPTC_LIMITS[name])
        if raw:
            block += _dataset(2, number, raw)
    return block


def photoshop_irb(iptc: bytes) -> bytes:
    """A Photoshop image resource block holding ``iptc`` (resource 0x0404)."""
    body = iptc + (b"\x00" if len(iptc) % 2 else b"")
    return b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + body
