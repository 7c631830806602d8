"""An app served over real HTTP in a thread (werkzeug's server), for tests whose point is
what happens on the wire: concurrent requests, a body the server must not read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def served(app: Flask) -> Iterator[tuple[str, int]]:
    """``(host, port)`` of ``app`` served with a thread per request, until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
