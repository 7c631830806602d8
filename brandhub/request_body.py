"""A request's body read from the connection into the reader's own buffer.

A resumable upload's chunk can be gigabytes that the app only passes on (to
a staging file, or to S3 part by part). Through the WSGI stack each byte is
copied several times before the app sees it: gunicorn's unreader and body
buffers (``BytesIO`` writes, ``getvalue`` and slices), then Werkzeug's
``LimitedStream``, then into the part's buffer: measured, a large part of
the web worker's CPU time per gigabyte.

Under gunicorn, for a body of known length, :func:`body_stream` reads from
the client's socket with ``recv_into`` straight into the caller's buffer,
after the bytes gunicorn had already taken off the socket. It keeps
gunicorn's count of the body's unread bytes in step, so whatever the app
leaves unread is drained by gunicorn as before, and the connection can carry
the next request. Anywhere else (another server, a chunked body, the test
client) it is Werkzeug's stream.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO, cast

from flask import Request
from werkzeug.exceptions import ClientDisconnected

__all__ = ["body_stream"]


def body_stream(request: Request) -> BinaryIO:
    """The body of ``request`` as a raw stream with ``readinto``."""
    direct = _gunicorn_body(request.environ.get("wsgi.input"), request.content_length)
    return direct if direct is not None else cast(BinaryIO, request.stream)


def _gunicorn_body(wsgi_input: Any, content_length: int | None) -> BinaryIO | None:
    """The socket reader for gunicorn's body of known length, or None."""
    try:
        from gunicorn.http.body import Body, LengthReader
        from gunicorn.http.unreader import SocketUnreader
    except ImportError:
        return None
    if content_length is None or not isinstance(wsgi_input, Body):
        return None
    reader = getattr(wsgi_input, "reader", None)
    if not isinstance(reader, LengthReader) or not isinstance(reader.unreader, SocketUnreader):
        return None
    buffers = (getattr(wsgi_input, "buf", None), getattr(reader.unreader, "buf", None))
    if not all(isinstance(buffer, io.BytesIO) for buffer in buffers):
        return None
    if not isinstance(getattr(reader, "length", None), int):
        return None
    return cast(BinaryIO, _SocketBody(wsgi_input, reader))


class _SocketBody(io.RawIOBase):
    """What is left of the body: gunicorn's buffered bytes first, then the socket's."""

    def __init__(self, body: Any, reader: Any) -> None:
        super().__init__()
        self._reader = reader
        unreader = reader.unreader
        self._socket = unreader.sock
        # gunicorn's body buffer holds bytes it already counted as read; its
        # unreader holds bytes taken off the socket but not counted, maybe with
        # the start of a pipelined next request after the body.
        held = body.buf.getvalue()
        body.buf = io.BytesIO()
        ahead = unreader.buf.getvalue()
        unreader.buf = io.BytesIO()
        mine = ahead[: reader.length]
        unreader.buf.write(ahead[len(mine) :])
        reader.length -= len(mine)
        self._held = memoryview(held + mine)

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        view = memoryview(target).cast("B")
        if not view.nbytes:
            return 0
        if self._held.nbytes:
            count = min(view.nbytes, self._held.nbytes)
            view[:count] = self._held[:count]
            self._held = self._held[count:]
            return count
        want = min(view.nbytes, self._reader.length)
        if want <= 0:
            return 0
        count = self._socket.recv_into(view[:want])
        if not count:
            raise ClientDisconnected()  # as Werkzeug's stream: the body ended early
        self._reader.length -= count
        return count
