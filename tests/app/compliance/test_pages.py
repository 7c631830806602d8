"""The check desk page and the guideline pages: who sees what, what they show, editing brands."""

from __future__ import annotations

import io
import re

import pytest

from tests.app.compliance.support import BRAND, PRIVATE, form, pieces, versions
from tests.factories import PASSWORD, add_user


@pytest.fixture
def loaded(app, runner):
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    return app


def signed_in(app, role, agency="prensa"):
    user = add_user(app, role, agency=agency)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


# ---------------------------------------------------------------- the check desk


def test_the_desk_offers_public_brands_to_visitors_and_all_to_users(loaded, client):
    page = client.get("/verificar").get_data(True)
    assert "Gobierno Provincial de Ejemplo" in page and "Municipalidad de Ejemplo" not in page
    assert "Con una cuenta se puede verificar con otras marcas." in page
    assert "Municipalidad de Ejemplo" in signed_in(loaded, "viewer").get("/verificar").get_data(
        True
    )
    preset = client.get(f"/verificar?brand={BRAND}&category=photo").get_data(True)
    assert re.search(r'<option selected value="photo">|<option value="photo" selected>', preset)
    refused = client.post("/verificar", data=form(pieces()["official"], "x.png", brand=PRIVATE))
    assert refused.status_code == 400  # not a choice for a visitor


def test_the_report_page(loaded, client):
    r = client.post("/verificar", data=form(pieces()["stretched"], "logo-estirado.png"))
    assert r.status_code == 200
    html = r.get_data(True)
    assert "Informe de cumplimiento" in html and "logo-estirado.png" in html
    assert "La pieza no cumple: corrija lo marcado antes de publicarla." in html
    assert "1 regla no cumplida" in html and "0 avisos" in html
    failing = html.split('report__item--fail">', 1)[1].split("</li>", 1)[0]
    assert "No cumple" in failing and "Logo sin deformar" in failing
    assert "<dt>Medido</dt><dd>6,21</dd>" in failing
    assert "<dt>Permitido</dt><dd>3,26 ± 3\u00a0%</dd>" in failing
    assert 'src="data:image/webp;base64,' in html  # the preview, drawn in memory
    assert "data-print" in html and "Imprimir / guardar PDF" in html
    assert '<rect x="0.5" y="0.5" width="35" height="31" fill="#1F4E8C"' in html  # swatches
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles


def _item(html: str, title: str) -> str:
    """The report item whose title is ``title``."""
    return html.split(f'<h3 class="report__title">{title}</h3>', 1)[1].split("</li>\n  <li", 1)[0]


def test_a_recoloured_logo_is_reported_in_plain_spanish_with_the_fix(loaded, client):
    html = client.post("/verificar", data=form(pieces()["recoloured"], "rojo.png")).get_data(True)
    version = _item(html, "Versión oficial del logo")
    assert "La forma coincide con el logo oficial «Logo principal a color»" in version
    assert re.search(r"<dt>Parecido de la forma</dt><dd>\d\d,\d\u00a0%</dd>", version)
    colours = _item(html, "Colores del logo")
    # The red is paired with the colour of its region, not with the nearest by ΔE (grey).
    assert "El rojo de esta zona debería ser Azul Provincia" in colours
    assert re.search(r'fill="#C[0-9A-F]{5}"', colours)  # the red that was found
    assert 'fill="#1F4E8C"' in colours and "Gris Institucional" not in colours
    assert "La mayor parte de la pieza usa colores que no están en la paleta." in colours
    assert "superficie fuera de la paleta" not in html.lower()
    # ΔE is explained once, in a details element a keyboard reaches.
    assert html.count("<summary>¿Qué significa ΔE?</summary>") == 1
    # The fix: the matched official version, the piece's own format first.
    fix = html.split('class="panel report-fix"', 1)[1].split("</div>", 1)[0]
    assert "Use el logo oficial:" in fix and "«Logo principal a color»" in fix
    links = re.findall(r'href="(/marca/gobierno-provincial/logos/principal\.\w+)"', fix)
    assert links == [
        "/marca/gobierno-provincial/logos/principal.png",
        "/marca/gobierno-provincial/logos/principal.svg",
    ]
    assert client.get(links[0]).status_code == 200


def test_rules_that_do_not_apply_are_folded_away(loaded, client):
    html = client.post("/verificar", data=form(pieces()["recoloured"], "rojo.png")).get_data(True)
    folded = html.split('<details class="report__skipped">', 1)[1].split("</details>", 1)[0]
    assert "<summary>5 reglas no corresponden a este archivo</summary>" in folded
    assert folded.count("No aplica a una imagen PNG.") == 4
    assert "hecho para usar y no un original" in folded  # the vector rule is about masters
    assert "report__item--skip" not in html
    assert '<details class="report__skipped" open' not in html


def test_a_compliant_logo_offers_no_download(loaded, client):
    html = client.post("/verificar", data=form(pieces()["official"], "logo.png")).get_data(True)
    assert "report-fix" not in html and "Use el logo oficial:" not in html


def test_the_report_in_english(loaded, client):
    client.get("/?lang=en")
    html = client.post("/verificar", data=form(pieces()["recoloured"], "red.png")).get_data(True)
    assert "Compliance report" in html and "· Logo</p>" in html
    version = _item(html, "Official logo version")
    assert "The form matches the official logo «Logo principal a color»" in version
    colours = _item(html, "Logo colours")
    assert "The red of this area should be Azul Provincia" in colours
    assert "Most of the piece uses colours that are not in the palette." in colours
    assert "Off the palette: 90% of the surface (up to 2% allowed)." in colours
    assert "<summary>What does ΔE mean?</summary>" in html
    assert "Use the official logo:" in html and "Download PNG" in html
    assert "<summary>5 rules do not apply to this file</summary>" in html
    assert "Does not apply to this type of file." in html
    # Nothing of the report stays in Spanish.
    for spanish in ("No aplica", "Cumple", "debería", "Colores del logo", "Área de respeto"):
        assert spanish not in html.split("<main", 1)[1], spanish


def test_english_categories_and_the_desk_form(loaded, client):
    client.get("/?lang=en")
    page = client.get("/verificar").get_data(True)
    assert '<option value="photo">Photo</option>' in page
    assert "Foto</option>" not in page
    assert "data-dropzone" in page and "Drag the file here" in page


def test_the_desk_uses_the_drop_zone_and_works_without_script(loaded, client):
    page = client.get("/verificar").get_data(True)
    form_html = page.split('<form class="panel check-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-dropzone="submit"' in form_html and "Arrastre el archivo aquí" in form_html
    # A real, visible file input inside the zone, sent with the form's own button.
    assert re.search(
        r'<input class="dropzone__input" type="file" name="file" id="check-file"', form_html
    )
    assert 'type="submit"' in form_html
    r = client.post("/verificar", data=form(pieces()["recoloured"], "rojo.png"))
    assert r.status_code == 200 and "Informe de cumplimiento" in r.get_data(True)


def test_files_the_desk_cannot_check_are_explained_on_the_form(loaded, client):
    html = client.post("/verificar", data=form(b"<html></html>", "afiche.pdf"))
    assert html.status_code == 415
    assert "parece una página web" in html.get_data(True)
    damaged = client.post("/verificar", data=form(pieces()["official"][:300], "logo.png"))
    assert damaged.status_code == 422 and "dañado o incompleto" in damaged.get_data(True)
    empty = client.post("/verificar", data={"brand": BRAND, "category": "logo"})
    assert empty.status_code == 400 and "Elija un archivo para verificar." in empty.get_data(True)


def test_the_desk_with_no_public_brand_asks_to_sign_in(app, client):
    page = client.get("/verificar").get_data(True)
    assert "Aquí no hay marcas para verificar" in page and "/login" in page


# ---------------------------------------------------------------- guideline pages


def test_public_and_login_only_guidelines(loaded, client):
    index = client.get("/marca/").get_data(True)
    assert "Gobierno Provincial de Ejemplo" in index and "Municipalidad de Ejemplo" not in index
    assert client.get(f"/marca/{PRIVATE}").status_code == 404
    assert client.get(f"/marca/{PRIVATE}/logos/horizontal.png").status_code == 404
    user = signed_in(loaded, "viewer")
    assert "Municipalidad de Ejemplo" in user.get("/marca/").get_data(True)
    assert user.get(f"/marca/{PRIVATE}").status_code == 200


def test_a_guideline_page(loaded, client):
    html = client.get(f"/marca/{BRAND}").get_data(True)
    for heading in ("Paleta de colores", "Tipografía", "Versiones del logo", "Qué hacer y qué no"):
        assert heading in html
    assert 'data-copy="#1F4E8C"' in html and 'data-copy="31, 78, 140"' in html
    assert 'data-copy="100, 70, 10, 5"' in html
    assert "font-family=\"'Source Sans 3', 'Arial'" in html  # a specimen drawn in SVG
    # The rules in plain Spanish: what passes, not only the rule's name.
    assert "Tipos de archivo aceptados: PNG, SVG, AI, EPS, PDF, PSD o PSB." in html
    assert "Tipos de archivo aceptados: JPEG, TIFF, HEIC, RAW o PSD." in html
    assert "Píxeles suficientes para imprimir en A4 a 300 ppp." in html
    assert "Exactamente una de estas medidas: 1080 × 1080" in html
    assert "Editar marca" not in html and "Historial de versiones" not in html
    child = client.get("/marca/ministerio-salud").get_data(True)
    assert "basada en Gobierno Provincial de Ejemplo" in child


def test_logo_downloads_in_the_formats_the_rules_allow(loaded, client):
    html = client.get(f"/marca/{BRAND}").get_data(True)
    links = set(re.findall(rf'href="(/marca/{BRAND}/logos/[a-z-]+\.(?:png|svg))"', html))
    assert f"/marca/{BRAND}/logos/principal.png" in links
    assert f"/marca/{BRAND}/logos/principal.svg" in links
    with client.get(f"/marca/{BRAND}/logos/principal.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert "attachment" in svg.headers["Content-Disposition"]
        assert "sandbox" in svg.headers["Content-Security-Policy"]
        assert b"<svg" in svg.data and b"<text" not in svg.data
    with client.get(f"/marca/{BRAND}/logos/principal/preview.png") as png:
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(f"/marca/{BRAND}/logos/principal.gif").status_code == 404
    assert client.get(f"/marca/{BRAND}/logos/no-existe.png").status_code == 404


PALETTE_CHANGE = ('hex = "#E76F51"', 'hex = "#E76F52"')


def test_brand_managers_publish_versions_and_read_the_history(loaded, client):
    manager = signed_in(loaded, "brand_manager")
    page = manager.get(f"/marca/{PRIVATE}").get_data(True)
    assert "Editar marca" in page and "Historial de versiones" in page
    form_page = manager.get(f"/marca/{PRIVATE}/editar").get_data(True)
    assert "Manual de identidad de la Municipalidad de Ejemplo" in form_page  # its own text
    (first,) = versions(loaded, PRIVATE)
    with manager.get(f"/marca/{PRIVATE}/{PRIVATE}.toml") as download:
        assert download.status_code == 200 and download.get_data(True) == first.source
        assert download.headers["Content-Disposition"] == f'attachment; filename="{PRIVATE}.toml"'
    assert signed_in(loaded, "editor").get(f"/marca/{PRIVATE}/{PRIVATE}.toml").status_code == 404
    edited = first.source.replace(*PALETTE_CHANGE).replace('"2024.3"', '"2024.4"')
    r = manager.post(f"/marca/{PRIVATE}/editar", data={"text": edited})
    assert r.status_code == 302
    follow = manager.get(r.headers["Location"]).get_data(True)
    assert "Se publicó la versión 2024.4 de Municipalidad de Ejemplo." in follow
    old, new = versions(loaded, PRIVATE)
    assert new.source == edited and new.loaded_by_id is not None
    assert f"/marca/{PRIVATE}?version={old.id}" in follow
    old_page = manager.get(f"/marca/{PRIVATE}?version={old.id}").get_data(True)
    assert "Está leyendo la versión 2024.3" in old_page and "#E76F51" in old_page
    same = manager.post(f"/marca/{PRIVATE}/editar", data={"text": edited}, follow_redirects=True)
    assert "No cambió nada: esta ya es la versión vigente." in same.get_data(True)
    assert len(versions(loaded, PRIVATE)) == 2


def test_a_brand_file_can_be_uploaded_and_errors_are_shown(loaded):
    manager = signed_in(loaded, "brand_manager")
    (first,) = versions(loaded, PRIVATE)
    edited = first.source.replace('"2024.3"', '"2025.0"').encode()
    r = manager.post(
        f"/marca/{PRIVATE}/editar", data={"text": "", "upload": (io.BytesIO(edited), "m.toml")}
    )
    assert r.status_code == 302 and len(versions(loaded, PRIVATE)) == 2
    broken = manager.post(
        f"/marca/{PRIVATE}/editar", data={"text": 'slug = "municipalidad"\nx = ['}
    )
    assert broken.status_code == 400
    html = broken.get_data(True)
    assert "El archivo de marca no es válido:" in html and "not valid TOML" in html
    unknown_colour = first.source.replace('fill = "Naranja Municipal"', 'fill = "Fucsia"', 1)
    r = manager.post(f"/marca/{PRIVATE}/editar", data={"text": unknown_colour})
    assert r.status_code == 400 and "Fucsia" in r.get_data(True)
    other = manager.post(
        f"/marca/{PRIVATE}/editar", data={"text": versions(loaded, BRAND)[0].source}
    )
    assert other.status_code == 400 and "Este archivo es de otra marca." in other.get_data(True)
    assert manager.post(f"/marca/{PRIVATE}/editar", data={"text": " "}).status_code == 400
    assert len(versions(loaded, PRIVATE)) == 2


def test_editing_a_parent_gives_its_children_a_new_version(loaded):
    manager = signed_in(loaded, "brand_manager")
    (parent,) = versions(loaded, BRAND)
    edited = parent.source.replace('hex = "#1F4E8C"', 'hex = "#1F4F8D"')
    assert manager.post(f"/marca/{BRAND}/editar", data={"text": edited}).status_code == 302
    old, new = versions(loaded, "ministerio-salud")
    assert {c["name"]: c["hex"] for c in new.content["palette"]}["Azul Provincia"] == "#1F4F8D"
    # A parent change that breaks a child publishes nothing.
    # The child only changes the severity of this rule: without it in the parent, it is no rule.
    breaking = edited.replace('id = "foto-descripcion"', 'id = "foto-epigrafe"')
    r = manager.post(f"/marca/{BRAND}/editar", data={"text": breaking})
    assert r.status_code == 400 and "ministerio-salud" in r.get_data(True)
    assert len(versions(loaded, BRAND)) == 2 and len(versions(loaded, "ministerio-salud")) == 2


def test_a_new_brand_based_on_another(loaded):
    manager = signed_in(loaded, "brand_manager")
    assert "parent = &#34;…&#34;" in manager.get("/marca/nueva").get_data(True)
    text = (
        'slug = "turismo"\nname = "Secretaría de Turismo de Ejemplo"\nversion = "1"\n'
        'parent = "gobierno-provincial"\n'
    )
    r = manager.post("/marca/nueva", data={"text": text})
    assert r.status_code == 302 and r.headers["Location"].endswith("/marca/turismo")
    (made,) = versions(loaded, "turismo")
    assert made.content["parent"] == BRAND and made.content["rules"]["logo"]


def test_only_brand_managers_and_admins_edit(loaded, client):
    editor = signed_in(loaded, "editor")
    assert editor.get(f"/marca/{BRAND}/editar").status_code == 403
    assert editor.post("/marca/nueva", data={"text": "x"}).status_code == 403
    assert client.get(f"/marca/{BRAND}/editar").status_code in (302, 401)
    admin = signed_in(loaded, "admin", agency=None)
    assert admin.get(f"/marca/{BRAND}/editar").status_code == 200
    assert admin.get("/marca/no-existe/editar").status_code == 404


def test_the_edit_form_needs_its_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    app.test_cli_runner().invoke(args=["brands", "load"])
    user = add_user(app, "brand_manager", agency=None)
    client = app.test_client()
    login_page = client.get("/login").get_data(True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token is not None
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    r = client.post(f"/marca/{PRIVATE}/editar", data={"text": "x"})
    assert r.status_code == 400
    assert len(versions(app, PRIVATE)) == 1


def test_the_guideline_page_in_english_names_rules_and_categories_in_english(loaded, client):
    client.get("/?lang=en")
    page = client.get(f"/marca/{BRAND}").get_data(True)
    assert "Logo colours" in page and "Official logo version" in page
    assert "Graphic piece (poster, flyer)" in page
    for spanish in ("Colores del logo", "Versión oficial del logo", "Pieza gráfica"):
        assert spanish not in page, spanish
