"""Background work on huey: video posters, large renditions, reindexing, the index writer.

How the parts fit
-----------------

- ``queue.py`` builds the app's huey instance from the configuration
  (``JOBS_BACKEND``: ``sqlite``, a queue file in the instance folder, the
  default; ``redis`` when ``REDIS_URL`` is set, for workers on several
  machines; ``immediate``, every task run at once in the process that queues
  it, for tests and installs without a worker) and registers the tasks on it.
  Tasks are closures over the app, so they run in an app context wherever the
  consumer runs (``brandhub worker`` builds the app lazily, like any command).
- ``dispatch.py`` listens on every database session: a ``Job`` row added in a
  transaction is queued only after that transaction commits, and a commit that
  touched what the search index shows queues one drain. Nothing is queued for a
  rolled-back change, and nothing needs the request's code to remember it.
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
- ``sweep.py`` runs every minute in the consumer: it drains changes left
  behind (a busy index, an embargo that ended), queues again jobs whose
  message was lost and retries or fails jobs whose worker died.
- ``views.py``: ``GET /api/v1/jobs/<id>`` and the badge on the asset page.
"""

from __future__ import annotations

from .queue import JobQueue, init_app, job_queue

__all__ = ["JobQueue", "init_app", "job_queue"]
