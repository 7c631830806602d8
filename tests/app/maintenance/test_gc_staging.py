"""``brandhub gc`` and the local store's staging folder: files of resumable uploads that
no upload names any more, arriving (``.part``) or handed over (``.taken``: a process
that ended between finishing an upload and taking its file over), are removed after
the grace period; those of an upload in progress never are."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from brandhub.services import upload_staging


def _folder(app) -> Path:
    with app.app_context():
        return upload_staging().folder


def _left(app, upload_id: str, suffix: str, *, hours_ago: float) -> Path:
    folder = _folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{upload_id}.{suffix}"
    path.write_bytes(b"bytes of a file nobody will take over")
    moment = time.time() - hours_ago * 3600
    os.utime(path, (moment, moment))
    return path


def test_gc_removes_handed_over_files_no_upload_names(app, runner) -> None:
    taken = _left(app, uuid.uuid4().hex, "taken", hours_ago=3)
    part = _left(app, uuid.uuid4().hex, "part", hours_ago=3)
    fresh = _left(app, uuid.uuid4().hex, "taken", hours_ago=0)
    other = _folder(app) / "notes.txt"  # not an upload's: never touched
    other.write_text("kept")

    dry = runner.invoke(args=["gc", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert taken.exists() and part.exists()

    done = runner.invoke(args=["gc"])  # the default grace: one hour
    assert done.exit_code == 0, done.output
    assert not taken.exists() and not part.exists()
    assert fresh.exists(), "within the grace period: perhaps being taken over now"
    assert other.exists()


def test_gc_keeps_the_files_of_an_upload_in_progress(app, api_for, runner) -> None:
    api = api_for("editor")
    created = api.client.post(
        "/api/v1/uploads",
        headers={
            "Authorization": f"Bearer {api.token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "100",
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    upload_id = created.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    part = _folder(app) / f"{upload_id}.part"
    assert part.exists()
    taken = _left(app, upload_id, "taken", hours_ago=3)
    moment = time.time() - 3 * 3600
    os.utime(part, (moment, moment))

    done = runner.invoke(args=["gc"])
    assert done.exit_code == 0, done.output
    assert part.exists() and taken.exists()  # its row names it: not an orphan


def test_cancelling_an_upload_removes_a_handed_over_file_too(app) -> None:
    upload_id = uuid.uuid4().hex
    taken = _left(app, upload_id, "taken", hours_ago=0)
    with app.app_context():
        staging = upload_staging()
        assert list(staging.iter_ids()) == [upload_id]
        assert staging.modified(upload_id) is not None
        staging.remove(upload_id)
        assert staging.modified(upload_id) is None
    assert not taken.exists()
