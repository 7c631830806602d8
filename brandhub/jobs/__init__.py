"""Background work, the worker side: the bodies of the tasks and the commands that run them.

The queue that the rest of BrandHub puts work on is :mod:`brandhub.job_queue`;
this package registers its tasks there, by kind, when it is imported, and
adds ``brandhub worker`` and ``brandhub run-all`` to the app's command line.

How the parts fit
-----------------

- ``drain.py`` is the one index writer: a task that takes the search outbox
  in batches under a huey lock, so however many web processes and workers run,
  one drain at a time writes the Whoosh index; a drain that finds the lock
  taken comes back later instead of failing.
- ``runner.py`` runs tracked jobs (the ``jobs`` table, what people see): it
  claims the row, runs the kind's function, records success or the reason of a
  failure, and lets huey retry transient failures with a growing delay; a
  damaged file fails at once, with its reason, without retries.
- ``media.py`` finishes an asset whose file was too large to process during
  the upload (``MEDIA_BACKGROUND_MB``): probe, poster frame, renditions.
- ``text.py`` reads the words of a piece (PDF text layer, SVG text, OCR) after its
  upload, keeps them for search and checks the brand's text rules again.
- ``imports.py`` archives a folder (``brandhub jobs import``); ``reindex.py``
  rebuilds the search index (``brandhub jobs reindex``).
- ``sweep.py`` runs every minute in the consumer: it drains changes left
  behind (a busy index, an embargo that ended), queues again jobs whose
  message was lost and retries or fails jobs whose worker died.
- ``commands.py``: ``brandhub worker`` and ``brandhub run-all``.
"""

from __future__ import annotations

from flask import Flask

from . import drain, imports, media, reindex, runner, sweep, text
from .commands import run_all_command, worker_command

__all__ = ["drain", "imports", "init_app", "media", "reindex", "runner", "sweep", "text"]


def init_app(app: Flask) -> None:
    """Add the commands that run the worker to the app's command line."""
    app.cli.add_command(worker_command)
    app.cli.add_command(run_all_command)
