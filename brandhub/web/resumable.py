"""What the drop zone asks the web side around a resumable (tus) upload.

The drop zone sends each file's bytes to the tus endpoint of the API
(``/api/v1/uploads``). What the library and event pages then show comes from
here, in the same shapes the multipart upload answers with: the new asset's
card, near duplicates and the page's count once an upload is finished
(:func:`resumable_upload`); the count of an event after a duplicate joined it
(:func:`upload_total`); and the brand's report of a refused file drawn as the
upload page draws it (:func:`upload_report`), from the report the API's refusal
carried.
"""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from jinja2 import TemplateError

from core.errors import N_, Conflict, InvalidInput

from ..db import get_session
from ..operations.access import get_visible_asset
from ..operations.listing import count as count_rows
from ..operations.listing import visible_total
from ..operations.sets import EVENTS
from ..operations.uploads import get_upload
from ..services import upload_staging
from .uploads import flag_similar, uploaded_json
from .user import signed_in
from .views import bp

#: A report the API sent back is a few kilobytes; this leaves room for many rules.
MAX_REPORT_BYTES = 256 * 1024
MAX_CHECKS = 200
STATUSES = frozenset({"pass", "warn", "fail", "skip"})
NOT_FINISHED = N_("The upload is not finished yet.")
BAD_REPORT = N_("The report is not valid.")
BAD_EVENT = N_("The event must be given by its number.")


def _event_total(raw: str) -> int:
    """How many assets of event ``raw`` (its number) the person sees."""
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(BAD_EVENT, field="event")
    db = get_session()
    event = EVENTS.get_visible(db, signed_in(), int(raw))
    return count_rows(db, EVENTS.members(signed_in(), event))


@bp.get("/upload/resumable/<upload_id>")
@login_required
def resumable_upload(upload_id: str) -> ResponseReturnValue:
    """A finished upload's asset as the drop zone shows it (the multipart upload's answer):
    its card, near duplicates, whether previews are still being made, and the count of
    the page it was dropped on (its event's, or the library's)."""
    db = get_session()
    upload = get_upload(db, upload_staging(), signed_in(), upload_id)
    if upload.asset_id is None:
        raise Conflict(NOT_FINISHED)
    asset = get_visible_asset(db, signed_in(), upload.asset_id)
    event = json.loads(upload.metadata_json or "{}").get("event")
    total = _event_total(str(event)) if event else visible_total(db, signed_in())
    return jsonify(uploaded_json(asset, flag_similar(asset), total))


@bp.get("/upload/total")
@login_required
def upload_total() -> ResponseReturnValue:
    """The count the drop zone's page shows (``?event=N``: that event's), after a file
    that was already in the library joined the event rather than being added."""
    raw = request.args.get("event", "")
    total = _event_total(raw) if raw else visible_total(get_session(), signed_in())
    return jsonify({"total": total})


def _valid_report(body: Any) -> tuple[dict[str, Any], str | None]:
    report = body.get("report") if isinstance(body, dict) else None
    filename = body.get("filename") if isinstance(body, dict) else None
    checks = report.get("checks") if isinstance(report, dict) else None
    if (
        not isinstance(report, dict)
        or not isinstance(checks, list)
        or len(checks) > MAX_CHECKS
        or not all(isinstance(c, dict) and c.get("status") in STATUSES for c in checks)
        or not all(isinstance(c.get("details", {}), dict) for c in checks)
        or not isinstance(report.get("brand"), str)
        or not isinstance(report.get("category"), str)
        or not (filename is None or isinstance(filename, str))
    ):
        raise InvalidInput(BAD_REPORT)
    return report, (filename or "")[:255] or None


@bp.post("/upload/report")
@login_required
def upload_report() -> ResponseReturnValue:
    """A refused upload's brand report, drawn as the upload page draws it (``report_html``).

    The body is ``{"report": …, "filename": …}``: the report the API's refusal of the
    file's last chunk carried, which the drop zone hands back to be shown in the
    reader's language with the page's own component.
    """
    if (request.content_length or 0) > MAX_REPORT_BYTES:
        raise InvalidInput(BAD_REPORT)
    raw = request.stream.read(MAX_REPORT_BYTES + 1)  # a body without a length is cut too
    try:
        if len(raw) > MAX_REPORT_BYTES:
            raise ValueError("too long")
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput(BAD_REPORT) from None
    report, filename = _valid_report(body)
    try:
        html = render_template("_upload_report.html", report=report, filename=filename)
    except (
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        ArithmeticError,
        RecursionError,
        TemplateError,
    ):
        # A hand-made report whose values are not what the engine writes.
        raise InvalidInput(BAD_REPORT) from None
    return jsonify({"report_html": html})
