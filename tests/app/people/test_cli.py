"""``brandhub users list|set-role|set-agency|disable|enable|reset-password`` and ``init``'s
first administrator's agency."""

from __future__ import annotations

import re

from brandhub.models import Agency, User
from tests.factories import PASSWORD, session

STRONG = "una clave bastante larga"


def test_list_shows_a_table_and_filters(app, runner, make_user):
    make_user("photographer", "prensa", email="foto@prensa.gob")
    make_user("editor", "salud", email="edit@salud.gob")
    r = runner.invoke(args=["users", "list"])
    assert r.exit_code == 0, r.output
    head = r.output.splitlines()[0]
    for title in ("Correo electrónico", "Nombre", "Rol", "Organismo", "Activo", "Último ingreso"):
        assert title in head
    assert "foto@prensa.gob" in r.output and "edit@salud.gob" in r.output
    r = runner.invoke(args=["users", "list", "--role", "editor"])
    assert "edit@salud.gob" in r.output and "foto@prensa.gob" not in r.output
    r = runner.invoke(args=["users", "list", "--agency", "prensa"])
    assert "foto@prensa.gob" in r.output and "edit@salud.gob" not in r.output
    r = runner.invoke(args=["users", "list", "--agency", "nada"])
    assert r.exit_code == 1 and "No existe un organismo" in r.output
    r = runner.invoke(args=["users", "list", "--role", "rey"])
    assert r.exit_code != 0


def test_set_role_and_agency_with_clear_errors(app, runner, make_user):
    person = make_user("viewer", "prensa", email="v@prensa.gob")
    make_user("viewer", "salud")
    assert runner.invoke(args=["users", "set-role", "V@Prensa.gob", "editor"]).exit_code == 0
    r = runner.invoke(args=["users", "set-agency", "v@prensa.gob", "salud"])
    assert r.exit_code == 0, r.output
    with session(app) as db:
        row = db.get(User, person.id)
        assert (row.role, row.agency.slug) == ("editor", "salud")
    r = runner.invoke(args=["users", "set-role", "v@prensa.gob", "rey"])
    assert r.exit_code == 1 and "No existe ese rol" in r.output
    r = runner.invoke(args=["users", "set-role", "nadie@x.gob", "viewer"])
    assert r.exit_code == 1 and "No existe una persona" in r.output
    r = runner.invoke(args=["users", "set-agency", "v@prensa.gob", "nada"])
    assert r.exit_code == 1 and "No existe un organismo" in r.output
    assert runner.invoke(args=["users", "set-agency", "v@prensa.gob", "none"]).exit_code == 0
    with session(app) as db:
        assert db.get(User, person.id).agency is None


def test_disable_and_enable_keep_an_administrator(app, runner, make_user):
    admin = make_user("admin", None, email="jefa@x.gob")
    person = make_user("editor", "prensa", email="e@x.gob")
    r = runner.invoke(args=["users", "disable", "e@x.gob"])
    assert r.exit_code == 0, r.output
    client = app.test_client()
    assert client.post("/login", data={"email": "e@x.gob", "password": PASSWORD}).status_code == 401
    assert runner.invoke(args=["users", "enable", "e@x.gob"]).exit_code == 0
    assert client.post("/login", data={"email": "e@x.gob", "password": PASSWORD}).status_code == 302
    r = runner.invoke(args=["users", "disable", "jefa@x.gob"])
    assert r.exit_code == 1 and "último administrador" in r.output
    r = runner.invoke(args=["users", "set-role", "jefa@x.gob", "viewer"])
    assert r.exit_code == 1 and "último administrador" in r.output
    with session(app) as db:
        assert db.get(User, admin.id).active and db.get(User, person.id).active


def test_reset_password_prints_a_link_that_works(app, runner, make_user):
    make_user("admin", None, email="jefa@x.gob")
    r = runner.invoke(args=["users", "reset-password", "jefa@x.gob"])
    assert r.exit_code == 2 and "--base-url" in r.output
    r = runner.invoke(
        args=["users", "reset-password", "jefa@x.gob", "--base-url", "https://imagen.gob/"]
    )
    assert r.exit_code == 0, r.output
    url = re.search(r"https://imagen\.gob(/restablecer/\S+)", r.output)
    assert url, r.output
    client = app.test_client()
    ok = client.post(url.group(1), data={"password": STRONG, "confirm": STRONG})
    assert ok.status_code == 302
    assert client.get("/admin").status_code == 200
    r = runner.invoke(args=["users", "reset-password", "nadie@x.gob", "--base-url", "http://x"])
    assert r.exit_code == 1 and "No existe una persona" in r.output


def test_reset_password_uses_the_public_url_setting(app_factory, make_user):
    app = app_factory(PUBLIC_URL="https://fotos.gob")
    from tests.factories import add_user

    add_user(app, "editor", "prensa", email="e@x.gob")
    r = app.test_cli_runner().invoke(args=["users", "reset-password", "e@x.gob"])
    assert r.exit_code == 0 and "https://fotos.gob/restablecer/" in r.output


def test_a_lost_admin_password_is_set_from_stdin(app, runner, make_user):
    make_user("admin", None, email="jefa@x.gob")
    r = runner.invoke(
        args=["users", "reset-password", "jefa@x.gob", "--password-stdin"], input="corta\n"
    )
    assert r.exit_code == 1 and "al menos 10 caracteres" in r.output
    r = runner.invoke(
        args=["users", "reset-password", "jefa@x.gob", "--password-stdin"], input=STRONG + "\n"
    )
    assert r.exit_code == 0, r.output
    client = app.test_client()
    signed = client.post("/login", data={"email": "jefa@x.gob", "password": STRONG})
    assert signed.status_code == 302


def test_init_gives_the_first_administrator_an_agency(app, runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Organismo: Oficina de Imagen Institucional" in first.output
    with session(app) as db:
        admin = db.query(User).filter_by(role="admin").one()
        assert admin.agency is not None
        assert admin.agency.brand_slug == "gobierno-provincial"
        assert db.query(Agency).count() == 1
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "Contraseña" not in again.output
    with session(app) as db:
        assert db.query(Agency).count() == 1


def test_init_gives_an_older_administrator_the_only_agency(app, runner, make_user):
    admin = make_user("admin", None)
    make_user("editor", "prensa")
    r = runner.invoke(args=["init"])
    assert r.exit_code == 0, r.output
    assert "ahora pertenece a prensa" in r.output
    with session(app) as db:
        assert db.get(User, admin.id).agency.slug == "prensa"
