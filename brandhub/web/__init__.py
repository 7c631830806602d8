"""The web pages: library grid, upload, asset page and file delivery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import admin, brand, check, context, downloads, events, presskit, share, views
    from . import collections as collection_pages
    from . import workflow as workflow_pages

    context.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(brand.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(collection_pages.bp)
    app.register_blueprint(downloads.bp)
    workflow_pages.init_app(app)
    app.register_blueprint(share.bp)
    app.register_blueprint(presskit.bp)
    app.register_blueprint(admin.bp)
