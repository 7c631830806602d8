"""Uploads checked against the agency's brand: errors refuse them, warnings stay with them."""

from __future__ import annotations

import io

from tests.app.compliance.support import BRAND, asset_row, pieces, reports, stored_keys
from tests.factories import PASSWORD, Api, add_token, add_user


def signed_in(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


def test_a_stretched_logo_is_refused_with_its_report_and_nothing_is_stored(app, api):
    r = api.upload(pieces()["stretched"], "logo-estirado.png", category="logo")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "compliance_failed"
    assert error["message"] == "La pieza no cumple con las reglas de la marca."
    report = error["report"]
    assert report["status"] == "fail" and report["brand"] == BRAND
    failing = [c["rule"] for c in report["checks"] if c["status"] == "fail"]
    assert failing == ["logo-proporcion"]
    assert api.get("/assets").get_json()["total"] == 0
    assert stored_keys(app) == [] and reports(app) == []


def test_warnings_are_kept_with_the_asset_and_shown_on_its_page(app, api, editor):
    r = api.upload(pieces()["flat"], "logo-fondo-blanco.png", category="logo")
    assert r.status_code == 201, r.get_json()
    asset_id = r.get_json()["id"]
    body = api.get(f"/assets/{asset_id}").get_json()
    assert (body["compliance"], body["category"]) == ("warn", "logo")
    assert [row[:3] for row in reports(app)] == [(asset_id, "warn", "2025.1")]
    assert api.get("/search?compliance=warn").get_json()["total"] == 1
    page = signed_in(app, editor).get(f"/assets/{asset_id}").get_data(True)
    assert "Cumplimiento de marca" in page and "Revisar avisos" in page
    assert "Fondo transparente" in page and "Exporte el PNG con transparencia" in page
    assert "Gobierno Provincial de Ejemplo · versión 2025.1" in page
    assert f"/marca/{BRAND}?version=" in page
    assert "verificada como: Logo" in page
    # In English the report, its rule titles and its category are English.
    english = signed_in(app, editor)
    english.get("/?lang=en")
    page = english.get(f"/assets/{asset_id}").get_data(True)
    assert "checked as: Logo" in page and "Transparent background" in page
    assert "Fondo transparente" not in page and "Exporte el PNG" not in page


def test_the_category_follows_the_kind_unless_given(app, api):
    jpeg = pieces()["photo"]
    no_credit = api.upload(jpeg, "foto.jpg")  # an image: checked as a photo, credit required
    assert no_credit.status_code == 422
    failing = {
        c["rule"]
        for c in no_credit.get_json()["error"]["report"]["checks"]
        if c["status"] == "fail"
    }
    assert failing == {"foto-credito"}
    typed = api.upload(
        jpeg,
        "foto.jpg",
        credit="Ana Pérez",
        copyright="Gobierno Provincial",
        caption="Acto en la plaza",
        tags="acto, plaza",
    )
    assert typed.status_code == 201, typed.get_json()
    assert asset_row(app, typed.get_json()["id"]) == ("warn", "photo")  # too small for A4
    (kept,) = reports(app)
    assert kept[1] == "warn"
    svg = api.upload(pieces()["official_svg"], "logo.svg")
    assert asset_row(app, svg.get_json()["id"]) == ("pass", "logo")


def test_an_agency_without_a_brand_stores_unchecked(app, runner):
    user = add_user(app, "editor", agency="sin-marca")
    api = Api(app.test_client(), add_token(app, user))
    r = api.upload(pieces()["stretched"], "logo.png", category="logo")
    assert r.status_code == 201
    assert asset_row(app, r.get_json()["id"]) == ("unchecked", "logo")
    bad = api.upload(pieces()["official"], "logo.png", category="afiche")
    assert bad.status_code == 422, bad.get_json()
    assert "category" in bad.get_json()["error"]["fields"]


def test_when_uploads_are_not_blocked_a_failing_piece_is_kept_as_failing(app_factory):
    app = app_factory(COMPLIANCE_BLOCKS_UPLOADS=False)
    runner = app.test_cli_runner()
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", agency="prensa")))
    r = api.upload(pieces()["stretched"], "logo.png", category="logo")
    assert r.status_code == 201
    assert asset_row(app, r.get_json()["id"]) == ("fail", "logo")
    assert [row[1] for row in reports(app)] == ["fail"]


def test_the_drop_zone_gets_the_report_and_the_plain_form_shows_it(app, editor):
    client = signed_in(app, editor)
    data = {"file": (io.BytesIO(pieces()["stretched"]), "logo.png"), "category": "logo"}
    r = client.post("/upload", data=data, headers={"Accept": "application/json"})
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "compliance_failed"
    assert [c["rule"] for c in error["report"]["checks"] if c["status"] == "fail"] == [
        "logo-proporcion"
    ]
    data = {"file": (io.BytesIO(pieces()["stretched"]), "logo.png"), "category": "logo"}
    page = client.post("/upload", data=data)
    assert page.status_code == 422
    html = page.get_data(True)
    assert "Qué debe cambiar antes de subirla" in html
    assert "El logo está deformado" in html
    assert f"/verificar?brand={BRAND}&amp;category=logo" in html
    assert stored_keys(app) == []


def test_the_drop_zone_gets_the_report_in_the_readers_language(app, editor):
    client = signed_in(app, editor)
    client.get("/?lang=en")
    data = {"file": (io.BytesIO(pieces()["stretched"]), "logo.png"), "category": "logo"}
    r = client.post("/upload", data=data, headers={"Accept": "application/json"})
    failing = [c for c in r.get_json()["error"]["report"]["checks"] if c["status"] == "fail"]
    assert [(c["rule"], c["title"]) for c in failing] == [("logo-proporcion", "Logo not distorted")]
    assert failing[0]["message"].startswith("The logo is distorted: its proportion is 6.21 and")
