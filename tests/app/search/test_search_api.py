"""``GET /api/v1/search``: shape, filters, sorting, errors, visibility."""

from __future__ import annotations

import pytest

from tests.app.search.support import titles
from tests.factories import change, upload


def test_api_shape_facets_and_highlights(api_for):
    api = api_for("editor")
    for n in range(3):
        upload(api, n, title=f"Logo {n}", tags="logo" if n else "foto")
    body = api.get("/search?q=logo&per_page=2").get_json()
    assert set(body) == {"total", "page", "per_page", "results", "facets", "suggestion"}
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 2)
    assert len(body["results"]) == 2 and body["suggestion"] is None
    assert {"id", "title", "kind", "tags"} <= set(body["results"][0])
    assert body["facets"]["kind"] == {"image": 3}
    assert body["facets"]["tag"] == {"logo": 2, "foto": 1}
    assert body["facets"]["status"] == {"draft": 3}
    assert body["facets"]["compliance"]
    page2 = api.get("/search?q=logo&per_page=2&page=2").get_json()
    assert len(page2["results"]) == 1
    ids = [r["id"] for r in body["results"] + page2["results"]]
    assert len(set(ids)) == 3
    filtered = api.get("/search?q=logo&tag=logo").get_json()
    assert filtered["total"] == 2
    assert "<mark>" in filtered["results"][0]["highlights"]["title"]


def test_repeated_parameters_are_alternatives_and_facets_combine(api_for, app):
    api = api_for("editor")
    a = upload(api, 1, title="Uno", tags="salud")["id"]
    b = upload(api, 2, title="Dos", tags="obras")["id"]
    upload(api, 3, title="Tres", tags="cultura")
    change(app, a, status="approved")
    body = api.get("/search?tag=salud&tag=obras&sort=title").get_json()
    assert titles(body) == ["Dos", "Uno"]
    assert api.get("/search?tag=salud&tag=obras&status=approved").get_json()["total"] == 1
    # A facet's own counts ignore its own selection, so the other values stay offered.
    assert body["facets"]["tag"] == {"salud": 1, "obras": 1, "cultura": 1}
    assert [r["id"] for r in api.get("/search?sort=oldest").get_json()["results"]][:2] == [a, b]


@pytest.mark.parametrize(
    "query",
    ["sort=nope", "page=0", "page=-1", "per_page=1000", "per_page=0", "page=abc", "per_page=1.5"],
)
def test_bad_parameters_are_400_json(api_for, query):
    r = api_for("editor").get(f"/search?{query}")
    assert r.status_code == 400, query
    assert r.get_json()["error"]["code"] == "bad_request"
    assert r.get_json()["error"]["message"]


# Odd text and what it finds in a library of one photo titled "Acto": text
# without a word searches for nothing in particular (the whole library, 1);
# words that are not in the title ("title", "00", "a…a", "2") find nothing.
@pytest.mark.parametrize(
    ("text", "total"),
    [
        ('"', 1),
        ("*", 1),
        (":", 1),
        ("((", 1),
        ("))", 1),
        ("AND OR NOT", 0),
        ("title:", 0),
        ("a" * 2000, 0),
        ("%00", 0),
        ("\x00", 1),
        ("tag:salud AND (", 0),
        ("~2", 0),
        ("^", 1),
        ("[a TO", 0),
        ("\u200b", 1),
        ("🙂", 1),
    ],
)
def test_odd_text_never_errors(api_for, text, total):
    api = api_for("editor")
    upload(api, 1, title="Acto")
    r = api.get("/search", query_string={"q": text})
    assert r.status_code == 200, text
    assert r.get_json()["total"] == total, text


def test_unknown_filter_values_match_nothing(api_for):
    api = api_for("editor")
    upload(api, 1, title="Acto")
    for query in ("kind=nope", "year=abcd", "agency=<script>", "orientation=round"):
        r = api.get(f"/search?{query}")
        assert r.status_code == 200 and r.get_json()["total"] == 0, query


def test_suggestion_for_a_misspelled_word(api_for):
    api = api_for("editor")
    upload(api, 1, title="Campaña de vacunación")
    assert api.get("/search?q=vacunasion").get_json()["suggestion"] == "vacunación"


def test_visibility_in_results_and_facets(api_for, app, client):
    salud = api_for("editor", agency="salud")
    obras = api_for("editor", agency="obras")
    admin = api_for("admin", agency=None)
    upload(salud, 1, title="Borrador de salud")
    secret = upload(obras, 2, title="Borrador de obras", tags="secreto")["id"]
    shared = upload(obras, 3, title="Borrador aprobado de obras", tags="prensa")["id"]
    change(app, shared, status="approved", public=True)
    body = salud.get("/search?q=borrador").get_json()
    assert sorted(titles(body)) == ["Borrador aprobado de obras", "Borrador de salud"]
    assert body["facets"]["agency"] == {"salud": 1, "obras": 1}
    assert "secreto" not in body["facets"].get("tag", {})
    assert body["facets"]["status"] == {"draft": 1, "approved": 1}
    assert salud.get("/search?q=borrador&status=draft&agency=obras").get_json()["total"] == 0
    assert admin.get("/search?q=borrador").get_json()["total"] == 3
    change(app, shared, public=False)
    assert salud.get("/search?q=borrador").get_json()["total"] == 1
    assert obras.get("/search?q=borrador&tag=secreto").get_json()["results"][0]["id"] == secret


def test_search_needs_a_token(client):
    r = client.get("/api/v1/search?q=x")
    assert r.status_code == 401
    assert r.get_json()["error"]["code"]


def test_the_openapi_document_describes_search(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert {
        "q",
        "kind",
        "agency",
        "year",
        "tag",
        "orientation",
        "compliance",
        "status",
        "sort",
        "page",
        "per_page",
    } <= params
