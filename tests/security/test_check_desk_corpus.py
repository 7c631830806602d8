"""The hostile corpus through the check desk (``POST /api/v1/compliance/check``) and
straight through ``assets.ingest.prepare``.

The desk stores nothing: every case gets a report (or a clear 4xx) within 10 s,
and a file the library refuses is one the report fails, with a message that says
why; the store, the database and the temporary folder stay as they were.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assets.errors import InvalidFile, UnsupportedMediaType
from assets.ingest import prepare
from assets.settings import IngestSettings
from tests.factories import add_token, add_user, app_config
from tests.security.corpus import CASES, Case
from tests.security.support import State, answered, error_of, leftovers

BRAND = "gobierno-provincial"  # a shipped brand open to anonymous checks


@pytest.fixture(scope="module")
def desk(tmp_path_factory, template_db, pg_server):
    """One app with the shipped brands for the whole corpus (the desk writes nothing)."""
    from brandhub import create_app
    from brandhub.db import database, upgrade

    folder = tmp_path_factory.mktemp("desk")
    spool = folder / "spool"
    spool.mkdir()
    extra = {"UPLOAD_TMP_DIR": str(spool), "CHECK_DESK_LIMIT": 1000}
    name = None
    if pg_server is not None:
        name = pg_server.new_name() + "_desk"
        extra["DATABASE_URL"] = pg_server.create(name, template=str(template_db))
    else:
        import shutil

        (folder / "instance").mkdir()
        shutil.copy(template_db, folder / "instance" / "brandhub.sqlite3")
    app = create_app(app_config(folder / "instance", **extra))
    upgrade(app)
    result = app.test_cli_runner().invoke(args=["brands", "load"])
    assert result.exit_code == 0, result.output
    user = add_user(app, "editor", "salud")
    token = add_token(app, user)
    yield app, token, spool
    database(app).dispose()
    if name is not None:
        pg_server.drop(name)


def _check(app, token, case: Case, category: str):
    part = FileStorage(io.BytesIO(case.data), case.filename, content_type=case.content_type)
    boundary, body = encode_multipart({"file": part, "brand": BRAND, "category": category})
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().post(
        "/api/v1/compliance/check",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def _category(case: Case) -> str:
    if case.filename.endswith(".svg"):
        return "logo"
    if case.filename.endswith((".mp4", ".webm")):
        return "video"
    return "photo"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_piece_at_the_check_desk(desk, case: Case) -> None:
    app, token, spool = desk
    before = State.of(app)
    response, _took = answered(lambda: _check(app, token, case, _category(case)))
    assert response.status_code < 500, response.data[:300]
    assert leftovers(spool) == []
    assert State.of(app) == before
    if response.status_code >= 400:
        error_of(response)
        return
    report = response.get_json()
    assert report["checks"], report
    for check in report["checks"]:
        assert check["message"].strip(), check
    if case.status >= 400:
        # What the library refuses, the desk fails, and says why.
        assert report["status"] == "fail", report
        assert any(c["status"] == "fail" and c["message"] for c in report["checks"])


def test_an_anonymous_visitor_gets_the_same_answers(desk) -> None:
    app, token, spool = desk
    for name in ("png-bomb-100k-x-100k", "svg-billion-laughs", "zip-with-dotdot-entries"):
        case = next(c for c in CASES if c.name == name)
        signed_in = _check(app, token, case, _category(case))
        response, _ = answered(lambda case=case: _check(app, None, case, _category(case)))
        assert response.status_code == signed_in.status_code < 500
        assert response.get_json() == signed_in.get_json()
    assert leftovers(spool) == []


EXPECTED = {422: InvalidFile, 415: UnsupportedMediaType}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_through_prepare(tmp_path, case: Case) -> None:
    """The domain alone: a refusal is the domain error the API maps, nothing else."""
    settings = IngestSettings(tmp_dir=tmp_path)

    def run() -> object:
        try:
            with prepare(io.BytesIO(case.data), case.filename, settings) as prepared:
                return prepared.sniffed.mime
        except (InvalidFile, UnsupportedMediaType) as exc:
            return exc

    outcome, _took = answered(run)
    if case.status >= 400:
        assert type(outcome) is EXPECTED[case.status], outcome
    else:
        assert isinstance(outcome, str), outcome
    assert leftovers(tmp_path) == []
