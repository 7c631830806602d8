"""The web pages: library grid, upload, asset page and file delivery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import brand, check, context, downloads, events, views
    from . import collections as collection_pages

    context.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(brand.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(collection_pages.bp)
    app.register_blueprint(downloads.bp)
