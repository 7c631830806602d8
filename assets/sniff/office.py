"""Office documents recognised from their first bytes: Word, PowerPoint, Excel and OpenDocument.

Both families are ZIP archives, so the archive signature says nothing; what
is inside does. An OpenDocument file must start with an uncompressed entry
``mimetype`` holding its type. An Office Open XML file is recognised from the
entries in the head: their names (``word/``, ``ppt/``, ``xl/``) and the
content of the small first entries (``[Content_Types].xml``, ``_rels/.rels``),
inflated from the head alone, which name the main part and say whether the
file is a template, a slide show or carries macros (all accepted: macros are
never run, see ``assets.office``).
"""

from __future__ import annotations

import struct
import zlib

from assets.sniff.sniffed import Sniffed

_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = Sniffed(_OOXML + "wordprocessingml.document", "document", "docx", "Word document")
DOTX = Sniffed(_OOXML + "wordprocessingml.template", "document", "dotx", "Word template")
PPTX = Sniffed(
    _OOXML + "presentationml.presentation", "document", "pptx", "PowerPoint presentation"
)
POTX = Sniffed(_OOXML + "presentationml.template", "document", "potx", "PowerPoint template")
PPSX = Sniffed(_OOXML + "presentationml.slideshow", "document", "ppsx", "PowerPoint slide show")
XLSX = Sniffed(_OOXML + "spreadsheetml.sheet", "document", "xlsx", "Excel workbook")
XLTX = Sniffed(_OOXML + "spreadsheetml.template", "document", "xltx", "Excel template")
_ODF = "application/vnd.oasis.opendocument."
ODT = Sniffed(_ODF + "text", "document", "odt", "OpenDocument text")
OTT = Sniffed(_ODF + "text-template", "document", "ott", "OpenDocument text template")
ODP = Sniffed(_ODF + "presentation", "document", "odp", "OpenDocument presentation")
OTP = Sniffed(
    _ODF + "presentation-template", "document", "otp", "OpenDocument presentation template"
)
ODS = Sniffed(_ODF + "spreadsheet", "document", "ods", "OpenDocument spreadsheet")
OTS = Sniffed(_ODF + "spreadsheet-template", "document", "ots", "OpenDocument spreadsheet template")
ODG = Sniffed(_ODF + "graphics", "document", "odg", "OpenDocument drawing")

OFFICE_TYPES: tuple[Sniffed, ...] = (
    DOCX,
    DOTX,
    PPTX,
    POTX,
    PPSX,
    XLSX,
    XLTX,
    ODT,
    OTT,
    ODP,
    OTP,
    ODS,
    OTS,
    ODG,
)
OFFICE_MIMES = frozenset(t.mime for t in OFFICE_TYPES)
_ODF_BY_MIME = {t.mime.encode(): t for t in OFFICE_TYPES if t.mime.startswith(_ODF)}

#: Extension families (a template may be saved under a document's name, and the reverse).
OFFICE_FAMILIES: dict[str, frozenset[str]] = {
    "word": frozenset({"docx", "dotx", "docm", "dotm"}),
    "powerpoint": frozenset({"pptx", "potx", "ppsx", "pptm", "potm", "ppsm"}),
    "excel": frozenset({"xlsx", "xltx", "xlsm", "xltm"}),
    "odf-text": frozenset({"odt", "ott"}),
    "odf-presentation": frozenset({"odp", "otp"}),
    "odf-spreadsheet": frozenset({"ods", "ots"}),
    "odf-graphics": frozenset({"odg", "otg"}),
}
OFFICE_FAMILY_OF_MIME = {
    **dict.fromkeys((DOCX.mime, DOTX.mime), "word"),
    **dict.fromkeys((PPTX.mime, POTX.mime, PPSX.mime), "powerpoint"),
    **dict.fromkeys((XLSX.mime, XLTX.mime), "excel"),
    **dict.fromkeys((ODT.mime, OTT.mime), "odf-text"),
    **dict.fromkeys((ODP.mime, OTP.mime), "odf-presentation"),
    **dict.fromkeys((ODS.mime, OTS.mime), "odf-spreadsheet"),
    ODG.mime: "odf-graphics",
}

# Words in the first entries -> the type; checked in this order.
_MARKERS: tuple[tuple[bytes, Sniffed], ...] = (
    (b"wordprocessingml.template", DOTX),
    (b"ms-word.template", DOTX),
    (b"wordprocessingml.document", DOCX),
    (b"ms-word.document", DOCX),
    (b"word/document.xml", DOCX),
    (b"presentationml.template", POTX),
    (b"ms-powerpoint.template", POTX),
    (b"presentationml.slideshow", PPSX),
    (b"ms-powerpoint.slideshow", PPSX),
    (b"presentationml.presentation", PPTX),
    (b"ms-powerpoint.presentation", PPTX),
    (b"ppt/presentation.xml", PPTX),
    (b"spreadsheetml.template", XLTX),
    (b"ms-excel.template", XLTX),
    (b"spreadsheetml.sheet", XLSX),
    (b"ms-excel.sheet", XLSX),
    (b"xl/workbook.xml", XLSX),
)
_PREFIXES = ((b"word/", DOCX), (b"ppt/", PPTX), (b"xl/", XLSX))
_LOCAL = b"PK\x03\x04"
_MAX_ENTRY = 64 * 1024


def is_office(sniffed: Sniffed) -> bool:
    return sniffed.mime in OFFICE_MIMES


def match_office(head: bytes) -> Sniffed | None:
    """The office type of a ZIP from its head, or None when it is another archive."""
    if not head.startswith(_LOCAL):
        return None
    if head[30:38] == b"mimetype":
        found = _ODF_BY_MIME.get(head[38:120].split(b"PK", 1)[0].strip())
        if found is not None:
            return found
    names, texts = _entries(head)
    for marker, sniffed in _MARKERS:
        if any(marker in text for text in texts):
            return sniffed
    for prefix, sniffed in _PREFIXES:
        if any(name.startswith(prefix) for name in names):
            return sniffed
    return None


def _entries(head: bytes) -> tuple[list[bytes], list[bytes]]:
    """Names of the local entries within the head, and the inflated start of each."""
    names: list[bytes] = []
    texts: list[bytes] = []
    at = 0
    while head.startswith(_LOCAL, at) and len(names) < 64:
        try:
            method, size, name_len, extra_len = struct.unpack_from("<8xH8xL4xHH", head, at)
        except struct.error:
            break
        start = at + 30 + name_len + extra_len
        names.append(head[at + 30 : at + 30 + name_len])
        data = head[start : start + size] if size else head[start:]
        texts.append(_inflate(data) if method == 8 else data[:_MAX_ENTRY])
        if not size:
            break  # the size comes after the data (a data descriptor): cannot skip it
        at = start + size
    return names, texts


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(-15).decompress(data, _MAX_ENTRY)
    except zlib.error:
        return b""
