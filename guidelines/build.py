"""From resolved brand content to a :class:`Brand`: the validation that needs all of it.

The loader has read the files and merged each brand with its parent; what it
hands over is a plain dict shaped like a brand file, where every palette
entry, logo and rule still carries the name of the file it was written in
(``ORIGIN``). Here each part is validated and turned into the model: HEX
colours, logo files (hashed, so a new logo file is a new version) or
drawings, and every rule against the catalogue of checks (known check,
severity, parameters parsed by the check's own parsers, names of palette
colours and logos that exist, message placeholders the check offers). Errors
name the file, and the rule or entry, where the problem was written.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import guidelines.checks  # noqa: F401  (registers every check)
from guidelines.brand import CATEGORIES, SEVERITIES, Brand, Font, Logo, PaletteColor, Rule
from guidelines.colors import parse_hex, to_hex
from guidelines.errors import BrandError
from guidelines.examples import validate_drawing
from guidelines.registry import CHECKS

# Where each merged entry came from, so errors found after merging name the right file.
ORIGIN = "__origin__"
RULE_KEYS = {"id", "check", "severity", "title", "message", "enabled", "title_en", "message_en"}


def build_brand(
    raw: Mapping[str, Any], path: Path, *, files_allowed: bool = True, stored: bool = False
) -> Brand:
    palette = tuple(_palette_color(e) for e in raw.get("palette", []))
    typography = tuple(_font(e) for e in raw.get("typography", []))
    logos = tuple(_logo(e, path, files_allowed, stored) for e in raw.get("logos", []))
    names = {"palette": {c.name for c in palette}, "logos": {logo.name for logo in logos}}
    for logo, entry in zip(logos, raw.get("logos", []), strict=True):
        _check_drawing(logo, entry, names["palette"])
    rules = {
        category: tuple(_rule(r, category, names) for r in raw.get("rules", {}).get(category, []))
        for category in CATEGORIES
    }
    return Brand(
        slug=raw["slug"],
        name=raw["name"].strip(),
        version=raw["version"].strip(),
        parent=raw.get("parent"),
        lineage=tuple(raw.get("lineage", [])),
        description=raw.get("description", "").strip(),
        public_checks=bool(raw.get("public_checks", False)),
        palette=palette,
        typography=typography,
        logos=logos,
        dos=tuple(raw.get("dos", [])),
        donts=tuple(raw.get("donts", [])),
        rules=rules,
        source=None if stored else path,
        description_en=(raw.get("description_en") or "").strip() or None,
        dos_en=tuple(raw["dos_en"]) if raw.get("dos_en") else None,
        donts_en=tuple(raw["donts_en"]) if raw.get("donts_en") else None,
    )


def _error(entry: Mapping[str, Any], message: str, **details: Any) -> BrandError:
    origin = entry.get(ORIGIN, "brand")
    return BrandError(f"{origin}: {message}", file=origin, **details)


def _text(entry: Mapping[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _error(entry, f"{where}: {key!r} must be a text.", key=key)
    return value.strip()


def _palette_color(entry: Mapping[str, Any]) -> PaletteColor:
    where = f"colour {entry['name']!r}"
    try:
        hex_value = to_hex(parse_hex(entry.get("hex", "")))
    except ValueError:
        raise _error(
            entry,
            f'{where}: {entry.get("hex")!r} is not a HEX colour such as "#1F4E8C".',
            color=entry["name"],
        ) from None
    notes = {
        k: _text(entry, k, where, required=False)
        for k in ("rgb", "cmyk", "pantone", "use", "use_en")
    }
    return PaletteColor(name=entry["name"], hex=hex_value, **notes)


def _font(entry: Mapping[str, Any]) -> Font:
    where = f"typeface {entry['name']!r}"
    weights = entry.get("weights", [])
    if not isinstance(weights, list) or not all(isinstance(w, str) for w in weights):
        raise _error(entry, f"{where}: 'weights' must be a list of texts.", font=entry["name"])
    return Font(
        name=entry["name"],
        use=_text(entry, "use", where) or "",
        weights=tuple(weights),
        fallback=_text(entry, "fallback", where, required=False),
        source=_text(entry, "source", where, required=False),
    )


def _bilingual(entry: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    """``key = {es = "…", en = "…"}`` as ``key`` (Spanish) and ``key_en``; plain texts as given."""
    value = entry.get(key)
    if not isinstance(value, Mapping):
        return dict(entry)
    unknown = sorted(set(value) - {"es", "en"})
    if unknown or not isinstance(value.get("es"), str):
        raise _error(
            entry, f'{where}: {key!r} must be a text or {{ es = "…", en = "…" }}.', key=key
        )
    out = {**entry, key: value["es"]}
    if "en" in value:
        out[f"{key}_en"] = value["en"]
    return out


def _english(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(f"{key}_en")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _error(entry, f"{where}: '{key}_en' must be a text.", key=f"{key}_en")
    return value.strip()


def _logo(entry: Mapping[str, Any], path: Path, files_allowed: bool, stored: bool) -> Logo:
    where = f"logo {entry['name']!r}"
    entry = _bilingual(entry, "title", where)
    title, description, usage = (
        _text(entry, k, where) or "" for k in ("title", "description", "usage")
    )
    english = {k: _english(entry, k, where) for k in ("title", "description", "usage")}
    title_en = english["title"]
    name = entry["name"]
    file, drawing = entry.get("file"), entry.get("drawing")
    if (file is None) == (drawing is None):
        raise _error(entry, f"{where}: give either 'file' or 'drawing'.", logo=entry["name"])
    if drawing is not None:
        if not isinstance(drawing, dict):
            raise _error(entry, f"{where}: 'drawing' must be a table.", logo=entry["name"])
        return Logo(
            name,
            title,
            description,
            usage,
            drawing=dict(drawing),
            title_en=title_en,
            description_en=english["description"],
            usage_en=english["usage"],
        )
    if not isinstance(file, str) or not file.strip():
        raise _error(entry, f"{where}: 'file' must be a file name.", logo=entry["name"])
    if stored or not files_allowed:
        return Logo(
            name,
            title,
            description,
            usage,
            file=file,
            sha256=entry.get("sha256"),
            title_en=title_en,
            description_en=english["description"],
            usage_en=english["usage"],
        )
    # Logo files live in the brands folder, next to the brand files.
    directory = path.parent
    logo_path = (directory / file).resolve()
    if directory.resolve() not in logo_path.parents:
        raise _error(entry, f"{where}: {file!r} must be inside the brands folder.")
    try:
        digest = hashlib.sha256(logo_path.read_bytes()).hexdigest()
    except OSError:
        raise _error(entry, f"{where}: logo file {file!r} not found.", logo=entry["name"]) from None
    return Logo(
        name,
        title,
        description,
        usage,
        file=file,
        sha256=digest,
        path=logo_path,
        title_en=title_en,
        description_en=english["description"],
        usage_en=english["usage"],
    )


def _check_drawing(logo: Logo, entry: Mapping[str, Any], palette: set[str]) -> None:
    if logo.drawing is None:
        return
    try:
        validate_drawing(logo.drawing, palette)
    except ValueError as exc:
        raise _error(entry, f"logo {logo.name!r}: drawing {exc}.", logo=logo.name) from None


def _rule(entry: Mapping[str, Any], category: str, names: Mapping[str, set[str]]) -> Rule:
    rule_id = entry["id"]
    where = f"rule {rule_id!r} in [rules.{category}]"
    entry = _bilingual(_bilingual(entry, "title", where), "message", where)

    def fail(message: str, **details: Any) -> BrandError:
        return _error(entry, f"{where}: {message}", rule=rule_id, category=category, **details)

    name = entry.get("check")
    if not isinstance(name, str) or name not in CHECKS:
        known = ", ".join(sorted(CHECKS))
        raise fail(f"unknown check {name!r}; known checks: {known}.", check=name)
    spec = CHECKS[name]
    severity = entry.get("severity")
    if severity not in SEVERITIES:
        raise fail(f"severity must be 'error' or 'warning', not {severity!r}.")
    message = entry.get("message")
    if not isinstance(message, str) or not message.strip():
        raise fail("'message' (in Spanish, for the person who made the piece) is required.")
    _check_placeholders(message, spec.placeholders, fail)
    message_en = _english(entry, "message", where)
    if message_en is not None:
        _check_placeholders(message_en, spec.placeholders, fail)
    title_en = _english(entry, "title", where)
    title = entry.get("title", spec.title)
    if not isinstance(title, str) or not title.strip():
        raise fail("'title' must be a text.")
    given = {k: v for k, v in entry.items() if k not in RULE_KEYS and k != ORIGIN}
    params: dict[str, Any] = {}
    for key in sorted(set(given) - set(spec.params)):
        known = ", ".join(sorted(spec.params)) or "none"
        raise fail(f"unknown parameter {key!r} for check {name!r} (parameters: {known}).")
    for key, param in spec.params.items():
        if key not in given:
            if param.required:
                raise fail(f"parameter {key!r} is required by check {name!r}.")
            continue
        try:
            params[key] = param.parse(given[key])
        except ValueError as exc:
            raise fail(f"bad parameter {key!r}: {exc}.", parameter=key) from None
        if param.refers_to:
            wanted = params[key] if isinstance(params[key], list) else [params[key]]
            missing = [v for v in wanted if v not in names[param.refers_to]]
            if missing:
                raise fail(
                    f"parameter {key!r} names {missing[0]!r}, which is not in the brand's "
                    f"{param.refers_to}.",
                    parameter=key,
                )
    return Rule(
        id=rule_id,
        check=name,
        severity=severity,
        title=title.strip(),
        message=message.strip(),
        params=params,
        title_en=title_en,
        message_en=message_en,
    )


def _check_placeholders(message: str, allowed: frozenset[str], fail: Any) -> None:
    try:
        fields = list(string.Formatter().parse(message))
    except ValueError as exc:
        raise fail(f"the message has unbalanced braces ({exc}); write {{{{ for a brace.") from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            raise fail(
                f"the message uses {{{field}}}; this check offers "
                + ", ".join("{" + p + "}" for p in sorted(allowed))
                + ".",
                placeholder=field,
            )
