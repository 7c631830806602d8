"""A visitor over the check desk's limit gets 429 before the upload is read: a 300 MB body
is neither received nor spooled (tested on the wire, against a served app)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.app.compliance.support import BRAND, CHECK_URL
from tests.security.served import served

DECLARED = 300 * 1024 * 1024
SENT = 1024 * 1024
BOUNDARY = "----brandhub-test"


def _head(path: str, port: int) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {DECLARED}",
        "Accept-Language: es",
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def _start_of_body() -> bytes:
    fields = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("brand", BRAND), ("category", "logo"))
    )
    part = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
        'name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
    )
    return (fields + part).encode() + b"\0" * SENT


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection before its whole answer")
    return chunk


def _send_part_and_read_answer(port: int, path: str) -> tuple[bytes, float]:
    """Send the head and 1 MiB of a declared 300 MiB body, then read the answer (its
    head and its Content-Length of body: the connection stays open, the rest unsent)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(_head(path, port) + _start_of_body())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += _recv(sock)
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
        length = int(head.split("content-length: ", 1)[1].split("\r\n", 1)[0])
        while len(answer) < len(head) + 4 + length:
            answer += _recv(sock)
    return answer, time.monotonic() - started


def _spooled(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir()]


@pytest.mark.parametrize("path", [CHECK_URL, "/verificar"])
def test_over_the_limit_the_upload_is_refused_unread(app_factory, tmp_path, path):
    spool = tmp_path / "spool"
    spool.mkdir()
    # CSRF on, as in production: its check reads the form, so the limit must come first.
    app = app_factory(CHECK_DESK_LIMIT=1, UPLOAD_TMP_DIR=str(spool), WTF_CSRF_ENABLED=True)
    app.test_cli_runner().invoke(args=["brands", "load"])
    with served(app) as (_host, port):
        # The one check of this address (a form without a file still counts).
        first = app.test_client().post(path, data={"brand": BRAND})
        assert first.status_code == 400
        answer, seconds = _send_part_and_read_answer(port, path)
        assert _spooled(spool) == []
    head, _sep, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429"), head[:200]
    headers = dict(
        line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
    )
    assert 0 < int(headers["Retry-After"]) <= 600
    # 1 MiB of the 300 MiB was sent: the answer came without waiting for the rest.
    assert seconds < 10
    text = body.decode("utf-8", "replace")
    if path == CHECK_URL:
        error = json.loads(text)["error"]
        assert error["code"] == "rate_limited" and error["retry_after"] > 0
        assert "Demasiadas verificaciones desde su dirección" in error["message"]
    else:
        assert "Demasiadas verificaciones desde su dirección" in text
