"""Row ids as the outside world sends them: in URLs, query strings and JSON bodies.

Every primary key is an ``Integer`` column: 32 bits in PostgreSQL, 64 in SQLite.
A larger number can name no row, and handing it to the database fails there
(``OverflowError`` in SQLite, ``NumericValueOutOfRange`` in PostgreSQL) instead of
answering "not found". So ids are bounded where they enter: ``<int:...>`` in
every route is ``IdConverter`` (a number past ``MAX_ID`` does not match the rule:
404), and ``parse_id`` reads one from a query string or a body.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the narrowest column an id lives in


def _up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 0 to ``limit`` (no sign, no spaces).

    In the pattern itself, not only in ``to_python``: a number the converter refused
    would still match the rule's path, and Werkzeug answers 405 (not 404) when the
    path matches a rule of another method.
    """
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        if digit != "0":
            low = "1" if i == 0 and len(digits) > 1 else "0"
            high = int(digit) - 1
            if high >= int(low):
                tail = f"[0-9]{{{rest}}}" if rest else ""
                options.append(f"{digits[:i]}[{low}-{high}]{tail}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """``<int:name>`` bounded to the ids a row can have (0 to ``MAX_ID``, ASCII digits)."""

    regex = _up_to(MAX_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value: Any) -> int | None:
    """An id from JSON (a number) or a query string (ASCII digits); None when it is no id.

    JSON Schema's integers include 7.0, so a float with nothing after the point is one;
    booleans, fractions, signs, other scripts' digits and numbers past ``MAX_ID`` are not.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            return None
        value = int(text)
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


def init_app(app: Any) -> None:
    """Make ``int`` in every route an id (call before any blueprint is registered)."""
    app.url_map.converters["int"] = IdConverter
