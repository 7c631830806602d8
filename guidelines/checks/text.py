"""Rules over what a piece says: required phrases, forbidden terms, electoral blackout.

They read :attr:`guidelines.piece.Piece.text` (the PDF text layer, the SVG
text, or the OCR the worker did after upload) and look for phrases with
:mod:`guidelines.textmatch`, so accents, case and a little OCR noise do not
fail a correct piece.

- ``required_text``: every phrase of ``phrases`` must be on the piece (the
  legend of social programmes, a credit, a web address, an accessibility line);
- ``forbidden_text``: none of ``terms`` may be;
- ``blackout``: ``periods`` is a calendar of date ranges, each with the names
  and slogans that may not appear while it lasts (electoral "veda"); outside
  every period the rule does not apply.

A raster piece whose text has not been read yet (OCR runs in the background
after upload; the check desk does no OCR) is skipped with ``text_pending``,
never failed. Each finding carries the boxes of its words for the report.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from assets.text import PieceText
from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    check,
    failed,
    passed,
    share,
    skipped,
    text_list,
)
from guidelines.textmatch import Match, find_all

_KINDS = ("image", "svg", "document")
PENDING = (
    "El texto de esta pieza todavía no se leyó: se lee en segundo plano después de subirla, "
    "y el informe de la pieza en la biblioteca incluirá esta regla."
)


def _text(piece: Piece) -> PieceText | None:
    return piece.text


def _quoted(items: list[str]) -> str:
    return fmt.word_list([f"«{item}»" for item in items])


def _details(text: PieceText, found: dict[str, Match], **extra: Any) -> dict[str, Any]:
    return {
        "found": [match.to_dict() for match in found.values()],
        "text_sources": list(text.sources),
        "text_confidence": text.confidence,
        **extra,
    }


@check(
    "required_text",
    title="Textos obligatorios",
    applies_to=_KINDS,
    params={"phrases": Param(text_list, required=True), "max_errors": Param(share, default=0.1)},
    placeholders=("missing",),
    ok="La pieza lleva los textos obligatorios: {measured}.",
)
def required_text(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Every phrase is on the piece (accents and case aside, a few letters of OCR noise)."""
    text = _text(piece)
    if text is None:
        return skipped(PENDING, code="text_pending")
    phrases = list(params["phrases"])
    found = find_all(text, phrases, float(params["max_errors"]))
    missing = [p for p in phrases if p not in found]
    if missing and text.pending:
        return skipped(PENDING, code="text_pending")
    values = {
        "measured": _quoted(list(found)) or "ninguno",
        "expected": _quoted(phrases),
        "missing": _quoted(missing),
    }
    details = _details(text, found, phrases=phrases, absent=missing)
    return failed(values, details) if missing else passed(values, details)


@check(
    "forbidden_text",
    title="Textos no permitidos",
    applies_to=_KINDS,
    params={"terms": Param(text_list, required=True), "max_errors": Param(share, default=0.1)},
    placeholders=("terms",),
    ok="La pieza no usa textos prohibidos.",
)
def forbidden_text(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """None of the terms is on the piece."""
    text = _text(piece)
    if text is None:
        return skipped(PENDING, code="text_pending")
    found = find_all(text, list(params["terms"]), float(params["max_errors"]))
    if not found and text.pending:
        return skipped(PENDING, code="text_pending")
    values = {"measured": _quoted(list(found)) or "ninguno", "expected": "ninguno"}
    values["terms"] = values["measured"]
    details = _details(text, found, terms=list(params["terms"]))
    return failed(values, details) if found else passed(values, details)


def _date(value: Any, where: str) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not a date such as 2027-05-01") from None
    if not isinstance(value, datetime.date):
        raise ValueError(f"{where}: must be a date such as 2027-05-01")
    return value.isoformat()


def periods(value: Any) -> list[dict[str, Any]]:
    """``[{name, start, end, names = [...], slogans = [...]}]``, dates as ISO strings."""
    if not isinstance(value, list) or not value:
        raise ValueError("must be a list of periods with name, start, end, names and slogans")
    out = []
    for item in value:
        if not isinstance(item, Mapping):
            raise ValueError("each period is a table with name, start, end, names, slogans")
        unknown = set(item) - {"name", "start", "end", "names", "slogans"}
        if unknown:
            raise ValueError(f"unknown period field {sorted(unknown)[0]!r}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("each period needs a name")
        start = _date(item.get("start"), f"period {name!r} start")
        end = _date(item.get("end"), f"period {name!r} end")
        if end < start:
            raise ValueError(f"period {name!r} ends before it starts")
        names = text_list(item["names"]) if item.get("names") else []
        slogans = text_list(item["slogans"]) if item.get("slogans") else []
        if not names and not slogans:
            raise ValueError(f"period {name!r} needs names or slogans")
        out.append(
            {"name": name.strip(), "start": start, "end": end, "names": names, "slogans": slogans}
        )
    return out


def in_force(calendar: list[dict[str, Any]], day: datetime.date) -> list[dict[str, Any]]:
    """The periods of ``calendar`` that include ``day`` (both ends included)."""
    iso = day.isoformat()
    return [p for p in calendar if p["start"] <= iso <= p["end"]]


@check(
    "blackout",
    title="Veda electoral",
    applies_to=_KINDS,
    params={"periods": Param(periods, required=True), "max_errors": Param(share, default=0.1)},
    placeholders=("period", "terms"),
    ok="La pieza no nombra a funcionarios ni usa lemas vedados durante {period}.",
)
def blackout(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """While a blackout period lasts, no name or slogan of its list is on the piece."""
    day = ctx.today or datetime.date.today()
    current = in_force(list(params["periods"]), day)
    if not current:
        return skipped("Hoy no hay un período de veda vigente.", code="no_blackout")
    text = _text(piece)
    if text is None:
        return skipped(PENDING, code="text_pending")
    terms = list(dict.fromkeys(t for p in current for t in (*p["names"], *p["slogans"])))
    found = find_all(text, terms, float(params["max_errors"]))
    if not found and text.pending:
        return skipped(PENDING, code="text_pending")
    period = fmt.word_list([p["name"] for p in current])
    values = {
        "measured": _quoted(list(found)) or "ninguno",
        "expected": "ninguno",
        "period": period,
        "terms": _quoted(list(found)),
    }
    details = _details(
        text,
        found,
        periods=[{k: p[k] for k in ("name", "start", "end")} for p in current],
        names=[t for t in found if any(t in p["names"] for p in current)],
        slogans=[t for t in found if any(t in p["slogans"] for p in current)],
    )
    return failed(values, details) if found else passed(values, details)
