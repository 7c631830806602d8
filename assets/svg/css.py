"""CSS inside SVG: inline ``style`` attributes and ``<style>`` sheets.

Declarations that could fetch or run something (``@import``, ``url()`` other
than ``url(#id)``, ``expression()``, ``javascript:``, CSS escapes that could
spell those in disguise) are removed; colours and font families met on the
way are noted for the report.
"""

from __future__ import annotations

import re

from coloraide import Color

from assets.svg.rules import COLOR_PROPERTIES, LOCAL_REF, Findings

_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_ACTIVE = re.compile(r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding", re.I)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_CSS_COLOR = re.compile(r"(?<![\w-])(" + "|".join(COLOR_PROPERTIES) + r")\s*:\s*([^;}!]+)", re.I)
_CSS_FONT = re.compile(r"(?<![\w-])font-family\s*:\s*([^;}!]+)", re.I)


def only_local_urls(value: str) -> bool:
    matches = list(_URL.finditer(value))
    return len(matches) == value.lower().count("url(") and all(
        LOCAL_REF.fullmatch(m.group(2).strip()) for m in matches
    )


def keep_value(name: str, value: str, p: Findings) -> bool:
    """Whether a property's or presentation attribute's value stays: False (and counted)
    when it refers outside the file; the colours and fonts of a kept one are noted."""
    if "url(" in value.lower() and not only_local_urls(value):
        p.external_refs += 1
        return False
    if name in COLOR_PROPERTIES:
        note_color(name, value, p)
    elif name == "font-family":
        note_fonts(value, p)
    return True


def clean_declarations(style: str, p: Findings) -> str:
    """An inline style with unsafe declarations dropped (and colours noted)."""
    if "\\" in style:
        p.unsafe_styles += 1  # CSS escapes can spell url( or expression( in disguise
        return ""
    kept = []
    for decl in _CSS_COMMENT.sub("", style).split(";"):
        if not decl.strip():
            continue
        prop, colon, value = decl.partition(":")
        prop = prop.strip().lower()
        if not colon or not re.fullmatch(r"-?[a-z][a-z0-9-]*", prop):
            continue
        if _CSS_ACTIVE.search(decl):
            p.unsafe_styles += 1
            continue
        if keep_value(prop, value, p):
            kept.append(f"{prop}:{value.strip()}")
    return ";".join(kept)


def clean_stylesheet(css: str, p: Findings) -> str | None:
    """A ``<style>`` sheet without imports or external URLs; None if unsafe."""
    if "\\" in css or _CSS_ACTIVE.search(css):
        p.unsafe_styles += 1
        return None
    css = _CSS_COMMENT.sub("", css)
    css, imports = _CSS_IMPORT.subn("", css)
    p.external_refs += imports

    def replace(m: re.Match[str]) -> str:
        if LOCAL_REF.fullmatch(m.group(2).strip()):
            return m.group(0)
        p.external_refs += 1
        return "none"

    css = _URL.sub(replace, css)
    if not only_local_urls(css):
        p.unsafe_styles += 1
        return None
    for prop, value in _CSS_COLOR.findall(css):
        note_color(prop.lower(), value, p)
    for value in _CSS_FONT.findall(css):
        note_fonts(value, p)
    return css


def note_color(prop: str, value: str, p: Findings) -> None:
    hex_ = normalize_color(value)
    if hex_ is None:
        return
    p.colors.add(hex_)
    if prop == "fill":
        p.fill.add(hex_)
    elif prop == "stroke":
        p.stroke.add(hex_)


def normalize_color(value: str) -> str | None:
    """A CSS colour as ``#rrggbb``; None for none, currentColor, url(), transparent."""
    value = value.strip()
    if not value or value.lower() in ("none", "currentcolor", "inherit", "transparent"):
        return None
    if value.lower().startswith("url("):
        return None
    try:
        color = Color(value)
    except (ValueError, TypeError):
        return None
    if color.alpha() == 0:
        return None
    return str(color.convert("srgb").clip().to_string(hex=True, alpha=False)).lower()


def note_fonts(value: str, p: Findings) -> None:
    for family in value.split(","):
        family = family.strip().strip("'\"").strip()
        if family and len(family) <= 100:
            p.fonts.add(family)
