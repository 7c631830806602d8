"""Usage rights: the licence, the credit line, restrictions, expiry and embargo.

An asset is *publishable* (it may appear on public pages: the press kit, share
links, what anonymous visitors and other agencies see) when it is approved and
neither under embargo nor expired. ``publishable_filter`` (from access.py) says it in SQL,
``is_publishable`` in Python; :func:`access.visible_filter` adds the ``public``
flag for anonymous visitors. The dates are instants in UTC; pages type them
in the institution's time zone.

``rights_state`` gives the badge a page shows: "expired", "expiring" (within
``EXPIRING_DAYS``) or "embargoed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from assets.errors import InvalidInput

from ..models import Asset, User, utcnow
from .access import publishable_filter, require_edit
from .review import TEXT_CHANGED, public_text, reopen_if_approved, text_changed

__all__ = [
    "EXPIRING_DAYS",
    "LICENCES",
    "RightsFields",
    "is_publishable",
    "licence_label",
    "publishable_filter",
    "rights_state",
    "update_rights",
]

#: The licences an asset may carry, by code; "" means "not stated".
LICENCES: dict[str, Any] = {
    "all-rights-reserved": _l("All rights reserved"),
    "institutional": _l("Institutional use only"),
    "cc-by-4.0": _l("CC BY 4.0 (attribution)"),
    "cc-by-sa-4.0": _l("CC BY-SA 4.0 (attribution, share alike)"),
    "cc-by-nd-4.0": _l("CC BY-ND 4.0 (attribution, no derivatives)"),
    "cc-by-nc-4.0": _l("CC BY-NC 4.0 (attribution, non-commercial)"),
    "cc-by-nc-sa-4.0": _l("CC BY-NC-SA 4.0 (attribution, non-commercial, share alike)"),
    "cc-by-nc-nd-4.0": _l("CC BY-NC-ND 4.0 (attribution, non-commercial, no derivatives)"),
    "cc0-1.0": _l("CC0 1.0 (no rights reserved)"),
    "public-domain": _l("Public domain"),
}
#: Where each Creative Commons licence is explained.
LICENCE_URLS = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nd-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "cc-by-nc-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "cc-by-nc-sa-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "cc-by-nc-nd-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
EXPIRING_DAYS = 30

_UNSET: Any = object()


@dataclass
class RightsFields:
    """The rights of an asset; ``_UNSET`` (the default) leaves a field as it is."""

    licence: Any = _UNSET
    credit: Any = _UNSET
    restrictions: Any = _UNSET
    expires_at: Any = _UNSET  # datetime (aware) or None to clear
    embargo_until: Any = _UNSET
    public: Any = _UNSET  # bool


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_publishable(asset: Asset, now: datetime | None = None) -> bool:
    now = now or utcnow()
    embargo, expires = _aware(asset.embargo_until), _aware(asset.expires_at)
    return (
        asset.status == "approved"
        and (embargo is None or embargo <= now)
        and (expires is None or expires > now)
    )


def rights_state(asset: Any, now: datetime | None = None) -> str | None:
    """ "expired", "expiring", "embargoed" or None: the badge beside the status."""
    now = now or utcnow()
    expires = _aware(getattr(asset, "expires_at", None))
    embargo = _aware(getattr(asset, "embargo_until", None))
    if expires is not None and expires <= now:
        return "expired"
    if embargo is not None and embargo > now:
        return "embargoed"
    if expires is not None and expires - now <= timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return None


def licence_label(code: str | None) -> Any:
    return LICENCES.get(code or "", "")


def update_rights(db: Session, user: User, asset: Asset, fields: RightsFields) -> Asset:
    """Change an asset's rights (who may edit it may); InvalidInput for a bad value."""
    require_edit(user, asset)
    before = public_text(asset)
    if fields.licence is not _UNSET:
        code = (fields.licence or "").strip()
        if code and code not in LICENCES:
            raise InvalidInput("This licence is not one of the list.", field="licence")
        asset.licence = code
    if fields.credit is not _UNSET:
        asset.credit = " ".join((fields.credit or "").split())[:300]
    if fields.restrictions is not _UNSET:
        asset.restrictions = (fields.restrictions or "").strip()[:5000]
    if fields.public is not _UNSET:
        asset.public = bool(fields.public)
    expires = asset.expires_at if fields.expires_at is _UNSET else fields.expires_at
    embargo = asset.embargo_until if fields.embargo_until is _UNSET else fields.embargo_until
    expires, embargo = _aware(expires), _aware(embargo)
    if expires is not None and embargo is not None and embargo >= expires:
        raise InvalidInput("The embargo must end before the rights expire.", field="embargo_until")
    asset.expires_at, asset.embargo_until = expires, embargo
    if text_changed(before, asset):  # the licence, credit or restrictions
        reopen_if_approved(db, user, asset, TEXT_CHANGED)
    db.commit()
    return asset
