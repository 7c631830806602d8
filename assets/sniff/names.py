"""File names: refusing a name that lies about the content, and making names safe.

A name is only ever a label: the type comes from the bytes. But a PNG
called ``logo.jpg`` or a picture called ``press.html`` would mislead whoever
downloads it, so ``check_extension`` refuses known extensions that
contradict the content, and ``safe_filename`` makes a client-supplied name
safe to display and to put in a download.
"""

from __future__ import annotations

import re
import unicodedata

from assets.errors import UnsupportedMediaType
from assets.sniff.broadcast import BROADCAST_FAMILIES, BROADCAST_FAMILY_OF_MIME
from assets.sniff.office import OFFICE_FAMILIES, OFFICE_FAMILY_OF_MIME
from assets.sniff.raw import RAW_EXTENSIONS, RAW_MIMES
from assets.sniff.sniffed import Sniffed

# Extensions BrandHub knows, grouped into families of names that are all fine
# for the same content (an MP4 may be called .mov, a HEIF .heic).
_FAMILIES: dict[str, frozenset[str]] = {
    "jpeg": frozenset({"jpg", "jpeg", "jpe", "jfif", "jif"}),
    "png": frozenset({"png", "apng"}),
    "gif": frozenset({"gif"}),
    "webp": frozenset({"webp"}),
    "tiff": frozenset({"tif", "tiff", "dng"}),
    "heif": frozenset({"heic", "heif", "hif", "heics", "heifs"}),
    "avif": frozenset({"avif"}),
    "svg": frozenset({"svg"}),
    "pdf": frozenset({"pdf", "ai"}),
    "isobmff": frozenset({"mp4", "m4v", "mov", "qt", "3gp", "3g2", "m4a", "m4b", "f4v"}),
    "matroska": frozenset({"webm", "weba", "mkv", "mka", "mk3d"}),
    "mp3": frozenset({"mp3", "mpga"}),
    "wav": frozenset({"wav", "wave"}),
    "flac": frozenset({"flac"}),
    "ogg": frozenset({"ogg", "oga", "ogv", "opus", "spx"}),
    # designer masters and brand fonts
    "psd": frozenset({"psd", "psb", "pdd"}),
    "postscript": frozenset({"eps", "epsf", "epsi", "ai", "ps"}),
    "font": frozenset({"ttf", "otf", "woff2"}),
    "raw": RAW_EXTENSIONS,
    **BROADCAST_FAMILIES,
    **OFFICE_FAMILIES,
}
_FAMILY_OF_MIME = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tiff",
    "image/heic": "heif",
    "image/heif": "heif",
    "image/avif": "avif",
    "image/svg+xml": "svg",
    "application/pdf": "pdf",
    "video/mp4": "isobmff",
    "video/quicktime": "isobmff",
    "video/3gpp": "isobmff",
    "audio/mp4": "isobmff",
    "video/webm": "matroska",
    "audio/webm": "matroska",
    "audio/x-matroska": "matroska",
    "video/x-matroska": "matroska",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
    "audio/ogg": "ogg",
    "video/ogg": "ogg",
    # designer masters and brand fonts
    "application/illustrator": "pdf",
    "image/vnd.adobe.photoshop": "psd",
    "application/postscript": "postscript",
    "font/ttf": "font",
    "font/otf": "font",
    "font/woff2": "font",
    **dict.fromkeys(RAW_MIMES, "raw"),
    **BROADCAST_FAMILY_OF_MIME,
    **OFFICE_FAMILY_OF_MIME,
}
# Names that no accepted media file should carry: a browser or an operating
# system would treat the download as a page or a program.
_RISKY_EXTENSIONS = frozenset(
    "htm html xhtml shtml xht mht mhtml js mjs hta exe com bat cmd scr msi pif ps1 vbs "
    "jar sh php phtml asp aspx jsp swf xml".split()
)


def check_extension(sniffed: Sniffed, filename: str | None) -> None:
    """Refuse a name whose known extension contradicts the content.

    Unknown or missing extensions are fine; so are equivalent ones
    (``.jpeg`` for a JPEG, ``.mov`` for an MP4).
    """
    ext = _extension(filename)
    if not ext:
        return
    family = _FAMILY_OF_MIME.get(sniffed.mime)
    known = ext in _RISKY_EXTENSIONS or any(ext in names for names in _FAMILIES.values())
    if not known or (family is not None and ext in _FAMILIES[family]):
        return
    raise UnsupportedMediaType(
        "The file's content does not match its name.",
        content=sniffed.mime,
        extension=ext,
        filename=filename,
    )


def _extension(filename: str | None) -> str:
    if not filename:
        return ""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(".")
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem.strip(".") else ""


MAX_FILENAME_CHARS = 200
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def safe_filename(name: str | None) -> str:
    """A display and download name made safe from a client-supplied one.

    Keeps only the last path component (``/`` or ``\\``), drops control,
    format (bidi overrides) and unassigned characters, leading dots and
    characters Windows refuses, NFC-normalises, and limits the name to 200
    characters while keeping its extension. Falls back to ``"file"``.
    """
    if not name:
        return "file"
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch) not in _DROP_CATEGORIES or ch in "\t\n\r"
    )
    # Again: a dropped character may have kept a combining mark from its letter.
    name = unicodedata.normalize("NFC", name)
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = re.sub(r" {2,}", " ", name).strip(" .")
    if not name:
        return "file"
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16 or not stem:
        stem, dot, ext = name, "", ""
    if stem.lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    room = MAX_FILENAME_CHARS - len(dot) - len(ext)
    stem = stem[:room].rstrip(" .") or "file"
    out = f"{stem}{dot}{ext}"
    # Cutting a long name that had no extension may end it with one: clean that name.
    return safe_filename(out) if not dot and "." in out and out != name else out
