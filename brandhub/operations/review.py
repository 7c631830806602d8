"""Approval covers what the public gets: a change to it sends the asset back to review.

Approving an asset approves one file and one public text. If either changes
afterwards, what the press kit, share links and other agencies would get is
no longer what a brand manager approved. So when someone who cannot approve
(operations/status.py ``can_approve``) changes an approved asset's file
(a new version, operations/versions.py) or its public text (:data:`PUBLIC_TEXT`:
what pages, the press kit and downloaded files show), the asset goes back to
"in review" in the same transaction, and a :class:`StatusChange` with a
``reason`` ("new_file" or "text_changed") and the person who made the change
says so in the history. Until it is approved again it leaves every public
place at once (they only show approved assets, operations/access.py).

A brand manager's or an administrator's own change keeps the approval: they
are the reviewers. Changes that only narrow who sees the asset (embargo,
expiry, the ``public`` flag) or that nobody outside sees (the event, the
focal point, the piece category) keep it too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Asset, StatusChange, User
from .status import can_approve

__all__ = [
    "NEW_FILE",
    "PUBLIC_TEXT",
    "TEXT_CHANGED",
    "public_text",
    "reopen_if_approved",
    "text_changed",
]

NEW_FILE = "new_file"
TEXT_CHANGED = "text_changed"
#: The asset fields the public reads: on the press kit, share links and in downloaded files.
PUBLIC_TEXT = (
    "title",
    "description",
    "caption",
    "credit",
    "copyright",
    "licence",
    "restrictions",
    "tags",
)


def public_text(asset: Asset) -> dict[str, Any]:
    """The asset's public text now, to compare with after a change."""
    text: dict[str, Any] = {name: getattr(asset, name) or "" for name in PUBLIC_TEXT[:-1]}
    text["tags"] = tuple(sorted(asset.tag_names))
    return text


def text_changed(before: dict[str, Any], asset: Asset) -> bool:
    return public_text(asset) != before


def reopen_if_approved(db: Session, user: User, asset: Asset, reason: str) -> StatusChange | None:
    """Send an approved ``asset`` back to review after ``user``'s change, unless they approve.

    Adds the history row to the session; the caller commits with its change.
    """
    if asset.status != "approved" or can_approve(user):
        return None
    change = StatusChange(
        asset=asset,
        from_status="approved",
        to_status="in_review",
        comment="",
        reason=reason,
        user_id=user.id,
    )
    asset.status = "in_review"
    db.add(change)
    return change
