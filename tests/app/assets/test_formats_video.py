"""Broadcast video through the API, the upload page and ``brandhub import``: poster, web proxy."""

from __future__ import annotations

import io

import av
import pytest
from sqlalchemy import select

from brandhub.categories import asset_category
from brandhub.models import Job
from tests.assets.media_factory import broadcast as bf
from tests.assets.media_factory import make_mp4
from tests.factories import add_user, read, session, upload_page


@pytest.fixture(scope="module")
def mxf() -> bytes:
    return bf.make_mxf(seconds=1.0)


def _jobs(app, asset_id):
    with session(app) as db:
        return db.scalars(select(Job).where(Job.asset_id == asset_id)).all()


def test_api_upload_of_an_mxf_gets_a_poster_and_an_mp4_proxy(api_for, app, mxf):
    api = api_for("editor")
    r = api.upload(mxf, "nota.mxf")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["kind"], body["mime"]) == ("video", "application/mxf")
    asset = read(app, body["id"])
    assert asset_category(asset) == "video"
    assert asset.metadata_json["video"]["timecode"] == "10:00:00:00"
    assert {r.name for r in asset.renditions} == {"thumb", "preview", "proxy"}
    assert [job.state for job in _jobs(app, body["id"])] == ["done"]
    proxy = api.get(f"/assets/{body['id']}/renditions/proxy")
    assert proxy.status_code == 200 and proxy.headers["Content-Type"] == "video/mp4"
    with av.open(io.BytesIO(proxy.data)) as c:
        assert {s.codec_context.name for s in c.streams} == {"h264", "aac"}
    # The original stays as it was uploaded.
    assert api.get(f"/assets/{body['id']}/file").data == mxf


def test_a_browser_playable_mp4_gets_no_proxy_nor_job(api_for, app):
    api = api_for("editor")
    body = api.upload(make_mp4(0.4, 64, 48), "clip.mp4").get_json()
    assert "proxy" not in {r.name for r in read(app, body["id"]).renditions}
    assert _jobs(app, body["id"]) == []


def test_upload_page_takes_a_prores_mov_and_its_page_plays_the_proxy(app, client, login):
    login(add_user(app, "editor", agency="salud"))
    r = upload_page(client, bf.make_prores_mov(seconds=0.4), "master.mov", as_json=True)
    assert r.status_code == 201, r.get_data(as_text=True)
    asset_id = r.get_json()["id"] if "id" in r.get_json() else r.get_json()["asset"]["id"]
    page = client.get(f"/assets/{asset_id}").get_data(as_text=True)
    assert f"/assets/{asset_id}/r/proxy" in page and "01:00:00:00" in page
    assert "prores" in page


def test_the_page_says_the_web_version_is_coming_then_plays_it(app_factory):
    from tests.app.jobs.support import run_queued
    from tests.factories import PASSWORD, Api, add_token

    app = app_factory(JOBS_BACKEND="memory")  # the job waits for the worker
    user = add_user(app, "editor", "salud")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    api = Api(client, add_token(app, user))
    body = api.upload(bf.make_mxf(seconds=0.4, timecode="09:59:50:00"), "a.mxf").get_json()
    assert body["processing"]["state"] == "queued"
    page = client.get(f"/assets/{body['id']}").get_data(as_text=True)
    assert "<video" not in page and "asset__note" in page and "09:59:50:00" in page
    assert run_queued(app) >= 1
    page = client.get(f"/assets/{body['id']}").get_data(as_text=True)
    assert f"/assets/{body['id']}/r/proxy" in page and "asset__note" not in page


def test_import_takes_avi_ts_and_mpg(app, runner, tmp_path):
    add_user(app, "admin", agency=None)
    add_user(app, "photographer", agency="prensa")
    folder = tmp_path / "archivo"
    folder.mkdir()
    (folder / "1998.avi").write_bytes(bf.make_avi(seconds=0.4))
    (folder / "emision.ts").write_bytes(bf.make_mpeg_ts(seconds=0.4))
    (folder / "dvd.mpg").write_bytes(bf.make_mpeg_ps(seconds=0.4))
    r = runner.invoke(args=["import", str(folder), "--agency", "prensa"])
    assert r.exit_code == 0, r.output
    assert "Importados: 3" in r.output
