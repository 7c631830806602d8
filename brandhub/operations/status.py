"""The approval workflow: draft → in review → approved → archived, and its history.

``TRANSITIONS`` is the whole rule: for each (from, to) pair, who may make
that move. "edit" means anyone who may edit the asset (its agency's editors
and photographers, brand managers, admins); "approve" only brand managers and
admins. A move that is not in the table is refused with ``InvalidTransition``
(409); a move the person may not make with ``PermissionDenied`` (403). Every
move is kept as a ``StatusChange`` row (who, when, from, to, comment).
Only approved assets reach public pages (operations/access.py).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assets.errors import N_, InvalidInput, PermissionDenied
from core.errors import Conflict

from ..models import STATUSES, Asset, StatusChange, User
from .access import Viewer, can_edit, signed_in

__all__ = [
    "TRANSITIONS",
    "InvalidTransition",
    "allowed_transitions",
    "can_approve",
    "change_status",
]

#: (from, to) → who may: "edit" (whoever may edit the asset) or "approve" (managers).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "in_review"): "edit",
    ("draft", "archived"): "edit",
    ("in_review", "draft"): "edit",  # withdrawn, or sent back with a comment
    ("in_review", "approved"): "approve",
    ("approved", "in_review"): "approve",  # approval withdrawn for another look
    ("approved", "archived"): "approve",
    ("archived", "draft"): "edit",
}
APPROVER_ROLES = frozenset({"admin", "brand_manager"})
MAX_COMMENT = 2000


class InvalidTransition(Conflict):
    """This status change is not possible."""

    code = "invalid_transition"


def can_approve(user: Viewer) -> bool:
    u = signed_in(user)
    return u is not None and u.role in APPROVER_ROLES


def _may(user: Viewer, asset: Asset, who: str) -> bool:
    if who == "approve":
        return can_approve(user) and can_edit(user, asset)
    return can_edit(user, asset)


def allowed_transitions(user: Viewer, asset: Asset) -> list[str]:
    """The statuses ``user`` may move ``asset`` to now, in the workflow's order."""
    return [
        to
        for (frm, to), who in sorted(TRANSITIONS.items(), key=lambda i: STATUSES.index(i[0][1]))
        if frm == asset.status and _may(user, asset, who)
    ]


def change_status(
    db: Session, user: User, asset: Asset, to_status: str, comment: str = ""
) -> StatusChange:
    """Move ``asset`` to ``to_status`` and record it; commits."""
    if to_status not in STATUSES:
        raise InvalidInput("This status does not exist.", field="status")
    frm = asset.status
    who = TRANSITIONS.get((frm, to_status))
    if who is None:
        raise InvalidTransition(
            N_("An asset cannot go from its current status to the one requested."),
            current=frm,
            allowed=[to for (start, to) in TRANSITIONS if start == frm],
        )
    if not can_edit(user, asset):
        raise PermissionDenied("You do not have permission to do this.")
    if not _may(user, asset, who):
        raise PermissionDenied("Only brand managers and administrators approve assets.")
    change = StatusChange(
        asset=asset,
        from_status=frm,
        to_status=to_status,
        comment=(comment or "").strip()[:MAX_COMMENT],
        user_id=user.id,
    )
    asset.status = to_status
    db.add(change)
    db.commit()
    return change
