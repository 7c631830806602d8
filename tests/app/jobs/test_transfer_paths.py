"""The large-file path the transfer benchmark measures: one spool, files to S3 by parts."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from assets.errors import StorageError
from assets.ingest import SpooledUpload
from tests.factories import Api, add_token, add_user

MIB = 1024 * 1024


def _mp4_like(size: int) -> bytes:
    from tests.assets.media_factory import make_mp4

    clip = make_mp4(1.0)
    padding = size - len(clip) - 8
    return clip + (padding + 8).to_bytes(4, "big") + b"free" + os.urandom(padding)


def _spools(folder: Path) -> list[Path]:
    return sorted(folder.glob("brandhub-*"))


def test_a_large_upload_is_spooled_and_hashed_once(app_factory, tmp_path, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    app = app_factory(UPLOAD_TMP_DIR=str(spool), MEDIA_BACKGROUND_MB=1)
    import assets.ingest as ingest

    copies: list[int] = []
    original = ingest._spool
    monkeypatch.setattr(ingest, "_spool", lambda *a: copies.append(1) or original(*a))
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    data = _mp4_like(3 * MIB)
    r = api.upload(data, "largo.mp4")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert r.get_json()["size"] == len(data)
    assert copies == []  # taken over from the form parser, not copied
    assert _spools(spool) == []
    assert api.get(f"/assets/{r.get_json()['id']}/file").data == data


def test_small_bodies_stay_in_memory_and_are_copied_as_before(app_factory, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    app = app_factory(UPLOAD_TMP_DIR=str(spool))
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    from tests.assets.media_factory import make_jpeg

    assert api.upload(make_jpeg(60, 40), "chica.jpg").status_code == 201
    assert _spools(spool) == []


def test_spooled_files_are_removed_when_the_upload_is_refused(app_factory, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    app = app_factory(UPLOAD_TMP_DIR=str(spool), MAX_UPLOAD_MB=1)
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    r = api.upload(os.urandom(MIB + 4096), "grande.mp4")  # over the limit by a little
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "file_too_large"
    r = api.upload(b"<html>" + os.urandom(MIB // 2), "pagina.mp4")  # not a video at all
    assert r.status_code == 415
    r = api.upload(_mp4_like(MIB // 2 + 1), "v.mp4", agency="no-existe")  # refused field
    assert r.status_code == 400
    assert _spools(spool) == []


def test_a_spooled_upload_read_by_someone_else_is_copied_not_taken(tmp_path):
    spooled = SpooledUpload(tmp_dir=tmp_path)
    spooled.write(b"x" * 1000)
    spooled.seek(0)
    assert spooled.read(10) == b"x" * 10 and not spooled.untouched
    spooled.close()
    assert list(tmp_path.iterdir()) == []


def test_s3_put_file_uploads_by_parts_from_the_file(s3_storage, tmp_path):
    path = tmp_path / "big.bin"
    data = os.urandom(12 * MIB)
    path.write_bytes(data)
    assert s3_storage.put_file("originals/x/big", path, content_type="video/mp4") == len(data)
    assert s3_storage.read_bytes("originals/x/big") == data
    with pytest.raises(StorageError):
        s3_storage.put_file("originals/x/gone", tmp_path / "missing.bin")
