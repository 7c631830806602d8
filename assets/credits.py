"""Credit that travels with the file: creator, credit line and copyright written into
downloads as EXIF (Artist, Copyright), XMP (dc:creator, dc:rights, photoshop:Credit)
and, for JPEG, IPTC (By-line, Credit, Copyright Notice).

JPEG gets its metadata segments spliced in after the SOI marker, so the image data
is not encoded again; PNG and TIFF are re-saved losslessly with the tags. An ICC
profile (``icc``) goes in the same way, so print shops know the colours are sRGB.
"""

from __future__ import annotations

import io
import struct
from xml.sax.saxutils import escape

from PIL import Image

ARTIST, COPYRIGHT = 0x013B, 0x8298


def _xmp(creator: str, credit: str, rights: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>"
        f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{escape(rights)}</rdf:li>'
        "</rdf:Alt></dc:rights>"
        f"<photoshop:Credit>{escape(credit)}</photoshop:Credit>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def _iptc(creator: str, credit: str, rights: str) -> bytes:
    records = b""
    for dataset, value in ((80, creator), (110, credit), (116, rights)):
        raw = value.encode("utf-8")[:2000]
        if raw:
            records += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(raw)) + raw
    # UTF-8 declared in the envelope record so readers decode accents right.
    envelope = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"
    block = envelope + records
    if len(block) % 2:
        block += b"\x00"
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + struct.pack(">I", len(block)) + block
    return b"Photoshop 3.0\x00" + resource


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def embed_credits(
    data: bytes, mime: str, *, creator: str, credit: str, rights: str, icc: bytes | None = None
) -> bytes:
    """``data`` with the credits (and ``icc``) written in; unchanged for formats we do not tag."""
    creator, credit, rights = creator or credit, credit or creator, rights
    if not (creator or credit or rights or icc):
        return data
    exif = Image.Exif()
    # EXIF text is nominally ASCII; UTF-8 bytes keep accents, and readers (ours
    # included) decode them.
    if creator:
        exif[ARTIST] = creator.encode("utf-8")
    if rights:
        exif[COPYRIGHT] = rights.encode("utf-8")
    xmp = _xmp(creator, credit, rights) if (creator or credit or rights) else b""
    # One APP2 segment holds up to 65,519 profile bytes; bigger profiles are left out.
    icc = icc if icc and len(icc) <= 65519 else None
    if mime == "image/jpeg" and data[:2] == b"\xff\xd8":
        segments = b""
        if xmp:
            segments += _segment(0xE1, b"Exif\x00\x00" + exif.tobytes())
            segments += _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp)
        if icc:
            segments += _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + icc)
        if xmp:
            segments += _segment(0xED, _iptc(creator, credit, rights))
        return data[:2] + segments + data[2:]
    if mime in ("image/png", "image/tiff"):
        with Image.open(io.BytesIO(data)) as img:
            out = io.BytesIO()
            fmt = "PNG" if mime == "image/png" else "TIFF"
            extra: dict[str, object] = {"compression": "tiff_lzw"} if fmt == "TIFF" else {}
            if xmp:
                extra.update(exif=exif, xmp=xmp)
            if icc:
                extra["icc_profile"] = icc
            img.save(out, fmt, **extra)
            return out.getvalue()
    return data
