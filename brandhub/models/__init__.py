"""The database models; the database is the source of truth."""

from .assets import KINDS, STATUSES, Asset, Rendition, Tag, asset_tags
from .base import Base, utcnow
from .brands import BrandVersion, ComplianceReport
from .downloads import DownloadEvent
from .history import AssetVersion, StatusChange
from .jobs import Job
from .ratelimits import RateLimitCounter
from .search import IndexChange
from .sets import Collection, Event, collection_assets
from .sharing import ShareLink, ShareLinkUse
from .texts import AssetText
from .uploads import ResumableUpload
from .users import (
    ACCESS_PURPOSES,
    GLOBAL_ROLES,
    ROLES,
    UPLOAD_ROLES,
    AccessLink,
    Agency,
    ApiToken,
    User,
)

__all__ = [
    "ACCESS_PURPOSES",
    "GLOBAL_ROLES",
    "KINDS",
    "ROLES",
    "STATUSES",
    "UPLOAD_ROLES",
    "AccessLink",
    "Agency",
    "ApiToken",
    "Asset",
    "AssetText",
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
    "ResumableUpload",
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
