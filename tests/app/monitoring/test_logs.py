"""Structured logs: JSON lines with the request id, the id returned, and carried into jobs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from brandhub import logs
from tests.app.jobs.support import jobs, run_queued
from tests.factories import Api, photo


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines into a buffer; text again after the test."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    yield stream
    logs.configure("text")
    root.setLevel(level)


def _configure(stream: io.StringIO) -> None:
    logs.configure("json", "INFO", stream=stream)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_of_a_request_is_json_with_its_id(
    app_factory: Callable[..., Flask], json_lines: io.StringIO
) -> None:
    app = app_factory(LOG_FORMAT="json")
    _configure(json_lines)
    client = app.test_client()

    @app.get("/_log-twice")
    def log_twice() -> str:
        logging.getLogger("brandhub.test").warning("first line")
        logging.getLogger("brandhub.test").info("second line", extra={"asset_id": 7})
        return "ok"

    response = client.get("/_log-twice?token=secret", headers={"X-Request-ID": "req-42.a"})
    assert response.headers["X-Request-ID"] == "req-42.a"
    lines = _lines(json_lines)
    assert [line["message"] for line in lines][:2] == ["first line", "second line"]
    assert all(line["request_id"] == "req-42.a" for line in lines)
    assert lines[1]["asset_id"] == 7
    access = lines[-1]
    assert access["logger"] == "brandhub.access"
    assert access["status"] == 200 and access["path"] == "/_log-twice"
    assert "secret" not in json_lines.getvalue()  # query strings are not logged
    assert {"time", "level", "logger", "message"} <= set(access)


def test_a_request_id_is_made_when_none_or_a_strange_one_is_given(app: Flask) -> None:
    client = app.test_client()
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != made
    for odd in ("two words", "x" * 129, "<script>", "ünïcode"):
        answered = client.get("/healthz", headers={"X-Request-ID": odd}).headers["X-Request-ID"]
        assert answered != odd and len(answered) == 32
    assert logs.current_request_id() is None  # nothing leaks past the request


def test_the_request_id_follows_the_job_the_request_queued(
    app_factory: Callable[..., Flask],
    json_lines: io.StringIO,
) -> None:
    app = app_factory(JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0, LOG_FORMAT="json")
    _configure(json_lines)
    from tests.factories import add_token, add_user

    user = add_user(app, "editor")
    api = Api(app.test_client(), add_token(app, user), user)
    boundary_id = "upload-7f3a"
    api.client.environ_base["HTTP_X_REQUEST_ID"] = boundary_id
    response = api.upload(photo(5), "foto.jpg")
    assert response.status_code == 201, response.get_json()
    (job,) = jobs(app, kind="media")
    assert job.data["request_id"] == boundary_id

    json_lines.truncate(0)
    json_lines.seek(0)
    assert run_queued(app) >= 1
    worker_lines = [line for line in _lines(json_lines) if line["logger"] == "brandhub.jobs"]
    assert worker_lines and worker_lines[0]["request_id"] == boundary_id
    assert worker_lines[0]["job_id"] == job.id
    assert logs.current_request_id() is None
