"""``brandhub import`` of large files through resumable uploads, here and to a remote instance.

A file past ``--resumable-mb`` goes in chunks through the resumable uploads
(locally the operations of /api/v1/uploads, remotely its tus protocol); the
import is cut in the middle of the file, and a second run sends only the
bytes still missing and makes the asset, byte-identical.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from brandhub.cli import remote
from brandhub.models import Asset, ResumableUpload
from brandhub.operations import importer
from tests.app.assets.test_resumable_uploads import served
from tests.assets.media_factory import make_wav
from tests.factories import add_token, add_user, session

CHUNK = 256 * 1024


@pytest.fixture(scope="module")
def recording() -> bytes:
    data = make_wav(seconds=12.0)  # past the 1 MiB threshold, a few chunks
    assert 1024 * 1024 < len(data) < 4 * 1024 * 1024, len(data)
    return data


def _folder(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "cobertura"
    folder.mkdir()
    (folder / "entrevista.wav").write_bytes(data)
    return folder


def _asset(app: Any) -> Asset | None:
    with session(app) as db:
        return db.scalar(select(Asset))


def test_a_local_import_cut_mid_file_resumes_from_where_it_stopped(
    app, runner, tmp_path, recording, monkeypatch
):
    add_user(app, "admin", agency=None)
    folder = _folder(tmp_path, recording)
    monkeypatch.setattr(importer, "IMPORT_CHUNK", CHUNK)
    real = importer.append_chunk
    sent: list[int] = []

    def append(*args: Any, **kwargs: Any) -> Any:
        if len(sent) == 2:
            raise KeyboardInterrupt  # the command stopped in the middle of the file
        offset = args[7]
        answer = real(*args, **kwargs)
        sent.append(answer[0].offset - offset)
        return answer

    monkeypatch.setattr(importer, "append_chunk", append)
    cut = runner.invoke(args=["import", str(folder), "--resumable-mb", "1"])
    assert cut.exit_code == 130, cut.output
    assert _asset(app) is None
    with session(app) as db:
        [row] = db.scalars(select(ResumableUpload))
        assert row.offset == 2 * CHUNK
    assert (Path(app.instance_path) / "import-uploads.json").is_file()

    sent.clear()
    monkeypatch.setattr(importer, "append_chunk", lambda *a, **k: sent.append(1) or real(*a, **k))
    again = runner.invoke(args=["import", str(folder), "--resumable-mb", "1"])
    assert again.exit_code == 0, again.output
    assert "Importados: 1" in again.output
    missing = len(recording) - 2 * CHUNK
    assert len(sent) == -(-missing // CHUNK)  # only the chunks still missing
    asset = _asset(app)
    assert asset is not None and asset.sha256 == hashlib.sha256(recording).hexdigest()
    assert "entrevista" in asset.original_filename
    assert (Path(app.instance_path) / "import-uploads.json").read_text() == "{}"


def test_an_import_to_a_remote_instance_resumes_mid_file(
    app_factory, tmp_path, recording, monkeypatch
):
    there = app_factory()
    token = add_token(there, add_user(there, "editor"))
    here = app_factory()
    runner = here.test_cli_runner()
    folder = _folder(tmp_path, recording)
    monkeypatch.setattr(remote, "REMOTE_CHUNK", CHUNK)
    calls: list[int] = []
    real = remote.TusUploader._patch

    def cut_after_two(self: Any, *args: Any) -> Any:
        answer = real(self, *args)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the connection lost, the command stopped
        return answer

    with served(there) as (base, patched):
        args = ["import", str(folder), "--remote", base, "--token", token, "--resumable-mb", "1"]
        monkeypatch.setattr(remote.TusUploader, "_patch", cut_after_two)
        cut = runner.invoke(args=args)
        assert cut.exit_code == 130, cut.output
        assert patched.total == 2 * CHUNK
        assert _asset(there) is None

        monkeypatch.setattr(remote.TusUploader, "_patch", real)
        again = runner.invoke(args=args)
        assert again.exit_code == 0, again.output
        assert "Importados: 1" in again.output
        assert patched.total == len(recording)  # the second run sent only what was missing
    asset = _asset(there)
    assert asset is not None and asset.sha256 == hashlib.sha256(recording).hexdigest()
    assert _asset(here) is None


def test_a_remote_import_needs_a_token_and_numbered_events(runner, tmp_path, recording):
    folder = _folder(tmp_path, recording)
    r = runner.invoke(args=["import", str(folder), "--remote", "http://127.0.0.1:9"])
    assert r.exit_code == 2 and "--token" in r.output
    r = runner.invoke(
        args=["import", str(folder), "--remote", "ftp://x", "--token", "t"],
    )
    assert r.exit_code == 2 and "http" in r.output
    r = runner.invoke(
        args=["import", str(folder), "--remote", "http://x", "--token", "t", "--event", "Acto"],
    )
    assert r.exit_code == 2


def test_an_unreachable_remote_says_so_and_how_to_resume(runner, tmp_path, recording):
    folder = _folder(tmp_path, recording)
    r = runner.invoke(
        args=["import", str(folder), "--remote", "http://127.0.0.1:9", "--token", "t"],
    )
    assert r.exit_code == 1, r.output
    assert "127.0.0.1:9" in r.output and "Traceback" not in r.output
