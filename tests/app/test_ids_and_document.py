"""Ids past the database's range are 404 everywhere; the OpenAPI document is valid OpenAPI 3.1.

The conformance of the server to the document is tests/app/test_openapi_conformance.py.
"""

from __future__ import annotations

import re

import pytest

from brandhub.ids import MAX_ID, IdConverter, parse_id
from tests.factories import add_token, add_user

TOO_LARGE = [str(MAX_ID + 1), str(2**63), str(2**64 + 5), "9" * 40]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (MAX_ID, MAX_ID),
        (MAX_ID + 1, None),
        (0, None),
        (-3, None),
        (True, None),
        (7.0, 7),
        (7.5, None),
        ("12", 12),
        (" 12 ", 12),
        ("012", 12),
        ("1e3", None),
        ("-1", None),
        ("²", None),  # a digit to str.isdigit, not to int()
        ("٣", None),  # an Arabic-Indic three
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_the_route_pattern_stops_exactly_at_the_largest_id():
    pattern = re.compile(IdConverter.regex)
    for number in [0, 1, 9, 10, 99, 1_000_000, MAX_ID - 1, MAX_ID, 2_000_000_000, 999_999_999]:
        assert pattern.fullmatch(str(number)), number
    for number in [MAX_ID + 1, 2_147_483_650, 2_200_000_000, 3_000_000_000, 9_999_999_999, 2**63]:
        assert not pattern.fullmatch(str(number)), number


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/assets/{}"),
        ("DELETE", "/api/v1/assets/{}"),  # 404, not 405: no rule matches the path at all
        ("PATCH", "/api/v1/events/{}"),
        ("GET", "/api/v1/collections/{}/assets"),
        ("GET", "/api/v1/assets/1/versions/{}/file"),
        ("DELETE", "/api/v1/share-links/{}"),
        ("GET", "/api/v1/jobs/{}"),
    ],
)
def test_api_ids_past_the_range_are_404(app, client, method, path, number):
    token = add_token(app, add_user(app, "admin"))
    r = client.open(
        path.format(number), method=method, headers={"Authorization": f"Bearer {token}"}, json={}
    )
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize(
    "path", ["/assets/{}", "/events/{}", "/collections/{}", "/assets/{}/r/thumb"]
)
def test_page_ids_past_the_range_are_404(app, client, path, number):
    user = add_user(app, "admin")
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    assert client.get(path.format(number)).status_code == 404


def test_ids_in_queries_and_bodies_past_the_range_are_refused_not_crashed(app, client):
    token = add_token(app, add_user(app, "admin"))
    headers = {"Authorization": f"Bearer {token}"}
    big = 2**64
    assert client.get(f"/api/v1/assets/zip?ids={big}", headers=headers).status_code == 400
    assert client.get(f"/api/v1/share-links?asset_id={big}", headers=headers).status_code == 422
    r = client.post("/api/v1/share-links", json={"event_id": big}, headers=headers)
    assert r.status_code == 422
    r = client.post(
        "/api/v1/assets/bulk", json={"asset_ids": [1], "event_id": big}, headers=headers
    )
    assert r.status_code == 422
    r = client.post("/api/v1/collections", json={"title": "Kit"}, headers=headers)
    r = client.post(
        f"/api/v1/collections/{r.get_json()['id']}/assets",
        json={"asset_ids": [big]},
        headers=headers,
    )
    assert r.status_code == 422


def test_the_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_operation_documents_the_statuses_of_its_kind(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            params = item.get("parameters", []) + operation.get("parameters", [])
            assert {"400", "401"} <= codes, (method, path)
            if method != "get":
                assert "403" in codes, (method, path)
            if any(p["in"] == "path" for p in params):
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= codes, (method, path)
    check = document["paths"]["/compliance/check"]["post"]["responses"]["429"]
    assert check["headers"]["Retry-After"]["required"] is True
