"""The OpenAPI description of brand compliance: the check desk (``POST /compliance/check``)
and the brands one may check against.

What uploads add (the category an asset is checked as, its result) is in the
Asset schema (``assets``).
"""

from __future__ import annotations

from typing import Any

from guidelines import CATEGORIES

from .shapes import BINARY, TEXT, VISIBLE, answer, array_of, errors, multipart, nullable, obj, ref

CATEGORY = {"type": "string", "enum": list(CATEGORIES)}
PUBLIC: list[dict[str, list[str]]] = [{}, {"bearer": []}]  # no token for brands with public checks

schemas: dict[str, Any] = {
    "CheckResult": obj(
        {
            "rule": {"type": "string", "description": "the rule's id in the brand file"},
            "title": TEXT,
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
            "check": {"type": "string", "description": "the check the rule runs"},
            "code": {
                **nullable(TEXT),
                "description": "names the engine's own sentence (ok, not_applicable, no_mark …)",
            },
            "values": {
                "type": "object",
                "additionalProperties": TEXT,
                "description": "the values that fill the rule's message",
            },
            "title_en": {**TEXT, "description": "the brand's English title, when it gives one"},
            "message_en": {
                **TEXT,
                "description": "the brand's English message template, when it gives one",
            },
        },
        optional=("check", "code", "values", "title_en", "message_en"),
    ),
    "ComplianceReport": obj(
        {
            "brand": {"type": "string", "description": "the brand's slug"},
            "brand_name": TEXT,
            "version": {"type": "string", "description": "the brand version checked against"},
            "fingerprint": {"type": "string", "description": "SHA-256 of that version's content"},
            "category": CATEGORY,
            "status": {
                "type": "string",
                "enum": ["pass", "warn", "fail"],
                "description": "fail: an error rule is broken; warn: warnings",
            },
            "checks": array_of(ref("CheckResult")),
        },
        optional=("brand_name",),
    ),
    "BrandSummary": obj(
        {
            "slug": TEXT,
            "name": TEXT,
            "version": TEXT,
            "fingerprint": TEXT,
            "parent": nullable(TEXT),
            "public_checks": {"type": "boolean"},
        }
    ),
}

REFUSED = {
    "description": "An error; for a file that is no media (415) or that is empty or damaged "
    "(422), ``error.report`` is a ComplianceReport whose first check explains it",
    "content": {"application/json": {"schema": ref("Error")}},
}

paths: dict[str, Any] = {
    "/compliance/check": {
        "post": {
            "summary": "Check a piece against a brand without storing it",
            "description": "Public for brands with public checks (anonymous checks are limited "
            "per address: 429 with Retry-After); other brands need a token.",
            "security": PUBLIC,
            "requestBody": {
                "required": True,
                "content": multipart(
                    {
                        "file": BINARY,
                        "brand": {
                            "type": "string",
                            "pattern": VISIBLE,
                            "description": "a brand's slug (GET /brands)",
                        },
                        "category": CATEGORY,
                    },
                    ["file", "brand", "category"],
                ),
            },
            "responses": {
                "200": answer(ref("ComplianceReport")),
                **errors(400, 404),
                "415": REFUSED,
                "422": REFUSED,
            },
        }
    },
    "/brands": {
        "get": {
            "summary": "Brands one may check against (all of them with a token)",
            "security": PUBLIC,
            "responses": {"200": answer(obj({"brands": array_of(ref("BrandSummary"))}))},
        }
    },
    "/brands/{slug}": {
        "get": {
            "summary": "A brand's resolved content: palette, typography, logos, rules",
            "security": PUBLIC,
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": TEXT}],
            "responses": {
                "200": answer(
                    {"allOf": [ref("BrandSummary"), obj({"content": {"type": "object"}})]}
                ),
            },
        }
    },
}
