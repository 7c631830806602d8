"""Office templates through the API, the upload page and ``brandhub import``: first page, PDF."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from brandhub.categories import asset_category, shown_category
from tests.assets.media_factory.office import make_docx, make_odt, make_pptx, make_xlsx
from tests.factories import Api, add_token, add_user, read, upload_page

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


def test_api_upload_of_a_presentation_shows_its_first_slide_and_offers_a_pdf(api_for, app):
    api = api_for("editor")
    r = api.upload(make_pptx(), "campaña.pptx")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["kind"] == "document" and body["mime"].endswith("presentationml.presentation")
    assert body["title"] == "Campaña de vacunación"
    assert set(body["links"]["renditions"]) == {"thumb", "preview", "pdf"}
    asset = read(app, body["id"])
    assert asset_category(asset) == "document"
    assert asset.metadata_json["document"]["slides"] == 2
    pdf = api.get(f"/assets/{body['id']}/renditions/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert api.get(f"/assets/{body['id']}/file").data[:2] == b"PK"


def test_upload_page_takes_a_word_document(app, client, login):
    login(add_user(app, "editor", agency="salud"))
    r = upload_page(client, make_docx(), "comunicado.docx", as_json=True)
    assert r.status_code == 201, r.get_data(as_text=True)
    asset_id = r.get_json()["id"] if "id" in r.get_json() else r.get_json()["asset"]["id"]
    page = client.get(f"/assets/{asset_id}").get_data(as_text=True)
    assert f"/assets/{asset_id}/r/pdf" in page and "Comunicado de prensa" in page
    # Presets that make sense for a letter: its first page for the web, no social crops.
    assert "Web (1920 px, JPEG)" in page
    assert "Instagram" not in page and "píxeles originales" not in page
    first = client.get(f"/assets/{asset_id}/download?preset=web")
    assert first.status_code == 200 and first.data[:3] == b"\xff\xd8\xff"


def test_presets_are_drawn_from_the_pdf_made_at_upload(app, client, login, monkeypatch):
    """LibreOffice runs once, at upload: no size of a document needs it again."""
    login(add_user(app, "editor", agency="salud"))
    r = upload_page(client, make_docx(), "comunicado.docx", as_json=True)
    assert r.status_code == 201, r.get_data(as_text=True)
    asset_id = r.get_json()["id"] if "id" in r.get_json() else r.get_json()["asset"]["id"]
    monkeypatch.setenv("PATH", "/nonexistent")  # no soffice from here on
    web = client.get(f"/assets/{asset_id}/download?preset=web")
    assert web.status_code == 200 and web.data[:3] == b"\xff\xd8\xff"
    free = client.get(f"/assets/{asset_id}/download?width=333&format=png")
    assert free.status_code == 200, free.get_data(as_text=True)[:300]
    from PIL import Image

    with Image.open(io.BytesIO(free.data)) as im:
        assert im.format == "PNG" and im.width == 333


def test_import_takes_a_workbook_and_an_opendocument_text(app, runner, tmp_path):
    add_user(app, "admin", agency=None)
    add_user(app, "editor", agency="prensa")
    folder = tmp_path / "plantillas"
    folder.mkdir()
    (folder / "presupuesto.xlsx").write_bytes(make_xlsx())
    (folder / "gacetilla.odt").write_bytes(make_odt())
    r = runner.invoke(args=["import", str(folder), "--agency", "prensa"])
    assert r.exit_code == 0, r.output
    assert "Importados: 2" in r.output


@pytest.mark.parametrize(
    ("mime", "tags", "shown"),
    [
        ("application/vnd.openxmlformats-officedocument.presentationml.template", (), "template"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.template", (), "template"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.template", (), "template"),
        ("application/vnd.oasis.opendocument.text-template", (), "template"),
        ("application/vnd.oasis.opendocument.presentation-template", (), "template"),
        (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (),
            "document",
        ),
        (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("campaña", " Plantilla "),
            "template",
        ),
        ("application/pdf", ("plantilla",), "document"),  # a PDF is no template to fill in
    ],
)
def test_templates_are_shown_as_templates(mime, tags, shown):
    assert shown_category("graphic", "document", mime, tags) == shown


def test_a_template_is_a_category_of_its_own_with_its_icon(app, client, login):
    user = add_user(app, "editor", agency="prensa")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    potx = api.upload(make_pptx("Plantilla de campaña", template=True), "campaña.potx")
    assert potx.status_code == 201, potx.get_json()
    assert potx.get_json()["mime"].endswith("presentationml.template")
    marked = api.upload(make_pptx("Informe mensual"), "informe.pptx", tags="plantilla")
    assert marked.status_code == 201, marked.get_json()
    shown = [asset_category(read(app, r.get_json()["id"])) for r in (potx, marked)]
    assert shown == ["template", "template"]
    html = client.get("/").get_data(True)
    found = re.findall(
        r'name="category" value="([^"]+)"[^>]*>\s*<span class="facet__label">[^<]+</span>'
        r'\s*<span class="facet__count">(\d+)',
        html,
    )
    facet = {value: int(count) for value, count in found}
    assert facet == {"template": 2}
    assert '<span class="facet__label">Plantilla</span>' in html
    assert html.count("icons.svg#template") >= 2  # each template's card carries its icon
    found = api.get("/search?category=template").get_json()
    assert found["total"] == 2
