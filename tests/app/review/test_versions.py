"""Replacing an asset's file: history, earlier versions byte for byte, shared bytes."""

from __future__ import annotations

import hashlib
import io

from brandhub.models import Asset, AssetVersion
from brandhub.services import storage
from tests.assets.media_factory import make_pdf, make_png
from tests.factories import Api, add_token, photo, read, session, upload


def test_replace_keeps_history_and_every_version_downloads_byte_identical(app, api_for):
    editor = api_for("editor", "salud")
    first, second, third = photo(10), photo(11), photo(12)
    asset = upload(editor, 10)
    assert asset["version"] == 1

    r = editor.new_version(
        asset["id"], second, filename="logo-v2.jpg", comment="Colores corregidos"
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["version"] == 2
    assert r.get_json()["sha256"] == hashlib.sha256(second).hexdigest()
    assert editor.new_version(asset["id"], third, filename="logo-v3.jpg").status_code == 201

    listed = editor.get(f"/assets/{asset['id']}/versions").get_json()
    assert listed["current"] == 3
    assert [v["number"] for v in listed["versions"]] == [3, 2, 1]
    assert [v["current"] for v in listed["versions"]] == [True, False, False]
    assert listed["versions"][1]["comment"] == "Colores corregidos"
    assert listed["versions"][1]["created_by"] == editor.user.email
    assert listed["versions"][2]["filename"] == "foto-10.jpg"
    for number, data in ((1, first), (2, second), (3, third)):
        got = editor.get(f"/assets/{asset['id']}/versions/{number}/file")
        assert got.status_code == 200
        assert got.data == data, number
        assert "attachment" in got.headers["Content-Disposition"]
    # The latest is the default: the asset's own file is version 3.
    assert editor.get(f"/assets/{asset['id']}/file").data == third
    assert editor.get(f"/assets/{asset['id']}/versions/4/file").status_code == 404


def test_an_asset_never_replaced_lists_its_file_as_version_1(api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 13)
    listed = editor.get(f"/assets/{asset['id']}/versions").get_json()
    assert [(v["number"], v["current"]) for v in listed["versions"]] == [(1, True)]
    assert editor.get(f"/assets/{asset['id']}/versions/1/file").data == photo(13)


def test_replacing_moves_renditions_and_deletes_the_old_ones(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 14)
    with session(app) as db:
        keys = [r.storage_key for r in db.get(Asset, asset["id"]).renditions]
    assert keys
    assert editor.new_version(asset["id"], photo(15)).status_code == 201
    with app.app_context():
        store = storage()
        assert not any(store.exists(k) for k in keys)
        current = read(app, asset["id"])
        assert store.exists(current.storage_key)
    thumb = editor.get(f"/assets/{asset['id']}").get_json()["links"]["renditions"]["thumb"]
    assert editor.get(thumb.removeprefix("/api/v1")).status_code == 200


def test_no_change_duplicate_and_other_kind_are_refused(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 16)
    other = upload(editor, 17)
    same = editor.new_version(asset["id"], photo(16))
    assert same.status_code == 409
    assert same.get_json()["error"]["field"] == "file"
    dup = editor.new_version(asset["id"], photo(17))
    assert dup.status_code == 409
    assert dup.get_json()["error"]["existing_id"] == other["id"]
    pdf = editor.new_version(asset["id"], make_pdf(), filename="doc.pdf")
    assert pdf.status_code == 409
    assert read(app, asset["id"]).version == 1


def test_only_editors_of_the_agency_replace(api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 18)
    assert api_for("viewer", "salud").new_version(asset["id"], photo(19)).status_code == 403
    assert api_for("editor", "educacion").new_version(asset["id"], photo(19)).status_code == 404
    assert api_for("photographer", "salud").new_version(asset["id"], photo(19)).status_code == 201


def test_bytes_shared_with_a_version_survive_deleting_the_other_asset(app, api_for):
    editor = api_for("editor", "salud")
    a = upload(editor, 20)
    assert editor.new_version(a["id"], photo(21)).status_code == 201
    # The file of a's version 1 is uploaded again as a new asset: the same stored bytes.
    b = editor.upload(photo(20), "de-nuevo.jpg")
    assert b.status_code == 201
    assert editor.delete(f"/assets/{b.get_json()['id']}").status_code == 204
    assert editor.get(f"/assets/{a['id']}/versions/1/file").data == photo(20)
    # Deleting a deletes its versions' bytes, now that nothing else refers to them.
    key = None
    with session(app) as db:
        key = db.query(AssetVersion).filter_by(asset_id=a["id"], number=1).one().storage_key
    assert editor.delete(f"/assets/{a['id']}").status_code == 204
    with app.app_context():
        assert not storage().exists(key)


def test_the_page_replaces_and_lists_versions(app, client, make_user, login):
    editor = make_user("editor", "salud")
    asset = upload(Api(client, add_token(app, editor)), 22)
    login(editor)
    data = make_png(64, 48)
    r = client.post(
        f"/assets/{asset['id']}/versions",
        data={"file": (io.BytesIO(data), "otra.png"), "comment": "PNG sin pérdida"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "PNG sin pérdida" in page
    assert f"/assets/{asset['id']}/versions/1/file" in page
    assert client.get(f"/assets/{asset['id']}/versions/1/file").data == photo(22)
    assert client.get(f"/assets/{asset['id']}/versions/2/file").data == data
    # A bad file comes back to the page with the reason.
    r = client.post(
        f"/assets/{asset['id']}/versions",
        data={"file": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert read(app, asset["id"]).version == 2
