"""The OpenAPI description of events and collections: the five operations on each,
their assets, uploads into an event, and their ZIPs.

Both are a set of assets with a title; an event also has a date, a place and
photographers, and lists its assets in the order they were taken.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from .assets import UPLOAD_FIELDS
from .shapes import (
    ASSET,
    ASSET_ID,
    ASSET_IDS,
    COUNT,
    ID,
    PAGING,
    PRESET,
    TEXT,
    URL_PATH,
    VISIBLE,
    WHEN,
    WHEN_IN,
    ZIP,
    answer,
    created,
    errors,
    id_param,
    json_body,
    multipart,
    nullable,
    obj,
    page_of,
    ref,
    text,
)

EVENT = ref("Event")
COLLECTION = ref("Collection")

TITLE = {"type": "string", "minLength": 1, "maxLength": 300, "pattern": VISIBLE}
AGENCY = {**text(80), "description": "an agency's slug; empty: your own"}
EVENT_FIELDS = {
    "title": TITLE,
    "starts_at": WHEN_IN,
    "place": text(300),
    "description": text(10000),
    "photographers": text(500),
    "press_release_url": {
        "anyOf": [
            {"type": "string", "maxLength": 1000, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"},
            {"type": "string", "maxLength": 0},
            {"type": "null"},
        ],
        "description": "a link starting with http:// or https://; empty or null: none",
    },
    "public": {"type": "boolean"},
    "agency": AGENCY,
    "time_zone": {
        "enum": ["", *sorted(available_timezones()), None],
        "description": "The IANA zone (America/Santiago) camera clocks without an offset are"
        " read in; empty or null: the agency's or the instance's.",
    },
}
COLLECTION_FIELDS = {
    "title": TITLE,
    "description": text(10000),
    "public": {"type": "boolean"},
    "agency": AGENCY,
}

COMMON = {
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "public": {"type": "boolean"},
    "agency": nullable(TEXT),
    "asset_count": COUNT,
    "created_at": WHEN,
    "updated_at": WHEN,
    "links": obj({name: URL_PATH for name in ("self", "assets", "zip", "page")}),
}

schemas: dict[str, Any] = {
    "Event": obj(
        {
            **COMMON,
            "starts_at": nullable(WHEN),
            "place": TEXT,
            "photographers": TEXT,
            "time_zone": {**nullable(TEXT), "description": "its IANA zone; null: none of its own"},
            "press_release_url": {
                **TEXT,
                "description": "a link starting with http:// or https://; empty when none",
            },
        }
    ),
    "Collection": obj(COMMON),
}


def _set_of_assets(kind: str, schema: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The five operations, members and ZIP of an event or a collection."""
    plural, item = f"/{kind}s", f"/{kind}s/{{{kind}_id}}"
    writable = {"type": "object", "additionalProperties": False, "properties": fields}
    search = [{"name": "q", "in": "query", "schema": TEXT, "description": "words of the title"}]
    return {
        plural: {
            "get": {
                "summary": f"{kind.title()}s the caller may see",
                "parameters": [*PAGING, *(search if kind == "event" else [])],
                "responses": {"200": answer(page_of(schema)), **errors(400)},
            },
            "post": {
                "summary": f"Create a {kind}",
                "requestBody": json_body({**writable, "required": ["title"]}),
                "responses": {"201": created(schema), **errors(422)},
            },
        },
        item: {
            "parameters": [id_param(f"{kind}_id")],
            "get": {"summary": f"One {kind}", "responses": {"200": answer(schema)}},
            "patch": {
                "summary": "Change the fields sent",
                "requestBody": json_body(writable),
                "responses": {"200": answer(schema), **errors(422)},
            },
            "delete": {
                "summary": f"Delete the {kind}; its assets stay in the library",
                "responses": {"204": {"description": "Deleted"}},
            },
        },
        f"{item}/assets": {
            "parameters": [id_param(f"{kind}_id")],
            "get": {
                "summary": "Its assets the caller may see"
                + (" (in capture order)" if kind == "event" else " (in the order added)"),
                "parameters": PAGING,
                "responses": {"200": answer(page_of(ASSET)), **errors(400)},
            },
        },
        f"{item}/assets/{{asset_id}}": {
            "parameters": [id_param(f"{kind}_id"), ASSET_ID],
            "delete": {
                "summary": f"Take the asset out of the {kind}",
                "responses": {"204": {"description": "Taken out"}},
            },
        },
        f"{item}/zip": {
            "parameters": [id_param(f"{kind}_id"), PRESET],
            "get": {
                "summary": "Every asset as one ZIP (404 when there is none)",
                "responses": {**ZIP, **errors(400, 503)},
            },
        },
    }


paths: dict[str, Any] = {
    **_set_of_assets("event", EVENT, EVENT_FIELDS),
    **_set_of_assets("collection", COLLECTION, COLLECTION_FIELDS),
}
paths["/events/{event_id}/assets"]["post"] = {
    "summary": "Attach assets (JSON asset_ids), or upload a file into the event (multipart)",
    "description": "An upload's bytes decide its type: a file that is no accepted media is 415, "
    "an empty or damaged one 422; a file stored already is 409.",
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ASSET_IDS},
            **multipart(UPLOAD_FIELDS, ["file"]),
        },
    },
    "responses": {
        "200": answer(obj({"attached": COUNT})),
        "201": created(ASSET),
        **errors(409, 415, 422, 503),
    },
}
paths["/collections/{collection_id}/assets"]["post"] = {
    "summary": "Add assets (those already in it stay as they are)",
    "requestBody": json_body(ASSET_IDS),
    "responses": {"200": answer(obj({"added": COUNT})), **errors(422)},
}
