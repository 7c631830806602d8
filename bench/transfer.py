"""Benchmark: a 1 GB video through the API to S3, against boto3 alone on the same server.

Makes once, under ``bench/.cache/transfer/`` (git-ignored), a 1 GiB MP4: a real
ten-second clip (encoded with PyAV, ``moov`` first) followed by a ``free`` box
of random bytes, so sniffing, probing and the poster frame work on it like on a
long recording. Then it starts an S3 server (moto, in a child process) and the
app under gunicorn (2 sync workers) on that S3 store, and measures:

- upload: ``POST /api/v1/assets`` streaming the file as multipart from this
  process (``http.client``, 1 MiB writes), until the 201 answer (the original
  is in the bucket and the row committed), against ``boto3``'s own
  ``upload_file`` of the same file to the same server (default transfer
  settings: 8 MiB parts, 10 threads, as the app's S3 store uses for files);
- download: ``GET /api/v1/assets/<id>/file`` through the app against a GET of
  a presigned URL straight from the S3 server;

each ``--runs`` times, alternated, after one upload that warms the S3 server up
(moto's first gigabyte is markedly slower), every object deleted after its run;
- the peak resident memory (``/proc/<pid>/status`` VmRSS, sampled every 20 ms)
  of the gunicorn worker that served each request, and of the worker process
  that then makes the poster frame (a ``brandhub worker`` started afterwards).

With ``--tus`` it measures instead the resumable path on two servers, moto
and SeaweedFS (a real S3 server, ``weed server -s3``): the same file sent with
the tus protocol to ``/api/v1/uploads`` in one PATCH request, as tuspy and
tus-js-client send a file by default, or in ``--chunk-mb`` requests as the web
drop zone does. A request's bytes go on into S3 multipart parts as they
arrive, hashed as they pass, and the request answers once its parts are
stored (so with chunks the pipeline to S3 empties at the end of each); the
last one joins them where the original stays: nothing is read back (the
file's last 64 KiB, which the archive check reads, are kept from the last
parts as they passed, also for this file, which ends where a part ends; moto
answers a range by reading the whole object, a second a gigabyte). It is
measured against boto3's ``upload_file`` of the same file to the same server,
alternated. It also measures the peak RSS of the gunicorn workers; how long
the last request's answer took after its last byte (joining the parts, then
making the asset: sniffing, the brand's checks (those that read a long
recording's contents wait for the background job), the row); with
``--copy``, a server-side copy of the same object (what completing under a
staging key and copying to the content-hash key would add; moto takes minutes
for a gigabyte); and a resumed upload: cut after half, the offset asked with
HEAD, the rest sent, counting the bytes sent in all. It prints the CPU time
of the web workers and the load average when each server's runs began, and for
each path how busy all cores were and the CPU time of the S3 server and of
this client: on a shared machine the client, the app and the S3 server compete
for the cores (SeaweedFS itself takes most of them), and the ratio moves with
what else runs. SeaweedFS runs with its default volume size, as deployed.

It prints figures and asserts nothing.

    .venv/bin/python bench/transfer.py [--size-mb 1024] [--runs 3]
    .venv/bin/python bench/transfer.py --tus [--size-mb 1024] [--runs 5] [--chunk-mb 64]
        [--in-flight 3] [--copy]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import RssSampler  # noqa: E402
from tests.plugins.s3 import AWS_ENV, client_for, moto_server, start_moto, stop_moto  # noqa: E402
from tests.plugins.seaweedfs import CREDENTIALS, start_seaweedfs, stop_seaweedfs  # noqa: E402
from tests.plugins.seaweedfs import client_for as seaweedfs_client  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CACHE = ROOT / "bench" / ".cache" / "transfer"
MIB = 1024 * 1024
BUCKET = "bench-transfer"


# The file


def make_video(size: int) -> Path:
    """A real 10 s MP4 padded with a ``free`` box of random bytes to ``size`` bytes."""
    path = CACHE / f"video-{size // MIB}m.mp4"
    if path.exists() and path.stat().st_size == size:
        return path
    import av
    import numpy as np

    CACHE.mkdir(parents=True, exist_ok=True)
    clip = path.with_suffix(".clip.mp4")  # faststart rewrites the file: a real one
    with av.open(str(clip), "w", format="mp4", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264" if _has_x264() else "mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        for i in range(250):
            x = np.linspace(0, 255, 640, dtype=np.float32)[None, :]
            y = np.linspace(0, 255, 360, dtype=np.float32)[:, None]
            rgb = np.stack(
                [
                    np.broadcast_to((x + i * 4) % 256, (360, 640)),
                    np.broadcast_to(y, (360, 640)),
                    np.full((360, 640), 128, np.float32),
                ],
                axis=-1,
            )
            frame = av.VideoFrame.from_ndarray(rgb.astype(np.uint8), format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    head = clip.read_bytes()
    clip.unlink()
    padding = size - len(head) - 8
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        fh.write(head)
        fh.write((padding + 8).to_bytes(4, "big"))
        fh.write(b"free")
        left = padding
        while left:
            chunk = os.urandom(min(left, 16 * MIB))
            fh.write(chunk)
            left -= len(chunk)
    tmp.rename(path)
    return path


def _has_x264() -> bool:
    import av

    try:
        av.codec.Codec("libx264", "w")
    except Exception:
        return False
    return True


# Memory


# The app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(instance: Path, s3: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDHUB_")}
    env.update(AWS_ENV)
    env.update(
        BRANDHUB_INSTANCE_PATH=str(instance),
        BRANDHUB_STORAGE="s3",
        BRANDHUB_S3_BUCKET=BUCKET,
        BRANDHUB_S3_ENDPOINT_URL=s3,
        BRANDHUB_MAX_UPLOAD_MB="4096",
        BRANDHUB_UPLOAD_TMP_DIR=str(instance / "tmp"),
        # This checkout's code, for the command line too (not the one installed in the venv).
        PYTHONPATH=str(ROOT),
    )
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], instance: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    log = (instance / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "900",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start; see gunicorn.log") from None
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def upload(port: int, token: str, path: Path) -> tuple[float, dict[str, Any]]:
    """Stream ``path`` as a multipart upload; (seconds until the answer, its JSON)."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
        "Transmisión completa\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    start = time.perf_counter()
    conn.putrequest("POST", "/api/v1/assets")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    conn.send(head)
    with path.open("rb") as fh:
        while chunk := fh.read(MIB):
            conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - start
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"upload answered {response.status}: {body[:500]!r}")
    return seconds, json.loads(body)


def download(url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """GET ``url`` reading 1 MiB at a time; (seconds, bytes)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=900)
    start = time.perf_counter()
    conn.request(
        "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
    )
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"download answered {response.status}")
    total = 0
    while chunk := response.read(MIB):
        total += len(chunk)
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, total


def raw_upload(endpoint: str, path: Path) -> float:
    """boto3 alone, from the file; the object is deleted afterwards (moto keeps it in RAM)."""
    client = client_for(endpoint)
    key = f"raw/{uuid.uuid4().hex}"
    start = time.perf_counter()
    client.upload_file(str(path), BUCKET, key)  # default transfer: 8 MiB parts, 10 threads
    seconds = time.perf_counter() - start
    client.delete_object(Bucket=BUCKET, Key=key)
    return seconds


def store_upload(endpoint: str, path: Path) -> float:
    """The app's own S3 client (``S3Storage.put_file``) from this process, without HTTP."""
    from assets.storage import S3Storage

    storage = S3Storage(BUCKET, endpoint_url=endpoint)
    key = f"raw/{uuid.uuid4().hex}"
    start = time.perf_counter()
    storage.put_file(key, path, content_type="video/mp4")
    seconds = time.perf_counter() - start
    storage.delete(key)
    return seconds


def rss_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user and system) the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class CpuMeter:
    """What the machine and the S3 server did while a block ran: on a shared 2-core
    machine the client, the app and the S3 server compete for the cores, and the
    S3 server is the largest user (SeaweedFS: about 11 s of CPU a gigabyte)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.busy = 0.0  # the fraction of all cores' time not idle
        self.server = 0.0  # CPU seconds of the S3 server
        self.client = 0.0  # CPU seconds of this process (the client)

    @staticmethod
    def _machine() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    @staticmethod
    def _self() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def __enter__(self) -> CpuMeter:
        self._start = (self._machine(), cpu_of([self.server_pid]), self._self())
        return self

    def __exit__(self, *exc: object) -> None:
        (total, idle), server, client = self._start
        now_total, now_idle = self._machine()
        spent = now_total - total
        self.busy = 1 - (now_idle - idle) / spent if spent else 0.0
        self.server = cpu_of([self.server_pid]) - server
        self.client = self._self() - client


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "brandhub"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"brandhub {' '.join(args)}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def mbps(size: int, seconds: float) -> float:
    return size / MIB / seconds


# The resumable path (tus)


def tus_create(port: int, token: str, length: int, name: str) -> str:
    """POST /api/v1/uploads; the upload's path."""
    import base64

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in (("filename", name), ("title", "Transmisión completa"))
    )
    conn.request(
        "POST",
        "/api/v1/uploads",
        headers={
            "Authorization": f"Bearer {token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(length),
            "Upload-Metadata": meta,
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"tus creation answered {response.status}")
    location = response.getheader("Location") or ""
    return "/api/v1" + location.split("/api/v1", 1)[1]


def tus_offset(port: int, token: str, upload: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "HEAD", upload, headers={"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return int(response.getheader("Upload-Offset") or 0)


#: Seconds of the last PATCH of the latest ``tus_send`` from its last byte sent to its
#: answer: joining the parts and making the asset (sniffing, the brand's checks…).
LAST_ANSWER: list[float] = []


def tus_send(
    port: int, token: str, upload: str, path: Path, start: int, stop: int, chunk: int
) -> tuple[int, str | None]:
    """PATCH bytes ``start``..``stop`` of ``path`` in ``chunk``-byte requests (1 MiB writes);
    (bytes sent, the asset's URL once the last byte is in)."""
    sent = 0
    asset = None
    with path.open("rb") as fh:
        fh.seek(start)
        offset = start
        while offset < stop:
            size = min(chunk, stop - offset)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
            conn.putrequest("PATCH", upload)
            conn.putheader("Authorization", f"Bearer {token}")
            conn.putheader("Tus-Resumable", "1.0.0")
            conn.putheader("Upload-Offset", str(offset))
            conn.putheader("Content-Type", "application/offset+octet-stream")
            conn.putheader("Content-Length", str(size))
            conn.endheaders()
            left = size
            while left:
                data = fh.read(min(MIB, left))
                conn.send(data)
                left -= len(data)
            sent_at = time.perf_counter()
            response = conn.getresponse()
            body = response.read()
            conn.close()
            LAST_ANSWER[:] = [time.perf_counter() - sent_at]
            if response.status != 204:
                raise RuntimeError(f"tus PATCH answered {response.status}: {body[:3000]!r}")
            offset = int(response.getheader("Upload-Offset") or 0)
            sent += size
            asset = response.getheader("BrandHub-Asset")
    return sent, asset


def delete_asset(port: int, token: str, asset_url: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    path = "/api/v1" + asset_url.split("/api/v1", 1)[1]
    conn.request("DELETE", path, headers={"Authorization": f"Bearer {token}"})
    conn.getresponse().read()
    conn.close()


def tus_on(
    server: str,
    s3: str,
    server_pid: int,
    path: Path,
    runs: int,
    chunk: int,
    copy: bool = False,
) -> dict[str, Any]:
    """The tus upload against boto3 on one S3 server; the figures."""
    size = path.stat().st_size
    base = Path(tempfile.mkdtemp(prefix="brandhub-tus-bench-"))
    try:
        instance = base / "instance"
        (instance / "tmp").mkdir(parents=True)
        env = app_env(instance, s3)
        env["BRANDHUB_RESUMABLE_PARTS_IN_FLIGHT"] = os.environ.get("BENCH_IN_FLIGHT", "3")
        # The transfer is measured, not the brand: the padded clip's report must not refuse it.
        env["BRANDHUB_COMPLIANCE_BLOCKS_UPLOADS"] = "false"
        raw_client = client_for(s3)
        if server == "seaweedfs":
            env.update(
                BRANDHUB_S3_ACCESS_KEY_ID=CREDENTIALS["access_key"],
                BRANDHUB_S3_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"],
            )
            raw_client = seaweedfs_client(s3)
        init = cli(env, "init")
        admin = next(line.split()[-1] for line in init.splitlines() if "@" in line)
        token = cli(env, "tokens", "create", admin).strip()
        load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
        tus: list[float] = []
        last: list[float] = []
        raw: list[float] = []
        copies: list[float] = []
        meters: dict[str, list[CpuMeter]] = {"tus": [], "raw": []}
        peak = 0
        with gunicorn(env, instance) as (port, master):
            idle = max(rss_of(pid) for pid in children(master))
            warm = 0
            for _ in range(runs + 1):  # the first run of each warms the server up
                upload = tus_create(port, token, size, path.name)
                # The workers before this upload: after the warm-up, with the modules an
                # upload loads on first use (metadata, renditions…) already in memory.
                warm = max(rss_of(pid) for pid in children(master))
                cpu = cpu_of(children(master))
                with RssSampler(master) as sampler, CpuMeter(server_pid) as meter:
                    start = time.perf_counter()
                    _sent, asset = tus_send(port, token, upload, path, 0, size, chunk)
                    tus.append(time.perf_counter() - start)
                meters["tus"].append(meter)
                last.append(LAST_ANSWER[0])
                worker_cpu = cpu_of(children(master)) - cpu
                peak = max(peak, sampler.worst({master}))
                assert asset is not None
                delete_asset(port, token, asset)
                key = f"raw/{uuid.uuid4().hex}"
                with CpuMeter(server_pid) as meter:
                    start = time.perf_counter()
                    raw_client.upload_file(str(path), BUCKET, key)
                    raw.append(time.perf_counter() - start)
                meters["raw"].append(meter)
                # What placing a finished upload under its content key would cost: a copy
                # inside the store, as S3Storage.copy makes it (parts copied for a large one).
                # Only with --copy: moto copies a gigabyte in minutes, and the parts join
                # in place anyway.
                if copy:
                    start = time.perf_counter()
                    raw_client.copy({"Bucket": BUCKET, "Key": key}, BUCKET, key + "-copy")
                    copies.append(time.perf_counter() - start)
                    raw_client.delete_object(Bucket=BUCKET, Key=key + "-copy")
                raw_client.delete_object(Bucket=BUCKET, Key=key)
            # Resumed: half sent, the client gone; a new one asks the offset, sends the rest.
            upload = tus_create(port, token, size, path.name)
            first, _ = tus_send(port, token, upload, path, 0, size // 2, chunk)
            offset = tus_offset(port, token, upload)
            start = time.perf_counter()
            rest, asset = tus_send(port, token, upload, path, offset, size, chunk)
            resumed = time.perf_counter() - start
            assert asset is not None
            delete_asset(port, token, asset)
        return {
            "load": load,
            "tus": tus[1:],
            "last": last[1:],
            "raw": raw[1:],
            "copy": copies[1:],
            "peak": peak,
            "idle": idle,
            "warm": warm,
            "worker_cpu": worker_cpu,
            "resumed_bytes": first + rest,
            "resumed_missing": size - offset,
            "resumed_rest": rest,
            "resumed_seconds": resumed,
            "meters": {kind: found[1:] for kind, found in meters.items()},
        }
    finally:
        if os.environ.get("BENCH_KEEP"):
            print("kept", base)
        else:
            shutil.rmtree(base, ignore_errors=True)


def tus_main(size: int, runs: int, chunk: int, copy: bool = False) -> None:
    path = make_video(size)
    os.environ.update(AWS_ENV)
    results: dict[str, dict[str, Any]] = {}
    folder = Path(tempfile.mkdtemp(prefix="brandhub-seaweedfs-"))
    # SeaweedFS as deployed: volumes up to its default 30 GB. The test suite's 64 MB
    # volumes (a bucket per test) would make it grow a volume every 64 MB, pausing
    # the writes that reach it meanwhile.
    server = start_seaweedfs(folder, volume_mb=30_000)
    try:
        seaweedfs_client(server.url).create_bucket(Bucket=BUCKET)
        results["seaweedfs"] = tus_on(
            "seaweedfs", server.url, server.process.pid, path, runs, chunk, copy
        )
    finally:
        stop_seaweedfs(server)
        shutil.rmtree(folder, ignore_errors=True)
    report(results, size, runs, chunk)
    proc, s3 = start_moto()
    try:
        results["moto"] = tus_on("moto", s3, proc.pid, path, runs, chunk, copy)
    finally:
        stop_moto(proc)
    report(results, size, runs, chunk)


def report(results: dict[str, dict[str, Any]], size: int, runs: int, chunk: int) -> None:
    print(
        f"\ntus, {chunk // MIB} MiB PATCH requests, {os.environ.get('BENCH_IN_FLIGHT', '3')}"
        f" parts in flight, {runs} run(s) each after a warm-up"
    )
    print(f"{'':34}{'tus s':>8}{'boto3 s':>9}{'tus/boto3':>11}{'peak RSS':>10}")
    for name, r in results.items():
        t, b = statistics.median(r["tus"]), statistics.median(r["raw"])
        print(
            f"{name:34}{t:>8.1f}{b:>9.1f}{b / t:>11.2f}{r['peak'] / MIB:>8.0f} MiB"
            f"   (idle worker {r['idle'] / MIB:.0f} MiB, {r['warm'] / MIB:.0f} MiB after the"
            f" warm-up; tus {mbps(size, t):.0f} MiB/s,"
            f" boto3 {mbps(size, b):.0f} MiB/s)"
        )
        print(
            f"{'':34}the web workers used {r['worker_cpu']:.1f} s of CPU for the tus upload"
            f" (load average {r['load']:.1f} on {os.cpu_count()} cores when it began)"
        )
        if r["meters"]["tus"] and r["meters"]["raw"]:
            tus_m, raw_m = r["meters"]["tus"], r["meters"]["raw"]

            def med(found: list[CpuMeter], name: str) -> float:
                return statistics.median(getattr(m, name) for m in found)

            print(
                f"{'':34}all cores busy {med(tus_m, 'busy'):.0%} (tus) and"
                f" {med(raw_m, 'busy'):.0%} (boto3); the S3 server used"
                f" {med(tus_m, 'server'):.1f} s and {med(raw_m, 'server'):.1f} s of CPU,"
                f" this client {med(tus_m, 'client'):.1f} s and {med(raw_m, 'client'):.1f} s"
            )
        print(
            f"{'':34}each run, tus/boto3: "
            + ", ".join(f"{t:.1f}/{b:.1f} s" for t, b in zip(r["tus"], r["raw"], strict=True))
        )
        print(
            f"{'':34}the last request's answer after its last byte: "
            f"{statistics.median(r['last']):.1f} s (joining the parts, then the asset: "
            "sniffing, the brand's checks, the row)"
        )
        if r["copy"]:
            print(
                f"{'':34}a server-side copy of the same object: "
                f"{statistics.median(r['copy']):.1f} s (avoided: the parts join in place)"
            )
        print(
            f"{'':34}resumed at {size - r['resumed_missing']} of {size} bytes: "
            f"{r['resumed_rest']} bytes sent after the cut ({r['resumed_missing']} missing), "
            f"{r['resumed_bytes']} in all, the rest in {r['resumed_seconds']:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tus", action="store_true", help="the resumable path, moto and SeaweedFS")
    parser.add_argument(
        "--chunk-mb", type=int, default=0, help="tus PATCH size (default: the whole file)"
    )
    parser.add_argument("--in-flight", type=int, default=3, help="S3 parts sent at once (tus)")
    parser.add_argument(
        "--copy", action="store_true", help="also time a server-side copy of the object (tus)"
    )
    args = parser.parse_args()
    size = args.size_mb * MIB
    if args.tus:
        os.environ["BENCH_IN_FLIGHT"] = str(args.in_flight)
        tus_main(size, args.runs, (args.chunk_mb * MIB) or size, args.copy)
        return
    print(f"File: {size // MIB} MiB MP4 (10 s clip + padding) under {CACHE.relative_to(ROOT)}")
    path = make_video(size)

    base = Path(tempfile.mkdtemp(prefix="brandhub-transfer-"))
    os.environ.update(AWS_ENV)
    try:
        with moto_server() as s3:
            instance = base / "instance"
            (instance / "tmp").mkdir(parents=True)
            env = app_env(instance, s3)
            init = cli(env, "init")
            admin = next(line.split()[-1] for line in init.splitlines() if "@" in line)
            token = cli(env, "tokens", "create", admin).strip()
            auth = {"Authorization": f"Bearer {token}"}
            times: dict[str, list[float]] = {"app": [], "raw": [], "store": []}
            with gunicorn(env, instance) as (port, master):
                idle = max(rss_of(pid) for pid in children(master))
                raw_upload(s3, path)  # warm-up: moto's first gigabyte is slower
                up_peak = 0
                body: dict[str, Any] = {}
                for _ in range(args.runs):
                    if body:  # the same bytes again would be a duplicate: delete the asset
                        conn = http.client.HTTPConnection("127.0.0.1", port)
                        conn.request("DELETE", f"/api/v1/assets/{body['id']}", headers=auth)
                        conn.getresponse().read()
                    with RssSampler(master) as sampler:
                        seconds, body = upload(port, token, path)
                    times["app"].append(seconds)
                    up_peak = max(up_peak, sampler.worst({master}))
                    times["raw"].append(raw_upload(s3, path))
                    times["store"].append(store_upload(s3, path))
                asset = body
                file_url = f"http://127.0.0.1:{port}/api/v1/assets/{asset['id']}/file"
                key = f"originals/{asset['sha256'][:2]}/{asset['sha256'][2:4]}/{asset['sha256']}"
                url = client_for(s3).generate_presigned_url(
                    "get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=600
                )
                down: list[float] = []
                direct: list[float] = []
                with RssSampler(master) as sampler:
                    for _ in range(max(2, args.runs)):
                        seconds, got = download(file_url, auth)
                        assert got == size, got
                        down.append(seconds)
                        direct.append(download(url)[0])
                down_peak = sampler.worst({master})

                # The poster frame and probe: a worker process, started now.
                worker_log = (instance / "worker.log").open("wb")
                worker = subprocess.Popen(
                    [str(VENV_BIN / "brandhub"), "worker", "-w", "1"],
                    env=env,
                    cwd=ROOT,
                    stdout=worker_log,
                    stderr=worker_log,
                )
                start = time.perf_counter()
                with RssSampler(worker.pid) as job_rss:
                    job = {}
                    while job.get("state") not in ("done", "failed"):
                        time.sleep(0.2)
                        conn = http.client.HTTPConnection("127.0.0.1", port)
                        conn.request(
                            "GET",
                            asset["processing"]["job"],
                            headers={"Authorization": f"Bearer {token}"},
                        )
                        job = json.loads(conn.getresponse().read())
                        if time.perf_counter() - start > 600:
                            break
                job_seconds = time.perf_counter() - start
                worker.send_signal(2)
                worker.wait(60)
                worker_log.close()
                if job.get("state") != "done":
                    print((instance / "worker.log").read_text()[-3000:])

        def line(label: str, values: list[float], note: str = "") -> None:
            best, mid = min(values), statistics.median(values)
            speeds = f"{mbps(size, best):>8.0f}{mbps(size, mid):>8.0f}"
            print(f"{label:46}{best:>7.1f}{mid:>8.1f}{speeds}   {note}")

        print(f"\n{len(times['app'])} runs each, alternated, after a warm-up of the S3 server")
        print(f"{'':46}{'best s':>7}{'median':>8}{'MiB/s':>8}{'median':>8}")
        line(
            "upload through the app (API → S3)",
            times["app"],
            f"worker peak RSS {up_peak / MIB:.0f} MiB (idle {idle / MIB:.0f})",
        )
        line("boto3 upload_file (8 MiB parts × 10 threads)", times["raw"])
        line(
            "S3Storage.put_file, no HTTP in front",
            times["store"],
            "the app's S3 client alone (CRC32 checksums, as configured)",
        )
        line(
            "download through the app (S3 → API)",
            down,
            f"worker peak RSS {down_peak / MIB:.0f} MiB",
        )
        line("download by presigned URL (S3 direct)", direct)
        ratio = statistics.median(times["raw"]) / statistics.median(times["app"])
        best = min(times["raw"]) / min(times["app"])
        print(f"\nupload throughput, app / boto3: {ratio:.2f} (medians), {best:.2f} (bests)")
        ratio = statistics.median(times["store"]) / statistics.median(times["app"])
        print(f"upload throughput, app / its own S3 client alone: {ratio:.2f} (medians)")
        ratio = statistics.median(direct) / statistics.median(down)
        print(f"download throughput, app / presigned direct: {ratio:.2f} (medians)")
        print(
            f"media job (probe + poster of the {size // MIB} MiB original from S3): "
            f"{job.get('state')} after {job_seconds:.1f} s, {job.get('error') or ''} "
            f"worker peak RSS {job_rss.worst() / MIB:.0f} MiB"
        )
        receive_profile(path)
    finally:
        shutil.rmtree(base, ignore_errors=True)


class _MultipartBody(io.RawIOBase):
    """The bytes of a one-file multipart body, read from ``path`` as they are asked for."""

    def __init__(self, path: Path, boundary: str) -> None:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        self._parts: list[Any] = [io.BytesIO(head), path.open("rb"), io.BytesIO(tail)]
        self.size = len(head) + path.stat().st_size + len(tail)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._parts:
            n = self._parts[0].readinto(buffer)
            if n:
                return n
            self._parts.pop(0).close()
        return 0


def receive_profile(video: Path) -> None:
    """Where the receiving side of an upload goes, in this process without HTTP: Werkzeug's
    multipart parser feeding the app's spool file (written and hashed in one pass)."""
    import cProfile
    import pstats

    from brandhub import create_app

    folder = Path(tempfile.mkdtemp(prefix="brandhub-bench-"))
    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "MAX_UPLOAD_MB": 4096})
    boundary = "brandhub-bench-boundary"
    try:
        for profiled in (False, True):
            body = _MultipartBody(video, boundary)
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/",
                "SERVER_NAME": "bench",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": body,
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                "CONTENT_LENGTH": str(body.size),
            }
            prof = cProfile.Profile()
            with app.request_context(environ):
                from flask import request

                start = time.perf_counter()
                if profiled:
                    prof.enable()
                upload = request.files["file"]
                prof.disable()
                seconds = time.perf_counter() - start
                upload.stream.close()
        print(
            f"\nreceiving side without HTTP (parse, spool, SHA-256 in one pass): {seconds:.2f} s,"
            f" {mbps(body.size, seconds):.0f} MiB/s; the top of its profile:"
        )
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
