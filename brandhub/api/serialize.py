"""The JSON several API operations answer with: assets, their rights, near duplicates, a 201.

A list of assets is written with :func:`assets_json`, which reads the
unfinished media jobs of the whole page in one query; :func:`asset_json` is
the same for one asset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, jsonify, url_for

from ..db import get_session
from ..models import Asset, Job
from ..operations.capture import capture_json
from ..operations.jobs import error_message, media_jobs
from ..operations.rights import rights_state
from ..operations.similar import Similar
from ..services import ingest_settings


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def rights_json(asset: Asset) -> dict[str, Any]:
    """The rights and version members of an asset's JSON."""
    return {
        "licence": asset.licence or None,
        "restrictions": asset.restrictions,
        "embargo_until": iso(asset.embargo_until),
        "expires_at": iso(asset.expires_at),
        "rights_state": rights_state(asset),
        "version": asset.version,
    }


def processing_json(job: Job | None) -> dict[str, Any] | None:
    """The ``processing`` member of an asset's JSON: state, reason, job link."""
    if job is None:
        return None
    return {
        "state": job.state,
        "error": error_message(job),
        "job": url_for("api.get_job", job_id=job.id),
    }


def assets_json(assets: Sequence[Asset]) -> list[dict[str, Any]]:
    """Assets as JSON, their unfinished media jobs read in one query."""
    jobs = media_jobs(get_session(), assets, ingest_settings().background_bytes)
    return [_asset_json(asset, jobs.get(asset.id)) for asset in assets]


def asset_json(asset: Asset) -> dict[str, Any]:
    return assets_json([asset])[0]


def _asset_json(asset: Asset, job: Job | None) -> dict[str, Any]:
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
        **rights_json(asset),  # licence, restrictions, embargo, expiry, version
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
        "processing": processing_json(job),
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


def similar_json(similar: list[Similar]) -> list[dict[str, Any]]:
    """Near duplicates: enough to show and fetch each one."""
    return [s.as_json(url_for("api.get_asset", asset_id=s.asset.id)) for s in similar]


def created(body: dict[str, Any], location: str | None = None) -> Response:
    """A 201 answer with ``body``, and where the new thing is when it has its own URL."""
    response = jsonify(body)
    response.status_code = 201
    if location is not None:
        response.headers["Location"] = location
    return response
