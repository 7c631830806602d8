"""The resolved brand: what a brand file says once its parent's content is merged in.

A :class:`Brand` is immutable and self-contained: it no longer needs its
parent's file, so it can be stored as one JSON document (``to_dict``) and
rebuilt later (``guidelines.load_brand_dict``) to check a piece against exactly the
version that was in force. ``fingerprint`` is the SHA-256 of that canonical
document: the same content always gives the same fingerprint, and any change
(including a parent's change or a new official logo file) gives a new one.
Reading, validating and merging files is ``guidelines.loader``'s job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from core.errors import InvalidInput

CATEGORIES: tuple[str, ...] = ("logo", "photo", "graphic", "social", "video", "audio")
# How pages and reports name each category.
CATEGORY_TITLES: dict[str, str] = {
    "logo": "Logo",
    "photo": "Fotografía",
    "graphic": "Pieza gráfica (afiche, folleto)",
    "social": "Publicación para redes sociales",
    "video": "Video",
    "audio": "Audio",
}
SEVERITIES: tuple[str, ...] = ("error", "warning")


class Part:
    """A piece of a brand's content (a colour, a font, a logo, a rule)."""

    def to_dict(self) -> dict[str, Any]:
        """Its compared fields as JSON-safe values, as the brand's document holds them."""
        return _content(self)


@dataclass(frozen=True)
class PaletteColor(Part):
    """A named official colour; ``hex`` drives the checks, the rest is for people."""

    name: str
    hex: str
    rgb: str | None = None
    cmyk: str | None = None
    pantone: str | None = None
    use: str | None = None
    use_en: str | None = None


@dataclass(frozen=True)
class Font(Part):
    """A typeface of the brand and what it is for."""

    name: str
    use: str
    weights: tuple[str, ...] = ()
    fallback: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Logo(Part):
    """An official logo version.

    Either ``file`` names an image next to the brand file (``path`` is where it
    was found, ``sha256`` its content), or ``drawing`` describes a fictional
    example logo that ``guidelines.examples`` draws.
    """

    name: str
    title: str
    description: str
    usage: str
    file: str | None = None
    sha256: str | None = None
    drawing: Mapping[str, Any] | None = None
    path: Path | None = field(default=None, compare=False)
    title_en: str | None = None
    description_en: str | None = None
    usage_en: str | None = None


@dataclass(frozen=True)
class Rule(Part):
    """One machine-checkable rule: which check, with which parameters, how serious."""

    id: str
    check: str
    severity: str
    title: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    # English beside the Spanish, when the brand file gives it (``title_en`` or
    # ``title = {es = "…", en = "…"}``); left out of the content when absent.
    title_en: str | None = None
    message_en: str | None = None


@dataclass(frozen=True)
class Brand:
    """A brand with its inheritance resolved."""

    slug: str
    name: str
    version: str
    parent: str | None
    lineage: tuple[str, ...]
    description: str
    public_checks: bool
    palette: tuple[PaletteColor, ...]
    typography: tuple[Font, ...]
    logos: tuple[Logo, ...]
    dos: tuple[str, ...]
    donts: tuple[str, ...]
    rules: Mapping[str, tuple[Rule, ...]]
    source: Path | None = field(default=None, compare=False)
    # English beside the Spanish, when the brand file gives it (``description_en`` …).
    description_en: str | None = None
    dos_en: tuple[str, ...] | None = None
    donts_en: tuple[str, ...] | None = None

    def rules_for(self, category: str) -> tuple[Rule, ...]:
        """The rules of a piece category; InvalidInput for a category that does not exist."""
        if category not in CATEGORIES:
            raise InvalidInput(
                f"Unknown piece category {category!r}; expected one of {', '.join(CATEGORIES)}.",
                category=category,
            )
        return self.rules.get(category, ())

    def color(self, name: str) -> PaletteColor:
        return _named(self.palette, name)

    def logo(self, name: str) -> Logo:
        return _named(self.logos, name)

    def content(self) -> dict[str, Any]:
        """The canonical resolved content, without the fingerprint."""
        return {
            **_content(self),
            "rules": {
                category: [rule.to_dict() for rule in self.rules.get(category, ())]
                for category in CATEGORIES
            },
        }

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`content`."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            cached = hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()
            object.__setattr__(self, "_fingerprint", cached)
        return cached

    def to_dict(self) -> dict[str, Any]:
        """The canonical content plus its fingerprint: one brand version, JSON-safe."""
        return {**self.content(), "fingerprint": self.fingerprint}


def canonical_json(data: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: equal content gives equal bytes."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_Named = TypeVar("_Named", PaletteColor, Logo)


def _named(items: tuple[_Named, ...], name: str) -> _Named:
    """The colour or logo called ``name``; KeyError if the brand has none."""
    for item in items:
        if item.name == name:
            return item
    raise KeyError(name)


def _content(item: Any) -> dict[str, Any]:
    """The fields of a brand dataclass that make up its content, as JSON-safe values.

    An absent translation (``*_en`` left empty) is not written, so a brand
    without English keeps the document, and the fingerprint, it always had.
    """
    return {
        f.name: _plain(getattr(item, f.name))
        for f in fields(item)
        if f.compare and not (f.name.endswith("_en") and getattr(item, f.name) is None)
    }


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return _content(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
