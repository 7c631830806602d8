"""Uploads are checked as the category their content shows, unless a person says otherwise."""

from __future__ import annotations

import json

from sqlalchemy import select

from brandhub.models import ComplianceReport
from tests.app.compliance.support import asset_row, pieces
from tests.factories import PASSWORD, session
from tests.guidelines.test_category import encoded, illustration, swirl


def _report_categories(app, asset_id: int) -> list[str]:
    with session(app) as db:
        query = select(ComplianceReport.category).where(ComplianceReport.asset_id == asset_id)
        return list(db.scalars(query.order_by(ComplianceReport.id)))


def test_a_transparent_png_logo_is_checked_as_a_logo(app, api):
    # Judged by the file type it was a photo (and failed the photo's credit and size rules).
    r = api.upload(pieces()["official"], "logo.png")
    assert r.status_code == 201, r.get_json()
    asset_id = r.get_json()["id"]
    assert r.get_json()["category"] == "logo"
    assert asset_row(app, asset_id) == ("pass", "logo")
    assert _report_categories(app, asset_id) == ["logo"]


def test_an_svg_illustration_is_a_graphic_piece(app, api):
    r = api.upload(illustration(), "ilustracion.svg")
    assert r.status_code in (201, 422), r.get_json()
    body = r.get_json()
    category = body["category"] if r.status_code == 201 else body["error"]["report"]["category"]
    assert category == "graphic"


def test_the_category_given_on_upload_wins(app, api):
    r = api.upload(encoded(swirl(), "PNG"), "marca.png", category="graphic")
    assert r.status_code in (201, 422), r.get_json()
    body = r.get_json()
    category = body["category"] if r.status_code == 201 else body["error"]["report"]["category"]
    assert category == "graphic"


def test_the_category_is_changed_later_and_checked_again(app, api, editor):
    asset_id = api.upload(pieces()["official"], "logo.png").get_json()["id"]
    r = api.patch(f"/assets/{asset_id}", json={"category": "social"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["category"] == "social"
    assert _report_categories(app, asset_id) == ["logo", "social"]
    bad = api.patch(f"/assets/{asset_id}", json={"category": "afiche"})
    assert bad.status_code == 422
    # "" judges it from the file again.
    again = api.patch(f"/assets/{asset_id}", json={"category": ""})
    assert again.status_code == 200 and again.get_json()["category"] == "logo"
    assert _report_categories(app, asset_id) == ["logo", "social", "logo"]
    # The edit form on the asset's page.
    client = app.test_client()
    client.post("/login", data={"email": editor.email, "password": PASSWORD})
    page = client.get(f"/assets/{asset_id}").get_data(True)
    assert 'name="category"' in page and "Automático (se deduce del archivo)" in page
    r = client.post(f"/assets/{asset_id}/edit", data={"title": "Logo", "category": "graphic"})
    assert r.status_code == 302, r.get_data(True)
    assert asset_row(app, asset_id)[1] == "graphic"
    assert _report_categories(app, asset_id)[-1] == "graphic"
    # Saving other fields with the category as it is checks nothing again.
    client.post(f"/assets/{asset_id}/edit", data={"title": "Logo 2", "category": "graphic"})
    assert len(_report_categories(app, asset_id)) == 4


def test_import_judges_each_file_and_takes_a_category(app, runner, tmp_path, editor):
    folder = tmp_path / "marcas"
    folder.mkdir()
    (folder / "logo.png").write_bytes(pieces()["official"])
    r = runner.invoke(args=["import", str(folder), "--user", editor.email])
    assert r.exit_code == 0, r.output
    assert asset_row(app, 1) == ("pass", "logo")
    other = tmp_path / "otra"
    other.mkdir()
    (other / "marca.png").write_bytes(encoded(swirl(), "PNG"))
    r = runner.invoke(
        args=[
            "import",
            str(other),
            "--user",
            editor.email,
            "--category",
            "social",
            "--report",
            str(tmp_path / "r.json"),
        ]
    )
    # Checked as the social post it was said to be: refused for its size, a social rule.
    assert r.exit_code == 1 and "- redes-medidas: " in r.output, r.output
    (row,) = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert row["status"] == "rejected" and [x["rule"] for x in row["rules"]] == ["redes-medidas"]
