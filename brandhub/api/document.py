"""``GET /openapi.json``: the OpenAPI document of this API (built in ``api.openapi``)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from .blueprint import bp
from .openapi import document


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(document())
