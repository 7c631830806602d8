"""Reading brand files: TOML → structure checks → inheritance → :class:`Brand`.

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
This module checks each file's structure and merges; ``guidelines.build``
validates the merged content and makes the :class:`Brand`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guidelines.brand import CATEGORIES, Brand
from guidelines.build import ORIGIN, build_brand
from guidelines.errors import BrandError

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_TOP_KEYS = {
    "slug",
    "name",
    "parent",
    "version",
    "description",
    "public_checks",
    "palette",
    "typography",
    "logos",
    "dos",
    "donts",
    "rules",
    "description_en",
    "dos_en",
    "donts_en",
}
_ENTRY_FIELDS = {
    "palette": ({"name", "hex"}, {"rgb", "cmyk", "pantone", "use", "use_en"}),
    "typography": ({"name", "use"}, {"weights", "fallback", "source"}),
    "logos": (
        {"name", "title", "description", "usage"},
        {"file", "drawing", "title_en", "description_en", "usage_en"},
    ),
}


def load_brand_file(path: Path, parents: Mapping[str, Brand] | None = None) -> Brand:
    """Load one brand file. A parent is taken from ``parents`` or else from a sibling file."""
    path = Path(path)
    raw = _read(path)
    parent = raw.get("parent")
    if parent is None:
        return build_brand(raw, path)
    if parents and parent in parents:
        return build_brand(_merge(_to_raw(parents[parent].to_dict()), raw), path)
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
    return {slug: build_brand(merged[slug], raws[slug][1]) for slug in raws}


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
    return build_brand(raw, Path(source), files_allowed=False)


def load_brand_dict(data: Mapping[str, Any]) -> Brand:
    """Rebuild (and re-validate) a brand from ``Brand.to_dict()`` output (a stored version).

    Raises :class:`BrandError` if the content is not valid.
    """
    source = f"{data.get('slug', '?')} (stored version)"
    raw = _to_raw(data)
    _check_top(raw, source)
    return build_brand(raw, Path(source), files_allowed=False, stored=True)


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
            entry[ORIGIN] = source
    for rules in raw.get("rules", {}).values():
        for rule in rules:
            rule[ORIGIN] = source
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
    for key in ("description", "description_en"):
        if key in raw and not isinstance(raw[key], str):
            raise fail(f"{key!r} must be a text.", key=key)
    for key in ("dos", "donts", "dos_en", "donts_en"):
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
            extra = sorted(set(entry) - required - optional - {ORIGIN, "sha256"})
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
    if "description" in child:
        # A new Spanish description makes the parent's English one stale.
        out.pop("description_en", None)
        if "description_en" in child:
            out["description_en"] = child["description_en"]
    elif "description_en" in base or "description_en" in child:
        out["description_en"] = child.get("description_en", base.get("description_en"))
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
    for key in ("dos", "donts"):
        # The English list is shown only when it says every item of the Spanish one.
        english = [*base.get(f"{key}_en", []), *child.get(f"{key}_en", [])]
        if english:
            out[f"{key}_en"] = english
        else:
            out.pop(f"{key}_en", None)
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
            {**{k: v for k, v in e.items() if v is not None}, ORIGIN: origin}
            for e in data.get(section, [])
        ]
    raw["rules"] = {
        category: [
            {
                **{k: v for k, v in rule.items() if k != "params"},
                **rule.get("params", {}),
                ORIGIN: origin,
            }
            for rule in rules
        ]
        for category, rules in data.get("rules", {}).items()
    }
    return raw
