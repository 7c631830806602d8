"""The web pages: library grid, upload, asset page and file delivery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import context, views

    context.init_app(app)
    app.register_blueprint(views.bp)
