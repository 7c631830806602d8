"""Wiring of the domain services (storage, ingest settings) into the app.

Views reach them through ``storage()`` and ``ingest_settings()`` so that no view
builds a backend itself.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import IO, Any

from flask import Flask, Request, current_app

from assets.errors import BrandHubError
from assets.ingest import SpooledUpload, spool_error
from assets.resumable import S3Staging, StagingArea, UploadLimits
from assets.settings import IngestSettings
from assets.storage import S3Storage, Storage, create_storage

from . import config as cfg


class UploadRequest(Request):
    """Requests whose uploaded files are spooled and hashed in one pass (``SpooledUpload``).

    Small bodies keep Werkzeug's in-memory default; larger file parts are
    written straight into a file that ``prepare`` takes over without a copy.
    """

    def _get_file_stream(  # type: ignore[override]  # a SpooledUpload is no typing.IO
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes] | SpooledUpload:
        stream: IO[bytes] | SpooledUpload
        if total_content_length is not None and total_content_length <= 500 * 1024:
            stream = super()._get_file_stream(
                total_content_length, content_type, filename, content_length
            )
        else:
            stream = SpooledUpload(tmp_dir=ingest_settings().tmp_dir)
        self.__dict__.setdefault("_parsed_file_streams", []).append(stream)
        return stream

    def _load_form_data(self) -> None:
        # Werkzeug drops the files of a form it stops parsing (too many parts, a field
        # too long) without closing them: close them here, so none is left on disk.
        try:
            super()._load_form_data()
        except BaseException as exc:
            for stream in self.__dict__.pop("_parsed_file_streams", ()):
                stream.close()
            if isinstance(exc, OSError) and not isinstance(exc, BrandHubError):
                raise spool_error(exc) from exc  # the temporary folder is full, say
            raise

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The JSON body, where nesting deeper than the parser can follow and lone
        surrogate escapes (``"\\ud800"``, which no database stores) are invalid JSON."""
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
            if value is not None:
                json.dumps(value, ensure_ascii=False).encode("utf-8")
        except (RecursionError, UnicodeEncodeError) as exc:
            if silent:
                return None
            return self.on_json_loading_failed(ValueError(str(exc)))
        return value


def init_app(app: Flask) -> None:
    app.extensions["brandhub.storage"] = create_storage(cfg.storage_settings(app.config))
    app.extensions["brandhub.ingest"] = cfg.ingest_settings(app.config)
    app.extensions["brandhub.ingest.anonymous"] = cfg.ingest_settings(app.config, anonymous=True)
    store = app.extensions["brandhub.storage"]
    # On S3 the bytes of a resumable upload go on into multipart parts as they arrive,
    # and nothing of them is kept on this host.
    app.extensions["brandhub.staging"] = (
        S3Staging(
            store,
            part_size=store.multipart_chunksize,
            in_flight=int(app.config["RESUMABLE_PARTS_IN_FLIGHT"]),
        )
        if isinstance(store, S3Storage)
        else StagingArea(app.config["UPLOAD_STAGING_PATH"])
    )
    app.request_class = UploadRequest


def storage() -> Storage:
    return current_app.extensions["brandhub.storage"]


def ingest_settings(*, anonymous: bool = False) -> IngestSettings:
    """Limits and sizes; ``anonymous`` gives the smaller work budget of anonymous requests."""
    return current_app.extensions["brandhub.ingest.anonymous" if anonymous else "brandhub.ingest"]


def upload_staging() -> StagingArea:
    """Where the bytes of unfinished resumable uploads wait."""
    return current_app.extensions["brandhub.staging"]


def upload_limits() -> UploadLimits:
    """The size, lifetime and count limits of resumable uploads."""
    config = current_app.config
    return UploadLimits(
        max_bytes=int(config["MAX_UPLOAD_MB"]) * 1024 * 1024,
        lifetime=timedelta(hours=float(config["RESUMABLE_UPLOAD_HOURS"])),
        max_unfinished=int(config["MAX_UNFINISHED_UPLOADS"]),
    )
