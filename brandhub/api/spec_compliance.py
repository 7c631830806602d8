"""The OpenAPI description of brand compliance, added to ``openapi.SPEC``: the check desk
(``POST /compliance/check``), the brands one may check against, and what uploads add."""

from __future__ import annotations

from typing import Any

from guidelines import CATEGORIES

from . import spec_archive  # noqa: F401  (the event upload is completed below)
from .openapi import SPEC, VISIBLE, _err, _json, nullable, obj

CATEGORY = {"type": "string", "enum": list(CATEGORIES)}
STATUS = {"type": "string", "enum": ["pass", "warn", "fail"]}
PUBLIC = [{}, {"bearer": []}]  # no token for brands with public checks

SCHEMAS: dict[str, Any] = {
    "CheckResult": {
        "type": "object",
        "required": ["rule", "title", "severity", "status", "message", "details"],
        "properties": {
            "rule": {"type": "string", "description": "the rule's id in the brand file"},
            "title": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning"]},
            "status": {"type": "string", "enum": ["pass", "warn", "fail", "skip"]},
            "message": {
                "type": "string",
                "description": "what was found and what to do, in the brand's own words (Spanish)",
            },
            "details": {
                "type": "object",
                "description": "measured and allowed values; their shape depends on the check",
            },
        },
    },
    "ComplianceReport": {
        "type": "object",
        "required": ["brand", "version", "fingerprint", "category", "status", "checks"],
        "properties": {
            "brand": {"type": "string", "description": "the brand's slug"},
            "brand_name": {"type": "string"},
            "version": {"type": "string", "description": "the brand version checked against"},
            "fingerprint": {"type": "string", "description": "SHA-256 of that version's content"},
            "category": CATEGORY,
            "status": {**STATUS, "description": "fail: an error rule is broken; warn: warnings"},
            "checks": {"type": "array", "items": {"$ref": "#/components/schemas/CheckResult"}},
        },
    },
    "BrandSummary": obj(
        {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "version": {"type": "string"},
            "fingerprint": {"type": "string"},
            "parent": nullable({"type": "string"}),
            "public_checks": {"type": "boolean"},
        }
    ),
}

REFUSED = {
    "description": "An error; for a file that is no media (415) or that is empty or damaged "
    "(422), ``error.report`` is a ComplianceReport whose first check explains it",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

PATHS: dict[str, Any] = {
    "/compliance/check": {
        "post": {
            "summary": "Check a piece against a brand without storing it",
            "description": "Public for brands with public checks (anonymous checks are limited "
            "per address: 429 with Retry-After); other brands need a token.",
            "security": PUBLIC,
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file", "brand", "category"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "brand": {
                                    "type": "string",
                                    "pattern": VISIBLE,
                                    "description": "a brand's slug (GET /brands)",
                                },
                                "category": CATEGORY,
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json({"$ref": "#/components/schemas/ComplianceReport"}),
                **_err(400, 404),
                "415": REFUSED,
                "422": REFUSED,
            },
        }
    },
    "/brands": {
        "get": {
            "summary": "Brands one may check against (all of them with a token)",
            "security": PUBLIC,
            "responses": {
                "200": _json(
                    obj(
                        {
                            "brands": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/BrandSummary"},
                            }
                        }
                    )
                )
            },
        }
    },
    "/brands/{slug}": {
        "get": {
            "summary": "A brand's resolved content: palette, typography, logos, rules",
            "security": PUBLIC,
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/BrandSummary"},
                            obj({"content": {"type": "object"}}),
                        ]
                    }
                ),
            },
        }
    },
}

SPEC["components"]["schemas"].update(SCHEMAS)
SPEC["paths"].update(PATHS)
# Uploads are checked against the agency's brand: the category they are checked as, and the
# result kept with the asset; a refused upload's error (422 compliance_failed) has the report.
SPEC["components"]["schemas"]["Asset"]["properties"].update(
    {
        "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None]},
        "compliance": {"enum": ["pass", "warn", "fail", "unchecked"]},
    }
)
_upload = SPEC["paths"]["/assets"]["post"]
_into_event = SPEC["paths"]["/events/{event_id}/assets"]["post"]
_upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["category"] = {
    "enum": ["", *CATEGORIES],
    "description": "what the piece is, for the brand rules (default: judged from the file)",
}
# Changing it later checks the piece again as the new category ("" or null, which empties
# every other field here: judged from the file again).
SPEC["components"]["schemas"]["AssetFields"]["properties"]["category"] = {
    "type": ["string", "null"],
    "enum": [*CATEGORIES, "", None],
}
_into_event["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"].update(
    {
        name: _upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"][name]
        for name in ("category", "agency", "description")
    }
)
