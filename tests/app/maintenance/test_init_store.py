"""``brandhub init`` with a store that cannot be used: one sentence, a non-zero exit.

A store nobody answers at (a stopped server), a SeaweedFS bucket whose keys
may read but not write, and a local storage folder that cannot be made: each
ends ``init`` with one sentence saying what failed, where and what to check,
and no traceback. A store that works is checked with a write that leaves
nothing behind.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.plugins.seaweedfs import CREDENTIALS, READ_ONLY_CREDENTIALS

ROOT = Path(__file__).resolve().parents[3]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_sentence(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_a_stopped_store(app_factory):
    port = _closed_port()  # a server that was there and is not any more
    app = app_factory(
        STORAGE="s3",
        S3_BUCKET="imagen",
        S3_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        S3_ACCESS_KEY_ID=CREDENTIALS["access_key"],
        S3_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"],
    )
    line = _one_sentence(app.test_cli_runner().invoke(args=["init"]))
    assert f"s3://imagen/ (http://127.0.0.1:{port})" in line
    assert "No se puede alcanzar" in line and "dirección" in line


def test_a_bucket_that_refuses_writes(app_factory, seaweedfs_server, seaweedfs_bucket):
    app = app_factory(
        STORAGE="s3",
        S3_BUCKET=seaweedfs_bucket,
        S3_ENDPOINT_URL=seaweedfs_server,
        S3_ACCESS_KEY_ID=READ_ONLY_CREDENTIALS["access_key"],
        S3_SECRET_ACCESS_KEY=READ_ONLY_CREDENTIALS["secret_key"],
    )
    line = _one_sentence(app.test_cli_runner().invoke(args=["init"]))
    assert f"s3://{seaweedfs_bucket}/ ({seaweedfs_server})" in line
    assert "rechazó" in line and "credenciales" in line


def test_a_storage_folder_that_cannot_be_made(app_factory, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"not a folder")
    app = app_factory(STORAGE_PATH=str(blocker / "storage"))
    line = _one_sentence(app.test_cli_runner().invoke(args=["init"]))
    assert str(blocker / "storage") in line and "escribir" in line


def test_a_writable_store_passes_and_keeps_nothing(
    app_factory, seaweedfs_server, seaweedfs_bucket, seaweedfs_client
):
    app = app_factory(
        STORAGE="s3",
        S3_BUCKET=seaweedfs_bucket,
        S3_ENDPOINT_URL=seaweedfs_server,
        S3_ACCESS_KEY_ID=CREDENTIALS["access_key"],
        S3_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"],
    )
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    listed = seaweedfs_client.list_objects_v2(Bucket=seaweedfs_bucket, Prefix="brandhub-probe")
    assert listed.get("KeyCount", 0) == 0


def test_the_command_line_prints_no_traceback(tmp_path):
    """What ``make run`` shows: the real ``brandhub`` program, its stderr and exit code."""
    port = _closed_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "BRANDHUB_INSTANCE_PATH": str(tmp_path / "instance"),
        "BRANDHUB_SECRET_KEY": "x" * 32,
        "BRANDHUB_STORAGE": "s3",
        "BRANDHUB_S3_BUCKET": "imagen",
        "BRANDHUB_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "brandhub", "init"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], done.stderr
