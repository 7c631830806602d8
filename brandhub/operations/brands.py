"""Brands in the database: loading versions, publishing their logos, finding an agency's brand.

Every load of a brand whose resolved content changed (a new fingerprint) adds a
``BrandVersion``; loading the same content again changes nothing. Reports keep
the version they were checked against. Rebuilt ``Brand`` objects are cached by
fingerprint: a version never changes once stored.

The official logo files live in the object store beside the assets, under keys
derived from their content, so every web host (and every version that shares a
logo) finds the same bytes and nothing is written twice:

- a logo given as a file: ``brands/logos/<sha256 of the file>.<ext>`` (an SVG
  also gets a PNG drawn from it, for previews and for people who need one);
- a drawn example logo: ``brands/drawn/<digest of drawing and palette>.png|svg``.

They are written when a version is stored (``store_brand``) and read by the
guideline pages and, for brands with logo files, by the checks (through
``official_logo_paths``, a per-process cache of local copies).
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import io
import mimetypes
import os
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assets.errors import N_, BrandHubError, InvalidInput
from assets.renditions import render
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.storage import Storage
from guidelines import (
    SHIPPED_BRANDS,
    Brand,
    BrandError,
    load_brand_dict,
    load_brand_text,
    load_brands_dir,
)
from guidelines.brand import Logo, canonical_json
from guidelines.examples import draw_png, draw_svg

from ..models import Agency, BrandVersion, User

LOGO_HEIGHT = 512  # drawn example logos, in pixels (their SVG has the same geometry)
_BRANDS: dict[str, Brand] = {}


class WrongBrand(InvalidInput):
    """The file is for another brand."""

    code = "wrong_brand"


def brand_of(version: BrandVersion) -> Brand:
    brand = _BRANDS.get(version.fingerprint)
    if brand is None:
        brand = _BRANDS[version.fingerprint] = load_brand_dict(version.content)
    return brand


# ---------------------------------------------------------------- versions


def store_brand(
    db: Session,
    storage: Storage,
    brand: Brand,
    *,
    source: str | None = None,
    user: User | None = None,
    settings: IngestSettings | None = None,
) -> tuple[BrandVersion, bool]:
    """The latest version if its content is ``brand``'s, else a new version; (version, new?).

    A new version's logo files are written to the store first: a version row
    never points at logos that are not there (unused logo bytes are harmless).
    """
    latest = latest_version(db, brand.slug)
    if latest is not None and latest.fingerprint == brand.fingerprint:
        return latest, False
    publish_logos(storage, brand, settings or IngestSettings())
    version = BrandVersion(
        slug=brand.slug,
        name=brand.name,
        version=brand.version,
        fingerprint=brand.fingerprint,
        content=brand.to_dict(),
        source=source,
        loaded_by_id=user.id if user is not None else None,
    )
    db.add(version)
    db.flush()
    _BRANDS.setdefault(brand.fingerprint, brand)
    return version, True


def load_brands(
    db: Session,
    storage: Storage,
    directory: Path = SHIPPED_BRANDS,
    user: User | None = None,
    settings: IngestSettings | None = None,
    *,
    only_missing: bool = False,
) -> list[tuple[str, bool]]:
    """Load every brand file of ``directory``; [(slug, new version?)]. BrandError if invalid.

    All files are validated before anything is stored: one bad file loads none.
    ``only_missing`` loads only brands the database does not have yet: ``brandhub
    init`` seeds the shipped brands that way, so running it again never replaces a
    version a brand manager published on the web with the file it started from.
    """
    results = []
    existing = set(latest_brands(db)) if only_missing else set()
    for slug, brand in sorted(load_brands_dir(directory).items()):
        if slug in existing:
            results.append((slug, False))
            continue
        source = brand.source.read_text("utf-8") if brand.source is not None else None
        _version, created = store_brand(
            db, storage, brand, source=source, user=user, settings=settings
        )
        results.append((slug, created))
    db.commit()
    return results


def load_edited_brand(
    db: Session,
    storage: Storage,
    text: str,
    user: User,
    *,
    slug: str | None = None,
    settings: IngestSettings | None = None,
) -> tuple[BrandVersion, bool]:
    """A brand file edited by a brand manager; parents come from the stored brands.

    With ``slug``, the file must be that brand's (``WrongBrand`` otherwise). The
    brands based on this one are resolved again against the new content and get
    a new version too; if one of them no longer validates, nothing is published.
    """
    latest = latest_brands(db)
    parents = {s: brand for s, (_v, brand) in latest.items()}
    brand = load_brand_text(text, source=f"{slug or 'brand'}.toml", parents=parents)
    if slug is not None and brand.slug != slug:
        raise WrongBrand(N_("This file is for another brand."), slug=brand.slug)
    brand = _with_published_logo_files(brand, latest.get(brand.slug, (None, None))[1])
    version, created = store_brand(db, storage, brand, source=text, user=user, settings=settings)
    if created:
        parents[brand.slug] = brand
        for child_slug in _descendants(latest, brand.slug):
            child_version, old_child = latest[child_slug]
            if child_version.source is None:
                continue
            try:
                child = load_brand_text(
                    child_version.source, source=f"{child_slug}.toml", parents=parents
                )
                child = _with_published_logo_files(child, old_child)
            except BrandError as exc:
                db.rollback()
                raise BrandError(
                    f"{exc.message} (brand {child_slug!r} is based on this one)", **exc.details
                ) from exc
            store_brand(
                db, storage, child, source=child_version.source, user=user, settings=settings
            )
            parents[child_slug] = child
    db.commit()
    return version, created


def _descendants(latest: dict[str, tuple[BrandVersion, Brand]], slug: str) -> list[str]:
    """Brands based on ``slug``, directly or not, parents before children."""
    order: list[str] = []
    frontier = [slug]
    while frontier:
        parent = frontier.pop(0)
        for child_slug, (_v, child) in latest.items():
            if child.parent == parent and child_slug not in order and child_slug != slug:
                order.append(child_slug)
                frontier.append(child_slug)
    return order


def _with_published_logo_files(brand: Brand, previous: Brand | None) -> Brand:
    """Logo files named in an edited text keep the content already published under that name.

    Text edited on a page cannot bring image files: a ``file`` logo must be one a
    previous version of the brand (loaded from its folder) already published.
    """
    known = {logo.file: logo.sha256 for logo in (previous.logos if previous else ()) if logo.file}
    logos = []
    for logo in brand.logos:
        if logo.file is not None and logo.sha256 is None:
            digest = known.get(logo.file)
            if digest is None:
                hint = "logo files are loaded with `brandhub brands load FOLDER`"
                raise BrandError(
                    f"logo {logo.name!r}: the file {logo.file!r} has not been published; {hint}.",
                    logo=logo.name,
                )
            logo = dataclasses.replace(logo, sha256=digest)
        logos.append(logo)
    return dataclasses.replace(brand, logos=tuple(logos))


def latest_version(db: Session, slug: str) -> BrandVersion | None:
    return db.scalar(
        select(BrandVersion).where(BrandVersion.slug == slug).order_by(BrandVersion.id.desc())
    )


def latest_brands(db: Session) -> dict[str, tuple[BrandVersion, Brand]]:
    newest = select(func.max(BrandVersion.id)).group_by(BrandVersion.slug).scalar_subquery()
    rows = db.scalars(select(BrandVersion).where(BrandVersion.id.in_(newest))).all()
    return {v.slug: (v, brand_of(v)) for v in sorted(rows, key=lambda v: v.name)}


def history(db: Session, slug: str) -> list[BrandVersion]:
    return list(
        db.scalars(
            select(BrandVersion).where(BrandVersion.slug == slug).order_by(BrandVersion.id.desc())
        )
    )


def brand_version(db: Session, slug: str, version_id: int) -> BrandVersion | None:
    version = db.get(BrandVersion, version_id)
    return version if version is not None and version.slug == slug else None


def brand_for_agency(db: Session, agency: Agency | None) -> tuple[BrandVersion, Brand] | None:
    if agency is None or not agency.brand_slug:
        return None
    version = latest_version(db, agency.brand_slug)
    return (version, brand_of(version)) if version is not None else None


# ---------------------------------------------------------------- logo files

_MIME = {"png": "image/png", "svg": "image/svg+xml", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def _ext(file: str) -> str:
    return Path(file).suffix.lstrip(".").lower() or "bin"


def mime_for(ext: str) -> str:
    return _MIME.get(ext) or mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream"


def _drawn_digest(brand: Brand, logo: Logo) -> str:
    colors = sorted((c.name, c.hex) for c in brand.palette)
    spec = {"drawing": dict(logo.drawing or {}), "colors": colors, "height": LOGO_HEIGHT}
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def logo_keys(brand: Brand) -> dict[str, dict[str, str]]:
    """Where each official logo version is stored: {name: {ext: key}}, PNG first."""
    keys: dict[str, dict[str, str]] = {}
    for logo in brand.logos:
        if logo.drawing is not None:
            digest = _drawn_digest(brand, logo)
            keys[logo.name] = {ext: f"brands/drawn/{digest}.{ext}" for ext in ("png", "svg")}
        elif logo.file and logo.sha256:
            ext = _ext(logo.file)
            own = f"brands/logos/{logo.sha256}.{ext}"
            keys[logo.name] = {"png": f"brands/logos/{logo.sha256}.png", ext: own}
    return keys


def publish_logos(storage: Storage, brand: Brand, settings: IngestSettings) -> None:
    """Write the brand's logo files to the store (those already there are left alone)."""
    keys = logo_keys(brand)
    for logo in brand.logos:
        wanted = keys.get(logo.name, {})
        missing = {ext: key for ext, key in wanted.items() if not storage.exists(key)}
        if not missing:
            continue
        if logo.drawing is not None:
            colors = {c.name: c.hex for c in brand.palette}
            if "png" in missing:
                buffer = io.BytesIO()
                draw_png(logo.drawing, colors, LOGO_HEIGHT).save(buffer, "PNG")
                buffer.seek(0)
                storage.put(missing["png"], buffer, content_type="image/png")
            if "svg" in missing:
                svg = draw_svg(logo.drawing, colors, LOGO_HEIGHT).encode("utf-8")
                storage.put(missing["svg"], io.BytesIO(svg), content_type="image/svg+xml")
            continue
        if logo.path is None:
            # A logo file published by an earlier version; only derived files can be missing.
            if any(key.endswith(f".{_ext(logo.file or '')}") for key in missing.values()):
                raise BrandError(f"logo {logo.name!r}: its file is not in the store.")
            continue
        own_ext = _ext(logo.file or "")
        if own_ext in missing:
            storage.put_file(missing[own_ext], logo.path, content_type=mime_for(own_ext))
        if "png" in missing and own_ext != "png":
            png = _png_of(logo.path, settings)
            if png is not None:
                storage.put(missing["png"], io.BytesIO(png), content_type="image/png")


def _png_of(path: Path, settings: IngestSettings) -> bytes | None:
    """A PNG of a logo file given in another format (an SVG, sanitised by the renderer)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    try:
        return render(path, sniff(head, path.name), "max-1024|format-png", settings).data
    except BrandHubError:
        return None


def logo_file(storage: Storage, brand: Brand, name: str, ext: str) -> str | None:
    """The stored key of one logo version in one format, or None."""
    key = logo_keys(brand).get(name, {}).get(ext)
    return key if key is not None and storage.exists(key) else None


def logo_formats(storage: Storage, brand: Brand, name: str) -> list[str]:
    """The formats a logo version can be downloaded in: those stored, that the logo rules allow.

    When the brand's logo rules name accepted formats (a ``format`` rule), a
    download in any other format would be refused by the brand itself.
    """
    allowed: set[str] | None = None
    for rule in brand.rules.get("logo", ()):
        if rule.check == "format":
            names = {str(a).lower() for a in rule.params.get("allowed", [])}
            allowed = names | ({"jpg"} if "jpeg" in names else set())
    stored = [e for e, key in logo_keys(brand).get(name, {}).items() if storage.exists(key)]
    return [e for e in stored if allowed is None or e in allowed]


_cache_lock = threading.Lock()
_cache_dir: Path | None = None


def _local_cache() -> Path:
    """A private folder of this process for local copies of stored logo files."""
    global _cache_dir
    with _cache_lock:
        if _cache_dir is None:
            _cache_dir = Path(tempfile.mkdtemp(prefix="brandhub-logos-"))
            atexit.register(shutil.rmtree, _cache_dir, True)
        return _cache_dir


def official_logo_paths(storage: Storage, brand: Brand) -> dict[str, Path] | None:
    """Local files of the official logos, for brands with logo files (None: the engine draws).

    The engine compares pieces with the images of the official versions; drawn
    examples it draws itself, but files only exist in the store. Local copies
    are kept for the life of the process: keys name content, which never changes.
    """
    if not any(logo.file for logo in brand.logos):
        return None
    paths: dict[str, Path] = {}
    for name, keys in logo_keys(brand).items():
        logo = brand.logo(name)
        key = keys["png"] if logo.drawing is not None else keys[_ext(logo.file or "")]
        local = _local_cache() / key.replace("/", "_")
        if not local.is_file():
            if not storage.exists(key):
                continue
            partial = local.with_name(f"{local.name}.{os.getpid()}.{threading.get_ident()}")
            with storage.open(key) as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(partial, local)
        paths[name] = local
    return paths
