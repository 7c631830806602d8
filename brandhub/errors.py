"""One place that maps the domain exception tree and HTTP errors to responses.

API requests (``/api/``) get ``{"error": {"code", "message"}}`` with the right
status; pages get a friendly error page. Domain messages are English msgids
translated here.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from assets.budget import BudgetExceeded
from assets.errors import (
    FileTooLarge,
    InvalidFile,
    ObjectNotFound,
    PermissionDenied,
    RangeNotSatisfiable,
    StorageError,
    UnsupportedMediaType,
    VersionConflict,
)
from assets.resumable import ChecksumMismatch, PastDeclaredLength, UploadExpired
from core.errors import BrandHubError, Conflict, InvalidInput, NotFound, TooManyRequests
from guidelines import ComplianceFailed
from search_index import IndexUnavailable

from . import metrics

# The first class an error is an instance of gives its status (subclasses first).
STATUS_FOR: list[tuple[type[BrandHubError], int]] = [
    (UploadExpired, 410),  # tus: an upload that expired is gone
    (ChecksumMismatch, 460),  # tus's checksum extension: "Checksum Mismatch"
    (PastDeclaredLength, 413),
    (ObjectNotFound, 404),
    (NotFound, 404),
    (PermissionDenied, 403),
    (VersionConflict, 409),
    (Conflict, 409),
    (RangeNotSatisfiable, 416),
    (UnsupportedMediaType, 415),
    (FileTooLarge, 413),
    (InvalidFile, 422),
    (BudgetExceeded, 422),
    (ComplianceFailed, 422),
    (InvalidInput, 400),
    (TooManyRequests, 429),
    (StorageError, 503),
    (IndexUnavailable, 503),
]


def status_for(exc: BrandHubError) -> int:
    """The HTTP status of a domain error (400 for one that names no kind)."""
    return next((status for cls, status in STATUS_FOR if isinstance(exc, cls)), 400)


# Details safe and useful to return to the client with the error.
EXPOSED_DETAILS = {
    "existing_id",
    "field",
    "content",
    "extension",
    "max_bytes",
    "report",
    "current",
    "allowed",
    "detail",
    "retry_after",
}

HTTP_MESSAGES: dict[int, Any] = {
    400: _l("The request is not valid."),
    401: _l("You need to sign in."),
    403: _l("You do not have permission to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with something that already exists."),
    413: _l("The file is larger than allowed."),
    415: _l("This type of file is not accepted."),
    416: _l("The requested byte range is not available."),
    422: _l("The file could not be processed."),
    429: _l("Too many requests: wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing was saved."),
    503: _l("The service is unavailable right now. Try again in a moment."),
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "unprocessable",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    if wants_json():
        body: dict[str, Any] = {"error": {"code": code, "message": message, **extra}}
        response = jsonify(body)
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="brandhub"'
        return response
    return make_response(render_template("error.html", status=status, message=message), status)


def _domain(exc: BrandHubError) -> Response:
    extra = {k: v for k, v in exc.details.items() if k in EXPOSED_DETAILS}
    metrics.refused(exc, status_for(exc))
    return error_response(status_for(exc), exc.code, _(exc.message), **extra)


def _http(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = HTTP_MESSAGES.get(status)
    code = HTTP_CODES.get(status, "error")
    length, limit = request.content_length, request.max_content_length
    if status == 413 and length is not None and limit is not None and length <= limit:
        # The body is within the upload limit: the form parser's own limits were hit.
        message = _l("The form has too many fields or a field that is too long.")
        code = "form_too_large"
    response = error_response(status, code, str(message) if message else exc.name)
    allow = exc.get_response().headers.get("Allow") if status == 405 else None
    if allow:
        response.headers["Allow"] = allow
    return response


def _csrf(exc: CSRFError) -> Response:
    return error_response(
        400,
        "csrf",
        _("The form expired or was sent from another site. Reload the page and try again."),
    )


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http(exc)
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", str(HTTP_MESSAGES[500]))


def init_app(app: Flask) -> None:
    app.register_error_handler(BrandHubError, _domain)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
