"""The web pages: library grid, upload, asset page and file delivery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import (
        admin,
        brand,
        check,
        context,
        downloads,
        presskit,
        processing,
        sets,
        share,
        views,
    )
    from . import workflow as workflow_pages

    context.init_app(app)
    processing.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(brand.bp)
    app.register_blueprint(sets.event_pages.bp)
    app.register_blueprint(sets.collection_pages.bp)
    app.register_blueprint(downloads.bp)
    workflow_pages.init_app(app)
    app.register_blueprint(share.bp)
    app.register_blueprint(presskit.bp)
    app.register_blueprint(admin.bp)
