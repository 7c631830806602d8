"""Who sees and changes which assets.

Admins and brand managers see every agency; everyone else sees their own
agency's assets plus public, approved ones (not under embargo, not expired:
operations/rights.py); anonymous visitors only the latter.
An asset a person may not see is reported as missing (404), never as forbidden,
so ids of other agencies cannot be probed.

This module is the one place that says who sees what; every reader goes
through it: pages and the API (:func:`get_visible_asset`), lists
(:func:`visible_filter`), search hits read back from the index
(:func:`visible_ids`: the index may be late), and an asset's inside, its
earlier files and status history, which only those who may edit it see
(:func:`require_history`): an earlier file was never approved, and the history
names staff and says why a file was replaced. Search documents follow the same
rule for the titles of events and collections (brandhub/indexing.py), and
spelling suggestions come only from documents the searcher may see
(search_index/suggest.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from assets.errors import AssetNotFound, DuplicateAsset, InvalidInput, PermissionDenied

from ..models import Agency, Asset, User, utcnow


class Visitor(Protocol):
    """Whoever makes a request: a signed-in ``User``, or Flask-Login's anonymous
    visitor (``current_user`` before sign-in), which is not a ``User``."""

    @property
    def is_authenticated(self) -> bool: ...


#: Who asks, as callers hold it: a ``User``, an anonymous visitor, or None (an
#: API request without a token, a command run without a person).
Viewer = Visitor | None


def signed_in(user: Viewer) -> User | None:
    """The ``User`` behind ``user``; None for an anonymous visitor or nobody."""
    return user if isinstance(user, User) else None


def publishable_filter(now: datetime | None = None) -> ColumnElement[bool]:
    """Approved, not under embargo and not expired: what public pages may show."""
    now = now or utcnow()
    return and_(
        Asset.status == "approved",
        or_(Asset.embargo_until.is_(None), Asset.embargo_until <= now),
        or_(Asset.expires_at.is_(None), Asset.expires_at > now),
    )


def visible_filter(user: Viewer) -> ColumnElement[bool]:
    public = and_(Asset.public.is_(True), publishable_filter())
    u = signed_in(user)
    if u is None:
        return public
    if u.sees_all_agencies:
        return true()
    if u.agency_id is None:
        return or_(public, Asset.uploaded_by_id == u.id)
    return or_(public, Asset.agency_id == u.agency_id)


def visible_assets(user: Viewer) -> Select[Asset]:
    return select(Asset).where(visible_filter(user))


def search_scope(user: Viewer) -> dict[str, Any]:
    """The search index's filters for what ``user`` may see (``SearchQuery`` arguments).

    The same rule as :func:`visible_filter`, in the terms the index knows: agency
    slugs and the public flag (the index does not know uploaders, so a person
    without an agency finds public assets only).
    """
    u = signed_in(user)
    if u is None:
        return {"agencies": frozenset(), "public_only": True}
    if u.sees_all_agencies:
        return {"agencies": None, "public_only": False}
    slug = u.agency.slug if u.agency else None
    return {"agencies": frozenset({slug} if slug else ()), "public_only": False}


def get_visible_asset(db: Session, user: Viewer, asset_id: int) -> Asset:
    asset = db.scalar(visible_assets(user).where(Asset.id == asset_id))
    if asset is None:
        raise AssetNotFound("The asset does not exist.", id=asset_id)
    return asset


def can_edit(user: Viewer, asset: Asset) -> bool:
    u = signed_in(user)
    if u is None:
        return False
    if u.sees_all_agencies:
        return True
    if u.role in ("editor", "photographer"):
        if u.agency_id is None:
            return asset.uploaded_by_id == u.id
        return asset.agency_id == u.agency_id
    return False


def require_edit(user: Viewer, asset: Asset) -> None:
    if not can_edit(user, asset):
        raise PermissionDenied("You do not have permission to do this.")


def can_see_history(user: Viewer, asset: Asset) -> bool:
    """Whether ``user`` sees ``asset``'s earlier files and status history: its editors."""
    return can_edit(user, asset)


def require_history(user: Viewer, asset: Asset) -> None:
    """403 for someone who sees the asset but not its versions and history."""
    if not can_see_history(user, asset):
        raise PermissionDenied("Only those who may edit this asset see its versions and history.")


def visible_ids(db: Session, user: Viewer, asset_ids: Iterable[int]) -> set[int]:
    """The ids among ``asset_ids`` that ``user`` may see now, by the database (one query)."""
    wanted = list(dict.fromkeys(asset_ids))
    if not wanted:
        return set()
    return set(db.scalars(select(Asset.id).where(Asset.id.in_(wanted), visible_filter(user))))


def duplicate_of(db: Session, user: Viewer, existing_id: int) -> DuplicateAsset:
    """The 409 for bytes already stored as ``existing_id``: with its id only if ``user`` sees it.

    The file stays refused either way (an asset's bytes are unique, ``Asset.sha256``):
    the answer confirms that the file is in the library, never which asset holds it.
    """
    return DuplicateAsset(existing_id if visible_ids(db, user, [existing_id]) else None)


def refuse_stored(db: Session, user: Viewer, sha256: str) -> None:
    """Raise :func:`duplicate_of` when an asset already holds the bytes hashed ``sha256``."""
    existing = db.scalar(select(Asset.id).where(Asset.sha256 == sha256))
    if existing is not None:
        raise duplicate_of(db, user, existing)


def require_upload(user: Viewer) -> User:
    u = signed_in(user)
    if u is None or not u.can_upload:
        raise PermissionDenied("You do not have permission to do this.")
    return u


def resolve_agency(db: Session, user: User, slug: str | None) -> Agency | None:
    """The agency named ``slug`` (``user``'s own when none), if ``user`` may file there.

    A person who sees every agency and belongs to none files an upload that names no
    agency in the only agency there is: an asset with no agency is seen only by such
    people and is checked against no brand.
    """
    if not slug:
        if user.agency is None and user.sees_all_agencies:
            only = db.scalars(select(Agency).limit(2)).all()
            return only[0] if len(only) == 1 else None
        return user.agency
    agency = db.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise InvalidInput("The agency does not exist.", field="agency")
    if not user.sees_all_agencies and agency.id != user.agency_id:
        raise PermissionDenied("You can only upload to your own agency.")
    return agency
