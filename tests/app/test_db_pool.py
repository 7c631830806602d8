"""Pooled connections across a fork, the way gunicorn runs BrandHub.

gunicorn forks its workers from one master process; with ``--preload`` the app and
its engine are built in the master first. A pooled connection carried into a child
would be one socket (or one SQLite handle) used by two processes, and their
queries and transactions would interleave on it. ``brandhub.db`` makes a forked
child forget the connections it inherited, without closing them (that would end
the parent's sessions too), so the child opens its own.

These tests run on the suite's backend (SQLite, or PostgreSQL when
``BRANDHUB_TEST_DATABASE_URL`` is set).
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection as DBConnection
from sqlalchemy import func, select

from brandhub.db import database, get_session
from brandhub.models import Agency, Asset
from tests.factories import add_token, add_user, session

# Python 3.12+ warns about any fork of a process that has threads; forking is the point here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


def _backend(conn: DBConnection) -> int | None:
    """The server process behind a PostgreSQL connection (None on SQLite)."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def _child(app: Flask, pipe: Connection) -> None:
    try:
        inherited = database(app).engine.pool.checkedin()
        with app.app_context():
            db = get_session()
            db.add(Agency(slug="hija", name="Agencia creada en el proceso hijo"))
            db.commit()
            answer = {
                "inherited": inherited,
                "backend": _backend(db.connection()),
                "agencies": db.scalar(select(func.count()).select_from(Agency)),
            }
        pipe.send(answer)
    except BaseException as exc:  # the parent reports it
        pipe.send({"error": repr(exc)})
    finally:
        pipe.close()


def test_a_forked_child_opens_its_own_connection(app: Flask) -> None:
    engine = database(app).engine
    with engine.connect() as conn:
        parent_backend = _backend(conn)
    assert engine.pool.checkedin() == 1  # a pooled connection the child must not use

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(app, send))
    child.start()
    send.close()
    answer = receive.recv() if receive.poll(60) else {"error": "the child did not answer"}
    child.join(30)

    assert "error" not in answer, answer["error"]
    assert child.exitcode == 0
    assert answer["inherited"] == 0
    assert answer["agencies"] == 1
    if parent_backend is not None:
        assert answer["backend"] != parent_backend
    # The parent's connection outlived the child (pre-ping would have replaced a
    # closed one) and sees what the child committed.
    with engine.connect() as conn:
        assert _backend(conn) == parent_backend
        assert conn.execute(select(Agency.slug)).scalars().all() == ["hija"]


_WSGI = """
from brandhub import create_app
from brandhub.db import database

app = create_app({config!r})
# Use the pool before gunicorn forks its workers, as start-up code may do.
with database(app).engine.connect() as conn:
    conn.exec_driver_sql("SELECT 1")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.mark.slow
def test_gunicorn_workers_share_no_connection(app: Flask, tmp_path: Path) -> None:
    GunicornConfig = pytest.importorskip("gunicorn.config").Config
    admin = add_user(app, role="admin", agency=None)
    token = add_token(app, admin)
    with session(app) as db:
        with db.begin():
            db.add_all(
                Asset(
                    kind="image",
                    title=f"Foto {n}",
                    original_filename=f"foto{n}.jpg",
                    mime="image/jpeg",
                    ext="jpg",
                    size=1,
                    sha256=f"{n:064x}",
                    storage_key=f"originals/{n}",
                )
                for n in range(24)
            )
        ids = db.scalars(select(Asset.id).order_by(Asset.id)).all()

    config = {
        key: app.config[key]
        for key in ("DATABASE_URL", "SECRET_KEY", "STORAGE_PATH", "INDEX_PATH", "TESTING")
    }
    config["INSTANCE_PATH"] = str(tmp_path / "gunicorn-instance")
    (tmp_path / "pooled_wsgi.py").write_text(_WSGI.format(config=config), "utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--preload",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(tmp_path),
    ]
    if "control_socket_disable" in GunicornConfig().settings:
        command.append("--no-control-socket")  # gunicorn 24+ would open one in ~/.gunicorn
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen([*command, "pooled_wsgi:app"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _request(f"{base}/assets?per_page=1", token)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

        def work(n: int) -> tuple[int, Any]:
            if n % 2:
                return _request(f"{base}/assets?per_page=48", token)
            return _request(f"{base}/assets/{ids[n // 2]}", token, "PATCH", {"title": f"Nueva {n}"})

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(work, range(2 * len(ids))))
    finally:
        server.send_signal(signal.SIGQUIT)  # quick shutdown: nothing is left to finish
        server.wait(30)
        log.close()

    assert [status for status, _ in answers] == [200] * 48, (tmp_path / "gunicorn.log").read_text()
    assert {answer["total"] for _, answer in answers[1::2]} == {24}
    with session(app) as db:
        titles = set(db.scalars(select(Asset.title)))
    assert titles == {f"Nueva {n}" for n in range(0, 48, 2)}
