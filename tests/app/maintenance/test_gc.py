"""``brandhub gc``: orphaned bytes are found and removed, nothing in use ever is."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from brandhub.db import database
from brandhub.maintenance import collect_garbage
from brandhub.maintenance.garbage import _key_columns
from brandhub.models.base import Base
from brandhub.services import storage
from tests.assets import media_factory as mf


@pytest.fixture
def app(app_factory, tmp_path):
    """The usual app, with a temporary folder of its own (gc sweeps it too)."""
    spool = tmp_path / "spool"
    spool.mkdir()
    return app_factory(UPLOAD_TMP_DIR=str(spool))


def _orphan(app, key: str, data: bytes = b"orphan bytes") -> None:
    with app.app_context():
        storage().put(key, io.BytesIO(data))


def _keys(app) -> set[str]:
    with app.app_context():
        return set(storage().iter_keys())


def test_gc_removes_orphans_and_keeps_what_rows_use(app, api_for, runner) -> None:
    api = api_for("editor")
    asset = api.upload(mf.make_jpeg(64, 48, color=(1, 2, 3)), "foto.jpg").get_json()
    in_use = _keys(app)
    assert any(k.startswith("originals/") for k in in_use)
    assert any(k.startswith("renditions/") for k in in_use)
    download = api.get(f"/assets/{asset['id']}/download?preset=web")
    assert download.status_code == 200
    in_use = _keys(app)  # with the derived download of a current asset
    orphans = {
        "originals/ab/cd/" + "ab" * 32: b"x" * 1000,
        "renditions/" + "cd" * 32 + "/thumb.webp": b"y" * 200,
        "derived/" + "ef" * 32 + "/0123.jpg": b"z" * 30,
    }
    for key, data in orphans.items():
        _orphan(app, key, data)
    _orphan(app, "brands/logos/" + "aa" * 32 + ".png")  # brand files are never collected

    dry = runner.invoke(args=["gc", "--grace", "0", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    for key in orphans:
        assert key in dry.output
    assert "3 archivos se eliminarían" in dry.output
    assert _keys(app) >= set(orphans)

    done = runner.invoke(args=["gc", "--grace", "0"])
    assert done.exit_code == 0, done.output
    assert "3 archivos eliminados" in done.output and "1,2 KB" in done.output
    left = _keys(app)
    assert not left & set(orphans)
    assert in_use <= left and any(k.startswith("brands/") for k in left)
    assert api.get(f"/assets/{asset['id']}/file").status_code == 200

    again = runner.invoke(args=["gc", "--grace", "0"])
    assert "0 archivos eliminados" in again.output


def test_the_grace_period_keeps_uploads_in_flight(app, runner) -> None:
    _orphan(app, "originals/12/34/" + "12" * 32)
    kept = runner.invoke(args=["gc"])  # default grace: one hour
    assert kept.exit_code == 0, kept.output
    assert "más reciente que el período de gracia" in kept.output
    assert "originals/12/34/" + "12" * 32 in _keys(app)
    with app.app_context():
        later = datetime.now(UTC) + timedelta(hours=2)
        found = collect_garbage(database(app).engine, storage(), now=later)
    assert [o.key for o in found.removed] == ["originals/12/34/" + "12" * 32]


def test_bad_grace_values_are_refused(runner) -> None:
    result = runner.invoke(args=["gc", "--grace", "soon"])
    assert result.exit_code == 2 and "30m" in result.output


def test_an_orphan_adopted_during_the_scan_is_kept(app, api_for) -> None:
    """A failed upload left an original; a new upload of the same bytes reuses it while
    gc is scanning: gc reads the references again before deleting, and keeps it."""
    from assets.ingest import prepare, store
    from brandhub.services import ingest_settings

    api = api_for("editor")
    data = mf.make_png(40, 40, "RGB", color=(9, 9, 9))
    with app.app_context():
        store_ = storage()
        with prepare(io.BytesIO(data), "logo.png", ingest_settings()) as prepared:
            store(prepared, store_)  # ... and the process died before its commit
            original = prepared.original_key

        class Racing:
            """The store, with an upload committing while gc lists it."""

            def iter_objects(self, prefix: str = ""):
                yield from store_.iter_objects(prefix)
                if prefix == "derived/":
                    assert api.upload(data, "logo.png").status_code == 201

            def __getattr__(self, name: str):
                return getattr(store_, name)

        found = collect_garbage(
            database(app).engine,
            Racing(),
            grace=timedelta(0),  # type: ignore[arg-type]
        )
        assert original not in [o.key for o in found.removed]
        assert store_.exists(original)


def test_every_table_with_a_storage_key_is_consulted(app) -> None:
    with database(app).engine.connect() as connection:
        consulted = {column.table.name for column in _key_columns(connection)}
    declared = {t.name for t in Base.metadata.sorted_tables if "storage_key" in t.c}
    assert {"assets", "renditions"} <= consulted
    assert consulted == declared  # every model table is migrated, so every one counts
