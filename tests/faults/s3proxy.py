"""A small HTTP proxy on 127.0.0.1 that forwards to an S3 server and fails on demand.

``FaultyProxy(upstream)`` forwards every request to ``upstream`` (moto) and
answers as it did, unless told otherwise:

- ``fail_part(n, mode, times)``: the PUT of multipart part ``n`` fails ``times``
  times (``None``: always) with ``mode`` ``"500"`` or ``"503"`` (an S3 XML
  error), ``"drop"`` (the connection is closed without an answer, after the
  body was read), or ``"kill"`` (``on_kill`` runs first — stopping the S3
  server — and the request is then forwarded to the dead server);
- ``down = True``: every connection is closed without an answer;
- ``upstream`` may be changed at any time (a restarted server).

``requests`` logs what was asked (method, path and query). The moto server
behind it comes from ``tests.plugins.s3.start_moto()``, so a test may kill it.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te"}


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.down = False
        self.on_kill: Callable[[], None] | None = None
        self.requests: list[tuple[str, str]] = []
        self._faults: dict[int, list[Any]] = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self)

            do_PUT = do_POST = do_DELETE = do_HEAD = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_part(self, number: int, mode: str, times: int | None = None) -> None:
        with self._lock:
            self._faults[number] = [mode, times]

    def heal(self) -> None:
        with self._lock:
            self._faults.clear()
        self.down = False

    def parts(self) -> list[int]:
        return [int(q["partNumber"][0]) for _m, q in self._queries() if "partNumber" in q]

    def _queries(self) -> list[tuple[str, dict[str, list[str]]]]:
        return [(m, parse_qs(urlsplit(p).query)) for m, p in self.requests]

    # -- one request ------------------------------------------------------------

    def _fault(self, method: str, path: str) -> str | None:
        query = parse_qs(urlsplit(path).query)
        if method != "PUT" or "partNumber" not in query:
            return None
        with self._lock:
            rule = self._faults.get(int(query["partNumber"][0]))
            if rule is None or rule[1] == 0:
                return None
            if rule[1] is not None:
                rule[1] -= 1
            return str(rule[0])

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        method, path = handler.command, handler.path
        self.requests.append((method, path))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if self.down:
            return self._drop(handler)
        fault = self._fault(method, path)
        if fault in ("500", "503"):
            code = "InternalError" if fault == "500" else "ServiceUnavailable"
            payload = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
            handler.send_response(int(fault))
            handler.send_header("Content-Type", "application/xml")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return None
        if fault == "drop":
            return self._drop(handler)
        if fault == "kill" and self.on_kill is not None:
            self.on_kill()
        target = urlsplit(self.upstream)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            upstream.request(method, path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        except OSError:
            return self._drop(handler)
        finally:
            upstream.close()
        handler.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP and key.lower() != "content-length":
                handler.send_header(key, value)
        length = answer.getheader("Content-Length") if method == "HEAD" else None
        handler.send_header("Content-Length", length or str(len(data)))
        handler.end_headers()
        if method != "HEAD":
            handler.wfile.write(data)
        return None

    @staticmethod
    def _drop(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
