"""Share links: a public page for one asset, a collection or an event, without signing in.

A link's token is ``secrets.token_urlsafe(32)`` (256 random bits); only its
SHA-256 is stored, so the address is shown once, when the link is made, and
a copy of the database opens nothing. A password, when set, is stored as an
Argon2 hash (``brandhub.auth.passwords``). A link may expire, may allow
downloads or only viewing, and can be revoked; it is never edited, a new one
is made instead.

What a link shows follows the rule for public pages: approved assets, not
under embargo, not expired (``access.publishable_filter``). The ``public``
flag is not needed: sending a link is how an internal asset is shown to
someone outside. A collection or event link shows its publishable assets at
the moment it is opened, in the order the archive pages use, and never more
than the person who made the link may see.

Who may make and revoke links: whoever may edit the asset (or manage the
collection or event). Every opening is logged as a ``ShareLinkUse``; every
download through a link is a ``DownloadEvent`` with the link's id.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assets.errors import AssetNotFound, InvalidInput, PermissionDenied

from ..auth.passwords import hash_password, verify_password
from ..models import (
    Asset,
    Collection,
    DownloadEvent,
    Event,
    ShareLink,
    ShareLinkUse,
    User,
    utcnow,
)
from .access import Viewer, can_edit, publishable_filter, signed_in
from .rights import is_publishable
from .sets import COLLECTIONS, EVENTS, can_manage

__all__ = [
    "MIN_PASSWORD",
    "ShareFields",
    "can_manage_link",
    "create_link",
    "find_link",
    "hash_token",
    "link_asset",
    "link_assets",
    "link_state",
    "links_for",
    "record_use",
    "revoke_link",
    "unlock",
]

TOKEN_BYTES = 32
MIN_PASSWORD = 6
PREFIX = 8


@dataclass
class ShareFields:
    expires_at: datetime | None = None
    password: str | None = None
    allow_download: bool = True
    label: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def can_manage_link(user: Viewer, target: Asset | Collection | Event | None) -> bool:
    if target is None or signed_in(user) is None:
        return False
    if isinstance(target, Asset):
        return can_edit(user, target)
    return can_manage(user, target)


def create_link(
    db: Session, user: User, target: Asset | Collection | Event, fields: ShareFields
) -> tuple[ShareLink, str]:
    """Make a link to ``target``; returns it with its token (shown once, never stored)."""
    if not can_manage_link(user, target):
        raise PermissionDenied("You do not have permission to do this.")
    if isinstance(target, Asset) and target.status != "approved":
        raise InvalidInput("Only approved assets can be shared.", field="asset")
    expires = _aware(fields.expires_at)
    if expires is not None and expires <= utcnow():
        raise InvalidInput("The expiry must be in the future.", field="expires_at")
    password = fields.password or ""
    if password and len(password) < MIN_PASSWORD:
        raise InvalidInput("The password needs at least 6 characters.", field="password")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        token_hash=hash_token(token),
        prefix=token[:PREFIX],
        label=" ".join((fields.label or "").split())[:200],
        allow_download=bool(fields.allow_download),
        password_hash=hash_password(password) if password else None,
        expires_at=expires,
        created_by_id=user.id,
    )
    if isinstance(target, Asset):
        link.asset = target
    elif isinstance(target, Collection):
        link.collection = target
    else:
        link.event = target
    db.add(link)
    db.commit()
    return link, token


def find_link(db: Session, token: str) -> ShareLink | None:
    """The link of ``token`` whatever its state; None for a token that never existed."""
    if not token or len(token) > 100:
        return None
    return db.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))


def link_state(link: ShareLink, now: datetime | None = None) -> str:
    """ "active", "revoked" or "expired"."""
    if link.revoked_at is not None:
        return "revoked"
    expires = _aware(link.expires_at)
    if expires is not None and expires <= (now or utcnow()):
        return "expired"
    return "active"


def unlock(link: ShareLink, password: str) -> bool:
    """Whether ``password`` opens the link (always True for a link without one)."""
    if link.password_hash is None:
        return True
    return verify_password(link.password_hash, password or "")


def revoke_link(db: Session, user: User, link: ShareLink) -> ShareLink:
    if not (can_manage_link(user, link.target) or link.created_by_id == user.id):
        raise PermissionDenied("You do not have permission to do this.")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.commit()
    return link


def link_assets(db: Session, link: ShareLink, limit: int | None = None) -> list[Asset]:
    """What the link shows now: its publishable assets, in the archive's order."""
    if link.asset is not None:
        return [link.asset] if is_publishable(link.asset) else []
    # Never more than the link's maker may see (a collection can hold other agencies'
    # assets); a maker who was deleted leaves only the public ones.
    maker = link.created_by
    if link.collection is not None:
        query = COLLECTIONS.members(maker, link.collection)
    elif link.event is not None:
        query = EVENTS.members(maker, link.event)
    else:
        return []
    query = query.where(publishable_filter())
    if limit is not None:
        query = query.limit(limit)
    return list(db.scalars(query))


def link_asset(db: Session, link: ShareLink, asset_id: int) -> Asset:
    """One asset the link shows; AssetNotFound for any other."""
    if link.asset is not None:
        if link.asset_id == asset_id and is_publishable(link.asset):
            return link.asset
        raise AssetNotFound("The asset does not exist.", id=asset_id)
    for asset in link_assets(db, link):
        if asset.id == asset_id:
            return asset
    raise AssetNotFound("The asset does not exist.", id=asset_id)


def record_use(db: Session, link: ShareLink, action: str = "open") -> None:
    db.add(ShareLinkUse(link_id=link.id, action=action))
    db.commit()


@dataclass(frozen=True)
class LinkSummary:
    link: ShareLink
    state: str
    opens: int
    downloads: int


def links_for(db: Session, target: Asset | Collection | Event) -> list[LinkSummary]:
    """The links made for ``target``, newest first, with how often each was used."""
    column = {Asset: ShareLink.asset_id, Collection: ShareLink.collection_id}.get(
        type(target), ShareLink.event_id
    )
    links = list(
        db.scalars(select(ShareLink).where(column == target.id).order_by(ShareLink.id.desc()))
    )
    if not links:
        return []
    ids = [link.id for link in links]
    opens = dict(
        db.execute(
            select(ShareLinkUse.link_id, func.count())
            .where(ShareLinkUse.link_id.in_(ids), ShareLinkUse.action == "open")
            .group_by(ShareLinkUse.link_id)
        ).all()
    )
    downloads = dict(
        db.execute(
            select(DownloadEvent.share_link_id, func.count())
            .where(DownloadEvent.share_link_id.in_(ids))
            .group_by(DownloadEvent.share_link_id)
        ).all()
    )
    now = utcnow()
    return [
        LinkSummary(link, link_state(link, now), opens.get(link.id, 0), downloads.get(link.id, 0))
        for link in links
    ]
