"""BrandHub: digital assets and brand guidelines for government communication offices.

``create_app`` builds the Flask application; each subsystem registers itself
with ``init_app(app)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app factory. ``config`` overrides every other layer (used by tests)."""
    import os

    from . import (
        api,
        auth,
        db,
        errors,
        health,
        i18n,
        ids,
        job_queue,
        jobs,
        logs,
        metrics,
        ratelimit,
        search,
        security,
        services,
        tracking,
        web,
    )
    from . import config as cfg
    from .cli import register_commands

    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("BRANDHUB_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
    )
    app.config.from_mapping(cfg.load_config(Path(app.instance_path), config))
    cfg.validate(app.config)

    logs.init_app(app)  # the request id first: every later hook's log lines carry it
    metrics.init_app(app)  # after-request hooks run in reverse: it sees the final status
    ids.init_app(app)  # before any route: ids past the database's range are 404
    db.init_app(app)
    services.init_app(app)
    health.init_app(app)
    search.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    ratelimit.init_app(app)  # its before-body gate runs before security's CSRF check
    security.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    tracking.init_app(app)
    job_queue.init_app(app)  # with the tasks that importing jobs registered
    api.init_app(app)
    register_commands(app)
    jobs.init_app(app)  # the commands that run the worker
    return app
