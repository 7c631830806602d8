"""Bulk actions: one action on a selection, each asset done or refused on its own.

Where operations/bulk.py's ``bulk_update`` is all or nothing (a photographer's
credit for a whole coverage), an action here is tried asset by asset, with the
same rules as on the asset's own page, and the answer says for each one whether
it was done or why not, in words a person understands: a viewer cannot change
anything, another agency's photo is not theirs to change, only brand managers
and administrators approve, a piece that does not comply with the brand rules
is not approved nor published in bulk, an archived asset must be restored first.

The actions (:data:`ACTIONS`):

- ``review``: send drafts for review; ``approve``: approve (a draft goes through
  review in the same step);
- ``publish``: make it appear on public pages (approved and public; rights
  given with it are set first), ``withdraw``: take it off them (not public);
- ``rights``: licence, credit line, restrictions; ``edit``: credit, copyright,
  caption, tags to add, a title prefix (operations/bulk.py's :class:`BulkChanges`);
- ``event``, ``collection``: add to an event (an edit of each asset) or a collection
  (only needs to see it);
- ``delete``: needs ``confirm``.

What is wrong with the request itself (an unknown action or licence, no change
given, an event the person may not manage, a deletion not confirmed) is an error
before any asset is touched. :func:`preview` says what :func:`run_action` would
do without doing it (the event page's "publish the coverage" shows it first).
Each asset's change is committed on its own, so a refusal never undoes another
asset's change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.errors import N_, BrandHubError, InvalidInput
from assets.storage import Storage

from ..models import Asset, Collection, Event, Tag, User, utcnow
from .access import Viewer, can_edit, signed_in, visible_filter
from .assets import delete_asset
from .bulk import BulkChanges, apply_changes, new_tags_of
from .capture import apply_capture
from .rights import LICENCES, RightsFields, rights_state, update_rights
from .sets import COLLECTIONS, EVENTS, require_manage
from .status import can_approve, change_status

__all__ = [
    "ACTIONS",
    "ActionParams",
    "BulkOutcome",
    "ItemResult",
    "preview",
    "run_action",
]

ACTIONS = (
    "review",
    "approve",
    "publish",
    "withdraw",
    "rights",
    "edit",
    "event",
    "collection",
    "delete",
)
#: Actions that change no asset's row, only need to see it.
SEE_ONLY = frozenset({"collection"})

# Why an asset was refused (translated where it is shown).
NOT_FOUND = N_("It does not exist or you cannot see it.")
VIEWER = N_("Your role can only view assets.")
NOT_YOURS = N_("It belongs to another agency: only its own staff can change it.")
NOT_APPROVER = N_("Only brand managers and administrators approve assets.")
NOT_COMPLIANT = N_("It does not comply with the brand rules: fix it and upload it again.")
ARCHIVED = N_("It is archived: restore it as a draft first.")
ALREADY_APPROVED = N_("It is already approved.")
EXPIRED = N_("Its usage rights have expired.")
BACK_TO_REVIEW = N_("The new rights must be approved by a brand manager before it is public.")
# Notes on what was done.
EMBARGOED = N_("It appears on public pages when its embargo ends.")
REOPENED = N_("Its public text changed: it needs approval before it is public again.")


@dataclass
class ItemResult:
    """What happened to one asset: ``done``, or refused with ``reason`` (an English msgid)."""

    asset_id: int
    title: str
    done: bool
    reason: str = ""
    asset: Asset | None = field(default=None, repr=False, compare=False)


@dataclass
class BulkOutcome:
    action: str
    results: list[ItemResult]

    @property
    def done(self) -> list[ItemResult]:
        return [r for r in self.results if r.done]

    @property
    def refused(self) -> list[ItemResult]:
        return [r for r in self.results if not r.done]


@dataclass
class ActionParams:
    """What an action needs besides the selection; None leaves a field as it is."""

    licence: str | None = None
    credit: str | None = None
    restrictions: str | None = None
    changes: BulkChanges | None = None
    event_id: int | None = None
    collection_id: int | None = None
    confirm: bool = False

    def rights(self, public: bool | None = None) -> RightsFields:
        fields = RightsFields()
        for name in ("licence", "credit", "restrictions"):
            value = getattr(self, name)
            if value is not None:
                setattr(fields, name, value)
        if public is not None:
            fields.public = public
        return fields

    def has_rights(self) -> bool:
        return any(v is not None for v in (self.licence, self.credit, self.restrictions))


@dataclass
class _Prepared:
    """What the request names, checked once before any asset: the set, the new tags."""

    event: Event | None = None
    collection: Collection | None = None
    tags: list[Tag] = field(default_factory=list)


def _edit_refusal(user: Viewer, asset: Asset) -> str | None:
    if can_edit(user, asset):
        return None
    u = signed_in(user)
    if u is None or u.role == "viewer":
        return VIEWER
    return NOT_YOURS


def _approval_refusal(user: Viewer, asset: Asset) -> str | None:
    """Why ``user`` cannot bring ``asset`` to approved now (None: they can, or it is)."""
    if asset.status == "approved":
        return None
    if asset.status == "archived":
        return ARCHIVED
    if not can_approve(user):
        return NOT_APPROVER
    if asset.compliance == "fail":
        return NOT_COMPLIANT
    return None


def refusal(user: Viewer, action: str, asset: Asset, now: datetime | None = None) -> str | None:
    """Why ``action`` would be refused for ``asset`` (None: it would be done)."""
    if action in SEE_ONLY:
        return None
    reason = _edit_refusal(user, asset)
    if reason is not None:
        return reason
    if action == "review":
        if asset.status == "approved":
            return ALREADY_APPROVED
        if asset.status == "archived":
            return ARCHIVED
    elif action == "approve":
        return _approval_refusal(user, asset)
    elif action == "publish":
        if rights_state(asset, now) == "expired":
            return EXPIRED
        return _approval_refusal(user, asset)
    return None


def _check(db: Session, user: Viewer, action: str, params: ActionParams) -> _Prepared:
    """The request as a whole: InvalidInput (or 403/404) before any asset is touched."""
    if action not in ACTIONS:
        raise InvalidInput("Unknown action.", field="action")
    prepared = _Prepared()
    if action in ("rights", "publish"):
        code = (params.licence or "").strip()
        if code and code not in LICENCES:
            raise InvalidInput("This licence is not one of the list.", field="licence")
        if action == "rights" and not params.has_rights():
            raise InvalidInput("Choose at least one change to apply.")
    elif action == "edit":
        changes = params.changes
        if changes is None or not changes.has_text_changes():
            raise InvalidInput("Choose at least one change to apply.")
        prepared.tags = new_tags_of(db, changes)
    elif action == "event":
        if params.event_id is None:
            raise InvalidInput("Choose an event.", field="event_id")
        prepared.event = EVENTS.get_visible(db, user, params.event_id)
        require_manage(user, prepared.event)
    elif action == "collection":
        if params.collection_id is None:
            raise InvalidInput("Choose a collection.", field="collection_id")
        prepared.collection = COLLECTIONS.get_visible(db, user, params.collection_id)
        require_manage(user, prepared.collection)
    elif action == "delete" and not params.confirm:
        raise InvalidInput("Confirm the deletion: it cannot be undone.", field="confirm")
    return prepared


def _found(db: Session, user: Viewer, asset_ids: list[int]) -> dict[int, Asset]:
    rows = db.scalars(select(Asset).where(Asset.id.in_(asset_ids), visible_filter(user)))
    return {a.id: a for a in rows}


def _approve(db: Session, user: User, asset: Asset) -> None:
    if asset.status == "draft":
        change_status(db, user, asset, "in_review")
    if asset.status == "in_review":
        change_status(db, user, asset, "approved")


def _publish(db: Session, user: User, asset: Asset, params: ActionParams) -> str:
    """Rights first (an approver's change keeps an approval), then approval; a note or ""."""
    update_rights(db, user, asset, params.rights(public=True))
    if asset.status != "approved":
        if not can_approve(user):
            return BACK_TO_REVIEW
        _approve(db, user, asset)
    return EMBARGOED if rights_state(asset) == "embargoed" else ""


def _apply(
    db: Session,
    storage: Storage | None,
    user: User,
    action: str,
    asset: Asset,
    params: ActionParams,
    prepared: _Prepared,
) -> tuple[bool, str]:
    """Do ``action`` to one asset; (done, reason or note)."""
    if action == "review":
        if asset.status == "draft":
            change_status(db, user, asset, "in_review")
    elif action == "approve":
        _approve(db, user, asset)
    elif action == "publish":
        note = _publish(db, user, asset, params)
        return note != BACK_TO_REVIEW, note
    elif action == "withdraw":
        update_rights(db, user, asset, RightsFields(public=False))
    elif action == "rights":
        update_rights(db, user, asset, params.rights())
    elif action == "edit":
        assert params.changes is not None
        apply_changes(db, user, asset, params.changes, prepared.tags)
        db.commit()
    elif action == "event":
        asset.event = prepared.event
        apply_capture(asset)
        db.commit()
    elif action == "delete":
        if storage is None:
            raise InvalidInput("Deleting needs the file store.")
        delete_asset(db, storage, user, asset)
    return True, ""


def preview(
    db: Session, user: Viewer, action: str, asset_ids: list[int], params: ActionParams
) -> BulkOutcome:
    """What :func:`run_action` would do to each asset, changing nothing."""
    _check(db, user, action, params)
    found = _found(db, user, asset_ids)
    now = utcnow()
    results = []
    for asset_id in asset_ids:
        asset = found.get(asset_id)
        if asset is None:
            results.append(ItemResult(asset_id, "", False, NOT_FOUND))
            continue
        reason = refusal(user, action, asset, now)
        note = ""
        if reason is None and action == "publish":
            note = EMBARGOED if rights_state(asset, now) == "embargoed" else ""
        results.append(ItemResult(asset_id, asset.title, reason is None, reason or note, asset))
    return BulkOutcome(action, results)


def run_action(
    db: Session,
    user: Viewer,
    action: str,
    asset_ids: list[int],
    params: ActionParams | None = None,
    storage: Storage | None = None,
) -> BulkOutcome:
    """Do ``action`` to every asset of ``asset_ids`` that ``user`` may; say why not for the rest."""
    params = params or ActionParams()
    prepared = _check(db, user, action, params)
    found = _found(db, user, asset_ids)
    person = signed_in(user)
    now = utcnow()
    results: list[ItemResult] = []
    to_collect: list[ItemResult] = []
    for asset_id in asset_ids:
        asset = found.get(asset_id)
        if asset is None:
            results.append(ItemResult(asset_id, "", False, NOT_FOUND))
            continue
        title = asset.title
        reason = refusal(user, action, asset, now)
        if reason is not None or person is None:
            results.append(ItemResult(asset_id, title, False, reason or VIEWER, asset))
            continue
        if action == "collection":
            result = ItemResult(asset_id, title, True, "", asset)
            results.append(result)
            to_collect.append(result)
            continue
        was_approved = asset.status == "approved"
        try:
            done, note = _apply(db, storage, person, action, asset, params, prepared)
        except BrandHubError as exc:
            db.rollback()
            results.append(ItemResult(asset_id, title, False, exc.message, None))
            continue
        if action == "delete":
            results.append(ItemResult(asset_id, title, True))
            continue
        if done and not note and was_approved and asset.status == "in_review":
            note = REOPENED
        results.append(ItemResult(asset_id, title, done, note, asset))
    if to_collect and prepared.collection is not None:
        COLLECTIONS.add(db, user, prepared.collection, [r.asset_id for r in to_collect])
    return BulkOutcome(action, results)
