"""``brandhub doctor``: 0 on a healthy instance; each broken part named, with what to do, and 1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import gettext

from brandhub.search import service
from tests.factories import Api, upload

from .support import free_port, prepare_parts

TOOLS = ("exiftool", "gs", "soffice")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="ExifTool, Ghostscript and LibreOffice are installed by make system-test-deps",
)


def doctor(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["doctor"])
    return result.exit_code, result.output


def words(app: Flask, *msgids: str) -> list[str]:
    """The words the report uses (in the instance's language) for ``msgids``."""
    with app.test_request_context():
        return [gettext(msgid) for msgid in msgids]


def problems(app: Flask, output: str) -> dict[str, str]:
    """The parts the report marks as problems, each with its line and the advice after it."""
    (mark,) = words(app, "PROBLEM")
    found: dict[str, str] = {}
    lines = output.splitlines()
    for n, line in enumerate(lines):
        if line.startswith(mark + " "):
            rest = line[len(mark) :].strip()
            names = sorted([*words(app, *PARTS), *TOOL_NAMES], key=len, reverse=True)
            part = next(p for p in names if rest.startswith(p))
            advice = lines[n + 1] if n + 1 < len(lines) else ""
            found[part] = line + "\n" + advice
    return found


PARTS = ("configuration", "database", "store", "index", "queue", "worker", "outbox", "disk")
PARTS += ("metadata", "agreement")
TOOL_NAMES = ("ExifTool", "Ghostscript", "LibreOffice", "PyAV (FFmpeg)", "Tesseract")


def healthy(app: Flask, api_for: Callable[..., Api]) -> list[dict[str, object]]:
    prepare_parts(app)
    api = api_for("editor")
    return [upload(api, n) for n in (1, 2, 3)]


def test_a_healthy_instance_exits_0(app: Flask, api_for: Callable[..., Api]) -> None:
    healthy(app, api_for)
    code, output = doctor(app)
    assert code == 0, output
    (ok,) = words(app, "ok")
    report = output.splitlines()[:-1]
    named = [line[len(ok) :].strip() for line in report]
    expected = words(app, *(p for p in PARTS if p != "worker"))  # no worker: immediate jobs
    for part in [*expected, "ExifTool", "Ghostscript", "LibreOffice"]:
        assert any(line.startswith(part) for line in named), (part, output)
    assert all(line.startswith(ok + " ") for line in report), output
    assert problems(app, output) == {}


@pytest.mark.search_backend("whoosh")  # deletes the Whoosh index folder
def test_a_deleted_index_is_named_with_what_to_do(app: Flask, api_for: Callable[..., Api]) -> None:
    healthy(app, api_for)
    service(app).forget()
    shutil.rmtree(Path(app.config["INDEX_PATH"]))
    code, output = doctor(app)
    assert code == 1
    (index,) = words(app, "index")
    assert list(problems(app, output)) == [index], output
    assert "brandhub reindex" in problems(app, output)[index]


def test_an_unreachable_store_is_named(
    app_factory: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.plugins.s3 import AWS_ENV

    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    app = app_factory(
        STORAGE="s3", S3_BUCKET="gone", S3_ENDPOINT_URL=endpoint, READY_CHECK_TIMEOUT=1
    )
    prepare_parts(app)
    code, output = doctor(app)
    assert code == 1
    (store,) = words(app, "store")
    found = problems(app, output)
    assert store in found, output
    assert endpoint in found[store]  # the operator running doctor may see where it looked


def test_a_missing_exiftool_is_named(
    app: Flask, api_for: Callable[..., Api], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy(app, api_for)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        if tool != "exiftool":
            os.symlink(shutil.which(tool) or "", bin_dir / tool)
    monkeypatch.setenv("PATH", str(bin_dir))
    code, output = doctor(app)
    assert code == 1
    found = problems(app, output)
    assert list(found) == ["ExifTool"], output
    assert "apt-get install libimage-exiftool-perl" in found["ExifTool"]


def test_an_original_missing_from_the_store_is_found_by_the_sample(
    app: Flask, api_for: Callable[..., Api]
) -> None:
    assets = healthy(app, api_for)
    from brandhub.models import Asset
    from tests.factories import session

    with session(app) as db:
        row = db.get(Asset, assets[1]["id"])
        assert row is not None
        key = row.storage_key
    (Path(app.config["STORAGE_PATH"]) / key).unlink()
    code, output = doctor(app)
    assert code == 1
    (agreement,) = words(app, "agreement")
    found = problems(app, output)
    assert list(found) == [agreement], output
    assert f"ids {assets[1]['id']})" in found[agreement]
    assert "brandhub restore" in found[agreement]


@pytest.mark.search_backend("whoosh")  # deletes the Whoosh index folder
def test_an_index_that_lost_its_documents_disagrees_with_the_database(
    app: Flask, api_for: Callable[..., Api]
) -> None:
    healthy(app, api_for)
    service(app).forget()
    shutil.rmtree(Path(app.config["INDEX_PATH"]))
    service(app).index()  # opened again: a new, empty index
    code, output = doctor(app)
    assert code == 1
    (agreement,) = words(app, "agreement")
    found = problems(app, output)
    assert list(found) == [agreement], output
    assert "brandhub check-index --repair" in found[agreement]


def test_a_writer_that_loses_the_credit_is_caught_by_exiftool(
    app: Flask, api_for: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    import assets.embed

    healthy(app, api_for)
    # A broken build: the writer hands the picture back without the credit.
    monkeypatch.setattr(assets.embed, "write_metadata", lambda data, *_args: data)
    code, output = doctor(app)
    assert code == 1
    (metadata,) = words(app, "metadata")
    found = problems(app, output)
    assert list(found) == [metadata], output
    assert "IFD0:Artist" in found[metadata]
