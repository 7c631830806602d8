"""The root of the exception tree, mapped to HTTP in one place by brandhub.errors.

Every package raises subclasses of :class:`BrandHubError`; the classes here are
the kinds of failure a caller tells apart (bad input, missing, conflicting, too
frequent), and ``brandhub.errors.STATUS_FOR`` gives each its HTTP status.

Every message is a plain English sentence used as a gettext msgid by the web
layer; ``code`` is the stable machine-readable identifier the API returns.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message kept in a constant for extraction; it is translated where shown."""
    return message


class BrandHubError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"
    #: Whether the same work may succeed if tried again later (a store or an
    #: index that is busy or away), as opposed to bad input that never will.
    transient = False

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from its state, not its constructor's arguments (which differ per
        # subclass), so an error crosses a process boundary whole (assets.budget).
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(
    cls: type[BrandHubError], args: tuple[object, ...], state: dict[str, object]
) -> BrandHubError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidInput(BrandHubError, ValueError):
    """The input is not valid."""

    code = "invalid_input"


class NotFound(BrandHubError, LookupError):
    """Not found."""

    code = "not_found"


class Conflict(BrandHubError):
    """This conflicts with something that already exists."""

    code = "conflict"


class TooManyRequests(BrandHubError):
    """Too many requests: wait a moment and try again."""

    code = "rate_limited"
