"""The database models; the database is the source of truth."""

from .assets import KINDS, STATUSES, Asset, Rendition, Tag, asset_tags
from .base import Base, utcnow
from .brands import BrandVersion, ComplianceReport
from .jobs import Job
from .ratelimits import RateLimitCounter
from .search import IndexChange
from .sets import Collection, Event, collection_assets
from .users import GLOBAL_ROLES, ROLES, UPLOAD_ROLES, Agency, ApiToken, User
from .workflow import AssetVersion, DownloadEvent, ShareLink, ShareLinkUse, StatusChange

__all__ = [
    "GLOBAL_ROLES",
    "KINDS",
    "ROLES",
    "STATUSES",
    "UPLOAD_ROLES",
    "Agency",
    "ApiToken",
    "Asset",
    "AssetVersion",
    "Base",
    "BrandVersion",
    "Collection",
    "ComplianceReport",
    "DownloadEvent",
    "Event",
    "IndexChange",
    "Job",
    "RateLimitCounter",
    "Rendition",
    "ShareLink",
    "ShareLinkUse",
    "StatusChange",
    "Tag",
    "User",
    "asset_tags",
    "collection_assets",
    "utcnow",
]
