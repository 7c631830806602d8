"""Office templates through the API, the upload page and ``brandhub import``: first page, PDF."""

from __future__ import annotations

import shutil

import pytest

from brandhub.categories import asset_category
from tests.assets.media_factory.office import make_docx, make_odt, make_pptx, make_xlsx
from tests.factories import add_user, read, upload_page

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
