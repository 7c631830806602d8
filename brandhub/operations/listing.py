"""Pages of a list: the rows of one page of a query, and how many rows there are in all.

The pages and the API cut their lists the same way: the library newest first
(:func:`newest_visible`, when the search index cannot answer, and the API's
plain list), the events and collections a person sees, the assets of a set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..models import Asset
from .access import Viewer, visible_filter

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """Page ``number`` (from 1) of a list: its rows and the list's total."""

    rows: Sequence[T]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, math.ceil(self.total / self.per_page))


def count(db: Session, query: Select[Any]) -> int:
    """How many rows ``query`` gives."""
    return db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page_of(db: Session, query: Select[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` of ``query``, ``per_page`` rows a page."""
    rows = db.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(rows, count(db, query), number, per_page)


def visible_total(db: Session, user: Viewer) -> int:
    """How many assets ``user`` may see (the library's count)."""
    return count(db, select(Asset.id).where(visible_filter(user)))


def newest_visible(db: Session, user: Viewer, number: int, per_page: int) -> Page[Asset]:
    """A page of every asset ``user`` may see, the newest first."""
    query = select(Asset).where(visible_filter(user))
    query = query.order_by(Asset.created_at.desc(), Asset.id.desc())
    return page_of(db, query, number, per_page)
