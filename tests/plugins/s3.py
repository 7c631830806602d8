"""A pytest plugin: an S3 endpoint served by moto, fresh buckets, an ``S3Storage``.

``s3_server`` (one per session, so one per xdist worker) runs moto's
``ThreadedMotoServer`` on a free port of 127.0.0.1 and yields its URL. The
server runs in a child Python process rather than a thread of the test
process: moto keeps whole objects and joins multipart parts in memory, which
would otherwise count in the memory measured by streaming tests (and compete
for the test process's GIL). The child exits when its stdin closes, so it
cannot outlive a crashed session.

For the session the environment holds dummy AWS credentials and no profile or
config file, so no test can reach a real account by accident.

``start_moto()`` / ``stop_moto()`` and ``moto_server()`` start the same server
outside the fixture: for a test that kills it (tests/faults) and for the
benchmarks, which set ``AWS_ENV`` themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from assets.storage import S3Storage

MIB = 1024 * 1024

_SERVER = """
import logging, sys
from moto.server import ThreadedMotoServer

logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""

#: Dummy credentials and no profile or config file: no real account is reachable.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
AWS_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


def start_moto() -> tuple[subprocess.Popen[str], str]:
    """A moto S3 server in a child process, and its URL (``http://127.0.0.1:PORT``)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    if not port.isdigit():
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the moto server did not start (exit code {proc.poll()})")
    return proc, f"http://127.0.0.1:{port}"


def stop_moto(proc: subprocess.Popen[str], *, kill: bool = False) -> None:
    """Stop a server of ``start_moto``: at once with ``kill``, else when its stdin closes."""
    if kill and proc.poll() is None:
        proc.kill()
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


@contextmanager
def moto_server() -> Iterator[str]:
    """``start_moto()`` for the block; yields the URL and stops the server after."""
    proc, url = start_moto()
    try:
        yield url
    finally:
        stop_moto(proc)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The URL (``http://127.0.0.1:PORT``) of a moto S3 server for this session."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in AWS_ENV.items():
            mp.setenv(name, value)
        for name in AWS_UNSET:
            mp.delenv(name, raising=False)
        with moto_server() as url:
            yield url


def client_for(endpoint: str) -> Any:
    """A plain boto3 S3 client on ``endpoint`` (SigV4, us-east-1)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(signature_version="s3v4"),
    )


@pytest.fixture(scope="session")
def s3_client(s3_server: str) -> Any:
    """A plain boto3 client on the moto server, to set up and inspect buckets in tests."""
    return client_for(s3_server)


@pytest.fixture
def s3_bucket(s3_client: Any) -> Iterator[str]:
    """A new, empty bucket with a unique name; emptied and removed afterwards."""
    name = f"brandhub-test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=name)
    yield name
    # moto keeps objects in memory: free them so a long session stays small.
    for upload in s3_client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3_client.abort_multipart_upload(
            Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"]
        )
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3_client.delete_object(Bucket=name, Key=item["Key"])
    s3_client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_config(s3_server: str, s3_bucket: str) -> dict[str, str]:
    """The settings of an app that stores its bytes in a fresh bucket of the moto server."""
    return {
        "STORAGE": "s3",
        "S3_BUCKET": s3_bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "us-east-1",
    }


@pytest.fixture
def s3_storage(s3_server: str, s3_bucket: str) -> S3Storage:
    """An ``S3Storage`` on a fresh bucket: see :func:`small_part_storage`."""
    return small_part_storage(s3_server, s3_bucket)


def small_part_storage(server: str, bucket: str, **options: Any) -> S3Storage:
    """An ``S3Storage`` on ``bucket`` under the prefix ``brandhub``.

    Parts are the smallest S3 accepts (5 MiB) and one is uploaded at a time, so
    multipart uploads start at 5 MiB and a put holds at most about two parts.
    ``options`` change any other setting.
    """
    settings: dict[str, Any] = {
        "endpoint_url": server,
        "region": "us-east-1",
        "multipart_threshold": 5 * MIB,
        "multipart_chunksize": 5 * MIB,
        "max_concurrency": 1,
        "max_attempts": 2,
    }
    return S3Storage(bucket, "brandhub", **(settings | options))
