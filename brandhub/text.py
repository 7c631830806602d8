"""Text as people send it, cleaned the same way by the forms and the queries."""

from __future__ import annotations

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
_CONTROL[127] = None


def clean_text(value: object) -> object:
    """Drop control characters (NUL cannot even be stored in PostgreSQL text)."""
    return value.translate(_CONTROL) if isinstance(value, str) else value


def clean_line(value: object) -> object:
    """One line of text: control characters and line breaks become nothing/spaces."""
    if not isinstance(value, str):
        return value
    return " ".join(str(clean_text(value)).split())
