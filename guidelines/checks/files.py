"""Checks on the file as a whole: its real type and its weight."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import Context, Outcome, Param, check, lower_list, positive, verdict

# How a reader names each type the sniffer recognises (by canonical extension), with
# the article, so messages read "este archivo es {measured}".
SPANISH_TYPES = {
    "jpg": "una imagen JPEG",
    "png": "una imagen PNG",
    "gif": "una imagen GIF",
    "webp": "una imagen WebP",
    "tiff": "una imagen TIFF",
    "heic": "una imagen HEIC",
    "heif": "una imagen HEIF",
    "avif": "una imagen AVIF",
    "svg": "un vector SVG",
    "pdf": "un documento PDF",
    "mp4": "un video MP4",
    "mov": "un video MOV (QuickTime)",
    "3gp": "un video 3GP",
    "webm": "un video WebM",
    "mkv": "un video MKV",
    "ogv": "un video Ogg",
    "m4a": "un audio M4A",
    "mp3": "un audio MP3",
    "wav": "un audio WAV",
    "flac": "un audio FLAC",
    "ogg": "un audio Ogg",
    "opus": "un audio Opus",
    "ai": "un original de Adobe Illustrator",
    "eps": "un vector EPS",
    "psd": "un documento de Photoshop (PSD)",
    "psb": "un documento grande de Photoshop (PSB)",
    "ttf": "una fuente TrueType",
    "otf": "una fuente OpenType",
    "woff2": "una fuente WOFF2",
    "cr2": "una foto raw de Canon (CR2)",
    "cr3": "una foto raw de Canon (CR3)",
    "nef": "una foto raw de Nikon (NEF)",
    "arw": "una foto raw de Sony (ARW)",
    "raf": "una foto raw de Fujifilm (RAF)",
    "orf": "una foto raw de Olympus (ORF)",
    "rw2": "una foto raw de Panasonic (RW2)",
    "dng": "un negativo digital (DNG)",
    "mxf": "un video MXF",
    "avi": "un video AVI",
    "mpg": "un video MPEG",
    "ts": "un video MPEG-TS",
    "docx": "un documento de Word",
    "dotx": "una plantilla de Word",
    "pptx": "una presentación de PowerPoint",
    "potx": "una plantilla de PowerPoint",
    "ppsx": "una presentación de PowerPoint",
    "xlsx": "una planilla de Excel",
    "xltx": "una plantilla de Excel",
    "odt": "un documento de texto OpenDocument",
    "ott": "una plantilla de texto OpenDocument",
    "odp": "una presentación OpenDocument",
    "otp": "una plantilla de presentación OpenDocument",
    "ods": "una planilla OpenDocument",
    "ots": "una plantilla de planilla OpenDocument",
    "odg": "un dibujo OpenDocument",
}
# Names a brand file may use for a family of types: "raw" is every camera raw format.
GROUPS = {"raw": ("cr2", "cr3", "nef", "arw", "raf", "orf", "rw2", "dng")}
# Names a brand file may use for a type, mapped to the sniffer's extension.
ALIASES = {
    "jpeg": "jpg",
    "jpe": "jpg",
    "tif": "tiff",
    "quicktime": "mov",
    "mpeg4": "mp4",
    "wave": "wav",
    "oga": "ogg",
    "heics": "heic",
}
TYPE_NAMES = sorted(set(SPANISH_TYPES) | set(ALIASES) | set(GROUPS))


def _types(value: Any) -> list[str]:
    items = lower_list(value)
    bad = [v for v in items if v not in TYPE_NAMES]
    if bad:
        raise ValueError(f"unknown file type {bad[0]!r}; known: {', '.join(TYPE_NAMES)}")
    return items


def expand(allowed: list[str]) -> list[str]:
    """The sniffer's extensions a list of allowed type names stands for (aliases, groups)."""
    return [ext for a in allowed for ext in GROUPS.get(a, (ALIASES.get(a, a),))]


def type_name(ext: str) -> str:
    """The short name people use for a type: jpg → JPEG, webp → WebP."""
    return {"jpg": "JPEG", "webp": "WebP", "raw": "RAW"}.get(ext, ext.upper())


@check(
    "format",
    title="Tipo de archivo",
    applies_to=("image", "svg", "video", "audio", "document", "postscript", "font"),
    params={"allowed": Param(_types, required=True)},
    ok="El archivo es {measured}, un tipo aceptado.",
)
def format_allowed(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The real type (sniffed from the bytes, not the name) must be one of ``allowed``."""
    named = [ALIASES.get(a, a) for a in params["allowed"]]
    allowed = expand(params["allowed"])
    ext = piece.ext
    values = {
        "measured": SPANISH_TYPES.get(ext, ext.upper()),
        "expected": fmt.word_list([type_name(a) for a in dict.fromkeys(named)], "o"),
    }
    details = {
        "measured": ext,
        "expected": allowed,
        "mime": piece.sniffed.mime if piece.sniffed else None,
    }
    return verdict(ext in allowed, values, details)


@check(
    "file_size",
    title="Peso del archivo",
    applies_to=("image", "svg", "video", "audio", "document", "postscript", "font"),
    params={"max_mb": Param(positive, required=True)},
    ok="El archivo pesa {measured}, dentro del máximo de {expected}.",
)
def file_size(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """At most ``max_mb`` megabytes (decimal, as file browsers show them)."""
    limit = params["max_mb"] * 1_000_000
    values = {"measured": fmt.megabytes(piece.size_bytes), "expected": fmt.megabytes(limit)}
    details = {"measured_bytes": piece.size_bytes, "max_bytes": int(limit)}
    return verdict(piece.size_bytes <= limit, values, details)
