"""Rebuilding the search index as a job (``brandhub jobs reindex``).

The rebuild runs the very code of ``brandhub reindex`` (built aside, swapped
in), holding the index writer's huey lock meanwhile so that no drain task
writes at the same moment; a drain that comes meanwhile is simply scheduled
again until the lock is free.
"""

from __future__ import annotations

import click

from ..cli_search import reindex_command
from . import drain
from .queue import job_queue
from .runner import JobContext, runner

#: How long a reindex waits for a running drain before trying again later.
LOCK_WAIT_SECONDS = 60.0


class IndexWriterBusy(RuntimeError):
    """Another task kept the search index writer lock; the job is retried."""


@runner("reindex")
def reindex(ctx: JobContext) -> None:
    queue = job_queue(ctx.app)
    lock = drain.acquire(queue, LOCK_WAIT_SECONDS)
    if lock is None:
        raise IndexWriterBusy("the search index writer lock stayed taken")
    try:
        with click.Context(reindex_command, info_name="reindex") as cli:
            cli.invoke(reindex_command)
    finally:
        drain.release(queue, lock)
