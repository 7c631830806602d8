"""Putting metadata blocks into encoded files without encoding the image again.

Each function takes the bytes an encoder made and returns them with the
blocks in the place the format's specification (and ExifTool's ``-validate``)
expects; the compressed image data is copied as is.

- JPEG: JFIF APP0 first (its density set), then APP1 Exif, APP1 XMP, APP2
  ICC_PROFILE and APP13 Photoshop (IPTC), then the encoder's own segments.
- PNG: after IHDR, iCCP, pHYs, eXIf, iTXt ``XML:com.adobe.xmp`` and the
  IPTC block as a zTXt ``Raw profile type iptc`` (the ImageMagick convention
  ExifTool and exiv2 both read).
- WebP: the extended layout (VP8X with its flags and canvas), ICCP before the
  image chunks, EXIF and XMP after them.
- TIFF: a new first directory appended at the end of the file, holding the
  encoder's tags plus resolution, Artist, Copyright, XMP, IPTC and ICC; the
  strips stay where they are and the header points to the new directory.
"""

from __future__ import annotations

import struct
import zlib

from .blocks import (
    ARTIST,
    BYTE,
    COPYRIGHT,
    ICC_TAG,
    IPTC_TAG,
    LONG,
    RESOLUTION_UNIT,
    UNDEFINED,
    X_RESOLUTION,
    XMP_TAG,
    Y_RESOLUTION,
    Entry,
    ascii_entry,
    photoshop_irb,
    resolution_entries,
    write_ifd,
)


class NotWritable(ValueError):
    """The bytes are not a file of the kind claimed (or of a layout not handled)."""


# --- JPEG -----------------------------------------------------------------

_EXIF_ID = b"Exif\x00\x00"
_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_ICC_ID = b"ICC_PROFILE\x00"
_PHOTOSHOP_ID = b"Photoshop 3.0\x00"
ICC_CHUNK = 65519  # profile bytes per APP2 segment (65535 - 2 - 14)


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > 65533:
        raise NotWritable("a JPEG segment holds at most 65,533 bytes")
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jfif(dpi: tuple[float, float], old: bytes | None) -> bytes:
    """A JFIF APP0 payload with the density in dots per inch (``old``'s version kept)."""
    version = old[5:7] if old and len(old) >= 14 else b"\x01\x01"
    x, y = (max(1, min(65535, round(v))) for v in dpi)
    return b"JFIF\x00" + version + b"\x01" + struct.pack(">HH", x, y) + b"\x00\x00"


def write_jpeg(
    data: bytes,
    *,
    exif: bytes,
    xmp: bytes,
    iptc: bytes,
    icc: bytes | None,
    dpi: tuple[float, float],
) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise NotWritable("not a JPEG file")
    pos, kept, jfif = 2, [], None
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise NotWritable("JPEG segments end before the image data")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        payload = data[pos + 4 : pos + 2 + length]
        end = pos + 2 + length
        if marker == 0xE0 and payload.startswith(b"JFIF\x00"):
            jfif = payload
        elif marker == 0xE1 and payload.startswith((_EXIF_ID, _XMP_ID)):
            pass  # replaced
        elif marker == 0xE2 and payload.startswith(_ICC_ID) and icc:
            pass
        elif marker == 0xED and payload.startswith(_PHOTOSHOP_ID):
            pass
        else:
            kept.append(data[pos:end])
        pos = end
    head = _segment(0xE0, _jfif(dpi, jfif))
    head += _segment(0xE1, _EXIF_ID + exif)
    head += _segment(0xE1, _XMP_ID + xmp)
    if icc:
        chunks = [icc[i : i + ICC_CHUNK] for i in range(0, len(icc), ICC_CHUNK)]
        for number, chunk in enumerate(chunks, 1):
            head += _segment(0xE2, _ICC_ID + bytes([number, len(chunks)]) + chunk)
    head += _segment(0xED, _PHOTOSHOP_ID + photoshop_irb(iptc))
    return b"".join((b"\xff\xd8", head, *kept, memoryview(data)[pos:]))


# --- PNG ------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_KEYS = (b"XML:com.adobe.xmp", b"Raw profile type iptc", b"Raw profile type exif")


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _raw_profile(kind: str, payload: bytes) -> bytes:
    """ImageMagick's text form of a binary profile: name, length, hex lines."""
    hexed = payload.hex()
    lines = "\n".join(hexed[i : i + 72] for i in range(0, len(hexed), 72))
    return f"\n{kind}\n{len(payload):8d}\n{lines}\n".encode("ascii")


def write_png(
    data: bytes,
    *,
    exif: bytes,
    xmp: bytes,
    iptc: bytes,
    icc: bytes | None,
    dpi: tuple[float, float],
) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise NotWritable("not a PNG file")
    pos, chunks, view = 8, [], memoryview(data)
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        # Only a text chunk's keyword is looked at: image data is never copied twice.
        keyword = data[pos + 8 : pos + 8 + min(length, 80)].split(b"\x00", 1)[0]
        chunks.append((kind, view[pos:end], keyword))
        pos = end
    if not chunks or chunks[0][0] != b"IHDR":
        raise NotWritable("a PNG file starts with IHDR")
    added = b""
    if icc:
        added += _chunk(b"iCCP", b"ICC Profile\x00\x00" + zlib.compress(icc))
    per_metre = [max(1, round(v / 0.0254)) for v in dpi]
    added += _chunk(b"pHYs", struct.pack(">IIB", per_metre[0], per_metre[1], 1))
    added += _chunk(b"eXIf", exif)
    added += _chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp)
    profile = zlib.compress(_raw_profile("iptc", photoshop_irb(iptc)))
    added += _chunk(b"zTXt", b"Raw profile type iptc\x00\x00" + profile)
    out: list[bytes | memoryview] = [_PNG_SIGNATURE, chunks[0][1], added]
    for kind, raw, keyword in chunks[1:]:
        if kind in (b"pHYs", b"eXIf") or (kind in (b"iCCP", b"sRGB") and icc):
            continue
        if kind in (b"iTXt", b"tEXt", b"zTXt") and keyword in _TEXT_KEYS:
            continue
        out.append(raw)
    return b"".join(out)


# --- WebP -----------------------------------------------------------------


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")


def write_webp(
    data: bytes,
    *,
    exif: bytes,
    xmp: bytes,
    icc: bytes | None,
    size: tuple[int, int],
) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotWritable("not a WebP file")
    pos, image, flags = 12, [], 0
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        length = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        payload = data[pos + 8 : pos + 8 + length]
        pos += 8 + length + (length % 2)
        if kind == b"VP8X":
            flags = payload[0] & 0x12  # keep alpha and animation
        elif kind == b"VP8L" and len(payload) >= 5:
            bits = struct.unpack("<I", payload[1:5])[0]
            if bits >> 28 & 1:
                flags |= 0x10
            image.append(_riff_chunk(kind, payload))
        elif kind == b"ICCP" and icc:
            continue
        elif kind in (b"EXIF", b"XMP "):
            continue
        else:
            if kind == b"ALPH":
                flags |= 0x10
            image.append(_riff_chunk(kind, payload))
    flags |= 0x08 | 0x04 | (0x20 if icc else 0)
    width, height = size
    vp8x = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
    vp8x += (height - 1).to_bytes(3, "little")
    body = b"WEBP" + _riff_chunk(b"VP8X", vp8x)
    if icc:
        body += _riff_chunk(b"ICCP", icc)
    body += b"".join(image) + _riff_chunk(b"EXIF", exif) + _riff_chunk(b"XMP ", xmp)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- TIFF -----------------------------------------------------------------

_TIFF_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_REPLACED = {
    X_RESOLUTION,
    Y_RESOLUTION,
    RESOLUTION_UNIT,
    ARTIST,
    COPYRIGHT,
    XMP_TAG,
    IPTC_TAG,
    ICC_TAG,
    0x8649,  # Photoshop resources (may hold an older IPTC copy)
}


def write_tiff(
    data: bytes,
    *,
    creator: str,
    rights: str,
    xmp: bytes,
    iptc: bytes,
    icc: bytes | None,
    dpi: tuple[float, float],
) -> bytes:
    order = data[:4]
    if order == b"II*\x00":
        endian = "<"
    elif order == b"MM\x00*":
        endian = ">"
    else:
        raise NotWritable("not a classic TIFF file")
    first = struct.unpack(endian + "I", data[4:8])[0]
    if not 8 <= first <= len(data) - 6:
        raise NotWritable("the TIFF directory lies outside the file")
    count = struct.unpack(endian + "H", data[first : first + 2])[0]
    table_end = first + 2 + 12 * count
    if table_end + 4 > len(data):
        raise NotWritable("the TIFF directory lies outside the file")
    entries: list[Entry] = []
    for index in range(count):
        at = first + 2 + 12 * index
        tag, kind, number = struct.unpack(endian + "HHI", data[at : at + 8])
        if tag in _REPLACED:
            continue
        length = _TIFF_TYPE_SIZE.get(kind, 1) * number
        if length <= 4:
            value = data[at + 8 : at + 8 + length]
        else:
            offset = struct.unpack(endian + "I", data[at + 8 : at + 12])[0]
            value = data[offset : offset + length]
            if len(value) != length:
                raise NotWritable("a TIFF value lies outside the file")
        entries.append(Entry(tag, kind, number, value))
    next_ifd = struct.unpack(endian + "I", data[table_end : table_end + 4])[0]
    entries += resolution_entries(dpi, endian)
    if creator:
        entries.append(ascii_entry(ARTIST, creator))
    if rights:
        entries.append(ascii_entry(COPYRIGHT, rights))
    entries.append(Entry(XMP_TAG, BYTE, len(xmp), xmp))
    padded = iptc + b"\x00" * (-len(iptc) % 4)
    # Typed LONG as Photoshop writes it; readers take the bytes as they lie.
    entries.append(Entry(IPTC_TAG, LONG, len(padded) // 4, padded))
    if icc:
        entries.append(Entry(ICC_TAG, UNDEFINED, len(icc), icc))
    start = len(data) + (len(data) % 2)
    ifd, _where = write_ifd(entries, start, endian, next_ifd)
    header = order + struct.pack(endian + "I", start)
    # One copy of the (often 70 MB) strips: a memoryview slice copies nothing.
    pad = b"\x00" if len(data) % 2 else b""
    return b"".join((header, memoryview(data)[8:], pad, ifd))


__all__ = ["NotWritable", "write_jpeg", "write_png", "write_tiff", "write_webp"]
