"""The command line: init, users, tokens."""

from __future__ import annotations

import re

from tests.factories import Api


def test_init_creates_the_first_admin_once(app, runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Instancia lista" in first.output
    match = re.search(r"Correo electrónico: (\S+)\s+Contraseña: (\S+)", first.output)
    assert match, first.output
    email, password = match.groups()
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0 and "Contraseña" not in second.output
    client = app.test_client()
    r = client.post("/login", data={"email": email, "password": password})
    assert r.status_code == 302


def test_users_and_tokens(app, runner):
    r = runner.invoke(
        args=[
            "users",
            "create",
            "Foto@Ejemplo.gob",
            "--role",
            "photographer",
            "--agency",
            "prensa",
            "--agency-name",
            "Prensa",
        ]
    )
    assert r.exit_code == 0, r.output
    assert "foto@ejemplo.gob" in r.output
    again = runner.invoke(args=["users", "create", "foto@ejemplo.gob"])
    assert again.exit_code != 0 and "ya existe" in again.output
    bad = runner.invoke(args=["users", "create", "not-an-email"])
    assert bad.exit_code != 0
    token = runner.invoke(args=["tokens", "create", "foto@ejemplo.gob"]).output.strip()
    assert token.startswith("bh_")
    api = Api(app.test_client(), token)
    assert api.get("/assets").status_code == 200
    missing = runner.invoke(args=["tokens", "create", "nadie@ejemplo.gob"])
    assert missing.exit_code != 0 and "No existe" in missing.output


def test_tokens_can_be_read_only_listed_and_revoked(app, runner):
    runner.invoke(args=["users", "create", "e@ejemplo.gob", "--role", "editor", "--agency", "x"])
    token = runner.invoke(args=["tokens", "create", "e@ejemplo.gob", "--read-only"]).output.strip()
    api = Api(app.test_client(), token)
    assert api.get("/assets").status_code == 200
    r = api.upload(b"\xff\xd8\xff", "x.jpg")
    assert (
        r.status_code == 403 and r.get_json()["error"]["message"] == "Este token solo puede leer."
    )
    listing = runner.invoke(args=["tokens", "list", "e@ejemplo.gob"]).output
    assert token[:10] in listing and token not in listing and "activo" in listing
    assert runner.invoke(args=["tokens", "revoke", token[:10]]).exit_code == 0
    assert api.get("/assets").status_code == 401
    assert "revocado" in runner.invoke(args=["tokens", "list", "e@ejemplo.gob"]).output
