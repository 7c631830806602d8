"""``brandhub worker`` and ``brandhub run-all``: the commands that run the worker.

``worker`` is huey's consumer with BrandHub's app: the app is built lazily,
like for any command, from the same environment as the web processes, so the
tasks find the same database, store, index and queue. ``run-all`` is what
``make run`` starts: the development server with one worker process beside
it, stopped together (the worker also dies with its parent if the server is
killed outright).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from typing import Any, cast

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from werkzeug.local import LocalProxy

from .. import metrics
from ..job_queue import job_queue

_WORKER = "import sys; from brandhub.cli import main; sys.argv[0] = 'brandhub'; main()"


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Tasks run at once.")
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["thread", "process"]),
    default="thread",
    show_default=True,
    help="Threads share one process; processes use every core for CPU-heavy work.",
)
@click.option("--periodic/--no-periodic", default=True, help="Run the minute sweep here.")
@click.option(
    "--flush-locks/--no-flush-locks",
    default=None,
    help="Free locks left by a killed worker at start (default: on with the SQLite queue, "
    "where this is the only worker; off with Redis, where others may hold them).",
)
@with_appcontext
def worker_command(
    workers: int, worker_type: str, periodic: bool, flush_locks: bool | None
) -> None:
    """Run background work (video posters, renditions, imports, the search index)."""
    queue = job_queue()
    if queue.immediate or queue.backend == "memory":
        raise click.ClickException(
            _("BRANDHUB_JOBS_BACKEND=%(name)s runs work without a worker.", name=queue.backend)
        )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if flush_locks is None:
        flush_locks = queue.backend == "sqlite"
    metrics.fold_ended_processes()  # the counts of workers that ran before this one
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type=worker_type,
        periodic=periodic,
        initial_delay=0.05,
        max_delay=1.0,  # an idle SQLite queue is polled at least every second
        flush_locks=flush_locks,
    )
    click.echo(
        _(
            "Background worker on the %(queue)s queue, %(n)s tasks at a time.",
            queue=queue.backend,
            n=workers,
        )
    )
    consumer.run()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM when the server process dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@click.command("run-all")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("-w", "--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def run_all_command(host: str, port: int, workers: int) -> None:
    """Serve the app with the development server and a worker beside it."""
    from werkzeug.serving import run_simple

    # The app itself, not the proxy: the server's threads run outside this context.
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    queue = job_queue()
    worker = None
    if not queue.immediate:
        env = {**os.environ, "BRANDHUB_INSTANCE_PATH": app.instance_path}
        worker = subprocess.Popen(
            [sys.executable, "-c", _WORKER, "worker", "--workers", str(workers)],
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # finish the task at hand, then stop
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
