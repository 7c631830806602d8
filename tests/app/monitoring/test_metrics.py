"""``/metrics`` after a small session: each series is there with the values the session made.

Counters live in the process (or, under gunicorn, in ``PROMETHEUS_MULTIPROC_DIR``),
so the test reads them before and after and checks what the session added.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from prometheus_client.parser import text_string_to_metric_families

from tests.app.compliance.support import CHECK_URL, form, pieces
from tests.factories import Api, add_token, add_user, photo, upload

from .support import prepare_parts

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: FlaskClient, **kw: object) -> Samples:
    response = client.get("/metrics", **kw)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every sample of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, got), v in samples.items() if n == name and wanted <= set(got))


def test_a_small_session_shows_in_every_series(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    api_for: Callable[..., Api],
) -> None:
    prepare_parts(app)
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    api = api_for("editor")
    before = scrape(client)

    first = upload(api, 1)
    second = upload(api, 2)
    sizes = len(photo(1)) + len(photo(2))
    assert api.upload(photo(1), "otra.jpg").status_code == 409  # the same bytes again
    assert api.upload(b"not a picture at all", "nota.jpg").status_code in (415, 422)
    assert api.get(f"/assets/{first['id']}/download?preset=web").status_code == 200
    assert api.get(f"/assets/{second['id']}/file").status_code == 200
    assert api.get("/search?q=foto").status_code == 200
    report = client.post(CHECK_URL, data=form(pieces()["stretched"], "pieza.png"))
    assert report.status_code == 200 and report.get_json()["status"] == "fail"

    after = scrape(client)

    def added(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert added("brandhub_uploads_total", kind="image") == 2
    assert added("brandhub_ingested_bytes_total") >= sizes
    assert added("brandhub_refusals_total", reason="duplicate") == 1
    assert added("brandhub_refusals_total") == 2
    assert added("brandhub_brand_verdicts_total", verdict="fail", source="check_desk") == 1
    assert added("brandhub_downloads_total", preset="web", channel="api") == 1
    assert added("brandhub_downloads_total", preset="original", channel="api") == 1
    assert added("brandhub_search_duration_seconds_count") == 1
    assert added("brandhub_http_requests_total", endpoint="api.create", status="201") == 2
    assert added("brandhub_http_requests_total", endpoint="api.create", status="409") == 1
    latency = "brandhub_http_request_duration_seconds"
    assert added(f"{latency}_count", endpoint="api.create", method="POST") == 4
    assert 0 < added(f"{latency}_sum", endpoint="api.create", method="POST") < 60
    # Read at scrape time from the database and the queue.
    assert value(after, "brandhub_outbox_pending") == 0
    assert value(after, "brandhub_outbox_lag_seconds") == 0
    assert value(after, "brandhub_job_queue_depth") == 0
    assert ("brandhub_jobs", ()) not in after  # labelled by state and kind only


def test_job_failures_and_retries_and_storage_errors_are_counted() -> None:
    from prometheus_client import REGISTRY

    from assets.errors import StorageError
    from assets.storage import s3_errors
    from brandhub import metrics

    def read(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    retries = read("brandhub_job_retries_total", kind="media")
    failures = read("brandhub_job_failures_total", kind="media")
    unreachable = read("brandhub_storage_errors_total", kind="unreachable")
    metrics.job_failed("media", False, StorageError(s3_errors.UNREACHABLE))
    metrics.job_failed("media", True, ValueError("damaged"))
    assert read("brandhub_job_retries_total", kind="media") == retries + 1
    assert read("brandhub_job_failures_total", kind="media") == failures + 1
    assert read("brandhub_storage_errors_total", kind="unreachable") == unreachable + 1


def test_metrics_answer_a_token_or_an_allowed_address_only(
    app_factory: Callable[..., Flask],
) -> None:
    app = app_factory(METRICS_TOKEN="s3cret-scrape", METRICS_ALLOW=["10.1.0.0/16"])
    client = app.test_client()
    outside = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get("/metrics", environ_base=outside).status_code == 404
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", environ_base=outside, headers=wrong).status_code == 404
    good = {"Authorization": "Bearer s3cret-scrape"}
    assert client.get("/metrics", environ_base=outside, headers=good).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.4.2"}).status_code == 200
    # Loopback is allowed only while METRICS_ALLOW says so.
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    # Behind one trusted proxy the visitor's forwarded address counts, not the proxy's.
    proxied = app_factory(TRUSTED_PROXIES=1).test_client()
    via = {"REMOTE_ADDR": "127.0.0.1"}
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert proxied.get("/metrics", environ_base=via, headers=forwarded).status_code == 404
    assert proxied.get("/metrics", environ_base=via).status_code == 200


@pytest.mark.slow
def test_gunicorn_workers_add_up_in_multiprocess_mode(app: Flask, tmp_path: Path) -> None:
    """Two gunicorn workers (deploy/gunicorn.conf.py) answer; /metrics counts every request."""
    pytest.importorskip("gunicorn")
    import requests

    from .support import free_port

    prepare_parts(app)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    port = free_port()
    script = textwrap.dedent(
        f"""
        from brandhub import create_app
        app = create_app({{"INSTANCE_PATH": {app.instance_path!r}, "SECRET_KEY": "x",
                           "DATABASE_URL": {app.config["DATABASE_URL"]!r},
                           "JOBS_BACKEND": "immediate"}})
        """
    )
    (tmp_path / "probe_app.py").write_text(script)
    conf = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"
    log = (tmp_path / "gunicorn.log").open("wb")
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{tmp_path}:{Path.cwd()}",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-c", str(conf), "probe_app:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        import time

        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=20)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        for _ in range(20):
            assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
        text = requests.get(f"{base}/metrics", timeout=5).text
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    served = total(samples, "brandhub_http_requests_total", endpoint="health.healthz")
    assert served >= 21  # every request, though two processes answered them
    # The workers ended with the server: their counts are folded and their files gone.
    # The master (which loaded the app, so made its label-less series) folds at next start.
    left = {p.name for p in folder.glob("*.db")}
    assert left <= {
        f"{kind}_{who}.db" for kind in ("counter", "histogram") for who in ("ended", server.pid)
    }
    assert {"counter_ended.db", "histogram_ended.db"} <= left
    from brandhub.metrics import fold_ended_processes

    fold_ended_processes(str(folder))
    assert sorted(p.name for p in folder.glob("*.db")) == ["counter_ended.db", "histogram_ended.db"]
    assert (
        total(_counted_in(folder), "brandhub_http_requests_total", endpoint="health.healthz") >= 21
    )


def test_bytes_ingested_is_not_fooled_by_a_refused_upload(api_for: Callable[..., Api]) -> None:
    from prometheus_client import REGISTRY

    api = api_for("editor")
    before = REGISTRY.get_sample_value("brandhub_ingested_bytes_total") or 0.0
    r = api.upload(io.BytesIO(b"%PDF-1.4 broken").read(), "roto.pdf")
    assert r.status_code >= 400
    assert (REGISTRY.get_sample_value("brandhub_ingested_bytes_total") or 0.0) == before


def test_refusals_before_any_rule_are_counted_once(app_factory: Callable[..., Flask]) -> None:
    from prometheus_client import REGISTRY

    app = app_factory(CHECK_DESK_LIMIT=1, MAX_UPLOAD_MB=1)
    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    client = app.test_client()

    def refusals(reason: str) -> float:
        return REGISTRY.get_sample_value("brandhub_refusals_total", {"reason": reason}) or 0.0

    limited, too_large = refusals("rate_limited"), refusals("file_too_large")
    assert client.post(CHECK_URL, data=form(pieces()["official"], "a.png")).status_code == 200
    assert client.post(CHECK_URL, data=form(pieces()["official"], "a.png")).status_code == 429
    assert refusals("rate_limited") == limited + 1
    big = b"x" * (3 * 1024 * 1024)
    user = add_user(app, "editor")
    token = add_token(app, user)
    response = client.post(
        "/api/v1/assets",
        data=big,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413  # refused before the body is read
    assert refusals("file_too_large") == too_large + 1


def test_a_failing_job_counts_as_a_retry_then_a_failure(
    app_factory: Callable[..., Flask],
) -> None:
    """A media job whose original went missing: each attempt counted where the worker runs it."""
    from prometheus_client import REGISTRY

    from brandhub.models import Asset
    from tests.app.jobs.support import jobs, run_queued, run_scheduled
    from tests.factories import session

    app = app_factory(
        JOBS_BACKEND="memory", MEDIA_BACKGROUND_MB=0, JOBS_RETRIES=1, JOBS_RETRY_DELAY=10
    )
    user = add_user(app, "editor")
    api = Api(app.test_client(), add_token(app, user), user)
    asset = upload(api, 41)
    with session(app) as db:
        row = db.get(Asset, asset["id"])
        assert row is not None
        (Path(app.config["STORAGE_PATH"]) / row.storage_key).unlink()

    def counted() -> tuple[float, float]:
        return (
            REGISTRY.get_sample_value("brandhub_job_retries_total", {"kind": "media"}) or 0.0,
            REGISTRY.get_sample_value("brandhub_job_failures_total", {"kind": "media"}) or 0.0,
        )

    retries, failures = counted()
    run_queued(app)
    run_scheduled(app)
    (job,) = jobs(app, kind="media")
    assert job.state == "failed"
    now_retries, now_failures = counted()
    assert now_failures == failures + 1
    assert job.attempts == 2  # the first attempt is retried, the second is final
    assert now_retries == retries + 1


def _counted_in(folder: Path) -> Samples:
    """Every sample of the multiprocess folder, added up as ``/metrics`` does."""
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    text = generate_latest(registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_ended_processes_fold_into_one_file_per_type_and_the_totals_stay(tmp_path: Path) -> None:
    """Replaced gunicorn workers leave no file behind, and not one count is lost."""
    from brandhub.metrics import fold_ended_processes

    folder = tmp_path / "prometheus"
    folder.mkdir()
    child = textwrap.dedent(
        """
        import sys
        from brandhub import metrics
        n = int(sys.argv[1])
        metrics.REQUESTS.labels("health.healthz", "GET", "200").inc(n)
        metrics.LATENCY.labels("health.healthz", "GET").observe(0.003 * n)
        """
    )

    def process_counts(n: int) -> None:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path.cwd())}
        env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        subprocess.run([sys.executable, "-c", child, str(n)], env=env, check=True)

    for n in (1, 2, 3):
        process_counts(n)
    assert len(list(folder.glob("*.db"))) == 6  # a counter and a histogram file per process
    before = _counted_in(folder)
    served = total(before, "brandhub_http_requests_total", endpoint="health.healthz")
    assert served == 6

    assert fold_ended_processes(str(folder)) == 6
    assert sorted(p.name for p in folder.glob("*.db")) == ["counter_ended.db", "histogram_ended.db"]
    assert _counted_in(folder) == before

    process_counts(4)  # a worker started after the fold, and ended
    assert fold_ended_processes(str(folder)) == 2
    after = _counted_in(folder)
    assert total(after, "brandhub_http_requests_total", endpoint="health.healthz") == 10
    count = "brandhub_http_request_duration_seconds_count"
    assert total(after, count, endpoint="health.healthz") == 4
    assert fold_ended_processes(str(folder)) == 0  # nothing more to fold
