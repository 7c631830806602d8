"""Streaming stored objects to the client: ranges, ETags, safe headers, ZIPs.

Originals are streamed from the store in chunks (never read whole), answer
``Range`` requests with 206 so video can seek, and carry the security headers
that keep user-supplied bytes inert in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, current_app, g, redirect, request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.http import parse_range_header

from assets.errors import AssetNotFound
from assets.storage import Storage
from core.errors import InvalidInput, NotFound, TooManyRequests

from .models import Asset
from .models.base import utcnow
from .operations.downloads import (
    derived,
    download_name,
    flattens_transparency,
    is_stored,
    made_now,
    slug,
    zip_stream,
)
from .operations.rights import is_publishable
from .operations.selection import MAX_SELECTION
from .operations.versions import get_version
from .presets import FREE_LABEL, preset_spec, spec_from_args
from .ratelimit import count_request, wait_text
from .security import FILE_CSP
from .services import ingest_settings, storage
from .tracking import note_downloads

CHUNK = 256 * 1024
# Types a browser may show inline; anything else (SVG, HTML-ish) downloads.
INLINE_SAFE = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/ogg",
    "audio/mpeg",
    "audio/wav",
    "audio/x-wav",
    "audio/ogg",
    "audio/mp4",
    "application/pdf",
}


def _iter(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def content_disposition(filename: str, attachment: bool) -> str:
    kind = "attachment" if attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    ascii_name = "".join(ch for ch in ascii_name if 32 <= ord(ch) < 127) or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_stored(
    storage: Storage,
    key: str,
    *,
    size: int,
    mime: str,
    etag: str,
    filename: str,
    attachment: bool = False,
    cache_seconds: int = 0,
    private: bool = True,
    allow_redirect: bool = False,
) -> Response:
    if mime not in INLINE_SAFE:
        attachment = True
    if allow_redirect and current_app.config.get("S3_PRESIGNED_DOWNLOADS"):
        url = storage.presigned_url(
            key,
            expires=300,
            content_disposition=content_disposition(filename, attachment),
            content_type=mime,
        )
        if url:
            return redirect(url, 302)  # type: ignore[return-value]  # werkzeug's, sent as is

    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(filename, attachment),
        "Content-Security-Policy": FILE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": (
            f"{'private' if private else 'public'}, max-age={cache_seconds}"
            + (", immutable" if cache_seconds >= 86400 else "")
            if cache_seconds
            else "private, no-cache"
        ),
    }
    quoted_etag = f'"{etag}"'
    headers["ETag"] = quoted_etag

    if request.if_none_match and quoted_etag.strip('"') in request.if_none_match:
        return Response(status=304, headers=headers)

    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (not if_range or if_range.strip() == quoted_etag):
        rng = parse_range_header(range_header)
        bounds = rng.range_for_length(size) if rng is not None else None
        if bounds is None:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status=416, headers=headers)
        start, stop = bounds  # stop is exclusive
        body = storage.open_range(key, start, stop - 1)
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
        headers["Content-Length"] = str(stop - start)
        return Response(
            _iter(body), status=206, mimetype=mime, headers=headers, direct_passthrough=True
        )

    body = storage.open(key)
    headers["Content-Length"] = str(size)
    return Response(
        _iter(body), status=200, mimetype=mime, headers=headers, direct_passthrough=True
    )


def send_original(storage: Storage, asset: Asset, *, attachment: bool = False) -> Response:
    """The asset's original file, as uploaded."""
    return send_stored(
        storage,
        asset.storage_key,
        size=asset.size,
        mime=asset.mime,
        etag=asset.sha256,
        filename=asset.original_filename,
        attachment=attachment,
        allow_redirect=True,
    )


YEAR = 31536000


def shared_cache_seconds(asset: Asset, now: datetime | None = None) -> int:
    """How long shared caches (a proxy, a CDN) may keep the asset's renditions: only a
    public, approved asset under no embargo, and never past its publication's end.
    0 means private: an embargoed, draft or agency-only picture stays in the browser
    of whoever may see it, not in a cache that serves everyone."""
    now = now or utcnow()
    if not (asset.public and is_publishable(asset, now)):
        return 0
    expires = asset.expires_at
    if expires is None:
        return YEAR
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return max(0, min(YEAR, int((expires - now).total_seconds())))


def send_rendition(storage: Storage, asset: Asset, name: str) -> Response:
    """A stored rendition. Page URLs carry ``?v=<hash>`` of the current file: the bytes
    behind such a URL never change, so browsers may keep it for a year, and shared
    caches too while the asset is public (``shared_cache_seconds``). Any other URL
    (no ``v``, an old one) is checked again each time (its ETag answers 304)."""
    found = asset.rendition(name)
    if found is None:
        raise AssetNotFound("The rendition does not exist.", name=name)
    current = request.args.get("v") == asset.sha256[:12]
    shared = shared_cache_seconds(asset) if current else 0
    return send_stored(
        storage,
        found.storage_key,
        size=found.size,
        mime=found.mime,
        etag=f"{asset.sha256[:16]}-{name}",
        filename=f"{asset.id}-{name}.{found.mime.split('/')[-1]}",
        cache_seconds=(shared or YEAR) if current else 0,
        private=not shared,
        allow_redirect=True,
    )


#: ``?preset=original``: the stored file itself, as without any preset or size.
ORIGINAL_PRESET = "original"
#: Response header with a notice for the person downloading (percent-encoded UTF-8).
NOTICE_HEADER = "X-BrandHub-Notice"


def wants_original(args: Mapping[str, str]) -> bool:
    """Whether a download request asks for the original: ``preset=original``, or no
    preset and no ``width``, ``height`` or ``format``."""
    preset = args.get("preset")
    if preset:
        return bool(preset == ORIGINAL_PRESET)
    return not any(args.get(name) for name in ("width", "height", "format"))


def transparency_notice() -> str:
    return gettext(
        "Transparent areas are filled with white in JPEG; "
        "download the original or a PNG to keep them."
    )


def send_download(asset: Asset, args: Mapping[str, str]) -> Response:
    """The original (byte for byte, as ``/file`` sends it, as an attachment) or a
    derived download by preset name (made and stored on first use) or free size
    (made for this response, never stored).

    Anonymous requests (press kit, share links) render within the anonymous work
    budget, and each one that renders counts against the address's render limit.
    """
    if wants_original(args):
        return send_original(storage(), asset, attachment=True)
    anonymous = is_anonymous()
    spec, label = spec_from_args(current_app.config, args, anonymous=anonymous)
    store = storage()
    settings = ingest_settings(anonymous=anonymous)
    free = label == FREE_LABEL
    if anonymous and (free or not is_stored(store, asset, spec)):
        refuse_if_rendering_too_often()
    if free:
        made = made_now(store, settings, asset, spec)
        response = send_bytes(
            made.data, mime=made.mime, filename=download_name(asset, label, made.ext)
        )
    else:
        found = derived(store, settings, asset, spec)
        response = send_stored(
            store,
            found.key,
            size=found.size,
            mime=found.mime,
            etag=found.key.rsplit("/", 1)[-1],
            filename=download_name(asset, label, found.ext),
            attachment=True,
            # The URL stays while the file changes with the focal point or the credit:
            # browsers check the ETag (a 304) instead of keeping it for a day.
            cache_seconds=0,
            private=not asset.public,
            allow_redirect=True,
        )
    if flattens_transparency(asset, spec):
        response.headers[NOTICE_HEADER] = quote(transparency_notice(), safe=" ,.;:()")
    return response


def is_anonymous() -> bool:
    """No one signed in and no API token: the anonymous work budget and render limit apply."""
    return not current_user.is_authenticated and g.get("api_user") is None


def send_bytes(data: bytes, *, mime: str, filename: str) -> Response:
    """A file made for this response only, as an attachment (nothing is stored or cached)."""
    headers = {
        "Content-Disposition": content_disposition(filename, True),
        "Content-Security-Policy": FILE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Length": str(len(data)),
    }
    return Response(data, status=200, mimetype=mime, headers=headers)


class NothingToDownload(NotFound):
    """There is nothing to download here."""

    code = "empty"


class TooManyFiles(InvalidInput):
    """A ZIP holds fewer files than were asked for."""

    code = "too_many"


class RenderingTooOften(TooManyRequests):
    """Too many custom sizes from one address lately."""

    def __init__(self, wait: int) -> None:
        super().__init__(
            gettext(
                "Too many custom sizes from your address: try again in %(wait)s.",
                wait=wait_text(wait),
            ),
            retry_after=wait,
        )


def anonymous_render_wait() -> int | None:
    """Count one anonymous rendering from this address; seconds to wait when over the limit."""
    return count_request("render", int(current_app.config.get("RENDER_LIMIT", 30)))


def refuse_if_rendering_too_often() -> None:
    """A 429 when this address made too many renderings lately (see ``anonymous_render_wait``)."""
    wait = anonymous_render_wait()
    if wait is not None:
        raise RenderingTooOften(wait)


#: Menu entry meaning "the files as they were uploaded".
ORIGINAL = "original"


def zip_spec(name: str | None) -> str | None:
    """The spec of a ZIP's preset; None (or "original") keeps the originals."""
    if not name or name == ORIGINAL:
        return None
    return preset_spec(current_app.config, name)


def send_zip(assets: Sequence[Asset], preset: str | None, title: str) -> Response:
    """``assets`` as one streamed ZIP named after ``title`` and the preset."""
    limit = int(current_app.config.get("ZIP_MAX_FILES") or MAX_SELECTION)
    if not assets:
        raise NothingToDownload()
    if len(assets) > limit:
        raise TooManyFiles(gettext("A ZIP holds at most %(max)s files.", max=limit))
    spec = zip_spec(preset)
    store = storage()
    # Press kit and share-link visitors render within the anonymous work budget, and a
    # ZIP in a preset counts as one rendering against their address's limit.
    anonymous = is_anonymous()
    if anonymous and spec is not None:
        refuse_if_rendering_too_often()
    settings = ingest_settings(anonymous=anonymous)
    chunks, length = zip_stream(store, settings, assets, spec)
    note_downloads(assets, "zip", preset or ORIGINAL)  # logged once the response is made
    name = f"{slug(title, 'descarga')}-{preset or ORIGINAL}.zip"
    headers = {
        "Content-Disposition": content_disposition(name, True),
        "Content-Security-Policy": FILE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if length is not None:
        headers["Content-Length"] = str(length)
    return Response(
        chunks,
        mimetype="application/zip",
        headers=headers,
        direct_passthrough=True,
    )


def send_version(asset: Asset, number: int) -> Response:
    """An earlier (or the current) file of ``asset``, as an attachment, logged."""
    version = get_version(asset, number)
    stem, _dot, ext = version.original_filename.rpartition(".")
    name = f"{stem or version.original_filename}-v{number}.{ext or version.ext}"
    note_downloads([asset], "version", version=number)
    return send_stored(
        storage(),
        version.storage_key,
        size=version.size,
        mime=version.mime,
        etag=version.sha256,
        filename=name,
        attachment=True,
        allow_redirect=True,
    )
