"""Capture times through the application: the camera's clock read in the event's,
the agency's or the instance's zone, shown as the camera read it, served by the API
with its offset, moved when the asset changes event; and the migration that
repaired the rows stored as if camera clocks were UTC."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from brandhub.db import alembic_config, make_engine
from tests.assets import media_factory as mf
from tests.factories import Api, read, session


def _photo(n: int, **exif: str) -> bytes:
    return mf.make_jpeg(60 + n, 40, color=(n * 40 % 256, 90, 20), exif=exif)


def _upload(api: Api, data: bytes, name: str = "foto.jpg") -> dict[str, Any]:
    r = api.upload(data, name)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def _post(api: Api, path: str, body: object) -> Any:
    return api.client.post("/api/v1" + path, json=body, headers=api._headers())


def _patch(api: Api, path: str, body: object) -> Any:
    return api.client.patch("/api/v1" + path, json=body, headers=api._headers())


def test_camera_clock_is_shown_as_the_camera_read_it(api_for, client, login):
    api = api_for("photographer", agency="prensa")
    asset = _upload(api, _photo(1, datetime_original="2020:02:19 16:35:05"))
    # The instance's zone (Buenos Aires, -03:00): the clock stays 16:35:05.
    assert asset["captured_local"] == "2020-02-19T16:35:05"
    assert asset["captured_at"] == "2020-02-19T16:35:05-03:00"
    assert asset["capture_utc_offset"] == "-03:00"
    assert asset["capture_time_zone"] == "America/Argentina/Buenos_Aires"
    assert asset["capture_time_zone_source"] == "instance"
    login(api.user)
    html = client.get(f"/assets/{asset['id']}?lang=es").get_data(True)
    assert "Tomada el" in html and "19 feb 2020, 16:35:05" in html
    assert "13:35:05" not in html
    assert "UTC−03:00" in html


def test_an_offset_in_the_file_wins_and_is_kept(api_for):
    api = api_for("photographer", agency="prensa")
    exif = {"datetime_original": "2024:05:01 10:20:30", "offset_time_original": "+02:00"}
    asset = _upload(api, _photo(2, **exif))
    assert asset["captured_at"] == "2024-05-01T10:20:30+02:00"
    assert asset["capture_time_zone_source"] == "offset_time_original"
    assert asset["capture_time_zone"] is None


def test_the_events_zone_reads_the_clock_and_moves_with_the_asset(api_for):
    api = api_for("photographer", agency="prensa")
    r = _post(api, "/events", {"title": "Cumbre en Santiago", "time_zone": "America/Santiago"})
    assert r.status_code == 201, r.get_json()
    event = r.get_json()
    assert event["time_zone"] == "America/Santiago"
    winter = _upload(api, _photo(3, datetime_original="2024:07:15 12:00:00"))
    fixed = _upload(
        api, _photo(4, datetime_original="2024:07:15 12:00:00", offset_time_original="-05:00")
    )
    ids = [winter["id"], fixed["id"]]
    assert _post(api, f"/events/{event['id']}/assets", {"asset_ids": ids}).status_code == 200

    moved = api.get(f"/assets/{winter['id']}").get_json()
    assert moved["captured_local"] == "2024-07-15T12:00:00"  # the clock never moves
    assert moved["captured_at"] == "2024-07-15T12:00:00-04:00"  # Santiago's winter
    assert moved["capture_time_zone_source"] == "event"
    kept = api.get(f"/assets/{fixed['id']}").get_json()
    assert kept["captured_at"] == "2024-07-15T12:00:00-05:00"  # the file's offset stays

    # A new zone for the event reads its photos' clocks again.
    r = _patch(api, f"/events/{event['id']}", {"time_zone": "America/Montevideo"})
    assert r.status_code == 200, r.get_json()
    again = api.get(f"/assets/{winter['id']}").get_json()
    assert again["captured_at"] == "2024-07-15T12:00:00-03:00"
    assert again["capture_time_zone"] == "America/Montevideo"
    r = _patch(api, f"/events/{event['id']}", {"time_zone": "Tierra/Media"})
    assert r.status_code == 400
    assert r.get_json()["error"]["message"] == "Zona horaria desconocida."

    # Out of the event: the instance's zone again.
    assert api.delete(f"/events/{event['id']}/assets/{winter['id']}").status_code == 204
    back = api.get(f"/assets/{winter['id']}").get_json()
    assert back["captured_at"] == "2024-07-15T12:00:00-03:00"
    assert back["capture_time_zone_source"] == "instance"


def test_event_ordering_and_search_year_follow_the_camera_clock(app, api_for):
    api = api_for("photographer", agency="prensa")
    late = _upload(api, _photo(5, datetime_original="2024:12:31 23:30:00"))
    row = read(app, late["id"])
    assert row.captured_local == datetime(2024, 12, 31, 23, 30)
    # 02:30 UTC on 1 January 2025, but a photo of New Year's Eve 2024.
    assert row.captured_at == datetime(2025, 1, 1, 2, 30, tzinfo=UTC)
    from brandhub.indexing import document_for

    with session(app) as db:
        from brandhub.models import Asset

        asset = db.get(Asset, late["id"])
        assert document_for(asset).year == 2024


def test_migration_repairs_clocks_stored_as_utc(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config(engine)
    cfg.attributes["time_zone"] = "America/Santiago"
    parents = ScriptDirectory.from_config(cfg).get_revision("capture_time").down_revision
    for parent in (parents,) if isinstance(parents, str) else parents:
        command.upgrade(cfg, parent)
    columns = {
        "kind": "image",
        "title": "t",
        "description": "",
        "credit": "",
        "creator": "",
        "copyright": "",
        "caption": "",
        "original_filename": "a.jpg",
        "mime": "image/jpeg",
        "ext": "jpg",
        "size": 1,
        "storage_key": "k",
        "status": "draft",
        "public": False,
        "focal_x": 0.5,
        "focal_y": 0.5,
        "licence": "",
        "restrictions": "",
        "version": 1,
        "compliance": "unchecked",
    }
    floating = {"exif": {"datetime_original": "2024-07-15T12:00:00"}}
    with_offset = {"exif": {"datetime_original": "2024-05-01T10:20:30+02:00"}}
    rows = [
        # A camera clock without offset, stored as if it were UTC.
        (1, "image", datetime(2024, 7, 15, 12, 0), floating),
        # With its offset: the instant was right.
        (2, "image", datetime(2024, 5, 1, 8, 20, 30), with_offset),
        # A video's container date: UTC, right.
        (3, "video", datetime(2024, 1, 15, 15, 0), {}),
        # Placeholders stored as the record; the real description was in EXIF.
        (
            5,
            "image",
            None,
            {
                "exif": {"make": "SONY", "description": "Colorful cups."},
                "xmp": {"description": "x-default", "rights": "x-default"},
            },
        ),
        # A PDF measured in points, once stored as pixels.
        (4, "document", None, {"document": {"pages": 2, "width_pt": 595, "height_pt": 842}}),
    ]
    with engine.begin() as conn:
        table = sa.Table("assets", sa.MetaData(), autoload_with=conn)
        for id_, kind, when, md in rows:
            created = datetime(2025, 1, 1)
            values = {
                **columns,
                "id": id_,
                "kind": kind,
                "sha256": str(id_) * 64,
                "captured_at": when,
                "metadata": md,
                "width": 595,
                "height": 842,
                "mime": "application/pdf" if kind == "document" else "image/jpeg",
                "created_at": created,
                "updated_at": created,
            }
            if id_ == 5:
                values.update(caption="x-default", copyright="x-default", credit="Prensa")
            conn.execute(table.insert().values(**values))
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        got = {
            r.id: r
            for r in conn.execute(
                sa.text(
                    "SELECT id, captured_at, captured_local, capture_offset, capture_zone,"
                    " capture_zone_source, width, caption, copyright, credit FROM assets"
                )
            )
        }
    engine.dispose()
    assert str(got[1].captured_local).startswith("2024-07-15 12:00:00")
    assert got[1].capture_offset == -240 and got[1].capture_zone_source == "instance"
    assert str(got[1].captured_at).startswith("2024-07-15 16:00:00")
    assert got[2].capture_offset == 120 and got[2].capture_zone_source == "offset_time_original"
    assert str(got[2].captured_at).startswith("2024-05-01 08:20:30")
    assert str(got[2].captured_local).startswith("2024-05-01 10:20:30")
    assert str(got[3].captured_at).startswith("2024-01-15 15:00:00")  # unchanged
    assert str(got[3].captured_local).startswith("2024-01-15 12:00:00")  # Santiago, -03 in summer
    assert got[4].width is None
    assert (got[5].caption, got[5].copyright, got[5].credit) == ("Colorful cups.", "", "Prensa")


def test_the_agencys_zone_from_the_command_line(app, api_for, runner):
    api = api_for("photographer", agency="prensa")
    asset = _upload(api, _photo(6, datetime_original="2024:07:15 12:00:00"))
    assert asset["capture_time_zone_source"] == "instance"
    result = runner.invoke(args=["agencies", "zone", "prensa", "America/Santiago"])
    assert result.exit_code == 0, result.output
    seen = api.get(f"/assets/{asset['id']}").get_json()
    assert seen["captured_at"] == "2024-07-15T12:00:00-04:00"
    assert seen["capture_time_zone_source"] == "agency"
    assert runner.invoke(args=["agencies", "zone", "prensa", "Luna/Tranquilidad"]).exit_code != 0
    assert runner.invoke(args=["agencies", "zone", "nadie", "America/Lima"]).exit_code != 0
    result = runner.invoke(args=["agencies", "zone", "prensa"])  # back to the instance's
    assert result.exit_code == 0
    assert api.get(f"/assets/{asset['id']}").get_json()["capture_time_zone_source"] == "instance"


def test_embedded_title_is_used_when_the_upload_gives_none(api_for, tmp_path):
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        pytest.skip("exiftool is not installed")
    api = api_for("photographer", agency="prensa")
    path = tmp_path / "DSC_0042.jpg"
    path.write_bytes(_photo(7))
    subprocess.run(
        [
            exiftool,
            "-q",
            "-overwrite_original",
            "-XMP-dc:Title=Inauguración del hospital",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    data = path.read_bytes()
    assert _upload(api, data, "DSC_0042.jpg")["title"] == "Inauguración del hospital"
    # A title that only repeats the file name is no title either.
    other = path.with_name("DSC_0043.jpg")
    other.write_bytes(_photo(8))
    subprocess.run(
        [exiftool, "-q", "-overwrite_original", "-IPTC:ObjectName=Acto central", str(other)],
        check=True,
        timeout=60,
    )
    r = api.upload(other.read_bytes(), "DSC_0043.jpg", title="DSC_0043")
    assert r.status_code == 201 and r.get_json()["title"] == "Acto central"
    r = api.upload(_photo(9), "foto.jpg", title="Mi título")
    assert r.get_json()["title"] == "Mi título"
