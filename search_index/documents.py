"""The values that cross the search domain's boundary: documents in, queries in, results out.

Plain frozen dataclasses, so the web layer, workers and tests build them
without knowing anything about Whoosh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import InvalidQuery

__all__ = [
    "CATEGORIES",
    "COMPLIANCE",
    "UNDATED",
    "FACETS",
    "KINDS",
    "MAX_PER_PAGE",
    "ORIENTATIONS",
    "SORTS",
    "STATUSES",
    "AssetDocument",
    "Hit",
    "SearchQuery",
    "SearchResults",
]

#: Facet names, in the order a results page shows them.
FACETS: tuple[str, ...] = (
    "category",
    "kind",
    "agency",
    "year",
    "tag",
    "orientation",
    "compliance",
    "status",
    "has_text",
)
#: Values of the "has_text" facet: the piece has words in it (text layer, SVG text, OCR).
HAS_TEXT: tuple[str, ...] = ("yes", "no")
#: What a piece is for the people looking for it (the "category" facet): the app maps its
#: brand-rule category and file type onto these.
CATEGORIES: tuple[str, ...] = (
    "logo",
    "photo",
    "graphic",
    "video",
    "audio",
    "document",
    "master",
    "font",
    "template",
)
KINDS: tuple[str, ...] = ("image", "vector", "video", "audio", "document", "font")
ORIENTATIONS: tuple[str, ...] = ("horizontal", "vertical", "square")
COMPLIANCE: tuple[str, ...] = ("pass", "warn", "fail", "unchecked")
STATUSES: tuple[str, ...] = ("draft", "in_review", "approved", "archived")
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest", "title")
MAX_PER_PAGE = 200
#: Year facet value of an asset with no capture date (never its upload year).
UNDATED = "undated"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AssetDocument:
    """What the index knows about one asset; built by the app from its database row.

    ``agency`` is the agency's slug. Naive datetimes are taken as UTC.
    ``year`` is the capture year; ``None`` puts the asset under
    :data:`UNDATED` in the year facet. ``camera`` (make and model), ``lens``
    and ``embedded`` (titles and descriptions the file carries: EXIF, XMP,
    IPTC, a PDF's or a video's own title) come from the file's metadata;
    ``text`` is what the piece itself says (text layer, SVG text, OCR).
    ``category`` is one of :data:`CATEGORIES` ("" when unknown: no value in the facet).
    """

    id: int
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    credit: str = ""
    creator: str = ""
    caption: str = ""
    keywords: tuple[str, ...] = ()
    event: str = ""
    collections: tuple[str, ...] = ()
    filename: str = ""
    camera: str = ""
    lens: str = ""
    embedded: tuple[str, ...] = ()
    text: str = ""
    kind: str = "image"
    category: str = ""
    agency: str = ""
    year: int | None = None
    orientation: str | None = None
    compliance: str = "unchecked"
    status: str = "draft"
    public: bool = False
    created_at: datetime = field(default_factory=_now)
    captured_at: datetime | None = None

    @property
    def has_text(self) -> str:
        """The "has_text" facet value: "yes" when the piece has words in it, else "no"."""
        return "yes" if self.text.strip() else "no"


@dataclass(frozen=True)
class SearchQuery:
    """One search as the user asked for it.

    ``filters`` maps a facet name (see :data:`FACETS`) to the values picked:
    several values of one facet are alternatives (OR), different facets must
    all hold (AND). ``agencies`` and ``public_only`` are decided by the
    caller from who is asking: ``agencies=None`` means every agency,
    otherwise only those agencies' assets plus public ones; ``public_only``
    keeps public assets only.
    """

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24
    agencies: frozenset[str] | None = None
    public_only: bool = False
    facets: bool = True
    facet_limit: int = 50

    def validate(self) -> None:
        """Raise :class:`InvalidQuery` for a sort, page, size or filter name we do not know."""
        if self.sort not in SORTS:
            raise InvalidQuery(f"Unknown sort order: {self.sort!r}.")
        if self.page < 1:
            raise InvalidQuery("The page number must be 1 or more.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidQuery(f"Results per page must be between 1 and {MAX_PER_PAGE}.")
        if self.facet_limit < 1:
            raise InvalidQuery("The number of facet values must be 1 or more.")
        for name in self.filters:
            if name not in FACETS:
                raise InvalidQuery(f"Unknown filter: {name!r}.")


@dataclass(frozen=True)
class Hit:
    """One result: the asset id, its relevance score, and highlighted fields.

    ``highlights`` maps a field name to HTML-escaped text with ``<mark>``
    around the words that matched; it is safe to render as HTML. "title"
    and "description" are always there; other text fields only when they
    matched.
    """

    id: int
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    """One page of results with the total, the facet counts and a spelling suggestion.

    ``facets`` maps each facet name to ``{value: count}``, most frequent
    first (years: newest first). ``suggestion`` is the query text with misspelled words replaced
    by words from the index, or ``None``.
    """

    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
