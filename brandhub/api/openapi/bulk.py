"""The OpenAPI description of ``POST /assets/bulk`` (one set of changes to a selection, all
or nothing) and ``POST /assets/actions`` (one action, each asset done or refused)."""

from __future__ import annotations

from typing import Any

from ...operations.bulk_actions import ACTIONS
from ...operations.rights import LICENCES
from .shapes import (
    ASSET,
    ASSET_IDS,
    COUNT,
    ID,
    TEXT,
    answer,
    array_of,
    errors,
    json_body,
    nullable,
    obj,
    text,
)

# Text with a character that cleaning keeps (control characters are dropped).
KEPT = {"type": "string", "pattern": "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"}
TEXTS = {"credit": 300, "caption": 5000, "copyright": 300, "title_prefix": 100}
SETS = ("event_id", "collection_id")

CHANGES = {
    **ASSET_IDS,
    "additionalProperties": False,
    "properties": {
        **ASSET_IDS["properties"],
        **{name: text(size) for name, size in TEXTS.items()},
        "add_tags": {
            "anyOf": [
                array_of(TEXT),
                {"type": "string", "description": "comma-separated"},
                {"type": "null"},
            ]
        },
        **{name: nullable(ID) for name in SETS},
    },
    # At least one change.
    "anyOf": [
        *({"required": [name], "properties": {name: KEPT}} for name in TEXTS),
        *({"required": [name], "properties": {name: ID}} for name in SETS),
        {
            "required": ["add_tags"],
            "properties": {
                "add_tags": {
                    "anyOf": [
                        {"type": "array", "contains": {"pattern": "[^\\s]"}},
                        {"type": "string", "pattern": "[^\\s,]"},
                    ]
                }
            },
        },
    ],
}

paths: dict[str, Any] = {
    "/assets/bulk": {
        "post": {
            "summary": "Apply one set of changes to every selected asset (all or nothing)",
            "description": "At least one change: a text, a tag, an event or a collection.",
            "requestBody": json_body(CHANGES),
            "responses": {
                "200": answer(obj({"updated": COUNT, "results": array_of(ASSET)})),
                **errors(404, 422),
            },
        }
    },
}

ACTION_NAMES = list(ACTIONS)
LICENCE_IN = {"enum": ["", *LICENCES], "type": "string"}


def _when(action: str, *branches: dict[str, Any]) -> dict[str, Any]:
    """The body of ``action``: it must also match one of ``branches`` (what it needs)."""
    rule: dict[str, Any] = {"properties": {"action": {"const": action}}}
    if branches:
        rule["anyOf"] = list(branches)
    return rule


def _given(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": [name], "properties": {name: schema}}


ACTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action", "asset_ids"],
    "properties": {
        "action": {
            "enum": ACTION_NAMES,
            "description": (
                "review: send drafts for review; approve (a draft goes through review);"
                " publish: approve where allowed and make public (with the rights given);"
                " withdraw: no longer public; rights: licence, credit, restrictions;"
                " edit: credit, copyright, caption, tags, title prefix; event, collection:"
                " add to one; delete: needs confirm"
            ),
        },
        **ASSET_IDS["properties"],
        "licence": nullable(LICENCE_IN),
        "restrictions": text(5000),
        "confirm": {"type": ["boolean", "null"]},
        **{name: text(size) for name, size in TEXTS.items()},
        "add_tags": CHANGES["properties"]["add_tags"],
        **{name: nullable(ID) for name in SETS},
    },
    # What each action needs besides the selection.
    "anyOf": [
        {"properties": {"action": {"enum": ["review", "approve", "publish", "withdraw"]}}},
        _when(
            "rights",
            _given("licence", LICENCE_IN),
            _given("credit", {"type": "string"}),
            _given("restrictions", {"type": "string"}),
        ),
        _when("edit", *CHANGES["anyOf"][: len(TEXTS)], CHANGES["anyOf"][-1]),
        _when("event", _given("event_id", ID)),
        _when("collection", _given("collection_id", ID)),
        _when("delete", _given("confirm", {"const": True})),
    ],
}

RESULT = obj(
    {
        "id": ID,
        "done": {"type": "boolean"},
        "reason": {
            "type": ["string", "null"],
            "description": "why it was refused; on a done one, a note (e.g. an embargo)",
        },
    }
)
OUTCOME = obj(
    {
        "action": {"enum": ACTION_NAMES},
        "done": COUNT,
        "refused": COUNT,
        "results": array_of(RESULT),
    }
)

paths["/assets/actions"] = {
    "post": {
        "summary": "Do one action to each selected asset; each one done or refused with why",
        "description": (
            "Not all or nothing: each asset is checked against the person's permissions"
            " and the brand rules, and answered on its own."
        ),
        "requestBody": json_body(ACTION),
        "responses": {
            "200": answer(OUTCOME),
            **errors(403, 404, 422),
        },
    }
}
