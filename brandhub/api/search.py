"""``GET /api/v1/search``: full-text search with facets, as the web library does."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..search import assets_for, query_from_args, run_search
from .blueprint import bp
from .errors import ApiError
from .serialize import assets_json


@bp.get("/search")
def search() -> ResponseReturnValue:
    for name in ("page", "per_page"):  # a number left empty is no number
        if request.args.get(name) == "":
            raise ApiError(400, "bad_request", _("The search is not valid."), detail=name)
    # InvalidQuery and IndexUnavailable answer 400 and 503 through brandhub.errors.
    query = query_from_args(request.args, current_app.config["PER_PAGE"])
    results = run_search(g.api_user, **query)
    results, assets = assets_for(get_session(), g.api_user, results)
    hits = {hit.id: hit for hit in results.hits}
    rows = assets_json(assets)
    for body in rows:
        body["highlights"] = hits[body["id"]].highlights
    return jsonify(
        {
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "results": rows,
            "facets": results.facets,
            "suggestion": results.suggestion,
        }
    )
