"""Naming what an unaccepted file looks like, for a clear refusal.

``what_it_seems`` returns a short English noun ("HTML page", "ZIP archive",
"program"...) that goes into the error's details; ``MESSAGES`` maps the few
that deserve their own sentence to it, everything else gets ``GENERIC``.
"""

from __future__ import annotations

import re

from assets.errors import N_

GENERIC = N_("This type of file is not accepted.")
MESSAGES = {
    "empty file": N_("The file is empty."),
    "HTML page": N_("This type of file is not accepted: it looks like an HTML page."),
    "ZIP archive": N_("This type of file is not accepted: it looks like a compressed archive."),
    "Office document": N_("This type of file is not accepted: it looks like a compressed archive."),
    "compressed archive": N_(
        "This type of file is not accepted: it looks like a compressed archive."
    ),
    "program": N_("This type of file is not accepted: it looks like a program."),
    "script": N_("This type of file is not accepted: it looks like a program."),
}

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"\xce\xfa\xed\xfe", "program"),
    (b"\xca\xfe\xba\xbe", "program"),
    (b"\x00asm", "program"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"Rar!\x1a\x07", "compressed archive"),
    (b"7z\xbc\xaf\x27\x1c", "compressed archive"),
    (b"\x1f\x8b", "compressed archive"),
    (b"BZh", "compressed archive"),
    (b"\xfd7zXZ\x00", "compressed archive"),
    (b"\x28\xb5\x2f\xfd", "compressed archive"),
    (b"8BPS", "Photoshop document"),
    (b"%!PS", "PostScript file"),
    (b"\xc5\xd0\xd3\xc6", "PostScript file"),
    (b"BM", "BMP image"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
    (b"{\\rtf", "RTF document"),
    (b"wOFF", "font"),
    (b"wOF2", "font"),
    (b"OTTO", "font"),
    (b"\x00\x01\x00\x00\x00", "font"),
    (b"SQLite format 3\x00", "database"),
)
_HTML_START = re.compile(
    rb"\A(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html|head|body|script|iframe|meta|title|div|p|a)[\s>]",
    re.IGNORECASE | re.DOTALL,
)


def what_it_seems(head: bytes) -> str:
    if not head:
        return "empty file"
    if head.startswith(b"PK\x03\x04"):
        if b"[Content_Types].xml" in head or b"mimetypeapplication/vnd.oasis" in head:
            return "Office document"
        return "ZIP archive"
    for signature, seems in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return seems
    if head.startswith(b"#!"):
        return "script"
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if _HTML_START.match(text):
        return "HTML page"
    if text.lstrip().startswith(b"<?xml") or text.lstrip().startswith(b"<"):
        return "XML document" if b"<html" not in text.lower() else "HTML page"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the head is still text.
            if exc.start < len(head) - 4:
                return "unknown data"
        return "text file"
    return "unknown data"
