"""What the asset page shows of its review: allowed moves, history, versions, rights,
near duplicates, download count and share links.

The template calls :func:`asset_panel` (``templates/review/``); the forms it
shows post to :mod:`.status`, :mod:`.versions`, :mod:`.rights` and the share pages.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from ..db import get_session
from ..forms import RightsForm, ShareForm, StatusForm, VersionForm
from ..models import Asset
from ..operations.access import can_edit, can_see_history
from ..operations.rights import LICENCE_URLS, licence_label, rights_state
from ..operations.sharing import can_manage_link, links_for
from ..operations.similar import similar_assets
from ..operations.statistics import download_count
from ..operations.status import allowed_transitions
from ..operations.versions import list_versions
from ..services import storage
from .status import action_labels, review_reasons, status_labels
from .user import signed_in

#: How many status changes the asset page lists (the API gives them all).
HISTORY_SHOWN = 10


def asset_panel(asset: Asset) -> dict[str, Any]:
    """Everything the review sections of the asset page show."""
    db = get_session()
    user = signed_in()
    editable = can_edit(user, asset)
    insider = can_see_history(user, asset)
    try:
        similar = similar_assets(db, storage(), user, asset, limit=8)
    except Exception:  # the page must show even if a thumbnail cannot be read
        current_app.logger.exception("near duplicates of asset %s", asset.id)
        similar = []
    sharer = can_manage_link(user, asset)
    moves = allowed_transitions(user, asset)
    labels = action_labels()
    return {
        "editable": editable,
        "moves": [(to, labels[(asset.status, to)]) for to in moves],
        "status_form": StatusForm(formdata=None),
        # Earlier files and the history only for its editors (operations/access.py).
        "history": asset.status_changes[:HISTORY_SHOWN] if insider else [],
        "reasons": review_reasons(),
        "status_labels": status_labels(),
        "versions": list_versions(asset) if insider else [],
        "version_form": VersionForm(formdata=None) if editable else None,
        "rights_form": RightsForm(formdata=None).fill(asset) if editable else None,
        "rights_state": rights_state(asset),
        "licence": licence_label(asset.licence),
        "licence_url": LICENCE_URLS.get(asset.licence or ""),
        "similar": similar,
        "downloads": download_count(db, asset.id),
        "share_form": ShareForm(formdata=None) if sharer and asset.status == "approved" else None,
        "can_share": sharer,
        "links": links_for(db, asset) if sharer else [],
    }


def init_app(app: Flask) -> None:
    app.jinja_env.globals["rights_state"] = rights_state
    app.jinja_env.globals["licence_label"] = licence_label
    app.jinja_env.globals["licence_url"] = lambda code: LICENCE_URLS.get(code or "")
    app.jinja_env.globals["workflow_panel"] = asset_panel
