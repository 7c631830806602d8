"""Where the asset page's review forms post: the ``workflow`` blueprint, and how it answers.

Status changes (:mod:`.status`), new versions (:mod:`.versions`) and usage
rights (:mod:`.rights`) each add their routes to :data:`bp`; every one comes
back to the asset page with a toast.
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue

from ..models import Asset

#: The endpoint names stay ``workflow.status``, ``workflow.new_version`` and so on.
bp = Blueprint("workflow", __name__)


def back_to(asset: Asset) -> ResponseReturnValue:
    """The asset page, where the form was."""
    return redirect(url_for("web.asset_page", asset_id=asset.id))
