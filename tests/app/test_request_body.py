"""The request body read from gunicorn's socket into the reader's buffer (``body_stream``).

A small Flask app under a real gunicorn (one sync worker) reads bodies with
``body_stream`` in odd-sized ``readinto`` calls and answers with what it read
(count, SHA-256, which reader). The clients are raw sockets, so the bytes go
over the connection exactly as written: a body sent in pieces, a body with
the next request pipelined right behind it in the same packet, a body the
app stops reading halfway (gunicorn must still drain it and serve the next
request on the connection), a chunked body (gunicorn's own reader), and a
client that hangs up in the middle.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brandhub.request_body import body_stream

pytest.importorskip("gunicorn")

APP = textwrap.dedent(
    """
    import hashlib
    from flask import Flask, jsonify, request
    from brandhub.request_body import body_stream

    app = Flask(__name__)

    @app.post("/read")
    def read():
        limit = int(request.args.get("limit", -1))
        stream = body_stream(request)
        buffer = memoryview(bytearray(70_001))
        digest, count, error = hashlib.sha256(), 0, None
        try:
            while limit < 0 or count < limit:
                size = len(buffer) if limit < 0 else min(len(buffer), limit - count)
                got = stream.readinto(buffer[:size])
                if not got:
                    break
                digest.update(buffer[:got])
                count += got
        except Exception as exc:
            error = type(exc).__name__
            with open(app.config["ERRORS"], "a") as log:
                log.write(error + "\\n")
        return jsonify(
            count=count, sha256=digest.hexdigest(), reader=type(stream).__name__, error=error
        )
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(factory: pytest.TempPathFactory, worker: list[str]) -> Iterator[tuple[int, Path]]:
    folder = factory.mktemp("body")
    errors = folder / "errors.log"
    (folder / "body_app.py").write_text(
        APP + f"\napp.config['ERRORS'] = {str(errors)!r}\n", encoding="utf-8"
    )
    port = _free_port()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{root}"}
    log = (folder / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", *worker]
        + ["-b", f"127.0.0.1:{port}", "body_app:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((folder / "gunicorn.log").read_text()) from None
                time.sleep(0.1)
        yield port, errors
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module", params=["sync", "gthread"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, Path]]:
    """gunicorn with each worker class: sync (one request per connection), gthread."""
    worker = ["-k", "gthread", "--threads", "2"] if request.param == "gthread" else []
    yield from _serve(tmp_path_factory, worker)


@pytest.fixture(scope="module")
def keepalive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """gunicorn's threaded worker, which keeps connections open for further requests."""
    yield from _serve(tmp_path_factory, ["-k", "gthread", "--threads", "2"])


def _post(path: str, body: bytes, *, extra: str = "", close: bool = False) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(body)}\r\n{extra}"
        + ("Connection: close\r\n" if close else "")
        + "\r\n"
    )
    return head.encode() + body


def _answers(sock: socket.socket, count: int) -> list[dict[str, object]]:
    """Read ``count`` JSON answers off a keep-alive connection."""
    import json

    data, found = b"", []
    sock.settimeout(30)
    while len(found) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode()
            length = int(
                next(
                    line.split(":")[1]
                    for line in head.split("\r\n")
                    if line.lower().startswith("content-length")
                )
            )
            if len(data) >= head_end + 4 + length:
                assert head.startswith("HTTP/1.1 200"), head
                found.append(json.loads(data[head_end + 4 : head_end + 4 + length]))
                data = data[head_end + 4 + length :]
                continue
        more = sock.recv(65536)
        assert more, "the connection closed early"
        data += more
    return found


def test_a_body_sent_in_pieces_arrives_whole(server: tuple[int, Path]) -> None:
    port, _errors = server
    body = os.urandom(3_000_017)
    request = _post("/read", body)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for at in range(0, len(request), 250_000):
            sock.sendall(request[at : at + 250_000])
            time.sleep(0.01)
        (answer,) = _answers(sock, 1)
    assert answer == {
        "count": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "reader": "_SocketBody",
        "error": None,
    }


def test_a_pipelined_request_behind_the_body_is_served_next(
    keepalive: tuple[int, Path],
) -> None:
    """gunicorn may have read past the body into the next request: that stays its own."""
    port, _errors = keepalive
    small, second = os.urandom(1000), os.urandom(5000)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_post("/read", small) + _post("/read", second))
        first, then = _answers(sock, 2)
    assert (first["count"], first["sha256"]) == (1000, hashlib.sha256(small).hexdigest())
    assert (then["count"], then["sha256"]) == (5000, hashlib.sha256(second).hexdigest())


def test_a_body_left_half_read_is_drained_before_the_next_request(
    keepalive: tuple[int, Path],
) -> None:
    # gunicorn drains up to 64 KiB left unread and then reuses the connection
    # (past that it closes it): its count of what is left must be right.
    port, _errors = keepalive
    body, after = os.urandom(1_000_000), os.urandom(300)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_post("/read?limit=950001", body))
        sock.sendall(_post("/read", after))
        first, then = _answers(sock, 2)
    assert (first["count"], first["sha256"]) == (
        950_001,
        hashlib.sha256(body[:950_001]).hexdigest(),
    )
    assert (then["count"], then["sha256"]) == (300, hashlib.sha256(after).hexdigest())


def test_a_chunked_body_is_left_to_werkzeug(keepalive: tuple[int, Path]) -> None:
    """No length to count down: Werkzeug's stream, and the connection goes on."""
    port, _errors = keepalive
    body = os.urandom(50_000)
    chunked = b"".join(
        f"{len(body[at : at + 30_000]):x}\r\n".encode() + body[at : at + 30_000] + b"\r\n"
        for at in range(0, len(body), 30_000)
    )
    head = (
        b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + chunked + b"0\r\n\r\n" + _post("/read", b"next"))
        answer, then = _answers(sock, 2)
    assert answer["reader"] != "_SocketBody"
    assert (then["count"], then["reader"]) == (4, "_SocketBody")


def test_a_client_that_hangs_up_mid_body_is_told_apart_from_the_end(
    server: tuple[int, Path],
) -> None:
    port, errors = server
    request = _post("/read", os.urandom(1_000_000))
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request[: len(request) // 2])
    deadline = time.monotonic() + 20
    while not (errors.exists() and "ClientDisconnected" in errors.read_text()):
        assert time.monotonic() < deadline, "the early end was not reported"
        time.sleep(0.05)
    # The worker is still there for the next client.
    body = os.urandom(10)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_post("/read", body, close=True))
        (answer,) = _answers(sock, 1)
    assert answer["count"] == 10


def test_outside_gunicorn_it_is_werkzeugs_stream(app: object) -> None:
    from flask import Flask

    assert isinstance(app, Flask)
    with app.test_request_context("/", method="POST", data=b"abc"):
        from flask import request

        stream = body_stream(request)
        assert stream is request.stream
        buffer = bytearray(10)
        assert stream.readinto(buffer) == 3
