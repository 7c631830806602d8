"""Logging downloads as they leave, whichever page, API call or link sends them.

Views call :func:`note_downloads` with what they are about to send; the
single-file endpoints of the library and the API (``TRACKED``) are noted here
by endpoint, so their views stay as they are. After the response is made the
notes are written (``operations.statistics.record_downloads``) only if it really
sends a file: a success, or a redirect to a presigned URL, and for byte
ranges only the request that starts at byte 0 (a player seeking in a video,
a resumed download, are one download). A failure to log is logged and never
turns a download into an error.

Who downloaded: the person signed in (pages) or the token's owner (API);
views for share links and the press kit say so with :func:`download_context`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import Flask, Response, g, request
from flask_login import current_user

from . import metrics
from .db import database, get_session
from .models import Asset, ShareLink
from .operations.access import Viewer
from .operations.statistics import record_downloads

log = logging.getLogger(__name__)

#: Endpoints that send one asset's file: endpoint → (what, query argument that must be "1").
TRACKED: dict[str, tuple[str, str | None]] = {
    "web.original": ("original", "download"),  # without ?download=1 it is the page's player
    "web.download": ("preset", None),
    "api.asset_file": ("original", None),
    "api.asset_download": ("preset", None),
}


@dataclass(frozen=True)
class _Note:
    id: int  # the asset's
    agency_id: int | None
    what: str
    preset: str | None
    version: int | None


def download_context(channel: str, link: ShareLink | None = None) -> None:
    """Say how this request's downloads leave: "share" (with its link) or "presskit"."""
    g.download_channel, g.download_link_id = channel, link.id if link is not None else None


def note_downloads(
    assets: Iterable[Asset], what: str, preset: str | None = None, version: int | None = None
) -> None:
    """Record ``assets`` as downloaded once this response has sent them."""
    notes = g.setdefault("download_notes", [])
    notes.extend(_Note(a.id, a.agency_id, what, preset, version) for a in assets)


def _preset_of(args: Mapping[str, str]) -> str:
    return (args.get("preset") or "custom")[:40]


def _note_tracked() -> None:
    tracked = TRACKED.get(request.endpoint or "")
    if tracked is None or "download_notes" in g:
        return
    what, needs = tracked
    if needs is not None and request.args.get(needs) != "1":
        return
    asset_id = (request.view_args or {}).get("asset_id")
    asset = get_session().get(Asset, asset_id) if asset_id is not None else None
    if asset is not None:
        note_downloads([asset], what, _preset_of(request.args) if what == "preset" else None)


def _sends_file(response: Response) -> bool:
    if response.status_code in (200, 302, 303):
        return True
    if response.status_code == 206:
        return (response.headers.get("Content-Range") or "").startswith("bytes 0-")
    return False


def _who() -> tuple[str, Viewer]:
    channel = g.get("download_channel")
    if channel is not None:
        return channel, None
    if request.path.startswith("/api/"):
        return "api", g.get("api_user")
    return "app", current_user


def _write(response: Response) -> Response:
    try:
        _note_tracked()
        notes: list[_Note] = g.pop("download_notes", [])
        if not notes or not _sends_file(response):
            return response
        channel, user = _who()
        db = database().sessionmaker()
        try:
            for (what, preset, version), group in _grouped(notes).items():
                metrics.downloaded(preset if what == "preset" else what, channel, len(group))
                record_downloads(
                    db,
                    group,
                    channel=channel,
                    what=what,
                    user=user,
                    share_link_id=g.get("download_link_id"),
                    preset=preset,
                    version=version,
                )
        finally:
            db.close()
    except Exception:
        log.exception("could not log a download of %s", request.path)
    return response


def _grouped(notes: list[_Note]) -> dict[tuple[str, str | None, int | None], list[_Note]]:
    groups: dict[tuple[str, str | None, int | None], list[_Note]] = {}
    for note in notes:
        groups.setdefault((note.what, note.preset, note.version), []).append(note)
    return groups


def init_app(app: Flask) -> None:
    app.after_request(_write)
