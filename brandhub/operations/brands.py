"""Brands in the database: loading versions, finding an agency's brand.

Every load of a brand whose resolved content changed (a new fingerprint) adds a
``BrandVersion``; loading the same content again changes nothing. Reports keep
the version they were checked against. Rebuilt ``Brand`` objects are cached by
fingerprint: a version never changes once stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guidelines import SHIPPED_BRANDS, Brand, load_brand_text, load_brands_dir

from ..models import Agency, BrandVersion

_BRANDS: dict[str, Brand] = {}


def brand_of(version: BrandVersion) -> Brand:
    brand = _BRANDS.get(version.fingerprint)
    if brand is None:
        brand = _BRANDS[version.fingerprint] = Brand.from_dict(version.content)
    return brand


def store_brand(db: Session, brand: Brand, user: Any = None) -> tuple[BrandVersion, bool]:
    """The latest version if its content is ``brand``'s, else a new version; (version, new?)."""
    latest = latest_version(db, brand.slug)
    if latest is not None and latest.fingerprint == brand.fingerprint:
        return latest, False
    version = BrandVersion(
        slug=brand.slug,
        name=brand.name,
        version=brand.version,
        fingerprint=brand.fingerprint,
        content=brand.to_dict(),
        loaded_by_id=getattr(user, "id", None),
    )
    db.add(version)
    db.flush()
    return version, True


def load_brands(
    db: Session, directory: Path = SHIPPED_BRANDS, user: Any = None
) -> list[tuple[str, bool]]:
    """Load every brand file of ``directory``; [(slug, new version?)]. BrandError if invalid."""
    results = []
    for slug, brand in sorted(load_brands_dir(directory).items()):
        _version, created = store_brand(db, brand, user)
        results.append((slug, created))
    db.commit()
    return results


def load_edited_brand(db: Session, text: str, user: Any) -> tuple[BrandVersion, bool]:
    """A brand file edited by a brand manager; parents come from the stored brands."""
    parents = {slug: brand for slug, (_v, brand) in latest_brands(db).items()}
    brand = load_brand_text(text, source="brand.toml", parents=parents)
    version, created = store_brand(db, brand, user)
    db.commit()
    return version, created


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


def brand_for_agency(db: Session, agency: Agency | None) -> tuple[BrandVersion, Brand] | None:
    if agency is None or not agency.brand_slug:
        return None
    version = latest_version(db, agency.brand_slug)
    return (version, brand_of(version)) if version is not None else None
