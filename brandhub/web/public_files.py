"""Files the public pages send (share links, the press kit), each download logged with
its channel (``brandhub/tracking.py``)."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from ..models import Asset, ShareLink
from ..sending import send_download, send_original, wants_original
from ..services import storage
from ..tracking import download_context, note_downloads


def send_public_original(
    found: Asset, channel: str, link: ShareLink | None = None
) -> ResponseReturnValue:
    """The original file, as an attachment."""
    download_context(channel, link)
    note_downloads([found], "original")
    return send_original(storage(), found, attachment=True)


def send_public_download(
    found: Asset, channel: str, link: ShareLink | None = None
) -> ResponseReturnValue:
    """The original or a preset, as the query asks (``sending.send_download``)."""
    download_context(channel, link)
    if wants_original(request.args):
        note_downloads([found], "original")
    else:
        note_downloads([found], "preset", (request.args.get("preset") or "custom")[:40])
    return send_download(found, request.args)
