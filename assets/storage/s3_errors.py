"""Translation of boto3/botocore failures into the domain's storage errors.

Everything the S3 backend calls goes through ``translate``, so no botocore or
urllib3 type leaks out of it (the s3fs way: translate at the boundary). The
messages are fixed English sentences, the key and the store's own error code
travel in ``details`` for the logs.
"""

from __future__ import annotations

from boto3.exceptions import Boto3Error
from botocore import exceptions as bce
from s3transfer import exceptions as s3te
from urllib3.exceptions import HTTPError as Urllib3Error

from assets.errors import N_, ObjectNotFound, RangeNotSatisfiable, StorageError

UNREACHABLE = N_("The file store cannot be reached; check its address and the network.")
TIMEOUT = N_("The file store did not answer in time; try again in a moment.")
INTERRUPTED = N_("The connection to the file store was interrupted; try again in a moment.")
DENIED = N_("The file store refused access; check its credentials and permissions.")
NO_CREDENTIALS = N_("The file store credentials are missing or incomplete.")
NO_BUCKET = N_("The storage bucket does not exist; run 'brandhub init' to create it.")
BUSY = N_("The file store is busy; try again in a moment.")
FAILED = N_("The file store failed; nothing was changed.")

_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound", "NoSuchVersion"}
_DENIED_CODES = {
    "AccessDenied",
    "403",
    "Forbidden",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AllAccessDisabled",
    "AccountProblem",
    "ExpiredToken",
    "InvalidToken",
}
_BUSY_CODES = {"SlowDown", "ServiceUnavailable", "503", "RequestTimeout", "InternalError"}

# What translate() knows how to turn into a StorageError.
BOUNDARY_ERRORS: tuple[type[BaseException], ...] = (
    bce.BotoCoreError,
    bce.ClientError,
    Boto3Error,
    s3te.RetriesExceededError,
    s3te.S3UploadFailedError,
    Urllib3Error,
)


def error_code(exc: bce.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def status_code(exc: bce.ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def translate(exc: BaseException, key: str | None = None) -> BaseException | None:
    """The domain error for a boto failure, or None when ``exc`` is not one."""
    details: dict[str, object] = {} if key is None else {"key": key}
    if isinstance(exc, (Boto3Error, s3te.RetriesExceededError, s3te.S3UploadFailedError)):
        # A managed transfer wraps what the store said (a 503, a dropped connection)
        # in its own error: say what happened rather than that something did.
        inner = getattr(exc, "last_exception", None) or exc.__cause__ or exc.__context__
        if inner is not None and inner is not exc:
            found = translate(inner, key)
            if found is not None and getattr(found, "message", None) != FAILED:
                return found
    if isinstance(exc, bce.ClientError):
        code = error_code(exc)
        status = status_code(exc)
        details["code"] = code
        if code == "NoSuchBucket":
            return StorageError(NO_BUCKET, **details)
        if code in _NOT_FOUND_CODES or status == 404:
            return ObjectNotFound("The stored file does not exist.", **details)
        if code == "InvalidRange" or status == 416:
            return RangeNotSatisfiable("The requested byte range is outside the file.", **details)
        if code in _DENIED_CODES or status == 403:
            return StorageError(DENIED, **details)
        if code in _BUSY_CODES or status in (500, 503):
            return StorageError(BUSY, **details)
        return StorageError(FAILED, **details)
    if isinstance(exc, bce.ConnectTimeoutError):
        return StorageError(UNREACHABLE, **details)
    if isinstance(exc, bce.ReadTimeoutError):
        return StorageError(TIMEOUT, **details)
    if isinstance(exc, bce.ConnectionError):  # refused, DNS, proxy, TLS
        return StorageError(UNREACHABLE, **details)
    if isinstance(exc, (bce.HTTPClientError, bce.IncompleteReadError, Urllib3Error)):
        return StorageError(INTERRUPTED, **details)
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return StorageError(NO_CREDENTIALS, **details)
    if isinstance(exc, BOUNDARY_ERRORS):
        return StorageError(FAILED, **details)
    return None
