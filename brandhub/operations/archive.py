"""Who sees and manages events and collections: the asset rule, applied to sets.

Admins and brand managers see and manage every agency's events and
collections. Everyone else sees their own agency's plus the public ones, and
editors and photographers manage their own agency's (a person without an
agency, the ones they created). A set someone may not see is reported as
missing (404), as assets are. Seeing a set never widens what its assets show:
its asset list is still filtered by :func:`access.visible_filter`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from assets.errors import AssetNotFound, InvalidInput, PermissionDenied

from ..ids import MAX_ID
from ..models import Asset, Collection, Event, User
from .access import _user, can_edit, visible_filter

#: An event or a collection.
Owned = TypeVar("Owned", Event, Collection)
MANAGER_ROLES = frozenset({"editor", "photographer"})
#: Most assets one request may touch at once (bulk edits, attaching, ZIPs of a selection).
MAX_SELECTION = 1000


def owned_filter(model: type[Owned], user: Any) -> Any:
    """The SQL condition for the rows of ``model`` that ``user`` may see."""
    u = _user(user)
    if u is None:
        return model.public.is_(True)
    if u.sees_all_agencies:
        return true()
    if u.agency_id is None:
        return or_(model.public.is_(True), model.created_by_id == u.id)
    return or_(model.public.is_(True), model.agency_id == u.agency_id)


def get_visible(db: Session, model: type[Owned], user: Any, item_id: int) -> Owned:
    found = db.scalar(select(model).where(model.id == item_id, owned_filter(model, user)))
    if found is None:
        if model is Event:
            raise AssetNotFound("The event does not exist.", id=item_id)
        raise AssetNotFound("The collection does not exist.", id=item_id)
    return found


def can_manage(user: Any, item: Event | Collection) -> bool:
    """Whether ``user`` may change ``item``, add assets to it or delete it."""
    u = _user(user)
    if u is None:
        return False
    if u.sees_all_agencies:
        return True
    if u.role not in MANAGER_ROLES:
        return False
    if u.agency_id is None:
        return item.created_by_id == u.id
    return item.agency_id == u.agency_id


def require_manage(user: Any, item: Event | Collection) -> User:
    if not can_manage(user, item):
        raise PermissionDenied("You do not have permission to do this.")
    return user  # type: ignore[no-any-return]


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


def visible_selection(db: Session, user: Any, asset_ids: list[int]) -> list[Asset]:
    """The assets in ``asset_ids``, in that order; any one ``user`` may not see is a 404."""
    found = {
        a.id: a
        for a in db.scalars(select(Asset).where(Asset.id.in_(asset_ids), visible_filter(user)))
    }
    missing = [i for i in asset_ids if i not in found]
    if missing:
        raise AssetNotFound("The asset does not exist.", id=missing[0])
    return [found[i] for i in asset_ids]


def editable_selection(db: Session, user: Any, asset_ids: list[int]) -> list[Asset]:
    """As :func:`visible_selection`, and every one must be editable by ``user`` (else 403)."""
    assets = visible_selection(db, user, asset_ids)
    if not all(can_edit(user, a) for a in assets):
        raise PermissionDenied("You cannot change some of the selected assets.")
    return assets
