"""``GET /api/v1/jobs/<id>``, and the ``brandhub jobs`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from flask import Flask

from brandhub import indexing
from brandhub.models import Job
from tests.app.jobs.support import jobs, run_queued, run_scheduled
from tests.assets.media_factory import make_mp4
from tests.factories import Api, add_token, add_user, session


def _video_job(app: Flask) -> tuple[Api, str]:
    owner = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    body = owner.upload(make_mp4(1.0), "v.mp4").get_json()
    return owner, body["processing"]["job"]


def test_a_job_is_seen_by_whoever_sees_its_asset(app_factory):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    owner, url = _video_job(app)
    same = Api(app.test_client(), add_token(app, add_user(app, "viewer", "salud")))
    other = Api(app.test_client(), add_token(app, add_user(app, "editor", "cultura")))
    assert owner.client.get(url, headers=owner._headers()).get_json()["kind"] == "media"
    assert same.client.get(url, headers=same._headers()).status_code == 200
    r = other.client.get(url, headers=other._headers())
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert app.test_client().get(url).status_code == 401
    assert owner.get("/jobs/999").status_code == 404


def test_other_jobs_are_seen_by_their_author_and_administrators(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    author = add_user(app, "editor", "salud")
    with session(app) as db:
        job = Job(
            kind="import",
            subject_id=7,
            created_by_id=author.id,
            data={"progress": {"done": 3, "total": 10}},
        )
        db.add(job)
        db.commit()
        job_id = job.id
    mine = Api(app.test_client(), add_token(app, author)).get(f"/jobs/{job_id}").get_json()
    assert mine["progress"] == {"done": 3, "total": 10} and mine["subject_id"] == 7
    admin = Api(app.test_client(), add_token(app, add_user(app, "admin", None)))
    assert admin.get(f"/jobs/{job_id}").status_code == 200
    stranger = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    assert stranger.get(f"/jobs/{job_id}").status_code == 404


def test_the_openapi_document_describes_jobs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/jobs/{job_id}" in spec["paths"] and "Job" in spec["components"]["schemas"]


def test_jobs_list_and_retry(app_factory, monkeypatch):
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0)
    from brandhub.jobs import media

    def broken(*a: Any, **kw: Any) -> NoReturn:
        raise media.InvalidFile("The file is damaged or cannot be read.")

    monkeypatch.setattr(media, "render_many", broken)
    _video_job(app)
    run_queued(app)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list", "--state", "failed"])
    assert listed.exit_code == 0 and "media" in listed.output and "failed" in listed.output
    [job] = jobs(app)
    monkeypatch.undo()
    retried = runner.invoke(args=["jobs", "retry", str(job.id)])
    assert retried.exit_code == 0, retried.output
    run_queued(app)
    assert [(j.state, j.attempts) for j in jobs(app)] == [("done", 1)]
    assert runner.invoke(args=["jobs", "retry", str(job.id)]).exit_code != 0


def test_reindex_runs_as_a_job(app_factory):
    app = app_factory()  # immediate: the job runs as soon as it is committed
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    from tests.assets.media_factory import make_jpeg

    api.upload(make_jpeg(30, 30), "a.jpg", title="Reconstruido")
    result = app.test_cli_runner().invoke(args=["jobs", "reindex"])
    assert result.exit_code == 0, result.output
    assert [(j.kind, j.state) for j in jobs(app)] == [("reindex", "done")]
    assert api.get("/search?q=reconstruido").get_json()["total"] == 1


def test_a_reindex_job_that_finds_the_outbox_held_is_tried_again(app_factory):
    app = app_factory(JOBS_BACKEND="memory", SEARCH_LOCK_TIMEOUT=0.1)
    with session(app) as db:
        db.add(Job(kind="reindex"))
        with app.app_context():
            db.commit()
    with indexing.drain_lock(Path(app.config["INDEX_PATH"]), 0) as ours:  # a drain at work
        assert ours
        run_queued(app)
    [job] = jobs(app)
    assert (job.state, job.attempts) == ("queued", 1) and "busy" in (job.error or "")
    run_scheduled(app)
    assert [(j.state, j.attempts, j.error) for j in jobs(app)] == [("done", 2, None)]


def test_the_worker_needs_a_real_queue(app_factory):
    app = app_factory()
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "immediate" in result.output


def test_an_import_runs_as_a_job_and_reports_its_result(app_factory, tmp_path):
    from tests.assets.media_factory import make_jpeg

    app = app_factory(JOBS_BACKEND="memory")
    admin = add_user(app, "admin", None)
    folder = tmp_path / "cobertura"
    (folder / "dia1").mkdir(parents=True)
    (folder / "dia1" / "a.jpg").write_bytes(make_jpeg(40, 30))
    (folder / "dia1" / "b.jpg").write_bytes(make_jpeg(41, 30))
    (folder / "copia.jpg").write_bytes(make_jpeg(40, 30))  # same bytes as a.jpg
    (folder / "roto.jpg").write_bytes(make_jpeg(40, 30)[:200])
    (folder / "notas.txt").write_text("no es un medio")
    result = app.test_cli_runner().invoke(args=["jobs", "import", str(folder), "--tags", "acto"])
    assert result.exit_code == 0, result.output
    [job] = jobs(app)
    api = Api(app.test_client(), add_token(app, admin))
    assert api.get(f"/jobs/{job.id}").get_json()["state"] == "queued"
    run_queued(app)
    body = api.get(f"/jobs/{job.id}").get_json()
    assert body["state"] == "done" and body["progress"] == {"done": 4, "total": 4}
    assert {k: body["result"][k] for k in ("imported", "duplicates", "rejected", "skipped")} == {
        "imported": 2,
        "duplicates": 1,
        "rejected": 1,
        "skipped": 1,
    }
    assert body["result"]["rejected_files"][0]["file"] == "roto.jpg"
    assert api.get("/search?q=acto").get_json()["total"] == 2
