"""The ``api`` blueprint under /api/v1: bearer-token auth and one value per parameter.

Route modules register their views on :data:`bp`; this module imports none of
them. Operations anyone may call without a token are named in
:data:`PUBLIC_ENDPOINTS`.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from search_index import FACETS

from ..auth.tokens import user_for_token
from ..db import get_session
from ..security import csrf
from .errors import ApiError, api_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.errorhandler(ApiError)(api_error)

PUBLIC_ENDPOINTS = {
    "api.openapi",
    "api.compliance_check",
    "api.list_brands",
    "api.get_brand",
    "api.upload_options",
}
# Operations a signed-in browser may also call with its session cookie, sending the
# page's CSRF token in X-CSRFToken: the resumable uploads of the drop zone.
SESSION_ENDPOINTS = {
    "api.upload_create",
    "api.upload_item",
    "api.upload_append",
    "api.upload_delete",
}
# Query parameters that take several values (the search facets); any other is given once.
REPEATABLE = set(FACETS)


@bp.before_request
def authenticate() -> None:
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", _("Use an 'Authorization: Bearer <token>' header."))
        found = user_for_token(get_session(), token.strip())
        if found is None:
            raise ApiError(401, "unauthorized", _("The token is not valid or was revoked."))
        g.api_user, g.api_token = found
        get_session().commit()
        if request.method not in ("GET", "HEAD", "OPTIONS") and not g.api_token.allows("write"):
            raise ApiError(403, "forbidden", _("This token can only read."))
    elif request.endpoint in SESSION_ENDPOINTS and current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                csrf.protect()
            except CSRFError:
                raise ApiError(
                    403, "csrf", _("The page expired: reload it and try again.")
                ) from None
        g.api_user = current_user._get_current_object()
    elif request.endpoint not in PUBLIC_ENDPOINTS and request.endpoint is not None:
        raise ApiError(401, "unauthorized", _("You need to sign in."))


@bp.before_request
def single_values() -> None:
    """A parameter given twice is an error, not silently its first value."""
    for name in request.args:
        if name not in REPEATABLE and len(request.args.getlist(name)) > 1:
            raise ApiError(
                400, "bad_request", _("'%(name)s' is given more than once.", name=name[:40])
            )
