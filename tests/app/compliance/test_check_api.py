"""POST /api/v1/compliance/check: reports without storing, hostile input, access, rate limit."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.app.compliance.support import (
    BRAND,
    CHECK_URL,
    PRIVATE,
    check_desk,
    form,
    pieces,
    stored_keys,
)
from tests.factories import add_token, add_user


@pytest.fixture
def loaded(app, runner):
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    return app


@pytest.mark.parametrize(
    ("piece", "status", "rule", "rule_status"),
    [
        ("official", "pass", "logo-proporcion", "pass"),
        ("flat", "warn", "logo-transparencia", "warn"),
        ("stretched", "fail", "logo-proporcion", "fail"),
        ("recoloured", "fail", "logo-colores", "fail"),
    ],
)
def test_report_bodies(loaded, client, piece, status, rule, rule_status):
    r = client.post(CHECK_URL, data=form(pieces()[piece], "pieza.png"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == status
    assert (body["brand"], body["category"], body["version"]) == (BRAND, "logo", "2025.1")
    assert len(body["fingerprint"]) == 64 and body["brand_name"] == "Gobierno Provincial de Ejemplo"
    check = next(c for c in body["checks"] if c["rule"] == rule)
    assert check["status"] == rule_status
    assert set(check) >= {"rule", "title", "severity", "status", "message", "details"}
    assert stored_keys(loaded) == []  # nothing kept


def test_the_failing_check_explains_itself_in_spanish(loaded, client):
    body = client.post(CHECK_URL, data=form(pieces()["stretched"], "x.png")).get_json()
    (failing,) = [c for c in body["checks"] if c["status"] == "fail"]
    assert failing["severity"] == "error" and failing["title"] == "Logo sin deformar"
    assert failing["message"].startswith("El logo está deformado: su proporción es 6,2")
    assert failing["details"]["expected"] == pytest.approx(3.26, abs=0.01)


@pytest.mark.parametrize(
    ("data", "name", "status", "code", "explained"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "afiche.png",
            415,
            "unsupported_media_type",
            "parece una página web",
        ),
        (
            b"PK\x03\x04" + b"\0" * 64,
            "afiche.zip",
            415,
            "unsupported_media_type",
            "no es de un tipo aceptado",
        ),
        (b"", "vacio.png", 422, "invalid_file", "está vacío"),
        (pieces()["official"][:200], "cortado.png", 422, "invalid_file", "dañado o incompleto"),
    ],
)
def test_files_that_cannot_be_checked(loaded, client, data, name, status, code, explained):
    r = client.post(CHECK_URL, data=form(data, name))
    assert r.status_code == status
    error = r.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert explained in error["report"]["checks"][0]["message"]
    assert stored_keys(loaded) == []


def test_a_file_over_the_upload_limit_is_413(app_factory):
    app = app_factory(MAX_UPLOAD_MB=1)
    app.test_cli_runner().invoke(args=["brands", "load"])
    noise = Image.effect_noise((900, 900), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > 1024 * 1024
    # Encoded here: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        {
            "file": FileStorage(io.BytesIO(buffer.getvalue()), "grande.png"),
            "brand": BRAND,
            "category": "logo",
        }
    )
    r = app.test_client().post(
        CHECK_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "file_too_large"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"brand": BRAND, "category": "logo"}, 400, "bad_request"),
        ({"file": (io.BytesIO(b"x"), "x.png"), "category": "logo"}, 400, "bad_request"),
        (
            {"file": (io.BytesIO(b"x"), "x.png"), "brand": BRAND, "category": "afiche"},
            400,
            "invalid_input",
        ),
        (
            {"file": (io.BytesIO(b"x"), "x.png"), "brand": "no-existe", "category": "logo"},
            404,
            "not_found",
        ),
    ],
)
def test_bad_requests(loaded, client, fields, status, code):
    r = client.post(CHECK_URL, data=fields)
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code


def test_anonymous_checks_only_for_public_brands(loaded, client):
    private = client.post(CHECK_URL, data=form(pieces()["official"], "x.png", brand=PRIVATE))
    assert private.status_code == 401
    assert private.get_json()["error"]["code"] == "unauthorized"
    token = add_token(loaded, add_user(loaded, "viewer", agency="prensa"))
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post(
        CHECK_URL, data=form(pieces()["official"], "x.png", brand=PRIVATE), headers=auth
    )
    assert r.status_code == 200 and r.get_json()["brand"] == PRIVATE
    bad = client.post(
        CHECK_URL, data=form(pieces()["official"], "x.png"), headers={"Authorization": "Bearer no"}
    )
    assert bad.status_code == 401


def test_brands_listing_and_content(loaded, client):
    listed = {b["slug"] for b in client.get("/api/v1/brands").get_json()["brands"]}
    assert listed == {BRAND, "ministerio-salud", "programa-social"}
    token = add_token(loaded, add_user(loaded, "editor", agency="prensa"))
    auth = {"Authorization": f"Bearer {token}"}
    every = {b["slug"] for b in client.get("/api/v1/brands", headers=auth).get_json()["brands"]}
    assert every == {BRAND, "ministerio-salud", "programa-social", PRIVATE}
    one = client.get(f"/api/v1/brands/{BRAND}").get_json()
    assert one["version"] == "2025.1" and one["content"]["palette"][0]["hex"] == "#1F4E8C"
    assert client.get(f"/api/v1/brands/{PRIVATE}").status_code == 401
    assert client.get(f"/api/v1/brands/{PRIVATE}", headers=auth).status_code == 200


def test_anonymous_checks_are_rate_limited_per_address(app_factory):
    app = app_factory(CHECK_DESK_LIMIT=3)
    send = check_desk(app)

    def check(address: str) -> int:
        return int(send(environ_base={"REMOTE_ADDR": address}).status_code)

    assert [check("10.0.0.1") for _ in range(4)] == [200, 200, 200, 429]
    assert check("10.0.0.2") == 200  # another address has its own window
    r = send(environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    error = r.get_json()["error"]
    assert error["code"] == "rate_limited" and "Demasiadas verificaciones" in error["message"]
    # The check desk page shares the window.
    page = send("/verificar", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert page.status_code == 429 and "Demasiadas verificaciones" in page.get_data(True)
    # With a token there is no anonymous limit.
    token = add_token(app, add_user(app, "viewer", agency="prensa"))
    r = send(headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert r.status_code == 200


def test_the_openapi_document_describes_the_check_desk(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    check = spec["paths"]["/compliance/check"]["post"]
    assert {"200", "401", "413", "415", "422", "429"} <= set(check["responses"])
    assert {} in check["security"]  # anonymous for brands with public checks
    assert {"/brands", "/brands/{slug}"} <= set(spec["paths"])
    assert {"ComplianceReport", "CheckResult"} <= set(spec["components"]["schemas"])
    asset = spec["components"]["schemas"]["Asset"]["properties"]
    assert asset["compliance"]["enum"] == ["pass", "warn", "fail", "unchecked"]
    upload = spec["paths"]["/assets"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert "logo" in upload["schema"]["properties"]["category"]["enum"]
