"""``brandhub backup DIR`` and ``brandhub restore DIR``, end to end.

A library with photos, a logo, a PDF, audio and a video (with tags, an event, a
collection and the shipped brands) is backed up, restored into a new instance
folder, and must serve the same listing and the same bytes (SHA-256 of every
original and rendition). The same through the portable JSON-lines dump, into an
S3-backed instance; a non-empty instance is refused without ``--force``; a
damaged backup is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from tests.assets import media_factory as mf
from tests.factories import Api, add_token, add_user, session

FILES = [
    (lambda: mf.make_jpeg(320, 200, exif={"make": "Canon"}, iptc={"credit": "Prensa"}), "acto.jpg"),
    (lambda: mf.make_png(120, 80), "logo.png"),
    (lambda: mf.make_svg('<circle cx="20" cy="20" r="10" fill="#f2a900"/>'), "escudo.svg"),
    (lambda: mf.make_pdf(width_pt=200, height_pt=100), "comunicado.pdf"),
    (lambda: mf.make_mp4(0.6, 96, 64, fps=10, audio=True), "video.mp4"),
    (lambda: mf.make_wav(0.3), "cuña.wav"),
]


def _library(app) -> Api:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    user = add_user(app, "admin", "salud", email="admin@salud.example")
    api = Api(app.test_client(), add_token(app, user))
    ids = []
    for make, name in FILES:
        response = api.upload(make(), name, tags="prensa,acto", credit="Prensa")
        assert response.status_code == 201, response.data[:300]
        ids.append(response.get_json()["id"])
    headers = api._headers()
    event = api.client.post(
        "/api/v1/events",
        json={"title": "Inauguración", "starts_at": "2026-05-25T10:30"},
        headers=headers,
    ).get_json()
    added = api.client.post(
        f"/api/v1/events/{event['id']}/assets", json={"asset_ids": ids[:2]}, headers=headers
    )
    assert added.status_code == 200, added.data[:200]
    kit = api.client.post("/api/v1/collections", json={"title": "Kit"}, headers=headers).get_json()
    added = api.client.post(
        f"/api/v1/collections/{kit['id']}/assets", json={"asset_ids": ids}, headers=headers
    )
    assert added.status_code == 200, added.data[:200]
    return api


def _snapshot(api: Api) -> dict[int, dict]:  # type: ignore[type-arg]
    """Every asset as the API lists it, with the SHA-256 of its file and renditions."""
    listing = api.get("/assets?per_page=100").get_json()
    out = {}
    for asset in listing["results"]:
        record = {
            k: asset[k]
            for k in (
                "title",
                "kind",
                "mime",
                "size",
                "sha256",
                "tags",
                "filename",
                "credit",
                "width",
                "height",
                "duration",
            )
        }
        body = api.get(f"/assets/{asset['id']}/file")
        assert body.status_code == 200
        record["file_sha256"] = hashlib.sha256(body.data).hexdigest()
        record["renditions"] = {
            name: hashlib.sha256(api.client.get(url, headers=api._headers()).data).hexdigest()
            for name, url in sorted(asset["links"]["renditions"].items())
        }
        out[asset["id"]] = record
    return out


def _events(api: Api) -> list:  # type: ignore[type-arg]
    rows = api.get("/events").get_json()
    return [(e["title"], e["asset_count"]) for e in rows["results"]]


def _restored_api(app, email: str = "admin@salud.example") -> Api:
    from brandhub.models import User

    with session(app) as db:
        user = db.query(User).filter_by(email=email).one()
        db.expunge(user)
    return Api(app.test_client(), add_token(app, user))


def test_backup_and_restore_serve_the_same_library(app_factory, tmp_path) -> None:
    source = app_factory()
    api = _library(source)
    before = _snapshot(api)
    assert len(before) == len(FILES)
    assert any(a["kind"] == "video" for a in before.values())

    # The key of an instance that keeps it in its folder (tests set it in the config).
    (Path(source.instance_path) / "secret_key").write_text("clave-de-la-instancia")
    folder = tmp_path / "respaldo"
    result = source.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Copia de seguridad escrita" in result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["missing"] == []
    assert manifest["database"]["tables"]["assets"] == len(FILES)
    for item in manifest["objects"]["items"]:
        data = (folder / "objects" / item["key"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["size"]
    keys = {i["key"] for i in manifest["objects"]["items"]}
    assert {a["sha256"] for a in before.values()} <= {k.rsplit("/", 1)[-1] for k in keys}
    assert any(k.startswith("brands/") for k in keys)
    assert stat.S_IMODE(os.stat(folder / "secret_key").st_mode) == 0o600
    assert manifest["brands"]

    target = app_factory()
    restored = target.test_cli_runner().invoke(args=["restore", str(folder)])
    assert restored.exit_code == 0, restored.output
    assert "Se restauraron" in restored.output
    assert (Path(target.instance_path) / "secret_key").read_bytes() == (
        Path(source.instance_path) / "secret_key"
    ).read_bytes()
    again = _restored_api(target)
    assert _snapshot(again) == before
    assert _events(again) == _events(api)
    found = again.get("/search?q=acto").get_json()  # the index was rebuilt from the rows
    assert found["total"] >= 1
    # New rows take new ids after the restored ones.
    fresh = again.upload(mf.make_jpeg(10, 10, color=(4, 4, 4)), "nueva.jpg")
    assert fresh.status_code == 201 and fresh.get_json()["id"] > max(before)


def test_restore_refuses_a_library_that_is_not_empty(app_factory, tmp_path) -> None:
    source = app_factory()
    api = _library(source)
    folder = tmp_path / "respaldo"
    assert source.test_cli_runner().invoke(args=["backup", str(folder)]).exit_code == 0
    again = source.test_cli_runner().invoke(args=["backup", str(folder)])
    assert again.exit_code != 0 and "no está vacía" in again.output

    refused = source.test_cli_runner().invoke(args=["restore", str(folder)])
    assert refused.exit_code != 0 and "ya tiene recursos" in refused.output
    api.delete(f"/assets/{api.get('/assets').get_json()['results'][0]['id']}")
    forced = source.test_cli_runner().invoke(args=["restore", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _restored_api(source).get("/assets").get_json()["total"] == len(FILES)


def test_a_damaged_backup_is_refused_before_anything_is_written(app_factory, tmp_path) -> None:
    source = app_factory()
    _library(source)
    folder = tmp_path / "respaldo"
    assert source.test_cli_runner().invoke(args=["backup", str(folder)]).exit_code == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    first = folder / "objects" / manifest["objects"]["items"][0]["key"]
    first.write_bytes(first.read_bytes()[:-1] + b"!")
    target = app_factory()
    result = target.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code != 0 and "dañada" in result.output
    (folder / "manifest.json").unlink()
    result = target.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code != 0 and "manifest.json" in result.output


def test_a_portable_backup_restores_into_an_s3_instance(app_factory, tmp_path, s3_config) -> None:
    source = app_factory()
    api = _library(source)
    before = _snapshot(api)
    folder = tmp_path / "portable"
    result = source.test_cli_runner().invoke(args=["backup", "--portable", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "database" / "assets.jsonl").is_file()
    target = app_factory(**s3_config)
    restored = target.test_cli_runner().invoke(args=["restore", str(folder)])
    assert restored.exit_code == 0, restored.output
    assert _snapshot(_restored_api(target)) == before
