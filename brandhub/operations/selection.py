"""A selection: the assets one request names at once (a bulk edit, adding to a set, a ZIP).

The ids come as a list or a comma-separated string; they are read in order,
without repeats, at most :data:`MAX_SELECTION` of them. Any asset the person
may not see is reported as missing (404), as a single asset is; changing the
selection needs the right to edit every one of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.errors import AssetNotFound, InvalidInput, PermissionDenied

from ..ids import MAX_ID
from ..models import Asset
from .access import Viewer, can_edit, visible_filter

#: Most assets one request may touch at once (bulk edits, attaching, ZIPs of a selection).
MAX_SELECTION = 1000


def selection_ids(raw: Any) -> list[int]:
    """Asset ids from a list or a comma-separated string, in order, without repeats."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    ids: dict[int, None] = {}
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
            raise InvalidInput("Asset ids must be whole numbers.", field="asset_ids")
        ids.setdefault(int(text), None)
    if not ids:
        raise InvalidInput("Select at least one asset.", field="asset_ids")
    if len(ids) > MAX_SELECTION:
        raise InvalidInput("Too many assets selected at once.", field="asset_ids")
    return list(ids)


def visible_selection(db: Session, user: Viewer, asset_ids: list[int]) -> list[Asset]:
    """The assets in ``asset_ids``, in that order; any one ``user`` may not see is a 404."""
    found = {
        a.id: a
        for a in db.scalars(select(Asset).where(Asset.id.in_(asset_ids), visible_filter(user)))
    }
    missing = [i for i in asset_ids if i not in found]
    if missing:
        raise AssetNotFound("The asset does not exist.", id=missing[0])
    return [found[i] for i in asset_ids]


def editable_selection(db: Session, user: Viewer, asset_ids: list[int]) -> list[Asset]:
    """As :func:`visible_selection`, and every one must be editable by ``user`` (else 403)."""
    assets = visible_selection(db, user, asset_ids)
    if not all(can_edit(user, a) for a in assets):
        raise PermissionDenied("You cannot change some of the selected assets.")
    return assets
