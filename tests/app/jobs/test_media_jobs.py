"""Large files: committed at once with their original, finished by a media job."""

from __future__ import annotations

from typing import Any

import pytest

from brandhub.models import Asset
from tests.app.jobs.support import jobs, run_queued, run_scheduled
from tests.assets.media_factory import make_jpeg, make_mp4
from tests.factories import PASSWORD, Api, add_token, add_user, session


def _api(app: Any, role: str = "editor", agency: str = "salud") -> Api:
    return Api(app.test_client(), add_token(app, add_user(app, role, agency)))


def test_small_video_is_finished_during_the_upload(app_factory):
    app = app_factory(JOBS_BACKEND="memory")  # nothing would run a job
    r = _api(app).upload(make_mp4(1.0), "corto.mp4")
    assert r.status_code == 201
    body = r.get_json()
    assert body["processing"] is None and set(body["links"]["renditions"]) == {"thumb", "preview"}
    assert jobs(app) == []


def test_large_video_arrives_first_and_its_poster_later(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    api = _api(app)
    r = api.upload(make_mp4(2.0, 320, 240, audio=True), "acto.mp4", title="Acto")
    assert r.status_code == 201
    body = r.get_json()
    # Row and original are there; no preview yet, and the asset says why.
    assert body["links"]["renditions"] == {} and body["width"] is None
    assert body["processing"]["state"] == "queued"
    job_url = body["processing"]["job"]
    assert api.client.get(job_url, headers=api._headers()).get_json()["state"] == "queued"
    assert api.client.get(body["links"]["file"], headers=api._headers()).status_code == 200

    assert run_queued(app) >= 1
    after = api.get(f"/assets/{body['id']}").get_json()
    assert after["processing"] is None
    assert set(after["links"]["renditions"]) == {"thumb", "preview"}
    assert (after["width"], after["height"]) == (320, 240) and after["duration"] == pytest.approx(
        2, abs=0.2
    )
    assert after["kind"] == "video" and after["metadata"]["video"]["codec"]
    job = api.client.get(job_url, headers=api._headers()).get_json()
    assert job["state"] == "done" and job["attempts"] == 1 and job["error"] is None
    preview = api.get(f"/assets/{body['id']}/renditions/preview")
    assert preview.status_code == 200 and preview.mimetype == "image/webp"


def test_the_asset_page_shows_the_work_in_progress_then_the_poster(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    user = add_user(app, "editor", "salud")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    api = Api(client, add_token(app, user))
    asset_id = api.upload(make_mp4(1.0), "video.mp4").get_json()["id"]
    page = client.get(f"/assets/{asset_id}").get_data(True)
    assert 'class="badge badge--warn" role="status"' in page and "poster=" not in page
    run_queued(app)
    page = client.get(f"/assets/{asset_id}").get_data(True)
    assert "badge--warn" not in page and "poster=" in page


def test_immediate_mode_finishes_within_the_request(app_factory):
    app = app_factory(MEDIA_BACKGROUND_MB=0)  # the suite's default backend: immediate
    body = _api(app).upload(make_mp4(1.0), "video.mp4").get_json()
    assert body["processing"] is None and set(body["links"]["renditions"]) == {"thumb", "preview"}
    assert [(j.state, j.attempts) for j in jobs(app)] == [("done", 1)]


def test_a_large_photo_gets_its_renditions_from_the_job_and_its_metadata_at_once(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    api = _api(app)
    jpeg = make_jpeg(640, 480, exif={"make": "Canon", "model": "EOS R6"})
    body = api.upload(jpeg, "foto.jpg").get_json()
    assert body["width"] == 640 and body["metadata"]["exif"]["make"] == "Canon"
    assert body["links"]["renditions"] == {}
    run_queued(app)
    assert set(api.get(f"/assets/{body['id']}").get_json()["links"]["renditions"]) == {
        "thumb",
        "preview",
    }


def test_a_damaged_video_fails_at_once_with_its_reason_and_the_asset_stays(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    user = add_user(app, "editor", "salud")
    api = Api(app.test_client(), add_token(app, user))
    # A real MP4 header, then noise: sniffed as MP4, impossible to decode.
    data = make_mp4(1.0)[:40] + bytes(range(256)) * 64
    body = api.upload(data, "roto.mp4").get_json()
    assert body["processing"]["state"] == "queued"
    run_queued(app)
    assert run_scheduled(app) == []  # not retried: trying again cannot help
    after = api.get(f"/assets/{body['id']}").get_json()
    assert after["processing"]["state"] == "failed"
    [job] = jobs(app)
    assert (job.state, job.attempts, job.finished_at is not None) == ("failed", 1, True)
    assert "damaged" in job.error  # kept in English, shown in the reader's language
    with app.test_request_context():
        from flask_babel import gettext

        assert after["processing"]["error"] == gettext(job.error)
    api.client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = api.client.get(f"/assets/{body['id']}").get_data(True)
    assert "badge--fail" in page
    # The original is still there to download.
    assert api.get(f"/assets/{body['id']}/file").status_code == 200


def test_a_transient_failure_is_retried_with_a_growing_delay_then_shown(
    app_factory, monkeypatch, tmp_path
):
    app = app_factory(
        JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0, JOBS_RETRIES=2, JOBS_RETRY_DELAY=10
    )
    api = _api(app)
    from brandhub.jobs import media

    calls = tmp_path / "calls"  # rendering runs in a budgeted child: counted in a file

    def flaky(*a: Any, **kw: Any) -> Any:
        with calls.open("a") as fh:
            fh.write("1")
        raise ConnectionError("the store did not answer")

    monkeypatch.setattr(media, "render_many", flaky)
    asset_id = api.upload(make_mp4(1.0), "v.mp4").get_json()["id"]
    run_queued(app)
    [job] = jobs(app)
    assert (job.state, job.attempts) == ("queued", 1) and "did not answer" in job.error
    first_wait = (job.retry_at - job.updated_at).total_seconds()
    assert first_wait == pytest.approx(10, abs=1)
    assert len(run_scheduled(app)) == 1
    [job] = jobs(app)
    assert (job.state, job.attempts) == ("queued", 2)
    assert (job.retry_at - job.updated_at).total_seconds() == pytest.approx(20, abs=1)
    assert len(run_scheduled(app)) == 1
    [job] = jobs(app)
    assert (job.state, job.attempts, job.max_attempts) == ("failed", 3, 3)
    assert run_scheduled(app) == [] and len(calls.read_text()) == 3
    shown = api.get(f"/assets/{asset_id}").get_json()["processing"]
    assert (
        shown["state"] == "failed" and "ConnectionError: the store did not answer" in shown["error"]
    )


def test_deleting_the_asset_takes_its_job_along(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    api = _api(app)
    asset_id = api.upload(make_mp4(1.0), "v.mp4").get_json()["id"]
    assert api.delete(f"/assets/{asset_id}").status_code == 204
    assert jobs(app) == []
    run_queued(app)  # the queued message finds nothing to do
    with session(app) as db:
        assert db.get(Asset, asset_id) is None
