"""What the monitoring tests share: an S3 server that can be stopped and started again
on the same address, and an instance whose parts are all there."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from flask import Flask

from brandhub.search import service

_SERVER = """
import logging, sys
from moto.server import ThreadedMotoServer

logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("up", flush=True)
sys.stdin.read()
server.stop()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StoppableS3:
    """A moto S3 server in a child process on a fixed port: ``stop()`` and ``start()``.

    Moto keeps its buckets in memory, so a restarted server has none: ``start``
    creates the bucket again, as a real store comes back with its data.
    """

    def __init__(self, bucket: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        from tests.plugins.s3 import client_for

        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "up":
            proc.kill()
            proc.wait()
            raise RuntimeError("the moto server did not start")
        self.proc = proc
        client_for(self.url).create_bucket(Bucket=self.bucket)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def config(self) -> dict[str, str]:
        return {
            "STORAGE": "s3",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": "us-east-1",
        }


def prepare_parts(app: Flask) -> None:
    """What ``brandhub init`` leaves: the store's folder and an opened (so created) index."""
    if app.config["STORAGE"] == "local":
        Path(app.config["STORAGE_PATH"]).mkdir(parents=True, exist_ok=True)
    service(app).index()
