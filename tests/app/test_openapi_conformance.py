"""The API keeps its own contract: schemathesis, driven by /api/v1/openapi.json, finds nothing.

A throwaway instance is seeded (an admin of "salud", a second agency, three photos,
one of them approved and shared, an event and a collection) and served on
127.0.0.1; ``st run`` (schemathesis's own command line, with tests/app/schemathesis.toml)
then tests every operation with every check, in all its phases (coverage, fuzzing,
stateful), with a fixed seed and deterministic generation: no server error, no
response outside its schema or status list, no valid request refused, no invalid
one accepted. It runs once with the admin's token (who may do everything, DELETE
included: the instance is thrown away) and once anonymously.

On a failure the assertion shows schemathesis's report: each failure with the
request that reproduces it (``curl``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.assets.media_factory import make_jpeg
from tests.factories import add_token, add_user

pytest.importorskip("schemathesis")

pytestmark = [pytest.mark.slow]

CONFIG = Path(__file__).with_name("schemathesis.toml")
ROOT = str(Path(__file__).resolve().parents[2])
SEED = 20261206
EXAMPLES = 10  # per operation in the fuzzing phase (the coverage phase has its own cases)


def seed_instance(app: Flask) -> str:
    """Data for the fuzzer to find, and the bearer token of an admin (who may do everything)."""
    add_user(app, "viewer", agency="obras")  # a second agency to name
    admin = add_user(app, "admin", agency="salud")
    token = add_token(app, admin)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, **kw: object) -> dict[str, object]:
        response = client.open("/api/v1" + path, method=method, headers=headers, **kw)
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    ids = [
        call(
            "POST",
            "/assets",
            data={
                "file": (io.BytesIO(make_jpeg(96 + i, 64, color=(40 * i, 90, 160))), f"f{i}.jpg"),
                "title": f"Foto {i}",
                "tags": "acto, prensa",
            },
        )["id"]
        for i in range(3)
    ]
    for status in ("in_review", "approved"):
        call("POST", f"/assets/{ids[0]}/status", json={"status": status})
    call("POST", "/share-links", json={"asset_id": ids[0], "label": "Prensa"})
    event = call("POST", "/events", json={"title": "Acto de apertura", "place": "Plaza"})
    call("POST", f"/events/{event['id']}/assets", json={"asset_ids": ids[:2]})
    collection = call("POST", "/collections", json={"title": "Kit de prensa"})
    call("POST", f"/collections/{collection['id']}/assets", json={"asset_ids": ids[1:]})
    return token


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """Thousands of requests: schemathesis's report says which ones matter."""


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1 for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def schemathesis(
    base: str,
    report: Path,
    *,
    token: str | None,
    examples: int = EXAMPLES,
    only: tuple[str, ...] = (),
) -> tuple[dict[str, object], str]:
    """Run ``st run`` with every check; its JSON report and its text output."""
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        # Every check: schemathesis 4 runs them all by default ("--checks all" would also
        # override the one the configuration turns off for four operations, with its reason).
        "run",
        f"{base}/api/v1/openapi.json",
        "--max-examples",
        str(examples),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        # One worker: Python 3.11's ast.parse, used by Hypothesis to describe strategies,
        # can fail when two threads call it at once (a SystemError in the report).
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    command += list(only)
    # The hooks say how to send a tus chunk (application/offset+octet-stream).
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.app.schemathesis_hooks", "PYTHONPATH": ROOT}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=report.parent, env=env
    )
    report.with_suffix(".txt").write_text(done.stdout + done.stderr)
    assert report.exists(), done.stdout + done.stderr
    return json.loads(report.read_text()), done.stdout + done.stderr


def failures(report: dict[str, object]) -> dict[str, int]:
    """``{"ST108 Response violates schema": 3, ...}``: what was found, by kind."""
    found = report["failures"]
    assert isinstance(found, list)
    return {f"{f['code']} {f['title']}": f["count"] for f in found}


# The operations in two halves, so that two test workers share the run.
HALVES = {
    "assets": ("--include-path-regex", "^/assets"),
    "the-rest": ("--exclude-path-regex", "^/assets"),
}


@pytest.mark.parametrize("half", HALVES)
def test_every_operation_keeps_the_documented_contract(
    app_factory: Callable[..., Flask], tmp_path: Path, half: str
) -> None:
    app = app_factory()
    token = seed_instance(app)
    with served(app) as base:
        report, output = schemathesis(
            base, tmp_path / f"{half}.json", token=token, only=HALVES[half]
        )
    operations = report["operations"]
    assert isinstance(operations, dict)
    assert operations["total"] >= 48, output
    assert operations["tested"] == operations["selected"] > 10, output
    assert failures(report) == {}, output
    assert report["errors"] == [], output


def test_anonymous_callers_get_documented_answers(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    app = app_factory()
    seed_instance(app)
    with served(app) as base:
        # Mostly 401s: random examples and the stateful phase are enough to see them all.
        report, output = schemathesis(
            base,
            tmp_path / "anonymous.json",
            token=None,
            examples=5,
            only=("--phases", "fuzzing,stateful"),
        )
    assert failures(report) == {}, output
    assert report["errors"] == [], output
