"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

Each area is a module of this package exporting ``paths`` and, where it
defines any, ``schemas``: plain dicts built from the pieces in ``shapes``;
:func:`spec` merges them once (an area describing a path, a method or a schema
another one already does is an error) and adds the answers every operation of
a kind can give, so that no area has to remember them:

- 400 and 401 everywhere (a query parameter given twice; a missing, malformed or revoked
  token, also on public operations);
- 403 on every change (a read-only token);
- 404 wherever the path names something (ids past the database's range included);
- 413 wherever there is a body (larger than allowed; 400 when it is no JSON object);
- 429 with ``Retry-After`` on the operations listed in ``RATE_LIMITED``.

:func:`document` is that document as served: with this instance's agencies and
download presets. It is checked against the running app by
tests/app/test_openapi_conformance.py (schemathesis: every operation, every
check), and against the routes by tests/app/test_openapi_routes.py.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import select

from ...db import get_session
from ...models import Agency
from ...presets import DEFAULT_MAX_SIDE, MASTER_PRESETS, presets
from . import (
    assets,
    bulk,
    compliance,
    downloads,
    events,
    jobs,
    publication,
    rights,
    search,
    sharing,
    similar,
    statistics,
    status,
    uploads,
    versions,
)
from .shapes import ERROR, errors

AREAS = (
    assets,
    search,
    events,
    publication,
    bulk,
    downloads,
    compliance,
    status,
    versions,
    rights,
    similar,
    statistics,
    sharing,
    jobs,
    uploads,
)
METHODS = ("get", "put", "post", "patch", "delete")
# Operations that answer 429 Too Many Requests (with Retry-After) past a limit.
RATE_LIMITED: set[tuple[str, str]] = {("post", "/compliance/check")}
TOO_MANY = {
    "description": "Too many requests: wait the seconds in Retry-After",
    "headers": {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 0}}},
    "content": {"application/json": {"schema": ERROR}},
}
HEAD: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "BrandHub API",
        "version": "1",
        "description": "Assets, search and brand compliance for government communication offices.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


def merged() -> dict[str, Any]:
    """Every area's paths and schemas in one document (as the areas wrote them)."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for area in AREAS:
        for path, item in area.paths.items():
            known = paths.setdefault(path, {})
            twice = set(known) & set(item) - {"parameters"}
            if twice:
                raise ValueError(f"{area.__name__}: {path} {sorted(twice)} described twice")
            known.update(copy.deepcopy(item))
        own = getattr(area, "schemas", {})
        twice = set(schemas) & set(own)
        if twice:
            raise ValueError(f"{area.__name__}: schemas {sorted(twice)} described twice")
        schemas.update(copy.deepcopy(own))
    return {
        **copy.deepcopy(HEAD),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "paths": paths,
    }


def _statuses(method: str, path: str, operation: dict[str, Any], params: list[Any]) -> list[int]:
    codes = [400, 401]  # 400: a query parameter given twice, a body that is no JSON object
    if method != "get":
        codes.append(403)
    if any(p.get("in") == "path" for p in params):
        codes.append(404)
    if "requestBody" in operation:
        codes.append(413)
    if (method, path) in RATE_LIMITED:
        codes.append(429)
    return codes


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the answers every operation of a kind gives (see the module docstring)."""
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = shared + operation.get("parameters", [])
            responses = operation.setdefault("responses", {})
            for code in _statuses(method, path, operation, params):
                responses.setdefault(
                    str(code), TOO_MANY if code == 429 else errors(code)[str(code)]
                )
            operation["responses"] = dict(sorted(responses.items()))
    return spec


@cache
def spec() -> dict[str, Any]:
    """The document, built once: every area merged and completed (not to be changed)."""
    return complete(merged())


def _agency_fields(node: Any, slugs: list[str]) -> None:
    """Name the agencies that exist in every request body's ``agency`` member."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and "agency" in value:
                value["agency"] = {**value["agency"], "enum": ["", *slugs]}
                if "null" in value["agency"].get("type", []):
                    value["agency"]["enum"].append(None)
            _agency_fields(value, slugs)
    elif isinstance(node, list):
        for value in node:
            _agency_fields(value, slugs)


def _query_values(path: str, item: dict[str, Any], method: str, config: Any) -> None:
    """The preset names and the largest free size this instance is configured with."""
    operation = item.get(method, {})
    for param in item.get("parameters", []) + operation.get("parameters", []):
        if param.get("in") != "query":
            continue
        if param["name"] == "preset":
            names = dict.fromkeys([*presets(config), *MASTER_PRESETS])
            param["schema"] = {"enum": ["", "original", *names]}
        elif param["name"] in ("width", "height") and path.endswith("/download"):
            side = int(config.get("DOWNLOAD_MAX_SIDE") or DEFAULT_MAX_SIDE)
            param["schema"] = {**param["schema"], "maximum": side}


def document() -> dict[str, Any]:
    """The document as served: complete, with this instance's agencies and presets."""
    served = copy.deepcopy(spec())
    slugs = list(get_session().scalars(select(Agency.slug).order_by(Agency.slug)))
    _agency_fields(served["components"]["schemas"]["AssetFields"], slugs)
    for path, item in served["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            _query_values(path, item, method, current_app.config)
            body = item[method].get("requestBody")
            if body is not None:
                _agency_fields(body, slugs)
    return served


__all__ = ["document", "spec"]
