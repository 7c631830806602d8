"""What an upload's answer says to the drop zone: the new asset's card and the count it
changes, the asset that already holds its bytes, near duplicates its uploader may see,
and, for a refused file, the brand report and whether trying again can help (library and
event pages alike)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from assets.errors import BrandHubError, DuplicateAsset

from ..db import get_session
from ..errors import status_for
from ..models import Asset
from ..operations.similar import Similar, similar_assets
from ..services import storage
from .processing import media_job
from .report_text import localized_report
from .user import signed_in


def duplicate_url(exc: DuplicateAsset) -> str | None:
    """The page of the asset that holds an upload's bytes, when the uploader may see it."""
    if exc.existing_id is None:
        return None
    return url_for("web.asset_page", asset_id=exc.existing_id)


def similar_json(similar: list[Similar]) -> list[dict[str, Any]]:
    """Near duplicates for an upload's answer: enough to show and link each one."""
    return [s.as_json(url_for("web.asset_page", asset_id=s.asset.id)) for s in similar]


def flag_similar(asset: Asset) -> list[Similar]:
    """Near duplicates of a new upload that its uploader may see (never raises)."""
    try:
        return similar_assets(get_session(), storage(), signed_in(), asset, limit=5)
    except Exception:
        current_app.logger.exception("near-duplicate check failed for asset %s", asset.id)
        return []


def uploaded_json(asset: Asset, similar: list[Similar], total: int | None = None) -> dict[str, Any]:
    """The drop zone's answer for a file it uploaded: the new asset's card, near duplicates,
    whether its previews are still being made (``processing``, with the URL to ask again)
    and the count of the page it was dropped on (``total``)."""
    pending = media_job(asset)
    return {
        "id": asset.id,
        "title": asset.title,
        "url": url_for("web.asset_page", asset_id=asset.id),
        "similar": similar_json(similar),
        "similar_message": similar_message(similar) if similar else None,
        "thumb": url_for("web.rendition", asset_id=asset.id, name="thumb", v=asset.sha256[:12]),
        "card": render_template("_upload_card.html", asset=asset),
        "state": "done" if pending is None else _job_state(pending.state),
        "status_url": url_for("processing_status", asset_id=asset.id),
        "total": total,
    }


def _job_state(state: str) -> str:
    return "failed" if state == "failed" else "processing"


def similar_message(similar: list[Similar]) -> str:
    titles = ", ".join(f"“{s.asset.title}”" for s in similar[:3])
    return _("It looks similar to %(titles)s: check it is not the same picture.", titles=titles)


def refusal_json(exc: BrandHubError, filename: str | None = None) -> ResponseReturnValue:
    """A refused upload for the drop zone: the reason, the brand report as the upload page
    shows it (``report_html``) and whether the same file may succeed later (``retryable``:
    a store or an index busy, not a brand refusal or a bad file)."""
    error: dict[str, Any] = {
        "code": exc.code,
        "message": _(exc.message),
        "retryable": bool(exc.transient),
    }
    report = exc.details.get("report")
    if report:
        error["report"] = localized_report(report) if isinstance(report, dict) else report
        error["report_html"] = render_template(
            "_upload_report.html", report=report, filename=filename
        )
    return jsonify({"error": error}), status_for(exc)
