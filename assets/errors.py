"""The errors of files and their storage, on the root of the tree in :mod:`core.errors`.

Every message is a plain English sentence used as a gettext msgid by the web
layer; ``code`` is the stable machine-readable identifier the API returns.
"""

from __future__ import annotations

from core.errors import N_, BrandHubError, Conflict, InvalidInput, NotFound

__all__ = [
    "DAMAGED",
    "N_",
    "AssetNotFound",
    "BrandHubError",
    "DuplicateAsset",
    "FileTooLarge",
    "InvalidFile",
    "InvalidFilterSpecError",
    "InvalidInput",
    "ObjectNotFound",
    "PermissionDenied",
    "RangeNotSatisfiable",
    "StorageError",
    "UnsupportedMediaType",
    "VersionConflict",
]

#: The message of a file that cannot be decoded to the end.
DAMAGED = N_("The file is damaged or incomplete.")


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


class AssetNotFound(NotFound):
    """The asset does not exist."""

    code = "not_found"


class StorageError(BrandHubError, OSError):
    """The file store failed; nothing was written."""

    code = "storage_error"
    transient = True


class ObjectNotFound(StorageError, FileNotFoundError):
    """The stored object does not exist."""

    code = "object_not_found"


class DuplicateAsset(Conflict):
    """This file is already in the library."""

    code = "duplicate"

    def __init__(self, existing_id: int | None) -> None:
        # ``None``: the asset holding these bytes is one the uploader may not see;
        # its id is not told (it would confirm that a private asset exists).
        if existing_id is None:
            super().__init__(
                N_(
                    "This file is already in the library, in an asset you cannot "
                    "see. Ask an administrator."
                )
            )
        else:
            super().__init__("This file is already in the library.", existing_id=existing_id)
        self.existing_id = existing_id


class PermissionDenied(BrandHubError, PermissionError):
    """You do not have permission to do this."""

    code = "forbidden"


class RangeNotSatisfiable(InvalidInput):
    """The requested byte range is outside the file."""

    code = "range_not_satisfiable"
