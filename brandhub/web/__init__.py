"""The web pages: library grid, upload, asset page and file delivery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import (
        access_links,
        admin,
        asset_forms,
        brand,
        bulk,
        check,
        context,
        downloads,
        health,
        people,  # noqa: F401  (adds its routes to admin.bp)
        presskit,
        processing,
        resumable,  # noqa: F401  (adds its routes to views.bp)
        review_panel,
        rights,  # noqa: F401  (adds its routes to asset_forms.bp)
        sets,
        share,
        status,  # noqa: F401  (adds its routes to asset_forms.bp)
        versions,  # noqa: F401  (adds its routes to asset_forms.bp)
        views,
    )

    context.init_app(app)
    processing.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(brand.bp)
    app.register_blueprint(sets.event_pages.bp)
    app.register_blueprint(sets.collection_pages.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(bulk.bp)
    app.register_blueprint(asset_forms.bp)
    review_panel.init_app(app)
    app.register_blueprint(share.bp)
    app.register_blueprint(presskit.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(access_links.bp)
