"""``brandhub doctor``: 0 on a healthy instance; each broken part named, with what to do, and 1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

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


def healthy(app: Flask, api_for: Callable[..., Api]) -> list[dict[str, object]]:
    prepare_parts(app)
    api = api_for("editor")
    return [upload(api, n) for n in (1, 2, 3)]


def test_a_healthy_instance_exits_0(app: Flask, api_for: Callable[..., Api]) -> None:
    healthy(app, api_for)
    code, output = doctor(app)
    assert code == 0, output
    for part in ("database", "store", "index", "queue", "ExifTool", "Ghostscript", "disk"):
        assert part in output or part.lower() in output.lower()
    assert "PROBLEM" not in output and "PROBLEMA" not in output


def test_a_deleted_index_is_named_with_what_to_do(app: Flask, api_for: Callable[..., Api]) -> None:
    healthy(app, api_for)
    service(app).forget()
    shutil.rmtree(Path(app.config["INDEX_PATH"]))
    code, output = doctor(app)
    assert code == 1
    line = next(line for line in output.splitlines() if "index" in line.lower().split())
    assert "brandhub reindex" in output
    assert line.split()[0] != "ok"


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
    store_lines = [line for line in output.splitlines() if " store " in f" {line} "]
    assert store_lines and not store_lines[0].startswith("ok"), output
    assert endpoint in output  # the operator running doctor may see where it looked


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
    line = next(line for line in output.splitlines() if "ExifTool" in line)
    assert not line.startswith("ok")
    assert "libimage-exiftool-perl" in output


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
    assert str(assets[1]["id"]) in output
    assert "brandhub restore" in output
