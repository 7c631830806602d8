"""The OpenAPI document and the routes agree: every API route is described with its
methods, and every described path and method is a route.

The conformance of the answers to the document is tests/api/test_openapi_conformance.py.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

PREFIX = "/api/v1"
# The document does not describe itself.
UNDESCRIBED = {("/openapi.json", "get")}
METHODS = {"get", "put", "post", "patch", "delete"}


def routes(app: Flask) -> set[tuple[str, str]]:
    """(path as the document writes it, method) for every rule under /api/v1."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        found |= {(path, m.lower()) for m in rule.methods or ()} - {
            (path, "head"),
            (path, "options"),
        }
    return found


def described(client: FlaskClient) -> set[tuple[str, str]]:
    document = client.get(PREFIX + "/openapi.json").get_json()
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_route_is_described(app: Flask, client: FlaskClient) -> None:
    missing = routes(app) - described(client) - UNDESCRIBED
    assert not missing, f"routes the document does not describe: {sorted(missing)}"


def test_every_described_operation_is_a_route(app: Flask, client: FlaskClient) -> None:
    extra = described(client) - routes(app)
    assert not extra, f"operations described that no route serves: {sorted(extra)}"


def test_the_routes_are_found(app: Flask) -> None:
    assert ("/assets/{asset_id}/renditions/{name}", "get") in routes(app)
    assert ("/jobs/{job_id}", "get") in routes(app)
