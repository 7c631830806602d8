"""The brand's typefaces as font files in the library, for the guideline page to offer.

A font asset (TTF, OTF, WOFF2) belongs to a typeface of the brand when the
family its file names (``metadata["font"]["family"]``), letters and digits
only and in lower case, is the typeface's name. Only the files the person
may see are offered (the library's visibility rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from ..models import Asset
from .access import Viewer, visible_assets

MAX_FILES = 200


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def brand_font_files(db: Session, user: Viewer, names: Iterable[str]) -> dict[str, list[Asset]]:
    """For each typeface name, the visible font files of that family (by style)."""
    wanted = {_key(name): name for name in names if _key(name)}
    found: dict[str, list[Asset]] = {name: [] for name in wanted.values()}
    if not wanted:
        return found
    query = visible_assets(user).where(Asset.kind == "font").order_by(Asset.id).limit(MAX_FILES)
    for asset in db.scalars(query):
        font = (asset.metadata_json or {}).get("font") or {}
        family = wanted.get(_key(str(font.get("family") or "")))
        if family is not None:
            found[family].append(asset)
    for files in found.values():
        files.sort(key=lambda a: str(((a.metadata_json or {}).get("font") or {}).get("style", "")))
    return found
