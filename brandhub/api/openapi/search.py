"""The OpenAPI description of ``GET /search``: full-text search with facets."""

from __future__ import annotations

from typing import Any

from search_index import FACETS, SORTS

from .shapes import ASSET, PER_PAGE, TEXT, answer, array_of, errors, nullable, page_of

RESULTS = page_of(ASSET)

paths: dict[str, Any] = {
    "/search": {
        "get": {
            "summary": "Search in Spanish with facets",
            "parameters": [
                {"name": "q", "in": "query", "schema": TEXT},
                {"name": "sort", "in": "query", "schema": {"enum": list(SORTS)}},
                *(
                    {
                        "name": name,
                        "in": "query",
                        "schema": array_of({"type": "string"}),
                        "style": "form",
                        "explode": True,
                    }
                    for name in FACETS
                ),
                {
                    "name": "page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 10_000},
                },
                PER_PAGE,
            ],
            "responses": {
                "200": answer(
                    {
                        **RESULTS,
                        "required": [*RESULTS["required"], "facets", "suggestion"],
                        "properties": {
                            **RESULTS["properties"],
                            "facets": {"type": "object"},
                            "suggestion": nullable(TEXT),
                        },
                    }
                ),
                **errors(400, 503),
            },
        }
    },
}
