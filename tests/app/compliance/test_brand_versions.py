"""Brands in the database: versions through `brandhub brands load`, inheritance, logo files."""

from __future__ import annotations

import hashlib
import shutil

from guidelines import SHIPPED_BRANDS
from tests.app.compliance.support import BRAND, PRIVATE, pieces, reports, versions
from tests.factories import Api, add_token, add_user

PARENT_CHANGE = ('hex = "#1F4E8C"', 'hex = "#1F4F8D"')  # Azul Provincia, a shade off


def test_loading_twice_keeps_one_version_with_its_source(app, runner):
    first = runner.invoke(args=["brands", "load"])
    assert first.exit_code == 0, first.output
    assert f"{BRAND}: versión nueva" in first.output
    again = runner.invoke(args=["brands", "load"])
    assert f"{BRAND}: sin cambios" in again.output and "versión nueva" not in again.output
    for slug in (BRAND, PRIVATE, "ministerio-salud"):
        (only,) = versions(app, slug)
        assert only.source == (SHIPPED_BRANDS / f"{slug}.toml").read_text("utf-8")
    listing = runner.invoke(args=["brands", "list"]).output
    assert "2025.1" in listing and "Municipalidad de Ejemplo" in listing


def test_a_changed_parent_gives_its_children_a_new_version(app, runner, tmp_path):
    folder = tmp_path / "brands"
    shutil.copytree(SHIPPED_BRANDS, folder)
    runner.invoke(args=["brands", "load", str(folder)])
    parent = folder / f"{BRAND}.toml"
    parent.write_text(parent.read_text("utf-8").replace(*PARENT_CHANGE), "utf-8")
    out = runner.invoke(args=["brands", "load", str(folder)]).output
    assert f"{BRAND}: versión nueva" in out
    assert "ministerio-salud: versión nueva" in out  # inherits the palette
    assert f"{PRIVATE}: sin cambios" in out
    old, new = versions(app, "ministerio-salud")
    assert old.fingerprint != new.fingerprint and old.version == new.version == "2025.2"
    colors = {c["name"]: c["hex"] for c in new.content["palette"]}
    assert colors["Azul Provincia"] == "#1F4F8D" and "Verde Salud" in colors
    history = runner.invoke(args=["brands", "list", "--versions"]).output
    assert old.fingerprint[:12] in history and new.fingerprint[:12] in history


def test_an_old_report_keeps_the_version_it_was_checked_against(app, runner, tmp_path):
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", agency="prensa")))
    first = api.upload(pieces()["flat"], "logo-fondo-blanco.png", category="logo")
    assert first.status_code == 201, first.get_json()
    folder = tmp_path / "brands"
    shutil.copytree(SHIPPED_BRANDS, folder)
    toml = folder / f"{BRAND}.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "2025.1"', 'version = "2026.1"'))
    runner.invoke(args=["brands", "load", str(folder)])
    second = api.upload(pieces()["official_svg"], "logo.svg", category="logo")
    assert second.status_code == 201, second.get_json()
    (a, b) = reports(app)
    assert a[:3] == (first.get_json()["id"], "warn", "2025.1")
    assert b[:3] == (second.get_json()["id"], "pass", "2026.1")
    assert a[3] != b[3]


def test_drawn_logos_are_published_in_storage_once(app, runner):
    runner.invoke(args=["brands", "load"])
    store = app.extensions["brandhub.storage"]
    keys = sorted(store.iter_keys("brands/"))
    assert keys and all(k.startswith("brands/drawn/") for k in keys)
    assert {k.rsplit(".", 1)[1] for k in keys} == {"png", "svg"}
    runner.invoke(args=["brands", "load"])
    assert sorted(store.iter_keys("brands/")) == keys


BRAND_WITH_FILE = """
slug = "concejo"
name = "Concejo Deliberante de Ejemplo"
version = "1"
public_checks = true
[[palette]]
name = "Azul Provincia"
hex = "#1F4E8C"
[[palette]]
name = "Dorado"
hex = "#E0A526"
[[palette]]
name = "Blanco"
hex = "#FFFFFF"
[[logos]]
name = "escudo"
title = "Escudo del Concejo"
description = "El escudo."
usage = "Siempre."
file = "escudo.png"
[[rules.logo]]
id = "logo-formato"
check = "format"
severity = "error"
allowed = ["png", "svg"]
message = "Se aceptan PNG o SVG, y este archivo es {measured}."
[[rules.logo]]
id = "logo-version"
check = "logo_version"
severity = "error"
message = "No es el logo oficial (parecido {measured})."
[[rules.logo]]
id = "logo-proporcion"
check = "logo_aspect"
severity = "error"
message = "El logo está deformado: {measured} en vez de {expected}."
"""


def test_a_brand_whose_logo_is_a_file(app, runner, client, tmp_path):
    """The logo file goes to the store; checks compare pieces with it; the page serves it."""
    folder = tmp_path / "concejo"
    folder.mkdir()
    (folder / "concejo.toml").write_text(BRAND_WITH_FILE, "utf-8")
    (folder / "escudo.png").write_bytes(pieces()["official"])
    loaded = runner.invoke(args=["brands", "load", str(folder)])
    assert "concejo: versión nueva" in loaded.output, loaded.output
    digest = hashlib.sha256(pieces()["official"]).hexdigest()
    store = app.extensions["brandhub.storage"]
    assert store.exists(f"brands/logos/{digest}.png")
    (folder / "escudo.png").unlink()  # from now on the store is the only copy
    good = tmp_path / "escudo.png"
    good.write_bytes(pieces()["official"])
    bad = tmp_path / "estirado.png"
    bad.write_bytes(pieces()["stretched"])
    ok = runner.invoke(args=["check", str(good), "--brand", "concejo", "--category", "logo"])
    assert ok.exit_code == 0, ok.output
    assert "«Escudo del Concejo»" in ok.output
    stretched = runner.invoke(args=["check", str(bad), "--brand", "concejo", "--category", "logo"])
    assert stretched.exit_code == 2 and "deformado" in stretched.output
    with client.get("/marca/concejo/logos/escudo.png") as download:
        assert download.status_code == 200 and download.data == pieces()["official"]
        assert "attachment" in download.headers["Content-Disposition"]
    assert client.get("/marca/concejo/logos/escudo.svg").status_code == 404
    # Edited on a page, the text keeps naming the published file: its content is kept.
    manager = add_user(app, "brand_manager", agency=None)
    page = app.test_client()
    page.post("/login", data={"email": manager.email, "password": "correct horse battery staple"})
    edited = BRAND_WITH_FILE.replace('version = "1"', 'version = "2"')
    r = page.post("/marca/concejo/editar", data={"text": edited})
    assert r.status_code == 302, r.get_data(True)
    assert versions(app, "concejo")[-1].content["logos"][0]["sha256"] == digest
    unknown = edited.replace('file = "escudo.png"', 'file = "otro.png"')
    r = page.post("/marca/concejo/editar", data={"text": unknown})
    assert r.status_code == 400 and "otro.png" in r.get_data(True)


def test_a_bad_brand_file_loads_nothing_and_says_why(app, runner, tmp_path):
    folder = tmp_path / "brands"
    shutil.copytree(SHIPPED_BRANDS, folder)
    (folder / "rota.toml").write_text('slug = "rota"\nname = "Rota"\nversion = [\n', "utf-8")
    r = runner.invoke(args=["brands", "load", str(folder)])
    assert r.exit_code == 1
    assert "El archivo de marca no es válido" in r.output and "rota.toml" in r.output
    assert versions(app, BRAND) == []


def test_init_seeds_the_shipped_brands_and_keeps_later_edits(app, runner):
    r = runner.invoke(args=["init", "--admin-email", "admin@example.org"])
    assert r.exit_code == 0, r.output
    assert len(versions(app, BRAND)) == 1 and len(versions(app, PRIVATE)) == 1
    manager = add_user(app, "brand_manager", agency=None)
    page = app.test_client()
    page.post("/login", data={"email": manager.email, "password": "correct horse battery staple"})
    (shipped,) = versions(app, PRIVATE)
    edited = shipped.source.replace('version = "2024.3"', 'version = "2024.4"')
    assert page.post(f"/marca/{PRIVATE}/editar", data={"text": edited}).status_code == 302
    assert runner.invoke(args=["init"]).exit_code == 0  # `make run` runs it every time
    assert [v.version for v in versions(app, PRIVATE)] == ["2024.3", "2024.4"]
