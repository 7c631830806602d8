"""Form fields far over their limits, JSON bodies that break parsers, hostile query strings.

Every answer is a clear 4xx with a message (or a plain success where the input is
merely odd), never a 500, and comes within 10 s.
"""

from __future__ import annotations

import io
import itertools

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import PASSWORD, Api, add_token, add_user
from tests.security.corpus import jpeg, png
from tests.security.support import answered, error_of

_numbers = itertools.count(1000)

# (name, form fields sent with a valid upload, status, code, field named in the error)
UPLOAD_FIELDS = [
    ("title-301-chars", {"title": "t" * 301}, 422, "validation", "title"),
    ("description-10001-chars", {"description": "d" * 10_001}, 422, "validation", "description"),
    ("tags-2001-chars", {"tags": "a," * 1001}, 422, "validation", "tags"),
    ("credit-301-chars", {"credit": "c" * 301}, 422, "validation", "credit"),
    ("caption-5001-chars", {"caption": "c" * 5001}, 422, "validation", "caption"),
    ("copyright-301-chars", {"copyright": "c" * 301}, 422, "validation", "copyright"),
    ("agency-path", {"agency": "../salud"}, 422, "validation", "agency"),
    ("agency-81-chars", {"agency": "a" * 81}, 422, "validation", "agency"),
    ("agency-unknown", {"agency": "no-existe"}, 400, "invalid_input", "agency"),
    ("category-unknown", {"category": "virus"}, 422, "validation", "category"),
    ("category-10k", {"category": "x" * 10_000}, 422, "validation", "category"),
    ("title-1-mb", {"title": "t" * 1_000_000}, 413, "form_too_large", None),
    ("1200-fields", {f"f{i}": "x" for i in range(1200)}, 413, "form_too_large", None),
    ("300-tags", {"tags": ",".join(f"t{i}" for i in range(300))}, 201, None, None),
    ("title-control-characters", {"title": "a\x00b\x1b\x7fc"}, 201, None, None),
    ("title-rtl-override", {"title": "\u202eabc"}, 201, None, None),
    ("unknown-field", {"evil": "x"}, 201, None, None),
]


@pytest.fixture
def api(app_factory) -> Api:
    app = app_factory()
    user = add_user(app, "admin", "salud")
    api = Api(app.test_client(), add_token(app, user))
    api.app = app  # type: ignore[attr-defined]
    api.user = user  # type: ignore[attr-defined]
    return api


@pytest.mark.parametrize(
    "fields,status,code,field", [c[1:] for c in UPLOAD_FIELDS], ids=[c[0] for c in UPLOAD_FIELDS]
)
def test_upload_fields_over_their_limits(api: Api, fields, status, code, field) -> None:
    data = png(next(_numbers))
    response, _ = answered(lambda: api.upload(data, "foto.png", **fields))
    assert response.status_code == status, response.data[:300]
    if status >= 400:
        error = error_of(response)
        assert error["code"] == code
        if field and code == "validation":
            assert field in error["fields"]
        assert api.get("/assets").get_json()["total"] == 0
    else:
        asset = response.get_json()
        assert not any(ch in asset["title"] for ch in "\x00\x1b\x7f")
        assert len(asset["tags"]) <= 40


def test_a_raw_multipart_with_invalid_utf8_fields(api: Api) -> None:
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(png(next(_numbers))), "foto.png"), "title": "TITLE"}
    )
    body = body.replace(b"TITLE", b"t\xff\xfe\xc0\xaf\xed\xa0\x80")  # bad bytes, a surrogate
    response = api.post(
        "/assets", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 201
    response.get_json()["title"].encode("utf-8")  # storable text


# (name, JSON body of a PATCH, status, code)
PATCHES = [
    ("title-301", {"title": "t" * 301}, 422, "validation"),
    ("description-3-mb", {"description": "d" * 3_000_000}, 422, "validation"),
    ("description-10001", {"description": "d" * 10_001}, 422, "validation"),
    ("tags-list-10000", {"tags": ["x"] * 10_000}, 422, "validation"),
    ("agency-path", {"agency": "../x"}, 422, "validation"),
    ("title-not-text", {"title": ["a"]}, 422, "validation"),
    ("title-object", {"title": {"a": {"b": 1}}}, 422, "validation"),
    ("title-number", {"title": 5}, 422, "validation"),
    ("title-empty", {"title": ""}, 400, "invalid_input"),
    ("title-null", {"title": None}, 400, "invalid_input"),
    ("unknown-field", {"zzz": "1"}, 422, "validation"),
    ("fine", {"title": "Acto oficial", "tags": ["prensa", "acto"]}, 200, None),
]


@pytest.mark.parametrize(
    "payload,status,code", [p[1:] for p in PATCHES], ids=[p[0] for p in PATCHES]
)
def test_patch_json_is_validated_like_a_form(api: Api, payload, status, code) -> None:
    asset = api.upload(jpeg(next(_numbers)), "foto.jpg").get_json()
    response, _ = answered(lambda: api.patch(f"/assets/{asset['id']}", json=payload))
    assert response.status_code == status, response.data[:300]
    if status >= 400:
        if code:
            assert error_of(response)["code"] == code
        assert api.get(f"/assets/{asset['id']}").get_json()["title"] == asset["title"]


# Bodies no JSON parser should turn into a 500: nesting past the recursion limit, a
# lone surrogate escape (valid JSON, text no database stores), bad bytes, truncation.
RAW_BODIES = [
    ("nested-100000", b"[" * 100_000 + b"]" * 100_000),
    ("nested-objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    ("lone-surrogate", b'{"title": "\\ud800"}'),
    ("surrogate-in-a-list", b'{"tags": ["ok", "\\udfff"]}'),
    ("not-utf8", b"\xff\xfe{\x00"),
    ("truncated", b'{"title": "a'),
    ("nan", b'{"title": NaN}'),
    ("huge-number", b'{"title": 1e999999}'),
]

JSON_ENDPOINTS = [
    ("PATCH", "/api/v1/assets/{asset}"),
    ("POST", "/api/v1/events"),
    ("POST", "/api/v1/collections"),
    ("POST", "/api/v1/assets/bulk"),
    ("POST", "/api/v1/assets/{asset}/focal"),
]


def test_json_bodies_that_break_parsers(api: Api) -> None:
    asset = api.upload(jpeg(next(_numbers)), "foto.jpg").get_json()
    wrong = []
    for (name, body), (method, path) in itertools.product(RAW_BODIES, JSON_ENDPOINTS):
        url = path.format(asset=asset["id"])
        response, _ = answered(
            lambda url=url, method=method, body=body: api.client.open(
                url,
                method=method,
                data=body,
                content_type="application/json",
                headers=api._headers(),
            )
        )
        if not 400 <= response.status_code < 500 or not response.is_json:
            wrong.append((name, method, url, response.status_code))
        else:
            error_of(response)
    assert wrong == []


QUERIES = [
    "page=1e999",
    "per_page=-1",
    "page=0",
    "page=99999999999999999999999",
    "per_page=NaN",
    "page=%00",
    "q=%00",
    "page=%ff",
    "q=%ff%fe%c0%af",
    "%ff%fe=1",
    "page=1&page=2",
    "q=a&q=b&q=c",
    "q=" + "x" * 10_240,
    "sort=" + "y" * 10_240,
    "agency=" + "z" * 10_240,
    "q=" + "(" * 500,
    'q="unterminated',
    "q=title:[a TO",
    "q=*:*",
    "width=1e999",
    "width=-1&height=99999999",
    "preset=" + "../" * 50,
    "format=%00",
    "ids=" + ",".join(["9" * 30] * 300),
    "ids=1,%00,-1",
    "lang=%00",
    "lang=" + "e" * 5000,
    "page=１",
]

API_PATHS = [
    "/api/v1/assets",
    "/api/v1/search",
    "/api/v1/events",
    "/api/v1/collections",
    "/api/v1/assets/{asset}",
    "/api/v1/assets/{asset}/file",
    "/api/v1/assets/{asset}/download",
    "/api/v1/assets/zip",
    "/api/v1/presets",
    "/api/v1/brands",
    "/api/v1/events/{event}/assets",
    "/api/v1/events/{event}/zip",
    "/api/v1/collections/{collection}/assets",
]
WEB_PATHS = [
    "/",
    "/events",
    "/collections",
    "/assets/{asset}",
    "/assets/{asset}/download",
    "/events/{event}",
    "/collections/{collection}",
    "/verificar",
    "/marca/",
    "/upload",
    "/login",
]


@pytest.fixture
def library(api: Api):
    asset = api.upload(jpeg(next(_numbers), 200, 100), "foto.jpg").get_json()
    headers = api._headers()
    event = api.client.post(
        "/api/v1/events", json={"title": "Acto", "starts_at": "2024-05-01T10:00"}, headers=headers
    ).get_json()
    collection = api.client.post(
        "/api/v1/collections", json={"title": "Kit"}, headers=headers
    ).get_json()
    web = api.app.test_client()  # type: ignore[attr-defined]
    web.post("/login", data={"email": api.user.email, "password": PASSWORD})  # type: ignore[attr-defined]
    ids = {"asset": asset["id"], "event": event["id"], "collection": collection["id"]}
    return api, web, ids


def test_query_strings_that_break_parsers(library) -> None:
    """Every query on every listing, file and page: a 2xx, 3xx or 4xx in time, never a 5xx."""
    api, web, ids = library
    wrong = []
    for query in QUERIES:
        for path in API_PATHS + WEB_PATHS:
            url = path.format(**ids) + "?" + query
            client, headers = (api.client, api._headers()) if path in API_PATHS else (web, {})
            response, _ = answered(lambda url=url, c=client, h=headers: c.get(url, headers=h))
            if response.status_code >= 500:
                wrong.append((url[:80], response.status_code))
            elif response.status_code >= 400 and path in API_PATHS:
                error_of(response)
    assert wrong == []


@pytest.mark.parametrize(
    "query,status,words",
    [
        ("page=1e999", 400, "page"),
        ("per_page=-1", 400, "per_page"),
        ("per_page=1000", 400, "per_page"),
        ("page=%ff", 400, "page"),
        ("page=1&page=2", 400, "page"),  # given twice: an error, not silently the first
    ],
)
def test_paging_errors_name_the_parameter(library, query, status, words) -> None:
    api, _web, _ids = library
    response = api.client.get("/api/v1/assets?" + query, headers=api._headers())
    assert response.status_code == status
    if words:
        assert words in error_of(response)["message"]
    else:
        assert response.get_json()["page"] == 1
