"""The Whoosh schema and the mapping from an :class:`AssetDocument` to its fields.

Three kinds of fields:

* text fields people search (title, description, tags, credit, creator,
  caption, keywords, event, collection, filename, camera, lens,
  ``embedded``: the titles and descriptions the file itself carries, and
  ``text``: the words in the piece itself, from a PDF's text layer, an SVG's
  text or OCR of its pixels), stored so results can be
  highlighted without a database round trip. Only the prose fields (title,
  description, caption, event) keep word positions: positions triple the
  cost of reading a posting list, and a quoted phrase in a short list
  field (tags, names) is checked as "all these words" instead;
* exact fields for facets and filters (category, kind, agency, year, tag, orientation,
  compliance, status, ``has_text``: "yes" when the piece has words in it, else "no",
  public) and the unique ``id``;
* per-document number columns (``idnum``, ``created``, ``captured``) and a
  byte column (``titlekey``) that :mod:`search_index.arrays` reads whole
  into numpy for sorting and mapping hits back to asset ids.

``spell`` holds every word of every text field, folded and unstemmed: the
vocabulary for "did you mean" and for prefix searches.

:data:`SCHEMA_VERSION` names what documents hold; an index built under an
older version is rebuilt (``brandhub init`` and ``brandhub check-index
--repair`` do it, ``brandhub reindex`` always can): new fields are empty and
changed facet values stay wrong in documents written before the change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from whoosh import columns, fields

from .analysis import (
    fold,
    identifier_analyzer,
    name_analyzer,
    spanish_analyzer,
    spelling_analyzer,
)
from .documents import UNDATED, AssetDocument

__all__ = [
    "DEFAULT_FIELD_BOOSTS",
    "FACET_FIELDS",
    "HIGHLIGHT_FIELDS",
    "MISSING_TIME",
    "SCHEMA_VERSION",
    "TEXT_FIELDS",
    "build_schema",
    "document_fields",
    "facet_value",
    "timestamp",
]

#: Searched when the query names no field, with the weight of a match in each.
DEFAULT_FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "tags": 2.5,
    "event": 2.0,
    "keywords": 2.0,
    "filename": 2.0,
    "collection": 1.5,
    "caption": 1.2,
    "description": 1.0,
    "credit": 1.0,
    "creator": 1.0,
    "embedded": 1.0,
    "text": 1.0,
    "camera": 1.0,
    "lens": 1.0,
}
TEXT_FIELDS: tuple[str, ...] = tuple(DEFAULT_FIELD_BOOSTS)
#: Stored text fields a hit can be highlighted in, in display order.
HIGHLIGHT_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "caption",
    "tags",
    "keywords",
    "event",
    "collection",
    "credit",
    "creator",
    "filename",
    "embedded",
    "text",
    "camera",
    "lens",
)
#: Facet name -> exact index field holding it.
FACET_FIELDS: dict[str, str] = {
    "category": "category",
    "kind": "kind",
    "agency": "agency",
    "year": "year",
    "tag": "tag",
    "orientation": "orientation",
    "compliance": "compliance",
    "status": "status",
    "has_text": "has_text",
}
#: Column value of a missing date: before any real one, so "oldest" puts undated first.
MISSING_TIME = -(2**62)
#: 1: the first schema. 2: camera, lens and embedded text fields; undated
#: assets under "undated" in the year facet instead of their upload year.
#: 3: the "category" facet (logo, photo, graphic piece, video, audio, document).
#: 4: ``text`` (the words in the piece: text layer, SVG text, OCR) and the "has_text" facet.
#: 5: design masters, fonts and office templates as categories of their own.
SCHEMA_VERSION = 5
#: Characters of a piece's text the index keeps (ten pages of a dense PDF).
MAX_TEXT_CHARS = 30_000
_TITLE_KEY_LEN = 96


def build_schema() -> fields.Schema:
    """Return the index schema (a new object each call; Whoosh mutates schemas)."""
    spanish = spanish_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        idnum=fields.COLUMN(columns.NumericColumn("q", default=0)),
        title=fields.TEXT(analyzer=spanish, stored=True),
        description=fields.TEXT(analyzer=spanish, stored=True),
        tags=fields.TEXT(analyzer=spanish, stored=True, phrase=False),
        credit=fields.TEXT(analyzer=names, stored=True, phrase=False),
        creator=fields.TEXT(analyzer=names, stored=True, phrase=False),
        caption=fields.TEXT(analyzer=spanish, stored=True),
        keywords=fields.TEXT(analyzer=spanish, stored=True, phrase=False),
        event=fields.TEXT(analyzer=spanish, stored=True),
        collection=fields.TEXT(analyzer=spanish, stored=True, phrase=False),
        filename=fields.TEXT(analyzer=identifier_analyzer(), stored=True, phrase=False),
        camera=fields.TEXT(analyzer=names, stored=True, phrase=False),
        lens=fields.TEXT(analyzer=names, stored=True, phrase=False),
        embedded=fields.TEXT(analyzer=spanish, stored=True),
        text=fields.TEXT(analyzer=spanish, stored=True),
        spell=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        category=fields.ID(),
        kind=fields.ID(),
        agency=fields.ID(),
        year=fields.ID(),
        tag=fields.KEYWORD(commas=True),
        orientation=fields.ID(),
        compliance=fields.ID(),
        status=fields.ID(),
        has_text=fields.ID(),
        public=fields.ID(),
        created=fields.COLUMN(columns.NumericColumn("q", default=MISSING_TIME)),
        captured=fields.COLUMN(columns.NumericColumn("q", default=MISSING_TIME)),
        titlekey=fields.COLUMN(columns.VarBytesColumn()),
    )


def timestamp(value: datetime | None) -> int:
    """Seconds since the epoch; naive datetimes are UTC; ``None`` is :data:`MISSING_TIME`."""
    if value is None:
        return MISSING_TIME
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def facet_value(facet: str, value: object) -> str:
    """Normalise a facet value the same way for documents and for filters.

    Tags are case- and space-insensitive ("Salud " and "salud" are one tag);
    the other facets are exact codes.
    """
    text = str(value).strip()
    if facet == "tag":
        return " ".join(text.lower().replace(",", " ").split())
    return text


def title_key(title: str) -> bytes:
    """Sort key for "title" order: folded, lowercased, spaces collapsed, UTF-8."""
    key = " ".join(fold(title).lower().split())
    return key[:_TITLE_KEY_LEN].encode("utf-8")


def document_fields(doc: AssetDocument) -> dict[str, Any]:
    """The keyword arguments for Whoosh's ``add_document``/``update_document``."""
    tags = tuple(t for t in (facet_value("tag", t) for t in doc.tags) if t)
    text_parts = {
        "title": doc.title,
        "description": doc.description,
        "tags": ", ".join(doc.tags),
        "credit": doc.credit,
        "creator": doc.creator,
        "caption": doc.caption,
        "keywords": ", ".join(doc.keywords),
        "event": doc.event,
        "collection": ", ".join(doc.collections),
        "filename": doc.filename,
        "camera": doc.camera,
        "lens": doc.lens,
        "embedded": "\n".join(doc.embedded),
        "text": doc.text[:MAX_TEXT_CHARS],
    }
    out: dict[str, Any] = {name: value for name, value in text_parts.items() if value}
    out["id"] = str(doc.id)
    out["idnum"] = int(doc.id)
    out["spell"] = "\n".join(v for k, v in text_parts.items() if v and k != "filename")
    out["kind"] = facet_value("kind", doc.kind)
    if doc.category:
        out["category"] = facet_value("category", doc.category)
    if doc.agency:
        out["agency"] = facet_value("agency", doc.agency)
    out["year"] = str(int(doc.year)) if doc.year is not None else UNDATED
    if tags:
        out["tag"] = ",".join(tags)
    if doc.orientation:
        out["orientation"] = facet_value("orientation", doc.orientation)
    out["compliance"] = facet_value("compliance", doc.compliance)
    out["status"] = facet_value("status", doc.status)
    out["has_text"] = doc.has_text
    out["public"] = "1" if doc.public else "0"
    out["created"] = timestamp(doc.created_at)
    if doc.captured_at is not None:
        out["captured"] = timestamp(doc.captured_at)
    out["titlekey"] = title_key(doc.title)
    return out
