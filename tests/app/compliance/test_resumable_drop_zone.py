"""What the drop zone is told around a resumable (tus) upload, in the browser's session.

The file goes to /api/v1/uploads as the drop zone sends it (the session and its CSRF
token, ``Upload-Metadata`` with the name, the fields and the event); then the web side
gives the finished upload's card and the count of the page it was dropped on, the count
after a duplicate joined an event, and a refused file's report drawn as the upload page
draws it. Reports made up by hand are refused with a 400, never a 500. The page hands
the tus client what it needs (endpoint, chunk size, the event).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.app.compliance.support import pieces
from tests.factories import PASSWORD, Api, add_token, add_user, photo

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def csrf_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True, UPLOAD_CHUNK_MB=2)


def _signed_in(app, user) -> tuple[FlaskClient, str]:
    """A browser's session on ``app`` and the CSRF token its upload page carries."""
    client = app.test_client()
    page = client.get("/login").get_data(True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    upload_page = client.get("/upload").get_data(True)
    return client, upload_page.split('data-csrf="', 1)[1].split('"', 1)[0]


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _tus_start(client: FlaskClient, csrf: str, data: bytes, *, send: bool = True, **meta: str):
    """Start a tus upload as the drop zone does; with ``send`` its bytes go in the same
    request (creation-with-upload), which finishes it."""
    headers = {
        **TUS,
        "X-CSRFToken": csrf,
        "Upload-Length": str(len(data)),
        "Upload-Metadata": _meta(**meta),
    }
    if send:
        headers["Content-Type"] = "application/offset+octet-stream"
    return client.post("/api/v1/uploads", data=data if send else b"", headers=headers)


def _upload_id(response: Any) -> str:
    return urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]


def test_a_finished_upload_gives_the_card_and_the_library_count(csrf_app):
    person = add_user(csrf_app, "photographer", agency="sin-marca")  # no brand: nothing refused
    client, csrf = _signed_in(csrf_app, person)
    started = _tus_start(client, csrf, photo(31), filename="DSC_3101.jpg", credit="Prensa")
    assert started.status_code == 201, started.get_data(True)
    assert started.headers["Upload-Offset"] == str(len(photo(31)))

    r = client.get(f"/upload/resumable/{_upload_id(started)}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 1 and body["state"] == "done"
    assert body["url"] == f"/assets/{body['id']}"
    assert 'class="card' in body["card"] and body["title"] == "DSC 3101"
    # Without the CSRF token the session may not upload.
    refused = client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    assert refused.status_code == 403
    # Someone else's upload is not found; nor is one that never was.
    other, _csrf = _signed_in(csrf_app, add_user(csrf_app, "photographer", agency="sin-marca"))
    assert other.get(f"/upload/resumable/{_upload_id(started)}").status_code == 404
    assert client.get("/upload/resumable/" + "0" * 32).status_code == 404


def test_an_unfinished_upload_has_no_card_yet(csrf_app):
    person = add_user(csrf_app, "photographer", agency="sin-marca")
    client, csrf = _signed_in(csrf_app, person)
    started = _tus_start(client, csrf, photo(32), send=False, filename="a.jpg")
    assert started.status_code == 201
    r = client.get(
        f"/upload/resumable/{_upload_id(started)}", headers={"Accept": "application/json"}
    )
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "La subida todavía no terminó."


def test_in_an_event_the_count_is_the_event_s(csrf_app):
    person = add_user(csrf_app, "photographer", agency="sin-marca")
    api = Api(csrf_app.test_client(), add_token(csrf_app, person))
    api.upload(photo(33), "ya.jpg")  # one in the library, in no event
    event = api.post("/events", json={"title": "Acto"}).get_json()
    client, csrf = _signed_in(csrf_app, person)
    page = client.get(f"/events/{event['id']}").get_data(True)
    assert f'data-event="{event["id"]}"' in page
    assert f'data-total-url="/upload/total?event={event["id"]}"' in page

    started = _tus_start(client, csrf, photo(34), filename="b.jpg", event=str(event["id"]))
    assert started.status_code == 201, started.get_data(True)
    body = client.get(f"/upload/resumable/{_upload_id(started)}").get_json()
    assert body["total"] == 1  # the event's, not the library's two
    # The file already in the library joins the event instead: a 409, and the count grows.
    again = _tus_start(client, csrf, photo(33), filename="c.jpg", event=str(event["id"]))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "duplicate"
    assert client.get(f"/upload/total?event={event['id']}").get_json() == {"total": 2}
    assert client.get("/upload/total").get_json() == {"total": 2}
    bad = client.get("/upload/total?event=uno", headers={"Accept": "application/json"})
    assert bad.status_code == 400
    assert client.get("/upload/total?event=999999").status_code == 404


def test_a_refused_file_s_report_is_drawn_as_the_upload_page_draws_it(app_factory, runner):
    app = app_factory(WTF_CSRF_ENABLED=True)
    cli = app.test_cli_runner()
    assert cli.invoke(args=["brands", "load"]).exit_code == 0
    assert cli.invoke(args=["brands", "assign", "prensa", "gobierno-provincial"]).exit_code == 0
    editor = add_user(app, "editor", agency="prensa")
    client, csrf = _signed_in(app, editor)
    refused = _tus_start(
        client, csrf, pieces()["stretched"], filename="logo-estirado.png", category="logo"
    )
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["message"] == "La pieza no cumple con las reglas de la marca."

    r = client.post(
        "/upload/report",
        json={"report": error["report"], "filename": "logo-estirado.png"},
        headers={"X-CSRFToken": csrf},
    )
    assert r.status_code == 200, r.get_data(True)
    html = r.get_json()["report_html"]
    assert 'class="report"' in html and "report__item--fail" in html
    assert "Logo sin deformar" in html
    assert "Informe de cumplimiento de “logo-estirado.png”" in html
    # Without the page's token it is refused like any form.
    assert client.post("/upload/report", json={"report": error["report"]}).status_code == 400


BAD_REPORTS: list[Any] = [
    None,
    [],
    "texto",
    {"report": None},
    {"report": {"brand": "x", "category": "photo"}},
    {"report": {"brand": "x", "category": "photo", "checks": "no"}},
    {"report": {"brand": "x", "category": "photo", "checks": [{"status": "rara"}]}},
    {"report": {"brand": 3, "category": "photo", "checks": []}},
    {"report": {"brand": "x", "category": "photo", "checks": [{"status": "fail", "details": []}]}},
    {"report": {"brand": "x", "category": "photo", "checks": [{"status": "pass"}] * 201}},
    {"report": {"brand": "x", "category": "photo", "checks": []}, "filename": 7},
    # Values of a shape the engine never writes, reaching the template's filters.
    {
        "report": {
            "brand": "x",
            "category": "photo",
            "checks": [
                {
                    "status": "fail",
                    "details": {"off_palette_share": "mucho", "max_off_palette_share": {}},
                }
            ],
        }
    },
    {
        "report": {
            "brand": "x/y",
            "category": "photo",
            "checks": [{"status": "fail", "details": {"colors": [{"hex": 1, "share": "x"}]}}],
        }
    },
]


@pytest.mark.parametrize("body", BAD_REPORTS, ids=range(len(BAD_REPORTS)))
def test_a_report_made_up_by_hand_is_a_400_never_a_500(app, login, client, body):
    login(add_user(app, "editor"))
    r = client.post("/upload/report", json=body, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.get_data(True)
    assert r.get_json()["error"]["message"] == "El informe no es válido."


def test_bodies_that_are_not_a_report_at_all(app, login, client):
    login(add_user(app, "editor"))
    accept = {"Accept": "application/json"}
    for raw in (b"{", b"[" * 100_000, b"x" * (300 * 1024)):
        r = client.post("/upload/report", data=raw, content_type="application/json", headers=accept)
        assert r.status_code == 400, raw[:10]
    huge = json.dumps({"report": {"checks": ["x" * (300 * 1024)]}})
    r = client.post("/upload/report", data=huge, content_type="application/json", headers=accept)
    assert r.status_code == 400


def test_the_page_hands_the_tus_client_what_it_needs(csrf_app):
    person = add_user(csrf_app, "photographer", agency="sin-marca")
    client, _csrf = _signed_in(csrf_app, person)
    page = client.get("/upload").get_data(True)
    assert 'data-tus-endpoint="/api/v1/uploads"' in page
    assert f'data-chunk-bytes="{2 * 1024 * 1024}"' in page
    assert 'data-result-url="/upload/resumable/{id}"' in page
    assert 'data-asset-url="/assets/{id}"' in page
    assert 'src="/static/vendor/tus.min.js"' in page
    assert "data-event=" not in page
    # The check desk's zone sends its form: no tus client there.
    desk = client.get("/verificar").get_data(True)
    assert "data-tus-endpoint" not in desk and "tus.min.js" not in desk
