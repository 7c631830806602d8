"""The measured value against the allowed one, for each result of a compliance report.

A check's ``details`` are plain JSON whose shape depends on the check (bytes
and a maximum, a size in pixels and a minimum, a loudness and a target …).
``value_rows`` turns the shapes the checks use into two short lines for the
report, "Measured" and "Allowed", formatted for the reader's locale; a shape
it does not know gives no rows (the rule's message already says it in words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from ..i18n import duration, filesize
from .rule_text import field_names, num, pct


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
    )


def _px(pair: Sequence[Any]) -> str:
    # Pixel sizes without thousands separators, as the checks write them: 3508 × 2480 px.
    return f"{round(pair[0])} × {round(pair[1])} px"


def _bound(pair: Sequence[Any], sign: str) -> str | None:
    width, height = pair
    if width and height:
        return f"{sign} {_px(pair)}"
    if width:
        return _("%(sign)s %(n)s px wide", sign=sign, n=round(width))
    if height:
        return _("%(sign)s %(n)s px tall", sign=sign, n=round(height))
    return None


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if _is_pair(value):
        return _px(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return num(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _rows(d: Mapping[str, Any]) -> tuple[Any, Any]:  # noqa: C901  (one branch per shape)
    """(measured, allowed) as text, or (None, None) for a shape with nothing to add."""
    if "measured_bytes" in d:
        return filesize(d["measured_bytes"]), f"≤ {filesize(d.get('max_bytes'))}"
    if "measured_lufs" in d:
        return (
            f"{num(d['measured_lufs'], 1)} LUFS",
            f"{num(d['target'])} ± {num(d.get('tolerance', 2))} LUFS",
        )
    if "estimated_quality" in d:
        return f"{num(d['estimated_quality'])} / 100", f"≥ {num(d['min_quality'])}"
    if "laplacian_variance" in d:
        return num(d["laplacian_variance"], 0), f"≥ {num(d['min_sharpness'])}"
    if "similarity" in d and "min_similarity" in d:
        return pct(d["similarity"]), f"≥ {pct(d['min_similarity'])}"
    if "margins" in d and "min_ratio" in d:
        margins = d["margins"] or {}
        smallest = min(margins.values()) if margins else None
        return (pct(smallest) if smallest is not None else "—"), f"≥ {pct(d['min_ratio'])}"
    if "missing" in d and "required" in d:
        found = [field_names(f) for f in d.get("found", [])]
        return (", ".join(found) or _("none")), ", ".join(field_names(r) for r in d["required"])
    measured = d.get("measured")
    if "needed" in d and _is_pair(d["needed"]):
        needed = f"≥ {_px(d['needed'])}"
        if d.get("print_mm") and d.get("dpi"):
            paper = f"{num(d['print_mm'][0])} × {num(d['print_mm'][1])} mm"
            needed += f" ({paper}, {_('%(n)s dpi', n=num(d['dpi']))})"
        return _plain(measured), needed
    if "min_seconds" in d or "max_seconds" in d:
        low, high = d.get("min_seconds"), d.get("max_seconds")
        if low and high:
            span = f"{duration(low)} – {duration(high)}"
        else:
            span = f"≤ {duration(high)}" if high else f"≥ {duration(low)}"
        return (duration(measured) if measured is not None else "—"), span
    if "min" in d or "max" in d:
        bounds = [
            b
            for b in (
                _bound(d["min"], "≥") if _is_bound(d.get("min")) else None,
                _bound(d["max"], "≤") if _is_bound(d.get("max")) else None,
            )
            if b
        ]
        return _plain(measured), " · ".join(bounds) or None
    if "min_dpi" in d:
        dpi = _("%(n)s dpi", n=num(measured)) if measured else "—"
        return dpi, "≥ " + _("%(n)s dpi", n=num(d["min_dpi"]))
    if "mime" in d:  # the file type: PNG, not png
        types = [str(e).upper() for e in d.get("expected") or []]
        return str(measured or "—").upper(), ", ".join(types) or None
    expected = d.get("expected", d.get("allowed"))
    if "measured" in d or expected is not None:
        allowed = _plain(expected) if expected is not None else None
        if isinstance(expected, int | float) and d.get("tolerance"):
            allowed = f"{num(expected)} ± {pct(d['tolerance'])}"
        return _plain(measured), allowed
    return None, None


def _is_bound(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and any(v for v in value)
    )


def value_rows(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """[(label, text)]: what was measured and what the rule allows, when the details say it."""
    if not details or "off_palette_share" in details:
        return []  # palettes have their own rows and swatches
    try:
        measured, allowed = _rows(details)
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    rows = []
    if measured is not None:
        # A logo's version is judged by its form alone: say so, or the number reads as
        # "how alike", colours included.
        label = _("Form alike") if "form_matches" in details else _("Measured")
        rows.append((label, measured))
    if allowed is not None:
        rows.append((_("Allowed"), allowed))
    return rows
