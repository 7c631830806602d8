"""The public check desk as an API: check a piece against a brand without storing it.

Brands with ``public_checks`` can be used without a token (other agencies check
their pieces before publishing them); anonymous checks are rate-limited per
client address, as on the check desk page (they share one rule): counted before the
body is read, so a visitor over the limit gets 429 without uploading a byte more.
"""

from __future__ import annotations

from typing import BinaryIO, cast

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from guidelines import Brand

from ..db import get_session
from ..models import BrandVersion
from ..operations.brands import latest_brands
from ..operations.compliance import check_stream
from ..ratelimit import (
    before_body,
    count_anonymous_check,
    limited_message,
    too_many,
)
from ..services import ingest_settings, storage
from .blueprint import bp
from .errors import ApiError


@before_body("api.compliance_check")
def _count_before_the_body() -> ResponseReturnValue | None:
    # With a token there is no anonymous limit (a bad token gets its 401 unread too).
    if request.method != "POST" or request.headers.get("Authorization"):
        return None
    wait = count_anonymous_check()
    return None if wait is None else too_many(wait, limited_message(wait))


def _summary(version: BrandVersion, brand: Brand) -> dict[str, object]:
    return {
        "slug": brand.slug,
        "name": brand.name,
        "version": version.version,
        "fingerprint": version.fingerprint,
        "parent": brand.parent,
        "public_checks": brand.public_checks,
    }


def _brand_for_request(slug: str) -> tuple[BrandVersion, Brand]:
    found = latest_brands(get_session()).get(slug)
    if found is None:
        raise ApiError(404, "not_found", _("There is no brand %(slug)s", slug=slug[:80]))
    if g.api_user is None and not found[1].public_checks:
        raise ApiError(401, "unauthorized", _("This brand's checks need an account."))
    return found


@bp.get("/brands")
def list_brands() -> ResponseReturnValue:
    """Brands one may check against: the public ones, or all with a token."""
    rows = [
        _summary(version, brand)
        for version, brand in latest_brands(get_session()).values()
        if brand.public_checks or g.api_user is not None
    ]
    return jsonify({"brands": rows})


@bp.get("/brands/<slug>")
def get_brand(slug: str) -> ResponseReturnValue:
    """One brand's resolved content (palette, typography, logos, rules) as checked now."""
    version, brand = _brand_for_request(slug)
    return jsonify({**_summary(version, brand), "content": version.content})


@bp.post("/compliance/check")
def compliance_check() -> ResponseReturnValue:
    upload = request.files.get("file")
    slug = (request.form.get("brand") or "").strip()
    category = (request.form.get("category") or "").strip()
    if upload is None or not slug or not category:
        raise ApiError(
            400, "bad_request", _("Send 'file', 'brand' and 'category' as multipart fields.")
        )
    _version, brand = _brand_for_request(slug)
    report, _image = check_stream(
        storage(),
        cast(BinaryIO, upload.stream),
        upload.filename,
        brand,
        category,
        ingest_settings(anonymous=g.api_user is None),
    )
    return jsonify({**report.to_dict(), "brand_name": brand.name})
