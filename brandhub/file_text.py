"""What a file says about itself that search should find: camera, lens, titles, descriptions.

Read from an asset's stored metadata groups ("exif", "xmp", "iptc",
"document", "tags", "vector"), each value optional, plus the reconciled
top-level values ("camera_make", "camera_model", "lens", "title",
"description", "keywords") when the metadata carries them. Every reader
takes any JSON value and never raises: old rows, odd files and hand-edited
metadata all give plain strings or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["camera", "embedded_texts", "file_keywords", "headline", "lens", "with_columns"]

#: Reconciled values an asset row may hold in columns of its own.
COLUMNS = ("camera_make", "camera_model", "lens", "lens_make")


def with_columns(metadata: Any, asset: Any) -> dict[str, Any]:
    """The stored metadata, with the asset's own reconciled columns (when it has them) on top."""
    out = dict(metadata) if isinstance(metadata, Mapping) else {}
    for name in COLUMNS:
        value = getattr(asset, name, None)
        if isinstance(value, str) and value.strip():
            out[name] = value
    return out


#: (group, key) of the titles and descriptions a file may carry, most deliberate first.
_TEXTS = (
    ("", "title"),
    ("", "description"),
    ("iptc", "object_name"),
    ("iptc", "headline"),
    ("iptc", "caption"),
    ("xmp", "title"),
    ("xmp", "headline"),
    ("xmp", "description"),
    ("exif", "description"),
    ("document", "title"),
    ("document", "subject"),
    ("tags", "title"),
    ("tags", "description"),
    ("tags", "comment"),
    ("vector", "title"),
    ("vector", "description"),
)


def _group(metadata: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(metadata, Mapping):
        return {}
    found = metadata if not name else metadata.get(name)
    return found if isinstance(found, Mapping) else {}


def _text(value: Any) -> str:
    if isinstance(value, Mapping):  # XMP language alternatives: {"x-default": "..."}
        value = value.get("x-default") or next(iter(value.values()), "")
    if isinstance(value, list | tuple):
        value = " ".join(_text(v) for v in value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _get(metadata: Any, group: str, key: str) -> str:
    return _text(_group(metadata, group).get(key))


def headline(metadata: Any) -> str:
    """The file's headline (IPTC, else XMP photoshop:Headline), or ""."""
    return _get(metadata, "iptc", "headline") or _get(metadata, "xmp", "headline")


def camera(metadata: Any) -> str:
    """Make and model, the make said once ("Canon" + "Canon EOS R5" is "Canon EOS R5")."""
    make = (
        _get(metadata, "", "camera_make")
        or _get(metadata, "exif", "make")
        or _get(metadata, "tags", "make")
    )
    model = (
        _get(metadata, "", "camera_model")
        or _get(metadata, "exif", "model")
        or _get(metadata, "tags", "model")
    )
    if make and model.lower().startswith(make.lower()):
        return model
    return " ".join(p for p in (make, model) if p)


def lens(metadata: Any) -> str:
    """The lens model, with its maker when the model does not say it."""
    model = _get(metadata, "", "lens") or _get(metadata, "exif", "lens")
    make = _get(metadata, "", "lens_make") or _get(metadata, "exif", "lens_make")
    if make and model and not model.lower().startswith(make.lower()):
        return f"{make} {model}"
    return model or make


def embedded_texts(metadata: Any, known: Iterable[str] = ()) -> tuple[str, ...]:
    """The file's own titles and descriptions, without repeats nor the ``known`` texts."""
    seen = {" ".join(k.split()).casefold() for k in known if k}
    out: list[str] = []
    for group, key in _TEXTS:
        value = _get(metadata, group, key)
        folded = value.casefold()
        if value and folded not in seen:
            seen.add(folded)
            out.append(value)
    return tuple(out)


def file_keywords(metadata: Any) -> tuple[str, ...]:
    """The file's keywords: IPTC Keywords, XMP dc:subject, a PDF's keywords (each once)."""
    values: list[str] = []
    for group, key in (
        ("", "keywords"),
        ("iptc", "keywords"),
        ("xmp", "subject"),
        ("document", "keywords"),
    ):
        raw = _group(metadata, group).get(key)
        if isinstance(raw, str):
            raw = raw.replace(";", ",").split(",")
        if isinstance(raw, list | tuple):
            values.extend(_text(v) for v in raw)
    seen: set[str] = set()
    out = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return tuple(out)
