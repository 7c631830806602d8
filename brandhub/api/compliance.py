"""The public check desk as an API: check a piece against a brand without storing it."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from ..db import get_session
from ..errors import ApiError
from ..operations.brands import latest_brands
from ..operations.compliance import check_stream
from ..ratelimit import RateLimiter
from ..services import ingest_settings
from . import PUBLIC_ENDPOINTS, bp


def check_desk_limiter() -> RateLimiter:
    """Anonymous checks per client address (per process; see brandhub.ratelimit)."""
    ext = current_app.extensions
    if "brandhub.check_limits" not in ext:
        ext["brandhub.check_limits"] = RateLimiter(
            limit=current_app.config.get("CHECK_DESK_LIMIT", 20), window=600
        )
    return ext["brandhub.check_limits"]


@bp.get("/brands")
def list_brands():  # type: ignore[no-untyped-def]
    """Brands one may check against: the public ones, or all when signed in."""
    rows = []
    for slug, (version, brand) in latest_brands(get_session()).items():
        if brand.public_checks or g.api_user is not None:
            rows.append(
                {
                    "slug": slug,
                    "name": brand.name,
                    "version": version.version,
                    "public_checks": brand.public_checks,
                }
            )
    return jsonify({"brands": rows})


@bp.post("/compliance/check")
def compliance_check():  # type: ignore[no-untyped-def]
    upload = request.files.get("file")
    slug = (request.form.get("brand") or "").strip()
    category = (request.form.get("category") or "").strip()
    if upload is None or not slug or not category:
        raise ApiError(
            400, "bad_request", _("Send 'file', 'brand' and 'category' as multipart fields.")
        )
    found = latest_brands(get_session()).get(slug)
    if found is None:
        raise ApiError(404, "not_found", _("There is no brand %(slug)s", slug=slug[:80]))
    version, brand = found
    if g.api_user is None:
        if not brand.public_checks:
            raise ApiError(401, "unauthorized", _("This brand's checks need an account."))
        limiter = check_desk_limiter()
        if not limiter.hit(request.remote_addr):
            wait = limiter.retry_after(request.remote_addr)
            raise ApiError(
                429, "rate_limited", _("Too many checks: wait a few minutes."), retry_after=wait
            )
    report, _image = check_stream(
        upload.stream, upload.filename, brand, category, ingest_settings()
    )
    return jsonify(report.to_dict())


PUBLIC_ENDPOINTS.update({"api.compliance_check", "api.list_brands"})
