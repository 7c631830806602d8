"""Assets as JSON for the API."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..models import Asset
from ..operations.capture import capture_json


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def asset_json(asset: Asset) -> dict[str, Any]:
    from ..jobs.views import processing
    from .workflow import workflow_json

    return {
        "id": asset.id,
        "kind": asset.kind,
        "title": asset.title,
        "description": asset.description,
        "tags": asset.tag_names,
        "credit": asset.credit,
        "creator": asset.creator,
        "copyright": asset.copyright,
        "caption": asset.caption,
        "agency": asset.agency.slug if asset.agency else None,
        "status": asset.status,
        "compliance": asset.compliance,
        **workflow_json(asset),  # licence, restrictions, embargo, expiry, version
        "category": asset.category,
        "public": asset.public,
        "filename": asset.original_filename,
        "mime": asset.mime,
        "size": asset.size,
        "sha256": asset.sha256,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
        "orientation": asset.orientation,
        **capture_json(asset),  # captured_at, captured_local, offset, zone and its source
        "metadata": asset.metadata_json or {},
        "created_at": iso(asset.created_at),
        "updated_at": iso(asset.updated_at),
        # Large files: the background job making their renditions, until it succeeds.
        "processing": processing(asset),
        "links": {
            "self": url_for("api.get_asset", asset_id=asset.id),
            "file": url_for("api.asset_file", asset_id=asset.id),
            "renditions": {
                r.name: url_for("api.asset_rendition", asset_id=asset.id, name=r.name)
                for r in asset.renditions
            },
            "page": url_for("web.asset_page", asset_id=asset.id),
        },
    }
