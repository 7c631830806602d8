"""``brandhub import``: a whole coverage in one go, safe to run again, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from brandhub.models import Asset, Event
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, add_user, session


def _coverage(folder: Path, n: int, size: tuple[int, int] = (400, 300)) -> None:
    (folder / "dia-2").mkdir(parents=True)
    for i in range(n):
        sub = folder if i % 2 else folder / "dia-2"
        (sub / f"foto-{i:03d}.jpg").write_bytes(make_jpeg(*size, color=(i * 7 % 255, 90, 160)))
    (folder / "notas.txt").write_text("no es una foto")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


def _count(app) -> int:
    with session(app) as db:
        return db.scalar(select(func.count()).select_from(Asset))


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
    api = Api(client, add_token(app, add_user(app, "admin", agency=None)))
    found = api.get("/search?q=plaza").get_json()
    assert found["total"] == 12 and found["results"][0]["credit"] == "Prensa Provincial"


def _events(app) -> list[tuple[int, str, int]]:
    """(id, title, number of assets) of every event."""
    with session(app) as db:
        rows = db.execute(
            select(Event.id, Event.title, func.count(Asset.id))
            .outerjoin(Asset, Asset.event_id == Event.id)
            .group_by(Event.id, Event.title)
            .order_by(Event.id)
        ).all()
        return [tuple(r) for r in rows]


def test_an_interrupted_import_resumes(app, tmp_path):
    add_user(app, "admin", agency=None)
    _coverage(tmp_path / "acto", 30, size=(2400, 1600))
    env = {
        **os.environ,
        "BRANDHUB_INSTANCE_PATH": app.instance_path,
        "BRANDHUB_SECRET_KEY": "test-secret",
        "BRANDHUB_DATABASE_URL": app.config["DATABASE_URL"],
    }
    cmd = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "brandhub",
        "import",
        str(tmp_path / "acto"),
        "--event",
        "Acto en la plaza",
        "--date",
        "2026-05-25T10:30",
    ]
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
    # One event, found again by its title and date, holding the whole coverage.
    assert _events(app) == [(1, "Acto en la plaza", 30)]
    assert f"ya estaban en la biblioteca: {partial}" in done.stdout


def test_import_into_an_event_and_duplicates_join_it(app, runner, tmp_path):
    admin = add_user(app, "admin", agency=None)
    add_user(app, "photographer", agency="prensa", email="ana@prensa.gob.example")
    _coverage(tmp_path / "acto", 6)
    first = ["import", str(tmp_path / "acto" / "dia-2"), "--user", "ana@prensa.gob.example"]
    assert runner.invoke(args=first).exit_code == 0
    assert _count(app) == 3 and _events(app) == []

    args = [
        "import",
        str(tmp_path / "acto"),
        "--user",
        "ana@prensa.gob.example",
        "--event",
        "Inauguración de la escuela",
        "--date",
        "2026-03-02",
        "--credit",
        "Ana Pérez",
        "--copyright",
        "CC BY 4.0",
    ]
    r = runner.invoke(args=args)
    assert r.exit_code == 0, r.output
    assert "Se creó el evento «Inauguración de la escuela» (id 1)." in r.output
    assert "Importados: 3 · ya estaban en la biblioteca: 3" in r.output
    assert _events(app) == [(1, "Inauguración de la escuela", 6)]  # duplicates joined too
    again = runner.invoke(args=args)
    assert "Importados: 0 · ya estaban en la biblioteca: 6" in again.output
    assert _events(app) == [(1, "Inauguración de la escuela", 6)]

    api = Api(app.test_client(), add_token(app, admin))
    event = api.get("/events/1").get_json()
    assert event["agency"] == "prensa" and event["starts_at"] == "2026-03-02T03:00:00+00:00"
    photos = api.get("/events/1/assets?per_page=100").get_json()["results"]
    credited = [p for p in photos if p["credit"] == "Ana Pérez"]
    assert len(credited) == 3 and all(p["copyright"] == "CC BY 4.0" for p in credited)

    (tmp_path / "mas").mkdir()
    (tmp_path / "mas" / "extra.jpg").write_bytes(make_jpeg(50, 40, color=(1, 2, 3)))
    r = runner.invoke(args=["import", str(tmp_path / "mas"), "--event", "1"])
    assert r.exit_code == 0 and _events(app) == [(1, "Inauguración de la escuela", 7)]


def test_import_refuses_what_it_cannot_do(app, runner, tmp_path):
    _coverage(tmp_path / "acto", 2)
    assert "no hay" in runner.invoke(args=["import", str(tmp_path)]).output.lower()
    add_user(app, "viewer", agency="prensa", email="lee@prensa.gob.example")
    r = runner.invoke(args=["import", str(tmp_path), "--user", "lee@prensa.gob.example"])
    assert r.exit_code == 1 and "lee@prensa.gob.example" in r.output
    add_user(app, "admin", agency=None)
    r = runner.invoke(args=["import", str(tmp_path), "--event", "Acto", "--date", "ayer"])
    assert r.exit_code == 2 and "2026-05-25" in r.output
    r = runner.invoke(args=["import", str(tmp_path), "--event", "999"])
    assert r.exit_code != 0 and _count(app) == 0
