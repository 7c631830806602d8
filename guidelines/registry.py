"""The catalogue of checks a rule can name, and the parameter parsers they share.

A check is a plain function ``run(piece, params, ctx) -> Outcome`` registered
with :func:`check` together with what a brand file needs to know about it:
its parameters (each parsed and normalised when the brand file is loaded, so a
typo fails at load time and not at upload time), the placeholders its rule
messages may use, the Spanish sentence shown when the piece passes, and the
kinds of file it applies to (a check that does not apply is skipped).

``{measured}`` and ``{expected}`` are available to every rule message; a check
may offer more (``{share}``, ``{missing}`` …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guidelines.brand import Brand
    from guidelines.officials import OfficialLogos
    from guidelines.piece import Piece

COMMON_PLACEHOLDERS = frozenset({"measured", "expected"})
KINDS = frozenset({"image", "svg", "video", "audio", "document", "postscript", "font"})


@dataclass(frozen=True)
class Param:
    """A rule parameter: ``parse`` normalises the TOML value or raises ValueError."""

    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    refers_to: str | None = None  # "palette" or "logos": names that must exist in the brand


@dataclass
class Outcome:
    """What a check found. ``values`` fill the message; ``details`` go to the report as-is.

    ``reason`` replaces the rule's message: for skips, and for the rare
    failure the rule's message was not written for; ``code`` names that
    reason for readers in other languages (the app translates it).
    """

    status: str
    values: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    code: str | None = None


def passed(values: Mapping[str, str], details: Mapping[str, Any]) -> Outcome:
    return Outcome("pass", dict(values), dict(details))


def failed(values: Mapping[str, str], details: Mapping[str, Any]) -> Outcome:
    return Outcome("fail", dict(values), dict(details))


def verdict(ok: bool, values: Mapping[str, str], details: Mapping[str, Any]) -> Outcome:
    return Outcome("pass" if ok else "fail", dict(values), dict(details))


def failed_because(reason: str, *, code: str | None = None, **details: Any) -> Outcome:
    """A failure the rule's message does not describe (an empty logo file); Spanish reason."""
    return Outcome("fail", {}, details, reason, code)


def skipped(reason: str, *, code: str | None = None, **details: Any) -> Outcome:
    """The check cannot say anything about this piece; ``reason`` is Spanish, for the reader,
    ``code`` names it for a translation."""
    return Outcome("skip", {}, details, reason, code)


@dataclass(frozen=True)
class Context:
    """What a check may consult besides the piece: the brand and its official logo images."""

    brand: Brand
    officials: OfficialLogos
    #: The day the check is for (blackout calendars); None: today.
    today: date | None = None


@dataclass(frozen=True)
class CheckSpec:
    name: str
    title: str
    applies_to: frozenset[str]
    params: Mapping[str, Param]
    placeholders: frozenset[str]
    ok: str
    run: Callable[[Piece, Mapping[str, Any], Context], Outcome]


CHECKS: dict[str, CheckSpec] = {}


def check(
    name: str,
    *,
    title: str,
    applies_to: Sequence[str],
    ok: str,
    params: Mapping[str, Param] | None = None,
    placeholders: Sequence[str] = (),
) -> Callable[
    [Callable[[Piece, Mapping[str, Any], Context], Outcome]],
    Callable[[Piece, Mapping[str, Any], Context], Outcome],
]:
    """Register ``run`` as the check ``name`` (the name brand files use in ``check = …``)."""
    unknown = set(applies_to) - KINDS
    if unknown:
        raise ValueError(f"check {name}: unknown kinds {sorted(unknown)}")

    def register(
        run: Callable[[Piece, Mapping[str, Any], Context], Outcome],
    ) -> Callable[[Piece, Mapping[str, Any], Context], Outcome]:
        if name in CHECKS:
            raise ValueError(f"check {name} registered twice")
        CHECKS[name] = CheckSpec(
            name=name,
            title=title,
            applies_to=frozenset(applies_to),
            params=dict(params or {}),
            placeholders=COMMON_PLACEHOLDERS | frozenset(placeholders),
            ok=ok,
            run=run,
        )
        return run

    return register


# Parameter parsers. Each returns a JSON-safe normalised value, so that a
# resolved brand serialises to the same canonical document every time.


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


def positive(value: Any) -> float | int:
    checked = number(value)
    if checked <= 0:
        raise ValueError("must be greater than zero")
    return checked


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("must be a whole number greater than zero")
    return value


def share(value: Any) -> float | int:
    checked = number(value)
    if not 0 <= checked <= 1:
        raise ValueError("must be a share between 0 and 1 (0.25 = 25 %)")
    return checked


def text_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of texts")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("must be a non-empty list of texts")
    return [v.strip() for v in value]


def lower_list(value: Any) -> list[str]:
    return [v.lower() for v in text_list(value)]


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(repr(o) for o in options)}")
        return str(value)

    return parse


def choices(*options: str) -> Callable[[Any], list[str]]:
    def parse(value: Any) -> list[str]:
        items = lower_list(value)
        bad = [v for v in items if v not in options]
        if bad:
            raise ValueError(f"{bad[0]!r} is not one of {', '.join(repr(o) for o in options)}")
        return items

    return parse


_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$")


def sizes(value: Any) -> list[list[int]]:
    """``[[1080, 1080], "1080x1350"]`` → ``[[1080, 1080], [1080, 1350]]``."""
    if not isinstance(value, list) or not value:
        raise ValueError('must be a list of sizes such as [[1080, 1080], "1080x1350"]')
    out = []
    for item in value:
        if isinstance(item, str) and (m := _SIZE.match(item)):
            pair = [int(m.group(1)), int(m.group(2))]
        elif (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in item)
        ):
            pair = list(item)
        else:
            raise ValueError(f'{item!r} is not a size: use [width, height] or "WIDTHxHEIGHT"')
        if min(pair) <= 0:
            raise ValueError(f"{item!r}: sizes must be greater than zero")
        out.append(pair)
    return out


_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def ratio_value(value: str | int | float) -> float:
    """``"16:9"`` → 1.777…; a plain number is taken as width / height."""
    if isinstance(value, str):
        match = _RATIO.match(value)
        if not match or float(match.group(2)) == 0:
            raise ValueError(f'{value!r} is not a ratio such as "16:9"')
        return float(match.group(1)) / float(match.group(2))
    return float(positive(value))


def ratios(value: Any) -> list[str | float]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError('must be a ratio such as "16:9" or a list of them')
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise ValueError(f'{item!r} is not a ratio such as "16:9"')
        ratio_value(item)
    return items


# Print sizes in millimetres, portrait. "oficio" is the Latin American legal size.
PAPER_MM: dict[str, tuple[float, float]] = {
    "a5": (148, 210),
    "a4": (210, 297),
    "a3": (297, 420),
    "a2": (420, 594),
    "a1": (594, 841),
    "a0": (841, 1189),
    "carta": (215.9, 279.4),
    "letter": (215.9, 279.4),
    "oficio": (216, 330),
    "legal": (215.9, 355.6),
    "tabloide": (279.4, 431.8),
}


def print_size(value: Any) -> str | list[float]:
    """``"A4"`` (a paper name) or ``[width_mm, height_mm]``."""
    if isinstance(value, str):
        if value.strip().lower() not in PAPER_MM:
            raise ValueError(f"unknown paper size {value!r}; use one of {', '.join(PAPER_MM)}")
        return value.strip()
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(not isinstance(v, bool) and isinstance(v, int | float) and v > 0 for v in value)
    ):
        return [float(v) for v in value]
    raise ValueError('must be a paper name such as "A4" or [width_mm, height_mm]')


def paper_mm(value: str | Sequence[float]) -> tuple[float, float]:
    if isinstance(value, str):
        return PAPER_MM[value.lower()]
    return float(value[0]), float(value[1])
