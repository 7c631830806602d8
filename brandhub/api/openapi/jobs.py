"""The OpenAPI description of background jobs: ``GET /jobs/{job_id}``."""

from __future__ import annotations

from typing import Any

from .shapes import answer, errors, id_param, ref

MAYBE_WHEN = {"type": ["string", "null"], "format": "date-time"}

schemas: dict[str, Any] = {
    "Job": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["media", "import", "reindex", "text"]},
            "state": {"enum": ["queued", "running", "done", "failed"]},
            "attempts": {"type": "integer"},
            "max_attempts": {"type": "integer"},
            "error": {"type": ["string", "null"], "description": "why the last attempt failed"},
            "progress": {
                "type": ["object", "null"],
                "description": "done and total, while it runs",
            },
            "result": {
                "type": ["object", "null"],
                "description": "an import's counts and rejections (each with the brand rules it"
                " failed: rule, title, message; and retryable: whether importing the file again"
                " may succeed, false for a brand refusal or a bad file)",
            },
            "asset_id": {"type": ["integer", "null"]},
            "subject_id": {"type": ["integer", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "started_at": MAYBE_WHEN,
            "finished_at": MAYBE_WHEN,
            "retry_at": MAYBE_WHEN,
            "links": {"type": "object"},
        },
    },
}
paths: dict[str, Any] = {
    "/jobs/{job_id}": {
        "get": {
            "summary": "The state of a background job (a video being processed, an import)",
            "parameters": [id_param("job_id")],
            "responses": {"200": answer(ref("Job")), **errors(401, 404)},
        }
    },
}
