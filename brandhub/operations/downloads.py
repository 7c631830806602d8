"""Downloads in the size and format a channel needs, one by one or as a ZIP.

Derived files
-------------
A derived file is made once per (asset bytes, spec with the asset's focal
point, credits) and kept under ``derived/<sha256>/<hash>.<ext>``: the next
request for the same preset is a plain read from the store. Changing the
focal point or the credit gives a new key, so a stale file is never served.
Free sizes (``made_now``) are made for their response and never kept: a
width anyone may type is not a file to keep. Rendering runs within the
settings' work budget (``assets.budget``): a file that needs more is
refused, not rendered.
Every derived JPEG, PNG, WebP and TIFF carries the asset's creator, credit,
copyright, title and caption (EXIF, XMP, IPTC; see ``assets.embed``), the
resolution of the preset (``dpi-300`` for print) or else the source's, and an
sRGB ICC profile. The original (no preset, or ``original``) is never derived:
it is the stored file itself. Concurrent first
requests in one process wait for each other; across processes both may
render, and the store's atomic put makes the last identical write win.

ZIP archives
------------
:func:`zip_stream` streams the files from the store into a ZIP without
compression (photos are compressed already), so memory stays flat whatever
the number of files. When every file is stored already (originals, or
derived files made before) the archive's length is known before the first
byte; otherwise each derived file is made as the ZIP reaches it, so the
download starts at once rather than after a whole coverage is rendered.
The preset applies to photos and other raster images; logos (SVG),
documents (a press release in PDF), video and audio go in as their
originals, as does a photo that cannot be rendered. These functions take
plain values, so the press kit and share links can use them as the pages do.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from zipstream import ZIP_STORED, ZipStream

from assets.budget import run_within
from assets.embed import WRITER_VERSION, Embedding, source_dpi, write_metadata
from assets.errors import InvalidInput, ObjectNotFound, UnsupportedMediaType
from assets.ingest import OFFICE_PDF
from assets.renditions import parse_spec, render
from assets.renditions.color import srgb_profile
from assets.renditions.spec import FORMATS, Fill, RenditionSpec
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.sniff.office import OFFICE_MIMES
from assets.storage import Storage

from ..models import Asset

log = logging.getLogger(__name__)

RESIZABLE = {"image", "vector", "document"}
#: Kinds a ZIP's preset applies to; a logo or a PDF keeps its own format in a ZIP.
ZIP_RESIZED = {"image"}
CHUNK = 256 * 1024
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class Derived:
    key: str
    size: int
    mime: str
    ext: str


@dataclass(frozen=True)
class ZipEntry:
    """One file of a ZIP: where its bytes are, how many, and its name inside the ZIP."""

    key: str
    size: int
    name: str


@dataclass(frozen=True)
class _Snapshot:
    """What a ZIP made while streaming reads of an asset, taken before the response
    starts (the request's database session is gone by the time the ZIP reaches it)."""

    id: int
    kind: str
    title: str
    sha256: str
    storage_key: str
    size: int
    ext: str
    original_filename: str | None
    creator: str | None
    credit: str | None
    copyright: str | None
    caption: str | None
    focal_x: float | None
    focal_y: float | None

    @classmethod
    def of(cls, asset: Asset) -> _Snapshot:
        return cls(**{name: getattr(asset, name) for name in cls.__dataclass_fields__})


#: What a derived file is made from: an asset, or a snapshot of one.
Source = Asset | _Snapshot


def slug(text: str, fallback: str = "archivo") -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-zA-Z0-9]+", "-", plain).strip("-").lower()[:60].strip("-") or fallback


def download_name(asset: Asset, label: str, ext: str) -> str:
    return f"{slug(asset.title)}-{label}.{ext}"


def with_focal_point(spec: RenditionSpec, asset: Source) -> RenditionSpec:
    """``spec`` with a ``fill`` crop centred on the asset's focal point."""
    if not isinstance(spec.resize, Fill):
        return spec
    fx = min(max(round(asset.focal_x if asset.focal_x is not None else 0.5, 4), 0.0), 1.0)
    fy = min(max(round(asset.focal_y if asset.focal_y is not None else 0.5, 4), 0.0), 1.0)
    return replace(spec, resize=replace(spec.resize, focal_x=fx, focal_y=fy))


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        if len(_locks) > 1000:
            _locks.clear()  # only ever a courtesy to concurrent requests
        return _locks.setdefault(key, threading.Lock())


def _credits(asset: Source) -> tuple[str, str, str, str, str]:
    """What a derived file says of its asset: creator, credit, rights, title, caption."""
    return (
        asset.creator or "",
        asset.credit or "",
        asset.copyright or "",
        asset.title or "",
        asset.caption or "",
    )


def may_be_transparent(asset: Asset) -> bool:
    """Whether the asset can have see-through areas (a vector logo, a PNG with alpha)."""
    if asset.kind == "vector":
        return True
    image = (asset.metadata_json or {}).get("image") if asset.kind == "image" else None
    return bool(isinstance(image, dict) and image.get("has_alpha"))


def flattens_transparency(asset: Asset, spec_text: str) -> bool:
    """Whether ``spec_text`` turns the asset's transparent areas white (JPEG, no bgcolor)."""
    spec = parse_spec(spec_text)
    return spec.format == "jpeg" and spec.bgcolor is None and may_be_transparent(asset)


def _derived_key(
    asset: Source, spec_text: str
) -> tuple[RenditionSpec, tuple[str, str, str, str, str], str, str, str]:
    """Where the derived file for ``spec_text`` is kept: spec, credits, key, mime, ext."""
    spec = with_focal_point(parse_spec(spec_text), asset)
    credits = _credits(asset)
    parts = (spec.canonical, WRITER_VERSION, *credits)
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]
    _pillow, mime, ext = FORMATS[spec.format or "webp"]
    return spec, credits, f"derived/{asset.sha256}/{digest}.{ext}", mime, ext


def _resizable(asset: Source) -> None:
    if asset.kind not in RESIZABLE:
        raise UnsupportedMediaType(
            "Sizes and formats apply to images, vector graphics and documents; "
            "download the original instead."
        )


def is_stored(storage: Storage, asset: Asset, spec_text: str) -> bool:
    """Whether the derived file for ``spec_text`` is stored already (no rendering needed)."""
    _resizable(asset)
    return storage.exists(_derived_key(asset, spec_text)[2])


def derived(storage: Storage, settings: IngestSettings, asset: Source, spec_text: str) -> Derived:
    """The stored derived file for ``spec_text`` (made now if missing)."""
    _resizable(asset)
    spec, credits, key, mime, ext = _derived_key(asset, spec_text)
    with _lock(key):
        if storage.exists(key):
            return Derived(key, storage.size(key), mime, ext)
        made = _make(storage, settings, asset, spec, credits)
        size = storage.put(key, io.BytesIO(made.data), content_type=made.mime)
    return Derived(key, size, made.mime, made.ext)


def made_now(storage: Storage, settings: IngestSettings, asset: Asset, spec_text: str) -> Made:
    """The file for ``spec_text`` made for this response only: nothing is stored.

    Free sizes take this path: any width a visitor types would otherwise be a
    new file kept for as long as the asset exists.
    """
    _resizable(asset)
    spec, credits, _key, _mime, _ext = _derived_key(asset, spec_text)
    return _make(storage, settings, asset, spec, credits)


@dataclass(frozen=True)
class Made:
    data: bytes
    mime: str
    ext: str


def _drawn_from(asset: Source) -> tuple[str, str | None]:
    """The stored file a preset is drawn from, and its name: the original, except for an
    office document, whose PDF made by LibreOffice at upload is drawn instead of running
    LibreOffice again for every size."""
    if isinstance(asset, Asset) and asset.mime in OFFICE_MIMES:
        pdf = next((r for r in asset.renditions if r.name == OFFICE_PDF), None)
        if pdf is not None and pdf.mime == "application/pdf":
            return pdf.storage_key, "document.pdf"
    return asset.storage_key, asset.original_filename


def _make(
    storage: Storage,
    settings: IngestSettings,
    asset: Source,
    spec: RenditionSpec,
    credits: tuple[str, str, str, str, str],
) -> Made:
    """Render ``spec`` within the settings' work budget and write the asset's metadata."""
    key, filename = _drawn_from(asset)
    with storage.get_local_path(key) as path:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        sniffed = sniff(head, filename)
        rendered = run_within(settings.budget, render, path, sniffed, spec, settings)
        dpi = (float(spec.dpi), float(spec.dpi)) if spec.dpi else source_dpi(path)
    creator, credit, rights, title, caption = credits
    embedding = Embedding(
        creator=creator,
        credit=credit,
        rights=rights,
        title=title,
        caption=caption,
        dpi=dpi or (72.0, 72.0),
        icc=srgb_profile().tobytes(),
    )
    pixels = (rendered.width, rendered.height)
    data = write_metadata(rendered.data, rendered.mime, embedding, pixels)
    return Made(data, rendered.mime, rendered.ext)


class _Unique:
    """File names inside one ZIP: safe ASCII, and ``-2``, ``-3``… for repeats."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, stem: str, ext: str) -> str:
        ext = slug(ext, "bin")[:10]
        name, n = f"{stem}.{ext}", 1
        while name.lower() in self.taken:
            n += 1
            name = f"{stem}-{n}.{ext}"
        self.taken.add(name.lower())
        return name


def _zip_file(
    storage: Storage, settings: IngestSettings, asset: Source, spec: str | None
) -> tuple[str, int, str]:
    """(key, size, ext) of ``asset`` in the ZIP: in ``spec`` (made now if missing) or original."""
    if spec is not None and asset.kind in ZIP_RESIZED:
        try:
            made = derived(storage, settings, asset, spec)
            return made.key, made.size, made.ext
        except InvalidInput as exc:
            log.info("ZIP: original of asset %s instead (%s)", asset.id, exc.message)
    return asset.storage_key, asset.size, asset.ext


class _StoredBytes:
    """The bytes of one stored object, opened only when the ZIP reaches them."""

    def __init__(self, storage: Storage, key: str) -> None:
        self.storage, self.key = storage, key

    def __iter__(self) -> Iterator[bytes]:
        stream: BinaryIO = self.storage.open(self.key)
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk


def _stored_entry(storage: Storage, asset: Asset, spec: str | None) -> tuple[str, int, str] | None:
    """(key, size, ext) of what the ZIP holds for ``asset`` if no rendering is needed."""
    if spec is None or asset.kind not in ZIP_RESIZED:
        return asset.storage_key, asset.size, asset.ext
    try:
        _spec, _credits, key, _mime, ext = _derived_key(asset, spec)
    except InvalidInput:
        return None  # _zip_file decides (the original, with a note in the log)
    try:
        return key, storage.size(key), ext  # one request to the store, not two
    except ObjectNotFound:
        return None


def zip_stream(
    storage: Storage, settings: IngestSettings, assets: Iterable[Asset], spec: str | None
) -> tuple[Iterator[bytes], int | None]:
    """The bytes of the ZIP of ``assets`` in ``spec``, and its length when known at once.

    When every file is stored already (originals, or derived files made
    before), the archive is sized: its length goes out as Content-Length and
    browsers show progress. Otherwise each derived file is made when the ZIP
    reaches it, so the first bytes leave at once instead of after every photo
    of a coverage has been rendered; the length is then unknown.
    """
    if spec is not None:
        parse_spec(spec)  # a bad spec fails before anything is rendered or sent
    assets = list(assets)
    stored = [_stored_entry(storage, asset, spec) for asset in assets]
    complete = [entry for entry in stored if entry is not None]
    if len(complete) == len(assets):
        unique = _Unique()
        entries = [
            ZipEntry(key, size, unique(slug(asset.title), ext))
            for asset, (key, size, ext) in zip(assets, complete, strict=True)
        ]
        archive = build_zip(storage, entries)
        return iter(archive), len(archive)
    return _zip_as_made(storage, settings, assets, spec), None


def _zip_as_made(
    storage: Storage, settings: IngestSettings, assets: list[Asset], spec: str | None
) -> Iterator[bytes]:
    snapshots = [_Snapshot.of(asset) for asset in assets]
    return _made_while_streaming(storage, settings, snapshots, spec)


def _made_while_streaming(
    storage: Storage, settings: IngestSettings, assets: list[_Snapshot], spec: str | None
) -> Iterator[bytes]:
    archive = ZipStream(compress_type=ZIP_STORED, sized=False)
    unique = _Unique()
    for asset in assets:
        key, size, ext = _zip_file(storage, settings, asset, spec)
        archive.add(_StoredBytes(storage, key), unique(slug(asset.title), ext), size=size)
        yield from archive.file()
    yield from archive.footer()


def build_zip(storage: Storage, entries: Iterable[ZipEntry]) -> ZipStream:
    """A sized, uncompressed ZIP stream of ``entries`` (``len()`` is its byte length)."""
    archive = ZipStream(compress_type=ZIP_STORED, sized=True)
    for entry in entries:
        archive.add(_StoredBytes(storage, entry.key), entry.name, size=entry.size)
    return archive
