"""Sending an import to another BrandHub instance: a small tus 1.0 client.

``brandhub import --remote URL --token TOKEN`` uploads each file to the
remote instance's ``/api/v1/uploads`` (the same resumable uploads as the web
drop zone): a file up to the threshold in the request that creates its
upload, a larger one in chunks. The upload's URL is written down in the
import's ``ResumeBook`` as soon as it exists, so an import cut in the middle
of a large file (the connection lost, the command stopped) asks the remote
instance where the upload stands (``HEAD``) when run again and sends only
the bytes still missing.
"""

from __future__ import annotations

import base64
import http.client
import json
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from guidelines import ComplianceFailed

from ..operations.importer import Outcome, ResumeBook, failed_rules

TUS = "1.0.0"
#: The bytes one PATCH request carries (read from the file as they are sent).
REMOTE_CHUNK = 32 * 1024 * 1024
_WRITE = 1024 * 1024


class RemoteUnavailable(Exception):
    """The remote instance could not be reached or failed; the import may be run again."""


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


class TusUploader:
    """Uploads files to ``base_url``'s ``/api/v1/uploads`` with ``token``."""

    def __init__(
        self,
        base_url: str,
        token: str,
        book: ResumeBook,
        *,
        threshold: int,
        chunk: int | None = None,
        timeout: float = 120.0,
    ) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("The remote must be an http:// or https:// address.")
        self.base = f"{parts.scheme}://{parts.netloc}{parts.path}"
        self.endpoint = f"{parts.path}/api/v1/uploads"
        self.token, self.book = token, book
        self.threshold, self.timeout = threshold, timeout
        self.chunk = chunk or REMOTE_CHUNK

    def _connection(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.base)
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )
        return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)

    def _request(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: BinaryIO | None = None,
        length: int = 0,
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        conn = self._connection()
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in {
                "Authorization": f"Bearer {self.token}",
                "Tus-Resumable": TUS,
                **headers,
            }.items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Type", "application/offset+octet-stream")
                conn.putheader("Content-Length", str(length))
            conn.endheaders()
            left = length if body is not None else 0
            while body is not None and left:
                data = body.read(min(_WRITE, left))
                if not data:
                    raise RemoteUnavailable(f"{path}: the file got shorter while it was sent")
                conn.send(data)
                left -= len(data)
            response = conn.getresponse()
            return response.status, response, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteUnavailable(f"{self.base}: {exc}") from exc
        finally:
            conn.close()

    def _path(self, location: str) -> str:
        return urlsplit(urljoin(self.base + "/", location)).path

    @staticmethod
    def _outcome(status: int, body: bytes) -> Outcome:
        """What an error answer means for the file: a duplicate, or a refusal."""
        try:
            error = json.loads(body or b"{}").get("error") or {}
        except ValueError:
            error = {}
        message = str(error.get("message") or f"HTTP {status}")
        if error.get("code") == "duplicate":
            existing = error.get("existing_id")
            return Outcome("duplicate", existing if isinstance(existing, int) else None)
        if status >= 500 or status in (408, 409, 423, 429):
            raise RemoteUnavailable(message)  # try again later: resumable
        report = error.get("report")
        rules = failed_rules(ComplianceFailed(report)) if isinstance(report, dict) else ()
        return Outcome("rejected", reason=message, rules=rules)

    @staticmethod
    def _asset(response: http.client.HTTPResponse) -> int | None:
        url = response.getheader("BrandHub-Asset")
        return int(url.rstrip("/").rsplit("/", 1)[1]) if url else None

    def upload(self, path: Path, metadata: dict[str, str]) -> Outcome:
        """Send ``path``; its outcome. ``RemoteUnavailable`` leaves it to resume."""
        key = ResumeBook.key(self.base, path)
        with path.open("rb") as fh:
            size = path.stat().st_size
            try:
                url, offset, asset = self._resume(key)
                if url is None:
                    url, offset, asset = self._create(key, fh, size, metadata)
                while asset is None and offset < size:
                    offset, asset = self._patch(url, fh, offset, min(self.chunk, size - offset))
            except _Refused as refused:
                self.book.drop(key)
                return refused.outcome
        self.book.drop(key)
        if asset is None:
            raise RemoteUnavailable(f"{self.base}: the upload ended without an asset")
        return Outcome("imported", asset)

    def _resume(self, key: str) -> tuple[str | None, int, int | None]:
        entry = self.book.get(key)
        if entry is None:
            return None, 0, None
        url = str(entry.get("url", ""))
        status, response, _body = self._request("HEAD", url, {})
        if status in (404, 410):
            self.book.drop(key)  # expired or gone: start again
            return None, 0, None
        if status != 200:
            raise RemoteUnavailable(f"{self.base}: HEAD answered {status}")
        return url, int(response.getheader("Upload-Offset") or 0), self._asset(response)

    def _create(
        self, key: str, fh: BinaryIO, size: int, metadata: dict[str, str]
    ) -> tuple[str, int, int | None]:
        headers = {
            "Upload-Length": str(size),
            "Upload-Metadata": ",".join(
                f"{name} {base64.b64encode(value.encode()).decode()}"
                for name, value in metadata.items()
            ),
        }
        whole = size <= self.threshold  # a small file goes in the creating request
        status, response, body = self._request(
            "POST", self.endpoint, headers, fh if whole else None, size if whole else 0
        )
        location = response.getheader("Location")
        if status != 201 or not location:
            raise _Refused(self._outcome(status, body))
        url = self._path(location)
        self.book.put(key, {"url": url})
        return url, int(response.getheader("Upload-Offset") or 0), self._asset(response)

    def _patch(self, url: str, fh: BinaryIO, offset: int, count: int) -> tuple[int, int | None]:
        fh.seek(offset)
        status, response, body = self._request(
            "PATCH", url, {"Upload-Offset": str(offset)}, fh, count
        )
        if status != 204:
            raise _Refused(self._outcome(status, body))
        return int(response.getheader("Upload-Offset") or 0), self._asset(response)
