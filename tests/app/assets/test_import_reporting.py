"""``brandhub import``: why files were refused, a report file, the rate, options checked first."""

from __future__ import annotations

import csv
import json
import re

import pytest
from sqlalchemy import func, select

from brandhub.models import Asset
from tests.app.compliance.support import BRAND
from tests.app.jobs.support import jobs, run_queued
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, add_user, session


@pytest.fixture
def branded(app, runner):
    """The press office under the provincial brand (a photo without credit is refused)."""
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    return add_user(app, "admin", agency=None)


def _count(app) -> int:
    with session(app) as db:
        return db.scalar(select(func.count()).select_from(Asset))


def _folder(tmp_path, n: int = 3):
    folder = tmp_path / "acto"
    folder.mkdir()
    for i in range(n):
        # Camera data: judged a photo (a flat colour alone would be a graphic piece).
        data = make_jpeg(64, 48, color=(i * 40, 90, 160), exif={"make": "Canon", "model": "R6"})
        (folder / f"foto-{i}.jpg").write_bytes(data)
    (folder / "notas.txt").write_text("no es una foto")
    return folder


def test_refused_files_are_listed_with_their_rules_and_reported(app, runner, tmp_path, branded):
    folder = _folder(tmp_path)
    for name in ("informe.json", "informe.csv"):
        report = tmp_path / name
        r = runner.invoke(
            args=["import", str(folder), "--agency", "prensa", "--report", str(report)]
        )
        assert r.exit_code == 1, r.output
        # The summary counts the refused files in the rate, and each one says which rule.
        assert "rechazados: 3" in r.output
        rate = re.search(r"([\d.]+) archivos/s", r.output)
        assert rate and float(rate.group(1)) > 0, r.output
        assert r.output.count("- foto-credito: ") == 3, r.output
        assert "La pieza no cumple con las reglas de la marca." in r.output
        assert report.exists()
    rows = json.loads((tmp_path / "informe.json").read_text("utf-8"))
    by_status = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    assert sorted(by_status) == ["rejected", "skipped"]
    assert len(by_status["rejected"]) == 3 and len(by_status["skipped"]) == 1
    first = by_status["rejected"][0]
    assert first["file"].endswith("foto-0.jpg") and first["asset_id"] is None
    assert [r["rule"] for r in first["rules"]] == ["foto-tamano", "foto-credito"]
    assert first["rules"][0]["message"]
    with open(tmp_path / "informe.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [row["status"] for row in table].count("rejected") == 3
    assert all(
        row["rules"].startswith("foto-tamano: ") and " | foto-credito: " in row["rules"]
        for row in table
        if row["status"] == "rejected"
    )
    assert _count(app) == 0


def test_imported_files_are_in_the_report_with_their_ids(app, runner, tmp_path):
    add_user(app, "admin", agency=None)  # no agency, no brand: nothing refuses them
    folder = _folder(tmp_path, 2)
    report = tmp_path / "r.json"
    args = ["import", str(folder), "--report", str(report)]
    r = runner.invoke(args=args)
    assert r.exit_code == 0, r.output
    rows = [row for row in json.loads(report.read_text("utf-8")) if row["status"] != "skipped"]
    assert [row["status"] for row in rows] == ["imported", "imported"]
    assert all(isinstance(row["asset_id"], int) for row in rows)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--agency", "no-existe"], "No existe el organismo «no-existe»"),
        (["--category", "afiche"], "«afiche» no es una categoría de pieza"),
        (["--report", "informe.xlsx"], ".csv o .json"),
        (["--event", "999"], "No hay un evento 999"),
        (["--date", "ayer", "--event", "Acto"], "Use una fecha como"),
    ],
)
def test_options_are_checked_before_any_file(app, runner, tmp_path, branded, extra, said):
    folder = _folder(tmp_path)
    r = runner.invoke(args=["import", str(folder), *extra])
    assert r.exit_code == 2, r.output
    assert r.output.count(said) == 1, r.output
    # Stopped before the walk: no file named, nothing imported.
    assert "foto-" not in r.output and "notas.txt" not in r.output
    assert _count(app) == 0


def test_an_agency_of_someone_else_is_refused_at_once(app, runner, tmp_path, branded):
    add_user(app, "photographer", agency="salud", email="ana@salud.gob.example")
    folder = _folder(tmp_path)
    r = runner.invoke(
        args=["import", str(folder), "--user", "ana@salud.gob.example", "--agency", "prensa"]
    )
    assert r.exit_code == 2 and "ana@salud.gob.example" in r.output and "foto-" not in r.output


def test_tags_are_added_to_the_files_own_keywords(app, runner, tmp_path):
    admin = add_user(app, "admin", agency=None)
    folder = tmp_path / "fiesta"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(
        make_jpeg(64, 48, iptc={"keywords": ["Fiesta patria", "desfile"]})
    )
    r = runner.invoke(args=["import", str(folder), "--tags", "acto, plaza"])
    assert r.exit_code == 0, r.output
    api = Api(app.test_client(), add_token(app, admin))
    (found,) = api.get("/search?q=desfile").get_json()["results"]
    assert sorted(found["tags"]) == ["acto", "desfile", "fiesta patria", "plaza"]


def test_an_import_job_keeps_the_failed_rules(app_factory, tmp_path):
    app = app_factory(JOBS_BACKEND="memory")
    runner = app.test_cli_runner()
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    admin = add_user(app, "admin", agency=None)
    folder = _folder(tmp_path, 1)
    r = runner.invoke(args=["jobs", "import", str(folder), "--agency", "prensa"])
    assert r.exit_code == 0, r.output
    run_queued(app)
    [job] = jobs(app)
    body = Api(app.test_client(), add_token(app, admin)).get(f"/jobs/{job.id}").get_json()
    (refused,) = body["result"]["rejected_files"]
    assert [x["rule"] for x in refused["rules"]] == ["foto-tamano", "foto-credito"]
    assert refused["reason"] == "La pieza no cumple con las reglas de la marca."
    assert refused["retryable"] is False  # the brand refuses it again


def test_an_import_job_with_an_unknown_agency_is_not_queued(app_factory, tmp_path):
    app = app_factory(JOBS_BACKEND="memory")
    add_user(app, "admin", agency=None)
    folder = _folder(tmp_path, 1)
    r = app.test_cli_runner().invoke(args=["jobs", "import", str(folder), "--agency", "nadie"])
    assert r.exit_code == 2 and "No existe el organismo «nadie»" in r.output
    assert jobs(app) == []
