"""Finishing a file after its upload: probe, poster frame, renditions, a video's web proxy.

An upload larger than ``MEDIA_BACKGROUND_MB`` is committed with its original
and a ``media`` job in one transaction, without renditions (and, for video and
audio, without the probe). This job reads the stored original (the file itself
on the local store; a temporary copy from S3), probes it, renders the
thumbnail and preview (the poster frame for video, the waveform for sound),
stores them and updates the row in one commit: if that commit fails, the
renditions it stored are deleted again. A damaged file fails the job with its
reason; the asset stays, with its original, and says so on its page.

A video browsers cannot play (MXF, AVI, MPEG streams, ProRes or DNxHD in
QuickTime: ``assets.proxy``) gets the same job whatever its size; it encodes
an H.264/AAC MP4 within a budget in proportion to the duration and stores it
as the ``proxy`` rendition, which the asset page's player plays.
"""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import Any

from assets.budget import run_within
from assets.errors import BrandHubError, InvalidFile, StorageError
from assets.ingest import rendition_key
from assets.metadata import MediaInfo, extract
from assets.proxy import make_proxy, needs_proxy, proxy_budget
from assets.renditions import render_many, standard_specs
from assets.sniff import ACCEPTED, Sniffed, audio_only
from assets.storage import Storage

from ..models import Asset, Rendition
from ..operations.assets import title_from_filename
from ..operations.capture import apply_capture
from ..operations.compliance import check_after_reading
from .runner import JobContext, runner

log = logging.getLogger(__name__)


def sniffed_of(asset: Asset) -> Sniffed:
    """The sniffed type recorded at upload, from the row's MIME type and extension."""
    for sniffed in ACCEPTED:
        if sniffed.mime == asset.mime and sniffed.ext == asset.ext:
            return sniffed
    raise InvalidFile("This type of file is not accepted.", mime=asset.mime)


def _apply_info(asset: Asset, info: MediaInfo, sniffed: Sniffed, zone: str | None) -> None:
    """What the probe learnt, as ``create_asset`` would have recorded it."""
    asset.kind, asset.mime, asset.ext = sniffed.kind, sniffed.mime, sniffed.ext
    asset.width, asset.height, asset.duration = info.width, info.height, info.duration
    asset.orientation = info.orientation
    asset.metadata_json = info.metadata or {}
    # What the uploader did not type comes from the file, as at upload.
    for name in ("creator", "credit", "copyright", "caption"):
        embedded = getattr(info, name, None) or (info.metadata or {}).get(name)
        if not getattr(asset, name) and isinstance(embedded, str) and embedded.strip():
            setattr(asset, name, embedded.strip() if name == "caption" else embedded.strip()[:300])
    apply_capture(asset, zone)
    # A title made of the file name at upload gives way to the recording's own.
    if info.title and asset.title == title_from_filename(asset.original_filename):
        asset.title = info.title[:300]
    # What the uploader typed wins over what the file says.
    for name in ("creator", "credit", "copyright", "caption"):
        value = (getattr(info, name) or "").strip()
        if value and not getattr(asset, name):
            setattr(asset, name, value if name == "caption" else value[:300])


def _store(storage: Storage, asset: Asset, rendered: dict[str, Any]) -> list[str]:
    written: list[str] = []
    try:
        for name, item in rendered.items():
            key = rendition_key(asset.sha256, name, item.ext)
            if not storage.exists(key):
                storage.put(key, io.BytesIO(item.data), content_type=item.mime)
                written.append(key)
    except BaseException:
        _delete(storage, written)
        raise
    return written


def _delete(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except StorageError:
            log.warning("could not delete rendition %s; gc collects it", key, exc_info=True)


#: The rendition name of a video's web proxy (``assets.proxy``).
PROXY = "proxy"


def _proxy(
    storage: Storage,
    asset: Asset,
    path: Path,
    sniffed: Sniffed,
    settings: Any,
    duration: float | None,
    written: list[str],
) -> Rendition:
    """Encode the web proxy within its budget, store it (its key added to ``written``)."""
    budget = proxy_budget(duration, settings.budget)
    with tempfile.TemporaryDirectory(prefix="brandhub-proxy-", dir=settings.tmp_dir) as tmp:
        out = Path(tmp) / "proxy"
        try:
            made = run_within(budget, make_proxy, path, sniffed, settings, out)
            key = rendition_key(asset.sha256, PROXY, made.ext)
            if not storage.exists(key):
                storage.put_file(key, out, content_type=made.mime)
                written.append(key)
        except BaseException:
            _delete(storage, written)
            raise
    return Rendition(
        name=PROXY,
        storage_key=key,
        mime=made.mime,
        width=made.width,
        height=made.height,
        size=made.size,
    )


@runner("media")
def finish_media(ctx: JobContext) -> None:
    db, app = ctx.db, ctx.app
    asset = db.get(Asset, ctx.job.asset_id) if ctx.job.asset_id else None
    if asset is None:
        return  # deleted before its turn came
    storage: Storage = app.extensions["brandhub.storage"]
    settings = app.extensions["brandhub.ingest"]
    sniffed = sniffed_of(asset)
    specs = standard_specs(settings)
    # A small file's job only makes its proxy: its previews were made at upload.
    have = {r.name for r in asset.renditions}
    redo = not set(specs) <= have
    with storage.get_local_path(asset.storage_key) as path:
        info = None
        if redo and sniffed.kind in ("video", "audio"):
            info = extract(path, sniffed, settings)
            if sniffed.kind == "video" and "video" not in info.metadata:
                sniffed = audio_only(sniffed)
        rendered = {}
        if redo:
            rendered = run_within(settings.budget, render_many, path, sniffed, specs, settings)
        written = _store(storage, asset, rendered)
        made = []
        metadata = info.metadata if info is not None else (asset.metadata_json or {})
        if needs_proxy(sniffed, metadata) and PROXY not in have:
            duration = info.duration if info is not None else asset.duration
            made = [_proxy(storage, asset, path, sniffed, settings, duration, written)]
        if info is not None:
            _apply_info(asset, info, sniffed, settings.time_zone)
        try:
            # A long recording was checked at upload by its type and size only: the
            # rest of its brand's rules read it now that it is here.
            # A check that cannot finish leaves the report as it was (the rules wait);
            # the previews and the probe are kept either way.
            check_after_reading(db, storage, asset, path, settings)
        except BrandHubError as exc:
            log.warning("asset %s: brand check after reading failed: %s", asset.id, exc)
        except Exception:
            log.exception("asset %s: brand check after reading failed", asset.id)
    try:
        keep = [r for r in asset.renditions if r.name not in rendered]
        asset.renditions = (
            keep
            + [
                Rendition(
                    name=name,
                    storage_key=rendition_key(asset.sha256, name, item.ext),
                    mime=item.mime,
                    width=item.width,
                    height=item.height,
                    size=len(item.data),
                )
                for name, item in rendered.items()
            ]
            + made
        )
        db.commit()
    except BaseException:
        db.rollback()
        _delete(storage, written)
        raise
