"""``ApiError``: a request whose shape the API refuses (a bad parameter, no token).

Raised with the status, the stable code and the message the client reads;
answered as ``{"error": {"code", "message", ...}}`` by :func:`api_error`, which
the blueprint registers. What the domain refuses (an unknown asset, a move the
workflow forbids) is a domain error, mapped in ``brandhub.errors``.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ..errors import error_response


class ApiError(Exception):
    """An error raised by a view with an explicit status, code and message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def api_error(exc: ApiError) -> ResponseReturnValue:
    return error_response(exc.status, exc.code, exc.message, **exc.extra)
