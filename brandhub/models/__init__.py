"""The database models; the database is the source of truth."""

from .archive import Collection, Event, collection_assets
from .assets import KINDS, STATUSES, Asset, Rendition, Tag, asset_tags
from .base import Base, utcnow
from .brands import BrandVersion, ComplianceReport
from .jobs import Job
from .search import IndexChange
from .users import GLOBAL_ROLES, ROLES, UPLOAD_ROLES, Agency, ApiToken, User

__all__ = [
    "GLOBAL_ROLES",
    "KINDS",
    "ROLES",
    "STATUSES",
    "UPLOAD_ROLES",
    "Agency",
    "ApiToken",
    "Asset",
    "Base",
    "BrandVersion",
    "Collection",
    "ComplianceReport",
    "Event",
    "IndexChange",
    "Job",
    "Rendition",
    "Tag",
    "User",
    "asset_tags",
    "collection_assets",
    "utcnow",
]
