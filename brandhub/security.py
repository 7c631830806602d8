"""CSRF protection and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Pages: our own scripts and styles only; images may be data: (thumb placeholders).
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Anything users uploaded: nothing in it may run, even if a browser renders it.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def _headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Content-Security-Policy", PAGE_CSP)
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _refuse_oversized() -> None:
    """Answer 413 before reading a body that declares more than the upload limit."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        abort(413)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized)
    csrf.init_app(app)
    app.after_request(_headers)
