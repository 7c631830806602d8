"""Renditions are kept by shared caches only while the asset is public; query arguments
named like the URL builder's own (``_method``, ``_anchor``…) are plain arguments, not 500s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import PASSWORD, approve, change, upload

YEAR = "max-age=31536000"
HOUR = timedelta(hours=1)


@pytest.fixture
def signed_in(app, api_for):
    editor = api_for("editor", "salud")
    client = app.test_client()
    client.post("/login", data={"email": editor.user.email, "password": PASSWORD})
    return editor, client


def _thumb(client, asset: dict, v: str | None = "current") -> str:
    version = asset["sha256"][:12] if v == "current" else v
    query = f"?v={version}" if version else ""
    r = client.get(f"/assets/{asset['id']}/r/thumb{query}")
    assert r.status_code == 200
    return r.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"status": "approved", "public": True}, f"public, {YEAR}, immutable"),
        ({"status": "approved", "public": True, "embargo": HOUR}, f"private, {YEAR}, immutable"),
        ({"status": "approved", "public": False}, f"private, {YEAR}, immutable"),
        ({"status": "draft", "public": True}, f"private, {YEAR}, immutable"),
        ({"status": "approved", "public": True, "expired": HOUR}, f"private, {YEAR}, immutable"),
    ],
)
def test_only_public_assets_in_force_are_cacheable_by_everyone(app, signed_in, state, expected):
    editor, client = signed_in
    asset = upload(editor, 70, "acto.jpg", title="Acto")
    now = datetime.now(UTC)
    values = {"status": state["status"], "public": state["public"]}
    if "embargo" in state:
        values["embargo_until"] = now + state["embargo"]
    if "expired" in state:
        values["expires_at"] = now - state["expired"]
    change(app, asset["id"], **values)
    assert _thumb(client, asset) == expected


def test_a_public_asset_whose_publication_ends_is_cached_until_then(app, signed_in):
    editor, client = signed_in
    asset = upload(editor, 71, "acto.jpg", title="Acto")
    approve(app, asset["id"], public=True, expires_at=datetime.now(UTC) + HOUR)
    kind, max_age = _thumb(client, asset).split(", ")
    assert kind == "public" and 3500 < int(max_age.removeprefix("max-age=")) <= 3600


def test_a_rendition_url_without_the_current_version_is_revalidated(app, signed_in):
    editor, client = signed_in
    asset = upload(editor, 72, "acto.jpg", title="Acto")
    approve(app, asset["id"], public=True)
    assert _thumb(client, asset, v=None) == "private, no-cache"
    assert _thumb(client, asset, v="0" * 12) == "private, no-cache"


RESERVED = ["_anchor=x", "_method=x", "_external=1", "_scheme=x", "endpoint=x"]


@pytest.mark.parametrize("query", RESERVED)
def test_url_builder_names_in_the_query_are_ignored(app, api_for, query):
    editor = api_for("editor", "salud")
    made = editor.post("/events", json={"title": "Acto", "public": True}).get_json()
    anon = app.test_client()
    for path in ("/verificar", "/login", "/marca/", "/prensa", f"/prensa/evento-{made['id']}-acto"):
        r = anon.get(f"{path}?{query}")
        assert r.status_code == 200, (path, r.status_code)
        assert "http://localhost" not in r.get_data(True)  # no absolute links from _external
    # A short kit address redirects to the full one and keeps the plain arguments only.
    r = anon.get(f"/prensa/evento-{made['id']}?{query}&page=2&ref=other")
    assert r.status_code == 301
    assert r.headers["Location"].endswith(f"/prensa/evento-{made['id']}-acto?page=2")
