"""The queue: backends from configuration, work queued only after commits, one drain."""

from __future__ import annotations

import pytest
from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey

from brandhub import create_app, indexing
from brandhub.config import ConfigError
from brandhub.db import database
from brandhub.job_queue import job_queue
from brandhub.jobs import drain
from brandhub.jobs.sweep import sweep_jobs
from brandhub.models import Job, utcnow
from tests.app.jobs.support import jobs, run_queued, run_scheduled
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, add_user, session


@pytest.mark.parametrize(
    ("config", "kind", "inline"),
    [
        ({}, SqliteHuey, False),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, RedisHuey, False),
        ({"JOBS_BACKEND": "immediate"}, MemoryHuey, True),
    ],
)
def test_the_backend_follows_the_configuration(tmp_path, config, kind, inline):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", **config})
    queue = job_queue(app)
    assert type(queue.huey) is kind
    assert queue.immediate is (kind is MemoryHuey)
    # With a worker, web processes never write the index themselves.
    assert app.config["SEARCH_DRAIN_INLINE"] is inline
    if kind is SqliteHuey:
        assert (tmp_path / "jobs.sqlite3").exists()
    database(app).dispose()


@pytest.mark.parametrize(
    "config",
    [{"JOBS_BACKEND": "celery"}, {"JOBS_BACKEND": "redis"}, {"JOBS_RETRIES": -1}],
)
def test_bad_settings_stop_the_start_with_a_clear_message(tmp_path, config):
    with pytest.raises(ConfigError, match="BRANDHUB_"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", **config})


def _api(app: Flask) -> Api:
    return Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))


@pytest.mark.search_backend("whoosh")  # the Whoosh outbox and its drain
def test_commits_queue_one_drain_and_the_drain_writes_the_index(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    api = _api(app)
    huey = job_queue(app).huey
    for n in range(3):
        assert (
            api.upload(make_jpeg(20 + n, 20), f"{n}.jpg", title=f"Desfile {n}").status_code == 201
        )
    # Three commits, one drain waiting: it will read all three changes.
    assert huey.pending_count() == 1
    assert api.get("/search?q=desfile").get_json()["total"] == 0
    assert run_queued(app) == 1
    assert api.get("/search?q=desfile").get_json()["total"] == 3
    # Reading does not queue anything.
    api.get("/assets")
    assert huey.pending_count() == 0


def test_a_rolled_back_change_queues_nothing(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    add_user(app, "editor", "salud")
    huey = job_queue(app).huey
    huey.flush()
    with session(app) as db:
        with app.app_context():
            from brandhub.models import Asset

            asset = Asset(
                kind="image",
                title="x",
                original_filename="x.jpg",
                mime="image/jpeg",
                ext="jpg",
                size=1,
                sha256="0" * 64,
                storage_key="k",
            )
            db.add(asset)
            db.add(Job(kind="media", asset=asset))
            db.flush()
            db.rollback()
    assert huey.pending_count() == 0 and jobs(app) == []


@pytest.mark.search_backend("whoosh")  # the Whoosh outbox and its drain
def test_a_drain_that_finds_the_writer_busy_comes_back_later(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    api = _api(app)
    queue = job_queue(app)
    lock = drain.acquire(queue, 0)
    assert lock is not None
    api.upload(make_jpeg(20, 20), "a.jpg", title="Ocupado")
    run_queued(app)  # finds the lock taken: nothing written, one drain scheduled
    assert api.get("/search?q=ocupado").get_json()["total"] == 0
    drain.release(queue, lock)
    assert len(run_scheduled(app)) == 1
    assert api.get("/search?q=ocupado").get_json()["total"] == 1


def test_a_stale_writer_lock_is_freed_by_the_sweep(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    queue = job_queue(app)
    lock = drain.acquire(queue, 0)
    assert lock is not None
    assert not drain.clear_stale_lock(queue)  # its holder is alive
    assert drain.clear_stale_lock(queue, now=10**12)
    assert drain.acquire(queue, 0) is not None


def test_the_sweep_queues_lost_jobs_again_and_recovers_interrupted_ones(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    queue = job_queue(app)
    with session(app) as db:
        long_ago = utcnow().replace(year=2000)
        lost = Job(kind="reindex", state="queued", updated_at=long_ago, created_at=long_ago)
        dead = Job(kind="reindex", state="running", attempts=1, max_attempts=3, updated_at=long_ago)
        spent = Job(
            kind="reindex", state="running", attempts=3, max_attempts=3, updated_at=long_ago
        )
        fresh = Job(kind="reindex", state="queued")
        db.add_all([lost, dead, spent, fresh])
        db.commit()
        queue.huey.flush()
        with app.app_context():
            again = sweep_jobs(db, queue)
        assert sorted(again) == sorted([lost.id, dead.id])
        assert queue.huey.pending_count() == 2
        states = {j.id: (j.state, j.error) for j in jobs(app)}
        assert states[dead.id][0] == "queued" and "stopped" in states[dead.id][1]
        assert states[spent.id][0] == "failed" and states[fresh.id] == ("queued", None)


def test_a_job_queued_twice_runs_once(app_factory, monkeypatch):
    app = app_factory(JOBS_BACKEND="memory")
    from brandhub.jobs import runner

    ran: list[int] = []
    monkeypatch.setitem(runner.RUNNERS, "reindex", lambda ctx: ran.append(ctx.job.id))
    with session(app) as db:
        job = Job(kind="reindex")
        db.add(job)
        with app.app_context():
            db.commit()  # queued once by the commit
            job_queue(app).dispatch(job.id)  # and once more, as a lost-job sweep would
    run_queued(app)
    assert ran == [job.id]
    assert [(j.state, j.attempts) for j in jobs(app)] == [("done", 1)]


@pytest.mark.search_backend("whoosh")  # the Whoosh outbox and its drain
def test_changes_committed_outside_the_app_are_drained_by_the_sweep(app_factory):
    app = app_factory(JOBS_BACKEND="memory")
    api = _api(app)
    api.upload(make_jpeg(20, 20), "a.jpg", title="Rezagado")
    run_queued(app)
    with session(app) as db:
        indexing.enqueue(db, [1])  # as a script with a bare session would leave it
        db.commit()
        assert job_queue(app).huey.pending_count() == 0
        job_queue(app).sweep.call_local()
        assert run_queued(app) == 1 and indexing.pending(db) == 0


def test_a_task_interrupted_by_a_stopping_worker_runs_again(app_factory, monkeypatch):
    app = app_factory(JOBS_BACKEND="memory")
    from brandhub.jobs import runner

    queue = job_queue(app)
    with session(app) as db:
        job = Job(kind="reindex")
        db.add(job)
        with app.app_context():
            db.commit()
        task = queue.huey.dequeue()
        runner.claim(db, job.id, 3)  # as the worker did before it was stopped
    runner.run_again(queue, task)
    assert [(j.state, j.attempts) for j in jobs(app)] == [("queued", 0)]
    monkeypatch.setitem(runner.RUNNERS, "reindex", lambda ctx: None)
    assert run_queued(app) == 1
    assert [(j.state, j.attempts) for j in jobs(app)] == [("done", 1)]


def test_a_consumer_started_with_flush_locks_frees_a_dead_workers_lock(app_factory):
    app = app_factory(JOBS_BACKEND="sqlite")
    assert drain.acquire(job_queue(app), 0) is not None  # held by a worker that was killed
    # A new worker process: its own app on the same instance and queue file.
    fresh = create_app(
        {
            **{k: app.config[k] for k in ("SECRET_KEY", "DATABASE_URL")},
            "INSTANCE_PATH": app.instance_path,
            "JOBS_BACKEND": "sqlite",
        }
    )
    job_queue(fresh).huey.create_consumer(flush_locks=True)
    assert drain.acquire(job_queue(fresh), 0) is not None
    database(fresh).dispose()
