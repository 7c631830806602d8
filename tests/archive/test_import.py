"""``brandhub import``: a whole coverage in one go, safe to run again, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from brandhub.db import database
from brandhub.models import Asset
from tests.assets.media_factory import make_jpeg
from tests.conftest import add_user


def _coverage(folder: Path, n: int, size: tuple[int, int] = (400, 300)) -> None:
    (folder / "dia-2").mkdir(parents=True)
    for i in range(n):
        sub = folder if i % 2 else folder / "dia-2"
        (sub / f"foto-{i:03d}.jpg").write_bytes(make_jpeg(*size, color=(i * 7 % 255, 90, 160)))
    (folder / "notas.txt").write_text("no es una foto")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


def _count(app) -> int:
    db = database(app).sessionmaker()
    try:
        return db.scalar(select(func.count()).select_from(Asset))
    finally:
        db.close()


def test_import_then_again_imports_nothing_twice(app, runner, tmp_path):
    add_user(app, "admin", agency=None)
    add_user(app, "photographer", agency="prensa")
    _coverage(tmp_path / "acto", 12)
    r = runner.invoke(
        args=[
            "import",
            str(tmp_path / "acto"),
            "--agency",
            "prensa",
            "--credit",
            "Prensa Provincial",
            "--tags",
            "acto, plaza",
        ]
    )
    assert r.exit_code == 0, r.output
    assert "Importados: 12" in r.output and "no son medios: 1" in r.output
    assert "notas.txt" in r.output
    assert _count(app) == 12
    again = runner.invoke(args=["import", str(tmp_path / "acto")])
    assert "Importados: 0" in again.output and "ya estaban en la biblioteca: 12" in again.output
    assert _count(app) == 12
    client = app.test_client()
    from tests.conftest import Api, add_token

    api = Api(client, add_token(app, add_user(app, "admin", agency=None)))
    found = api.get("/search?q=plaza").get_json()
    assert found["total"] == 12 and found["results"][0]["credit"] == "Prensa Provincial"


def test_an_interrupted_import_resumes(app, tmp_path):
    add_user(app, "admin", agency=None)
    _coverage(tmp_path / "acto", 30, size=(2400, 1600))
    env = {
        **os.environ,
        "BRANDHUB_INSTANCE_PATH": app.instance_path,
        "BRANDHUB_SECRET_KEY": "test-secret",
    }
    cmd = [sys.executable, "-m", "flask", "--app", "brandhub", "import", str(tmp_path / "acto")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(app) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(app)
    assert 3 <= partial < 30
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _count(app) == 30  # each photo exactly once (sha256 is unique)
