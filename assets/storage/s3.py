"""The S3 backend: AWS S3 or any S3-compatible store (MinIO, Ceph RGW, SeaweedFS).

Objects live in one bucket under an optional prefix (``prefix/originals/ab/…``),
so several installations can share a bucket. Uploads stream through boto3's
managed transfer: bodies of ``multipart_threshold`` bytes or more go up in
parts of ``multipart_chunksize``, ``max_concurrency`` at a time, and a put
holds about ``multipart_chunksize × (max_concurrency + 1)`` bytes in memory
whatever the file's size. A failed multipart upload is aborted, so it leaves
neither an object nor stored parts.

Credentials come from boto3's usual chain (environment, shared files, instance
role) unless given. Every boto failure is translated by ``s3_errors`` at this
boundary; callers only ever see ``StorageError`` and its subclasses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import quote

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from assets.errors import BrandHubError, InvalidInput, ObjectNotFound, StorageError

from .base import Storage, StoredObject, validate_key
from .s3_errors import BOUNDARY_ERRORS, FAILED, error_code, status_code, translate
from .streams import SourceReader, Translate, check_range, clamp_range, reader

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MIN_PART = 5 * MIB  # S3 refuses smaller parts, except the last
#: Keys of resumable uploads in progress (multipart uploads left open between requests):
#: ``staging/`` of earlier versions, ``originals/tus/`` where they complete in place now.
STAGING_PREFIXES = ("staging/", "originals/tus/")
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # the SigV4 limit
_ADDRESSING_STYLES = {"auto", "path", "virtual"}


def _boundary(exc: BaseException, key: str | None = None) -> BaseException:
    """The domain error for one of ``BOUNDARY_ERRORS``."""
    return translate(exc, key) or StorageError(FAILED, key=key)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def attachment_disposition(filename: str) -> str:
    """A Content-Disposition that downloads as ``filename`` (RFC 6266, UTF-8 aware)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()) or "file"
    fallback = "".join(ch for ch in name if 32 <= ord(ch) < 127 and ch not in '"\\') or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _is_disposition(value: str) -> bool:
    kind, separator, _ = value.partition(";")
    return bool(separator) and kind.strip().lower() in ("attachment", "inline")


# Our setting → botocore's request_checksum_calculation / response_checksum_validation.
CHECKSUM_MODES = {"crc32": "when_supported", "off": "when_required"}
#: Between a part's ETag and its CRC32 in the receipt ``put_part`` returns.
_CRC32_MARK = " crc32="


class S3Storage(Storage):
    """Objects in an S3 bucket; ``presigned_url`` gives direct SigV4 download links."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        multipart_threshold: int = 8 * MIB,
        multipart_chunksize: int = 8 * MIB,
        max_concurrency: int = 4,
        addressing_style: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_attempts: int = 3,
        checksums: str = "crc32",
    ) -> None:
        """``max_attempts`` counts every attempt of a request, the first included.

        ``checksums="crc32"`` (boto3's default) sends a CRC32 of every upload that
        the store checks, and uploads are not otherwise hashed: integrity end to
        end at full speed. That holds on a plain-HTTP endpoint too: botocore would
        otherwise also sign a SHA-256 of every body there (over HTTPS it does not
        when a checksum travels), a second pass over every byte that the CRC32
        already guards; the signature still covers the headers, the checksum
        among them. Some S3-compatible stores refuse those checksums (or older
        ones store the encoded stream): ``checksums="off"`` sends none, and then
        botocore signs every part's SHA-256 instead, which keeps integrity at
        about half the upload speed (measured by bench/transfer.py).
        """
        if not bucket or "/" in bucket:
            raise ValueError("The S3 bucket name is missing or not valid.")
        prefix = prefix.strip("/")
        if prefix:
            try:
                validate_key(prefix)
            except StorageError:
                raise ValueError(f"The S3 prefix {prefix!r} is not valid.") from None
        if addressing_style is not None and addressing_style not in _ADDRESSING_STYLES:
            raise ValueError("The S3 addressing style must be 'auto', 'path' or 'virtual'.")
        if multipart_chunksize < MIN_PART:
            raise ValueError("S3 upload parts must be at least 5 MiB.")
        if multipart_threshold < 1 or max_concurrency < 1 or max_attempts < 1:
            raise ValueError("S3 transfer settings must be positive numbers.")
        if checksums not in CHECKSUM_MODES:
            raise ValueError("S3 checksums must be 'crc32' or 'off'.")

        self.bucket = bucket
        self._checksums = checksums
        self.prefix = f"{prefix}/" if prefix else ""
        self.endpoint_url = endpoint_url
        self.multipart_chunksize = multipart_chunksize
        self.max_concurrency = max_concurrency

        config = Config(
            # With a custom endpoint botocore would otherwise presign with SigV2.
            signature_version="s3v4",
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_pool_connections=max(10, max_concurrency + 2),
            s3=self._s3_config(addressing_style, checksums),
            request_checksum_calculation=CHECKSUM_MODES[checksums],
            response_checksum_validation=CHECKSUM_MODES[checksums],
        )
        session = boto3.session.Session(
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            aws_session_token=session_token,
            region_name=region,
        )
        self._client: Any = session.client("s3", endpoint_url=endpoint_url, config=config)
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=max_concurrency,
            use_threads=True,
            preferred_transfer_client="classic",
        )
        # Parts held in memory are what a put costs: boto3 queues up to 10 by
        # default; allow one per uploader (the reader then waits with one more).
        self._transfer.max_in_memory_upload_chunks = max_concurrency
        # From a file, parts are read where they lie: more of them can travel at
        # once for no memory (boto3's default concurrency).
        self._file_transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=max(max_concurrency, 10),
            use_threads=True,
            preferred_transfer_client="classic",
        )

    @staticmethod
    def _s3_config(addressing_style: str | None, checksums: str) -> dict[str, Any] | None:
        """botocore's ``s3`` settings: the addressing style, and whether bodies are signed."""
        config: dict[str, Any] = {}
        if addressing_style:
            config["addressing_style"] = addressing_style
        if checksums == "crc32":
            # The CRC32 header guards the body, as over HTTPS: no SHA-256 of it to sign.
            config["payload_signing_enabled"] = False
        return config or None

    def __repr__(self) -> str:
        where = f", endpoint_url={self.endpoint_url!r}" if self.endpoint_url else ""
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r}{where})"

    @property
    def location(self) -> str:
        where = self.endpoint_url or "AWS"
        return f"s3://{self.bucket}/{self.prefix} ({where})"

    def _key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def _translator(self, key: str) -> Translate:
        return lambda exc: translate(exc, key)

    # -- bucket ------------------------------------------------------------

    def ensure_bucket(self) -> bool:
        """Create the bucket if it is missing; True when it was created."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
            return False
        except BOUNDARY_ERRORS as exc:
            if not (isinstance(exc, ClientError) and status_code(exc) == 404):
                raise _boundary(exc) from exc
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        region = self._client.meta.region_name
        if region and region not in ("us-east-1", "aws-global"):
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self._client.create_bucket(**kwargs)
        except BOUNDARY_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) == "BucketAlreadyOwnedByYou":
                return False
            raise _boundary(exc) from exc
        self._expire_abandoned_uploads()
        return True

    def _expire_abandoned_uploads(self) -> None:
        # A process killed mid-upload cannot abort its multipart upload, and
        # its parts are billed until removed; a lifecycle rule sweeps them.
        rule = {
            "ID": "brandhub-abort-incomplete-uploads",
            "Status": "Enabled",
            "Filter": {"Prefix": self.prefix},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
        }
        try:
            self._client.put_bucket_lifecycle_configuration(
                Bucket=self.bucket, LifecycleConfiguration={"Rules": [rule]}
            )
        except BOUNDARY_ERRORS:
            # Not every S3-compatible store has lifecycle rules; the bucket works without.
            log.warning("could not set the incomplete-upload rule on bucket %s", self.bucket)

    # -- writing -----------------------------------------------------------

    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> int:
        full = self._key(key)
        source = SourceReader(stream)
        extra = {"ContentType": content_type} if content_type else None
        try:
            self._client.upload_fileobj(
                source, self.bucket, full, ExtraArgs=extra, Config=self._transfer
            )
        except BaseException as exc:
            if source.error is exc:
                if isinstance(exc, BrandHubError) or not isinstance(exc, Exception):
                    raise
                raise StorageError(
                    "The upload could not be read to the end; nothing was stored.", key=key
                ) from exc
            error = translate(exc, key)
            if error is None:
                raise
            raise error from exc
        return source.count

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> int:
        # boto3 reads each part from the file itself: no part is copied into memory
        # (``put`` holds up to ``max_concurrency`` parts of a stream), measured
        # 1 MiB instead of 47 MiB more for a 1 GiB file, at the same speed.
        full = self._key(key)
        extra = {"ContentType": content_type} if content_type else None
        try:
            size = path.stat().st_size
            self._client.upload_file(
                str(path), self.bucket, full, ExtraArgs=extra, Config=self._file_transfer
            )
        except BaseException as exc:
            error = translate(exc, key)
            if error is None and isinstance(exc, OSError) and not isinstance(exc, BrandHubError):
                error = StorageError(
                    "The upload could not be read to the end; nothing was stored.", key=key
                )
            if error is None:
                raise
            raise error from exc
        return size

    def copy(self, source: str, key: str, *, content_type: str | None = None) -> int:
        """A copy made by the store itself (CopyObject, or parts copied for a large object):
        no byte passes through this process."""
        src, full = self._key(source), self._key(key)
        extra: dict[str, Any] = {"ContentType": content_type} if content_type else {}
        if extra:
            extra["MetadataDirective"] = "REPLACE"
        try:
            self._client.copy(
                {"Bucket": self.bucket, "Key": src},
                self.bucket,
                full,
                ExtraArgs=extra or None,
                Config=self._file_transfer,
            )
        except BaseException as exc:
            error = translate(exc, key)
            if error is None:
                raise
            raise error from exc
        return self.size(key)

    # -- multipart uploads kept open across requests (resumable uploads) ---

    def start_parts(self, key: str, *, content_type: str | None = None) -> str:
        """Begin a multipart upload of ``key``; its upload id.

        With checksums on, the upload declares CRC32 (as boto3's own multipart
        uploads do): each part's CRC32 is sent with it and named again when the
        parts are joined, so the server checks them instead of computing a
        checksum of the whole object at the join (CRC64NVME, for an upload that
        declares none: on moto, seconds per gigabyte in the last request).
        """
        extra: dict[str, str] = {"ContentType": content_type} if content_type else {}
        if self._checksums == "crc32":
            extra["ChecksumAlgorithm"] = "CRC32"
        try:
            answer = self._client.create_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), **extra
            )
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc
        return str(answer["UploadId"])

    def put_part(self, key: str, upload_id: str, number: int, body: BinaryIO, size: int) -> str:
        """Upload part ``number`` (1…10000) of ``size`` bytes read from ``body``; its receipt.

        The receipt is what ``finish_parts`` needs of the part, as one string to
        keep: its ETag, followed by ``" crc32="`` and its CRC32 when the server
        answered one (an ETag is a quoted token, never holding a space).
        """
        try:
            answer = self._client.upload_part(
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=upload_id,
                PartNumber=number,
                Body=body,
                ContentLength=size,
            )
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc
        receipt = str(answer["ETag"])
        if answer.get("ChecksumCRC32"):
            receipt += _CRC32_MARK + str(answer["ChecksumCRC32"])
        return receipt

    def finish_parts(self, key: str, upload_id: str, etags: list[str]) -> None:
        """Join the parts (numbered from 1, in order, by their receipts) into ``key``.

        Their CRC32s are named when every part has one (an upload begun before
        checksums were declared joins without them, as it began).
        """
        parts: list[dict[str, Any]] = []
        for number, receipt in enumerate(etags, 1):
            etag, _mark, crc32 = receipt.partition(_CRC32_MARK)
            parts.append({"PartNumber": number, "ETag": etag, "ChecksumCRC32": crc32})
        if not all(part["ChecksumCRC32"] for part in parts):
            for part in parts:
                del part["ChecksumCRC32"]
        try:
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc

    def abort_parts(self, key: str, upload_id: str) -> None:
        """Abort the multipart upload and free its parts; an unknown one is not an error."""
        try:
            self._client.abort_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), UploadId=upload_id
            )
        except BOUNDARY_ERRORS as exc:
            error = _boundary(exc, key)
            if isinstance(error, ObjectNotFound):
                return
            raise error from exc

    def delete(self, key: str) -> None:
        full = self._key(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=full)
        except BOUNDARY_ERRORS as exc:
            error = _boundary(exc, key)
            if type(error) is ObjectNotFound:  # already gone: what delete wants
                return
            raise error from exc

    # -- reading -----------------------------------------------------------

    def open(self, key: str) -> BinaryIO:
        full = self._key(key)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=full)
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc
        return reader(response["Body"], translate=self._translator(key), name=key)

    def open_range(self, key: str, start: int, end: int) -> BinaryIO:
        full = self._key(key)
        check_range(start, end)
        try:
            response = self._client.get_object(
                Bucket=self.bucket, Key=full, Range=f"bytes={start}-{end}"
            )
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc
        body = response["Body"]
        if response.get("ContentRange"):
            return reader(body, translate=self._translator(key), name=key)
        # Some stores answer a range with the whole object (an empty one, say):
        # cut the range out of it here.
        try:
            last = clamp_range(start, end, int(response.get("ContentLength", 0)))
        except BaseException:
            body.close()
            raise
        stream = reader(body, translate=self._translator(key), name=key)
        skipped = 0
        while skipped < start:
            chunk = stream.read(min(start - skipped, MIB))
            if not chunk:
                break
            skipped += len(chunk)
        return reader(stream, limit=last - start + 1, name=key)

    def _head(self, key: str) -> dict[str, Any]:
        full = self._key(key)
        try:
            return cast(dict[str, Any], self._client.head_object(Bucket=self.bucket, Key=full))
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except ObjectNotFound:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def modified(self, key: str) -> datetime:
        return _utc(self._head(key)["LastModified"])

    def remove_partial(self, older_than: datetime, *, dry_run: bool = False) -> list[StoredObject]:
        """Multipart uploads started before ``older_than`` and never completed: aborted.

        Those of resumable uploads (``STAGING_PREFIXES``) are kept open across
        requests on purpose; they end with their upload (``assets.resumable.S3Staging``).
        """
        removed = []
        paginator = self._client.get_paginator("list_multipart_uploads")
        cut = len(self.prefix)
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for upload in page.get("Uploads", ()):
                    when = _utc(upload["Initiated"])
                    if when >= older_than or upload["Key"][cut:].startswith(STAGING_PREFIXES):
                        continue
                    if not dry_run:
                        self._client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                    removed.append(StoredObject(upload["Key"][cut:], 0, when))
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc) from exc
        return removed

    def iter_part_uploads(self, prefix: str) -> Iterator[tuple[str, str, datetime]]:
        """The multipart uploads open under ``prefix``: key, upload id, when started."""
        paginator = self._client.get_paginator("list_multipart_uploads")
        cut = len(self.prefix)
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for upload in page.get("Uploads", ()):
                    yield upload["Key"][cut:], upload["UploadId"], _utc(upload["Initiated"])
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc) from exc

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        return (item.key for item in self.iter_objects(prefix))

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        paginator = self._client.get_paginator("list_objects_v2")
        cut = len(self.prefix)
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    key = item["Key"][cut:]
                    # Folder markers ("x/") and foreign names are not our objects.
                    try:
                        validate_key(key)
                    except StorageError:
                        continue
                    yield StoredObject(key, int(item["Size"]), _utc(item["LastModified"]))
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc) from exc

    def presigned_url(
        self,
        key: str,
        *,
        expires: int = 300,
        filename: str | None = None,
        content_type: str | None = None,
        content_disposition: str | None = None,
    ) -> str | None:
        full = self._key(key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise InvalidInput("A download link must last between one second and seven days.")
        params: dict[str, str] = {"Bucket": self.bucket, "Key": full}
        if content_disposition is None and filename:
            content_disposition = (
                filename if _is_disposition(filename) else attachment_disposition(filename)
            )
        if content_disposition:
            params["ResponseContentDisposition"] = content_disposition
        if content_type:
            params["ResponseContentType"] = content_type
        try:
            url: str = self._client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires
            )
        except BOUNDARY_ERRORS as exc:
            raise _boundary(exc, key) from exc
        return url
