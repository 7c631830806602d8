"""Reading brand files: TOML → validation → inheritance → :class:`Brand`.

A brand file is ``<slug>.toml``. With ``parent = "other-slug"`` it starts from
the parent's resolved content and changes it:

* top-level texts (name, version, description …) are the child's own;
  ``public_checks`` is inherited unless the child sets it;
* ``palette``, ``typography`` and ``logos`` entries are matched by ``name``: a
  child entry with a known name changes only the fields it sets, a new name is
  appended;
* ``dos`` and ``donts`` are the parent's followed by the child's;
* rules are matched by ``id`` within each category: the child's fields
  (parameters included) replace the parent's, a different ``check`` replaces
  the rule as a whole, ``enabled = false`` drops it, a new id is appended.

Every problem raises :class:`BrandError` naming the file (and the rule or
entry) where it was written, so that the person who edits the file can find it.
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import guidelines.checks  # noqa: F401  (registers every check)
from guidelines.brand import (
    CATEGORIES,
    SEVERITIES,
    Brand,
    Font,
    Logo,
    PaletteColor,
    Rule,
)
from guidelines.colors import parse_hex, to_hex
from guidelines.errors import BrandError
from guidelines.registry import CHECKS

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_TOP_KEYS = {
    "slug", "name", "parent", "version", "description", "public_checks",
    "palette", "typography", "logos", "dos", "donts", "rules",
}  # fmt: skip
_ENTRY_FIELDS = {
    "palette": ({"name", "hex"}, {"rgb", "cmyk", "pantone", "use"}),
    "typography": ({"name", "use"}, {"weights", "fallback", "source"}),
    "logos": ({"name", "title", "description", "usage"}, {"file", "drawing"}),
}
_RULE_KEYS = {"id", "check", "severity", "title", "message", "enabled"}
# Where each merged entry came from, so errors found after merging name the right file.
_ORIGIN = "__origin__"


def load_brand_file(path: Path, parents: Mapping[str, Brand] | None = None) -> Brand:
    """Load one brand file. A parent is taken from ``parents`` or else from a sibling file."""
    path = Path(path)
    raw = _read(path)
    parent = raw.get("parent")
    if parent is None:
        return _build(raw, path)
    if parents and parent in parents:
        return _build(_merge(_to_raw(parents[parent].to_dict()), raw), path)
    siblings = {p.resolve(): p for p in path.parent.glob("*.toml")}
    siblings[path.resolve()] = path
    return load_brands_dir(path.parent, files=list(siblings.values()))[raw["slug"]]


def load_brands_dir(directory: Path, files: list[Path] | None = None) -> dict[str, Brand]:
    """Every ``*.toml`` brand in ``directory``, resolved: slug → Brand."""
    directory = Path(directory)
    raws: dict[str, tuple[dict[str, Any], Path]] = {}
    for path in sorted(files if files is not None else directory.glob("*.toml")):
        raw = _read(path)
        if raw["slug"] in raws:
            other = raws[raw["slug"]][1].name
            raise BrandError(
                f"{path.name}: slug {raw['slug']!r} is already used by {other}.",
                file=path.name,
                slug=raw["slug"],
            )
        raws[raw["slug"]] = (raw, path)
    merged: dict[str, dict[str, Any]] = {}
    for slug in raws:
        _resolve(slug, raws, merged, ())
    return {slug: _build(merged[slug], raws[slug][1]) for slug in raws}


def load_brand_text(
    text: str, source: str = "brand.toml", parents: Mapping[str, Brand] | None = None
) -> Brand:
    """Load a brand from TOML text (an upload); its parent must be in ``parents``."""
    raw = _parse(text, source)
    parent = raw.get("parent")
    if parent is not None:
        if not parents or parent not in parents:
            raise BrandError(
                f"{source}: parent brand {parent!r} is not loaded.", file=source, parent=parent
            )
        raw = _merge(_to_raw(parents[parent].to_dict()), raw)
    return _build(raw, Path(source), files_allowed=False)


def brand_from_resolved(data: Mapping[str, Any]) -> Brand:
    """Rebuild a brand from ``Brand.to_dict()`` output (a stored version)."""
    source = f"{data.get('slug', '?')} (stored version)"
    raw = _to_raw(data)
    _check_top(raw, source)
    return _build(raw, Path(source), files_allowed=False, stored=True)


# Reading and structural validation of one file.


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandError(f"{path.name}: cannot be read ({exc}).", file=path.name) from exc
    return _parse(text, path.name)


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BrandError(f"{source}: not valid TOML ({exc}).", file=source) from exc
    _check_top(raw, source)
    for section in _ENTRY_FIELDS:
        for entry in raw.get(section, []):
            entry[_ORIGIN] = source
    for rules in raw.get("rules", {}).values():
        for rule in rules:
            rule[_ORIGIN] = source
    return raw


def _check_top(raw: dict[str, Any], source: str) -> None:
    def fail(message: str, **details: Any) -> BrandError:
        return BrandError(f"{source}: {message}", file=source, **details)

    unknown = sorted(set(raw) - _TOP_KEYS - {"lineage", "fingerprint"})
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}.", key=unknown[0])
    for key in ("slug", "name", "version"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"{key!r} is required and must be a text.", key=key)
    if not _SLUG.match(raw["slug"]):
        raise fail(f"slug {raw['slug']!r} must be lowercase letters, digits and hyphens.")
    if raw.get("parent") is not None and (
        not isinstance(raw["parent"], str) or not _SLUG.match(raw["parent"])
    ):
        raise fail(f"parent {raw['parent']!r} is not a brand slug.", key="parent")
    if raw.get("parent") == raw["slug"]:
        raise fail("a brand cannot be its own parent (inheritance cycle).", key="parent")
    if "public_checks" in raw and not isinstance(raw["public_checks"], bool):
        raise fail("'public_checks' must be true or false.", key="public_checks")
    if "description" in raw and not isinstance(raw["description"], str):
        raise fail("'description' must be a text.", key="description")
    for key in ("dos", "donts"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"{key!r} must be a list of texts.", key=key)
    for section, (required, optional) in _ENTRY_FIELDS.items():
        entries = raw.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise fail(f"[[{section}]] must be a list of tables.", key=section)
        names: set[str] = set()
        for entry in entries:
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                raise fail(f"every [[{section}]] entry needs a 'name'.", key=section)
            if name in names:
                raise fail(f"[[{section}]] {name!r} appears twice.", key=section, entry=name)
            names.add(name)
            extra = sorted(set(entry) - required - optional - {_ORIGIN, "sha256"})
            if extra:
                raise fail(
                    f"[[{section}]] {name!r}: unknown field {extra[0]!r}.", entry=name, key=extra[0]
                )
    rules = raw.get("rules", {})
    if not isinstance(rules, dict):
        raise fail("'rules' must be tables such as [[rules.photo]].", key="rules")
    for category, items in rules.items():
        if category not in CATEGORIES:
            raise fail(
                f"unknown piece category [rules.{category}]; use {', '.join(CATEGORIES)}.",
                category=category,
            )
        if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
            raise fail(f"[[rules.{category}]] must be a list of tables.", category=category)
        ids: set[str] = set()
        for rule in items:
            rule_id = rule.get("id")
            if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
                raise fail(
                    f"[[rules.{category}]]: every rule needs an 'id' such as 'foto-credito' "
                    f"(got {rule_id!r}).",
                    category=category,
                )
            if rule_id in ids:
                raise fail(f"rule {rule_id!r} appears twice in [rules.{category}].", rule=rule_id)
            ids.add(rule_id)


# Inheritance.


def _resolve(
    slug: str,
    raws: Mapping[str, tuple[dict[str, Any], Path]],
    merged: dict[str, dict[str, Any]],
    stack: tuple[str, ...],
) -> dict[str, Any]:
    if slug in merged:
        return merged[slug]
    raw, path = raws[slug]
    if slug in stack:
        chain = " → ".join((*stack[stack.index(slug) :], slug))
        raise BrandError(
            f"{path.name}: inheritance cycle {chain}.", file=path.name, cycle=list(stack)
        )
    parent = raw.get("parent")
    if parent is None:
        result = raw
    else:
        if parent not in raws:
            raise BrandError(
                f"{path.name}: parent brand {parent!r} not found (no {parent}.toml).",
                file=path.name,
                parent=parent,
            )
        result = _merge(_resolve(parent, raws, merged, (*stack, slug)), raw)
    merged[slug] = result
    return result


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in child.items() if k not in _ENTRY_FIELDS}
    out["lineage"] = [*base.get("lineage", []), base["slug"]]
    out["public_checks"] = child.get("public_checks", base.get("public_checks", False))
    out["description"] = child.get("description", base.get("description", ""))
    for section in _ENTRY_FIELDS:
        entries = {e["name"]: dict(e) for e in base.get(section, [])}
        for entry in child.get(section, []):
            if entry["name"] in entries:
                entries[entry["name"]] = {**entries[entry["name"]], **entry}
            else:
                entries[entry["name"]] = dict(entry)
        out[section] = list(entries.values())
    out["dos"] = [*base.get("dos", []), *child.get("dos", [])]
    out["donts"] = [*base.get("donts", []), *child.get("donts", [])]
    rules: dict[str, list[dict[str, Any]]] = {}
    for category in CATEGORIES:
        by_id = {r["id"]: dict(r) for r in base.get("rules", {}).get(category, [])}
        for rule in child.get("rules", {}).get(category, []):
            old = by_id.get(rule["id"])
            if old is not None and rule.get("check", old["check"]) == old["check"]:
                by_id[rule["id"]] = {**old, **rule}
            else:
                by_id[rule["id"]] = dict(rule)
            if rule.get("enabled", True) is False:
                del by_id[rule["id"]]
        rules[category] = list(by_id.values())
    out["rules"] = rules
    return out


def _to_raw(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """A resolved ``to_dict`` document in the shape of a file (rule parameters inline)."""
    if data is None:
        return {}
    raw = {k: v for k, v in data.items() if k not in ("fingerprint", "rules")}
    origin = f"{data.get('slug', '?')} (stored version)"
    for section in _ENTRY_FIELDS:
        raw[section] = [
            {**{k: v for k, v in e.items() if v is not None}, _ORIGIN: origin}
            for e in data.get(section, [])
        ]
    raw["rules"] = {
        category: [
            {**{k: v for k, v in rule.items() if k != "params"}, **rule.get("params", {}),
             _ORIGIN: origin}
            for rule in rules
        ]
        for category, rules in data.get("rules", {}).items()
    }  # fmt: skip
    return raw


# Building the Brand: the checks that need the whole resolved content.


def _build(
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
    )


def _error(entry: Mapping[str, Any], message: str, **details: Any) -> BrandError:
    origin = entry.get(_ORIGIN, "brand")
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
        hex_value = to_hex(parse_hex(entry.get("hex")))  # type: ignore[arg-type]
    except ValueError:
        raise _error(
            entry,
            f'{where}: {entry.get("hex")!r} is not a HEX colour such as "#1F4E8C".',
            color=entry["name"],
        ) from None
    notes = {k: _text(entry, k, where, required=False) for k in ("rgb", "cmyk", "pantone", "use")}
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


def _logo(entry: Mapping[str, Any], path: Path, files_allowed: bool, stored: bool) -> Logo:
    where = f"logo {entry['name']!r}"
    title, description, usage = (
        _text(entry, k, where) or "" for k in ("title", "description", "usage")
    )
    name = entry["name"]
    file, drawing = entry.get("file"), entry.get("drawing")
    if (file is None) == (drawing is None):
        raise _error(entry, f"{where}: give either 'file' or 'drawing'.", logo=entry["name"])
    if drawing is not None:
        if not isinstance(drawing, dict):
            raise _error(entry, f"{where}: 'drawing' must be a table.", logo=entry["name"])
        return Logo(name, title, description, usage, drawing=dict(drawing))
    if not isinstance(file, str) or not file.strip():
        raise _error(entry, f"{where}: 'file' must be a file name.", logo=entry["name"])
    if stored or not files_allowed:
        return Logo(name, title, description, usage, file=file, sha256=entry.get("sha256"))
    # Logo files live in the brands folder, next to the brand files.
    directory = path.parent
    logo_path = (directory / file).resolve()
    if directory.resolve() not in logo_path.parents:
        raise _error(entry, f"{where}: {file!r} must be inside the brands folder.")
    try:
        digest = hashlib.sha256(logo_path.read_bytes()).hexdigest()
    except OSError:
        raise _error(entry, f"{where}: logo file {file!r} not found.", logo=entry["name"]) from None
    return Logo(name, title, description, usage, file=file, sha256=digest, path=logo_path)


def _check_drawing(logo: Logo, entry: Mapping[str, Any], palette: set[str]) -> None:
    if logo.drawing is None:
        return
    from guidelines.examples import validate_drawing

    try:
        validate_drawing(logo.drawing, palette)
    except ValueError as exc:
        raise _error(entry, f"logo {logo.name!r}: drawing {exc}.", logo=logo.name) from None


def _rule(entry: Mapping[str, Any], category: str, names: Mapping[str, set[str]]) -> Rule:
    rule_id = entry["id"]
    where = f"rule {rule_id!r} in [rules.{category}]"

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
    title = entry.get("title", spec.title)
    if not isinstance(title, str) or not title.strip():
        raise fail("'title' must be a text.")
    given = {k: v for k, v in entry.items() if k not in _RULE_KEYS and k != _ORIGIN}
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
