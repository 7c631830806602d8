"""Several writers at once on one database: threads of one process, and processes.

On SQLite every writer waits its turn (WAL, a 30 s busy timeout): none may see
``database is locked`` as a 500. Uploads share tag names, and in the processes'
test every round brings a tag none has yet, so they race to create it (the
savepoint in ``operations.assets._tags``). Measured while writing this: 10
processes of 12 uploads each, twice, without a single refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from brandhub.models import Asset, Tag
from tests.assets import media_factory as mf
from tests.factories import Api, add_token, add_user, session

ROOT = Path(__file__).resolve().parent.parent.parent
TAGS = "prensa,acto,gobierno,salud"


def _photo(n: int) -> bytes:
    return mf.make_png(48, 32, "RGB", color=(n % 256, n // 256, 77))  # lossless: all differ


def _counts(app) -> tuple[int, int]:
    with session(app) as db:
        return db.query(Asset).count(), db.query(Tag).count()


def test_threads_uploading_at_once(app) -> None:
    threads, each = 6, 4
    user = add_user(app, "editor", "salud")
    token = add_token(app, user)
    statuses: list[int] = []
    errors: list[str] = []
    start = threading.Barrier(threads)

    def work(t: int) -> None:
        api = Api(app.test_client(), token)
        start.wait()
        for i in range(each):
            response = api.upload(_photo(t * 100 + i), f"foto-{t}-{i}.png", tags=TAGS)
            statuses.append(response.status_code)
            if response.status_code != 201:
                errors.append(response.get_data(as_text=True)[:300])

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(w.is_alive() for w in workers)
    assert errors == [] and statuses == [201] * threads * each
    assert _counts(app) == (threads * each, 4)


CHILD = textwrap.dedent(
    """
    import io, json, sys
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    from brandhub import create_app
    from tests.assets import media_factory as mf

    config, token = json.loads(sys.argv[1]), sys.argv[2]
    first, count = int(sys.argv[3]), int(sys.argv[4])
    app = create_app(config)
    client = app.test_client()
    bodies = []
    for n in range(first, first + count):
        data = mf.make_png(48, 32, "RGB", color=(n % 256, n // 256, 77))
        # Every round brings a tag new to all processes: they race to create it.
        bodies.append(encode_multipart({"file": FileStorage(io.BytesIO(data), f"f{n}.png"),
                                        "tags": f"prensa,acto,ronda-{n - first}"}))
    print("READY", flush=True)
    sys.stdin.readline()  # everyone starts together
    statuses = []
    for boundary, body in bodies:
        r = client.post("/api/v1/assets", data=body, headers={"Authorization": "Bearer " + token},
                        content_type="multipart/form-data; boundary=" + boundary)
        statuses.append([r.status_code, r.get_data(as_text=True)[:200]])
    print(json.dumps(statuses), flush=True)
    """
)


def test_processes_uploading_at_once(app) -> None:
    processes, each = 4, 6
    user = add_user(app, "editor", "salud")
    token = add_token(app, user)
    keys = ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "JOBS_BACKEND")
    config = json.dumps({k: app.config[k] for k in keys} | {"TESTING": True})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, config, token, str(p * 100), str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for p in range(processes)
    ]
    results = []
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "READY"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err[-3000:]
            results += json.loads(out.strip().splitlines()[-1])
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert [status for status, _body in results] == [201] * processes * each, results
    assert _counts(app) == (processes * each, 2 + each)
