"""Publishing an event's coverage to the press kit in one step, after a preview.

The press kit of an event (web/presskit.py) shows only what anonymous visitors
may see: its assets that are approved, public and whose rights are in force
(operations/access.py). Marking the event "visible to every agency" makes the
kit exist, not its photos appear. :func:`publish_coverage` does the whole job
for the photos of an event (all of them, or a selection): sets the licence,
credit line and restrictions given, approves where the person may, makes each
one public (operations/bulk_actions.py's ``publish``, asset by asset) and makes
the event public. :func:`coverage_preview` says beforehand which photos will
appear and why the others will not, changing nothing; :func:`kit_state` counts
what the kit shows now against what the event holds, for the event page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Asset, Collection, Event, User
from .access import Viewer, visible_filter
from .bulk_actions import ActionParams, BulkOutcome, preview, run_action
from .downloads import slug
from .selection import MAX_SELECTION
from .sets import EVENTS, require_manage

__all__ = [
    "KitState",
    "kit_ref",
    "common_credit",
    "coverage_ids",
    "coverage_preview",
    "kit_state",
    "publish_coverage",
]


def kit_ref(item: Event | Collection) -> str:
    """The press kit's address of an event or collection: ``evento-12-inauguracion``."""
    kind = "evento" if isinstance(item, Event) else "coleccion"
    return f"{kind}-{item.id}-{slug(item.title, '')}".rstrip("-")


@dataclass
class KitState:
    """How many of an event's assets the press kit shows, of how many the person sees."""

    shown: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.shown


def coverage_ids(db: Session, user: Viewer, event: Event) -> list[int]:
    """The ids of the event's assets ``user`` sees, in the event's order (at most a selection)."""
    query = EVENTS.members(user, event).with_only_columns(Asset.id).limit(MAX_SELECTION)
    return list(db.scalars(query))


def _chosen(db: Session, user: Viewer, event: Event, asset_ids: list[int] | None) -> list[int]:
    every = coverage_ids(db, user, event)
    if asset_ids is None:
        return every
    members = set(every)
    # Only the event's own assets: a selection cannot publish another event's photos here.
    return [i for i in asset_ids if i in members]


def coverage_preview(
    db: Session, user: Viewer, event: Event, asset_ids: list[int] | None, params: ActionParams
) -> BulkOutcome:
    """Which photos :func:`publish_coverage` would put in the press kit, and why not the rest."""
    require_manage(user, event)
    return preview(db, user, "publish", _chosen(db, user, event, asset_ids), params)


def publish_coverage(
    db: Session, user: User, event: Event, asset_ids: list[int] | None, params: ActionParams
) -> BulkOutcome:
    """Publish the event's photos (those of ``asset_ids``, or all) and make its kit public."""
    require_manage(user, event)
    chosen = _chosen(db, user, event, asset_ids)
    outcome = run_action(db, user, "publish", chosen, params)
    if outcome.done and not event.public:
        event.public = True
        db.commit()
    return outcome


def kit_state(db: Session, user: Viewer, event: Event) -> KitState:
    """What the event's press kit shows now, against the event's assets ``user`` sees."""
    member = Asset.event_id == event.id
    total = db.scalar(select(func.count()).where(member, visible_filter(user))) or 0
    shown = db.scalar(select(func.count()).where(member, visible_filter(None))) or 0
    return KitState(shown=shown, total=total)


def common_credit(db: Session, user: Viewer, event: Event, asset_ids: list[int] | None) -> str:
    """The credit line the chosen photos share ("" when they differ): the form's default."""
    members = EVENTS.members(user, event).order_by(None)
    query = members.with_only_columns(Asset.credit).distinct().limit(2)
    if asset_ids is not None:
        query = query.where(Asset.id.in_(asset_ids))
    credits = list(db.scalars(query))
    return credits[0] if len(credits) == 1 else ""
