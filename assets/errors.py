"""The domain exception tree, mapped to HTTP in one place by brandhub.errors.

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

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from its state, not its constructor's arguments (which differ per
        # subclass), so an error crosses a process boundary whole (assets.budget).
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[BrandHubError], args: tuple[object, ...], state: dict) -> BrandHubError:  # type: ignore[type-arg]
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidInput(BrandHubError, ValueError):
    """The input is not valid."""

    code = "invalid_input"


class VersionConflict(InvalidInput):
    """This file cannot replace the current one."""

    code = "version_conflict"


class UnsupportedMediaType(InvalidInput):
    """This type of file is not accepted."""

    code = "unsupported_media_type"


class InvalidFile(InvalidInput):
    """The file is damaged or cannot be read."""

    code = "invalid_file"


class FileTooLarge(InvalidInput):
    """The file is larger than allowed."""

    code = "file_too_large"


class InvalidFilterSpecError(InvalidInput):
    """The rendition or download specification is not valid."""

    code = "invalid_spec"


class AssetNotFound(BrandHubError, LookupError):
    """The asset does not exist."""

    code = "not_found"


class StorageError(BrandHubError, OSError):
    """The file store failed; nothing was written."""

    code = "storage_error"


class ObjectNotFound(StorageError, FileNotFoundError):
    """The stored object does not exist."""

    code = "object_not_found"


class DuplicateAsset(BrandHubError):
    """This file is already in the library."""

    code = "duplicate"

    def __init__(self, existing_id: int | None) -> None:
        # ``None``: the asset holding these bytes is one the uploader may not see;
        # its id is not told (it would confirm that a private asset exists).
        if existing_id is None:
            super().__init__(N_("This file is already in the library, in an asset you cannot "
                                "see. Ask an administrator."))  # fmt: skip
        else:
            super().__init__("This file is already in the library.", existing_id=existing_id)
        self.existing_id = existing_id


class PermissionDenied(BrandHubError, PermissionError):
    """You do not have permission to do this."""

    code = "forbidden"


class RangeNotSatisfiable(InvalidInput):
    """The requested byte range is outside the file."""

    code = "range_not_satisfiable"
