"""What several browser tests stand on: one small instance with a page of every kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from brandhub.models import Agency
from tests.app.compliance.support import BRAND
from tests.assets.media_factory import make_mp4
from tests.factories import (
    Api,
    add_token,
    add_user,
    approve,
    encode,
    photo,
    scene,
    session,
    upload,
)


@dataclass
class Seed:
    """What the pages are filled from: ids and tokens of one small instance."""

    app: Flask
    admin_email: str
    agency_id: int
    admin_id: int
    asset_id: int
    checked_asset_id: int
    video_asset_id: int
    event_id: int
    collection_id: int
    kit_ref: str
    asset_token: str
    event_token: str
    locked_token: str
    revoked_token: str
    brand: str


def _api_post(api: Api, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    r = api.post(path, json=payload)
    assert r.status_code in (200, 201), (path, r.get_json())
    return r.get_json()


def seed_instance(app: Flask) -> Seed:
    """An admin of an agency; a photo approved, public, in a public event and a collection,
    with a second version and a history; share links (open, with a password, revoked);
    a video; a photo checked against the agency's brand (with warnings)."""
    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    admin = add_user(app, "admin", agency="salud")
    api = Api(app.test_client(), add_token(app, admin))
    asset = upload(
        api,
        7,
        "acto-hospital.jpg",
        data=photo(7, taken="2026:05:25 10:30:00", size=(640, 480)),
        title="Inauguración del Hospital Regional",
        credit="Foto: Ana Pérez / Prensa",
        caption="El corte de cinta.",
        tags="hospital, salud",
    )
    other = upload(api, 8, "acto-2.jpg", title="Discurso del ministro")
    assert api.new_version(asset["id"], photo(9, size=(640, 480))).status_code == 201
    for status in ("in_review", "approved"):
        _api_post(api, f"/assets/{asset['id']}/status", {"status": status})
    approve(app, asset["id"], public=True, licence="cc-by-4.0")
    approve(app, other["id"], public=True)
    event = _api_post(
        api, "/events", {"title": "Inauguración del hospital", "public": True, "place": "Plaza"}
    )
    _api_post(api, f"/events/{event['id']}/assets", {"asset_ids": [asset["id"], other["id"]]})
    collection = _api_post(api, "/collections", {"title": "Logos y fotos oficiales"})
    _api_post(api, f"/collections/{collection['id']}/assets", {"asset_ids": [asset["id"]]})

    def link(**payload: Any) -> tuple[int, str]:
        body = _api_post(api, "/share-links", payload)
        return body["id"], body["token"]

    _, asset_token = link(asset_id=asset["id"], label="Diario El Sur")
    _, event_token = link(event_id=event["id"])
    _, locked_token = link(asset_id=asset["id"], password="clave-del-diario")
    revoked_id, revoked_token = link(asset_id=other["id"])
    assert api.delete(f"/share-links/{revoked_id}").status_code == 204

    video = upload(api, 10, "mensaje.mp4", data=make_mp4(), title="Mensaje del gobernador")

    # From here on the agency's uploads are checked against the brand: a photo that
    # passes its required rules and warns of others has a report on its page.
    with session(app) as db:
        db.query(Agency).filter_by(id=admin.agency_id).one().brand_slug = BRAND
        db.commit()
    checked = upload(
        api,
        11,
        "acto-plaza.jpg",
        data=encode(scene(3, size=(3000, 2000)), "JPEG", quality=90),
        title="Acto en la plaza",
        credit="Foto: Ana Pérez",
        copyright="© Gobierno Provincial",
        category="photo",
    )
    assert checked["compliance"] == "warn", checked["compliance"]

    kit = app.test_client().get(f"/prensa/evento-{event['id']}")
    kit_ref = kit.headers["Location"].rsplit("/prensa/", 1)[1] if kit.status_code == 301 else ""
    assert admin.agency_id is not None
    return Seed(
        app=app,
        admin_email=admin.email,
        agency_id=admin.agency_id,
        admin_id=admin.id,
        asset_id=asset["id"],
        checked_asset_id=checked["id"],
        video_asset_id=video["id"],
        event_id=event["id"],
        collection_id=collection["id"],
        kit_ref=kit_ref or f"evento-{event['id']}",
        asset_token=asset_token,
        event_token=event_token,
        locked_token=locked_token,
        revoked_token=revoked_token,
        brand=BRAND,
    )
