"""Numbers and measures written the way a Spanish-speaking reader expects them.

Report messages are read by people who are not designers, so numbers follow
the Spanish convention: decimal comma ("2,40"), a point between thousands
only from five digits on ("6000", "12.000", as the RAE recommends), and
units spelled the usual way ("1080 × 1350 px", "8,5 MB", "-23,0 LUFS").
Babel holds the locale data; the helpers only choose the pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel.numbers import format_decimal

LOCALE = "es"


def num(value: float, decimals: int = 0, locale: str = LOCALE) -> str:
    """2.4 → "2,40" with ``decimals=2``; 12345 → "12.345"; 6000 → "6000"."""
    integer = "#,##0" if abs(value) >= 10000 else "0"
    pattern = integer + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(value, format=pattern, locale=locale)
    # "-0" or "-0,0" reads as a mistake.
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def trim(value: float, max_decimals: int = 2, locale: str = LOCALE) -> str:
    """Up to ``max_decimals`` decimals, without trailing zeros: 29.97 → "29,97", 25.0 → "25"."""
    pattern = ("#,##0" if abs(value) >= 10000 else "0") + "." + "#" * max_decimals
    return format_decimal(value, format=pattern, locale=locale)


def size(width: float, height: float) -> str:
    """(1080, 1350) → "1080 × 1350 px"."""
    return f"{num(width)} × {num(height)} px"


def megabytes(n_bytes: float) -> str:
    """12_400_000 → "12,4 MB"; 5_000_000 → "5 MB"; 45_000 → "45 KB" (decimal, as file browsers)."""
    if n_bytes < 1_000_000:
        return f"{num(max(1, round(n_bytes / 1000)))} KB"
    mb = n_bytes / 1_000_000
    return f"{trim(mb, 1) if mb < 100 else num(mb)} MB"


def percent(share: float, decimals: int = 0) -> str:
    """0.123 → "12 %" (Spanish puts a space before the sign)."""
    return f"{num(share * 100, decimals)} %"


def seconds(value: float) -> str:
    """75.5 → "1 min 15,5 s"; 8 → "8 s"."""
    if value >= 60:
        minutes, rest = divmod(value, 60)
        return f"{int(minutes)} min {trim(rest, 1)} s" if rest >= 0.05 else f"{int(minutes)} min"
    return f"{trim(value, 1)} s"


def word_list(items: Iterable[str], conjunction: str = "y") -> str:
    """["JPEG", "PNG", "WebP"] → "JPEG, PNG y WebP"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def sizes(pairs: Sequence[Sequence[int]]) -> str:
    """[(1080, 1080), (1080, 1350)] → "1080 × 1080 px o 1080 × 1350 px"."""
    return word_list((size(w, h) for w, h in pairs), "o")
