"""What the drop zones are told about each file: refused with the brand's report (the
upload page's component) and no retry for a refusal, the count the page shows, and
whether the previews are still being made."""

from __future__ import annotations

import io
import re

import pytest

from brandhub.models import Job
from tests.app.compliance.support import pieces
from tests.factories import PASSWORD, Api, add_token, add_user, photo, session, upload


@pytest.fixture
def browser_client(app, editor):
    client = app.test_client()
    client.post("/login", data={"email": editor.email, "password": PASSWORD})
    return client


def _drop(client, path, data, name, **fields):
    return client.post(
        path,
        data={"file": (io.BytesIO(data), name), **fields},
        headers={"Accept": "application/json"},
    )


def test_a_refusal_carries_the_report_component_and_no_retry(browser_client):
    r = _drop(
        browser_client, "/upload", pieces()["stretched"], "logo-estirado.png", category="logo"
    )
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["retryable"] is False  # the same file will be refused again
    html = error["report_html"]
    # The upload page's report: its list of rules, the failing one first, and the way out.
    assert 'class="report"' in html and "report__item--fail" in html
    assert "Logo sin deformar" in html
    assert "Informe de cumplimiento de “logo-estirado.png”" in html
    assert "Lea las normas de la marca" in html or "/marca/" in html


def test_the_event_drop_zone_explains_a_refusal_too(app, browser_client, editor):
    api = Api(app.test_client(), add_token(app, editor))
    event = api.post("/events", json={"title": "Acto"}).get_json()
    r = _drop(
        browser_client,
        f"/events/{event['id']}/upload",
        pieces()["stretched"],
        "logo-estirado.png",
        category="logo",
    )
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["message"] == "La pieza no cumple con las reglas de la marca."
    assert error["retryable"] is False
    assert "Logo sin deformar" in error["report_html"] and 'class="report"' in error["report_html"]


def test_a_bad_file_is_refused_without_retry_and_without_report(browser_client):
    r = _drop(browser_client, "/upload", b"not an image at all", "notas.txt")
    assert r.status_code == 415
    error = r.get_json()["error"]
    assert error["retryable"] is False and "report_html" not in error


def test_uploads_say_the_count_of_the_page_they_were_dropped_on(app):
    person = add_user(app, "photographer", agency="sin-marca")  # no brand: nothing refused
    api = Api(app.test_client(), add_token(app, person))
    browser_client = app.test_client()
    browser_client.post("/login", data={"email": person.email, "password": PASSWORD})
    upload(api, 1, "ya.jpg")  # one already there
    page = browser_client.get("/upload").get_data(True)
    assert re.search(r"data-asset-count[^>]*>1 recurso en la biblioteca<", page)
    assert 'data-other="{n} recursos en la biblioteca"' in page
    r = _drop(browser_client, "/upload", photo(2), "foto.jpg")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["total"] == 2 and body["state"] == "done"
    assert body["status_url"] == f"/assets/{body['id']}/processing"
    assert 'class="card' in body["card"] and "card__kind" in body["card"]

    event = api.post("/events", json={"title": "Acto"}).get_json()
    in_event = _drop(browser_client, f"/events/{event['id']}/upload", photo(3), "f.jpg")
    assert in_event.status_code == 201 and in_event.get_json()["total"] == 1
    # A file already in the library joins the event: the event's count says so.
    again = _drop(browser_client, f"/events/{event['id']}/upload", photo(2), "f2.jpg")
    assert again.status_code == 409 and again.get_json()["error"]["total"] == 2
    assert "data-asset-count" in browser_client.get(f"/events/{event['id']}").get_data(True)


def test_the_processing_state_until_the_previews_are_made(app_factory):
    app = app_factory(MEDIA_BACKGROUND_MB=0)  # every file's previews count as background work
    user = add_user(app, "editor", agency="prensa")
    asset_id = upload(Api(app.test_client(), add_token(app, user)), 1)["id"]
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    url = f"/assets/{asset_id}/processing"
    with session(app) as db:
        job = Job(kind="media", asset_id=asset_id, state="running")
        db.add(job)
        db.commit()
        job_id = job.id
    assert client.get(url).get_json() == {"state": "processing", "message": None}
    with session(app) as db:
        row = db.get(Job, job_id)
        row.state, row.error = "failed", "The video cannot be read."
        db.commit()
    failed = client.get(url).get_json()
    assert failed["state"] == "failed" and failed["message"].startswith(
        "No se pudo preparar la vista previa"
    )
    with session(app) as db:
        db.get(Job, job_id).state = "done"
        db.commit()
    assert client.get(url).get_json()["state"] == "done"
    # Someone who may not see the asset learns nothing.
    other = app.test_client()
    stranger = add_user(app, "viewer", agency="otra")
    other.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert other.get(url).status_code == 404


def test_the_upload_page_asks_for_the_details_before_the_files(browser_client):
    page = browser_client.get("/upload").get_data(True)
    fields, zone = page.index("upload-form__fields"), page.index("data-dropzone")
    assert fields < zone  # on a phone, credit and copyright come before the drop zone
    assert page.index('name="credit"') < zone and page.index('name="copyright"') < zone
    assert "data-queue" in page and "data-upload-start" in page  # nothing goes until pressed


def test_flash_messages_are_in_the_flow_and_errors_are_alerts(app, browser_client, editor):
    r = browser_client.post(
        "/upload",
        data={"file": (io.BytesIO(b"x" * 10), "nada.txt")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    viewer = add_user(app, "viewer", agency="prensa")
    client = app.test_client()
    client.post("/login", data={"email": viewer.email, "password": PASSWORD})
    page = client.get("/upload", follow_redirects=True).get_data(True)
    main = page[page.index('<main id="main"') :]
    toast = re.search(r'<div class="toast toast--error" data-toast role="alert">', main)
    assert toast, "the refusal is an alert inside the content, not a layer over it"
    assert 'data-toast-close aria-label="Cerrar"' in main
