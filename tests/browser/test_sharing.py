"""Share links in Chromium: made on the asset page, opened in a fresh browser with no
account, downloaded; the share page and the admin page at 1280 and 360 px.

Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from brandhub.models import Agency, DownloadEvent
from tests.browser.conftest import screenshot, sign_in
from tests.factories import (
    Api,
    add_token,
    add_user,
    approve,
    photo,
    session,
    upload,
)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _history(app) -> None:
    """A year of downloads for three agencies, so the admin chart has something to show."""
    with session(app) as db:
        agencies = [db.query(Agency).filter_by(slug=s).one_or_none() for s in ("salud", "obras")]
        agencies = [a for a in agencies if a is not None] + [None]
        now = datetime.now(UTC)
        for month in range(12):
            for n in range((month * 7) % 23 + 3):
                agency = agencies[(month + n) % len(agencies)]
                db.add(
                    DownloadEvent(
                        agency_id=agency.id if agency else None,
                        channel="app",
                        what="original",
                        created_at=now - timedelta(days=30 * month + n % 20),
                    )
                )
        db.commit()


def test_a_share_link_made_on_the_asset_page_opens_and_downloads_without_an_account(
    browser, page, live_server, live_app
):
    manager = add_user(live_app, "brand_manager", agency="salud")
    api = Api(live_app.test_client(), add_token(live_app, manager))
    asset = upload(
        api,
        90,
        "acto-hospital.jpg",
        title="Inauguración del Hospital Regional",
        credit="Foto: Ana Pérez / Prensa",
        caption="El corte de cinta.",
    )
    approve(live_app, asset["id"], licence="cc-by-4.0")
    other = add_user(live_app, "editor", agency="obras")
    upload(Api(live_app.test_client(), add_token(live_app, other)), 91, title="Obra vial")

    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/assets/{asset['id']}")
    page.locator("#panel-share > summary").click()  # the asset page's panels start folded
    page.locator("[data-share-form] > summary").click()
    page.get_by_label("Para quién es").fill("Diario El Sur")
    page.get_by_role("button", name="Crear el enlace").click()
    url = page.locator("[data-share-url]").input_value()
    assert url.startswith(live_server.url + "/s/")
    screenshot(page, "share-created-1280")
    page.goto(f"{live_server.url}/assets/{asset['id']}")
    assert page.locator(".share-link").filter(has_text="Diario El Sur").count() == 1
    screenshot(page, "asset-workflow-1280")

    for width in (1280, 360):
        fresh = browser.new_context(
            locale="es-AR", viewport={"width": width, "height": 900}, accept_downloads=True
        )
        try:
            visitor = fresh.new_page()
            visitor.set_default_timeout(15000)
            visitor.goto(url)
            assert visitor.get_by_role("heading", name="Inauguración del Hospital Regional")
            assert "Foto: Ana Pérez / Prensa" in visitor.content()
            signin = visitor.get_by_role("link", name="Iniciar sesión", include_hidden=True)
            assert signin.count() == 1  # no account (folded in the menu at 360 px)
            visitor.wait_for_function(
                "() => [...document.images].every((img) => img.complete && img.naturalWidth > 0)"
            )
            assert _no_sideways_scroll(visitor)
            screenshot(visitor, f"share-page-{width}")
            if width == 1280:
                visitor.locator(".download-menu > summary").click()
                with visitor.expect_download() as info:
                    visitor.locator(".download-menu a[href$='/file']").click()
                download = info.value
                assert Path(download.path()).read_bytes() == photo(90)
                assert download.suggested_filename.endswith(".jpg")
        finally:
            fresh.close()

    listed = api.get(f"/share-links?asset_id={asset['id']}").get_json()["results"][0]
    assert listed["opens"] == 2 and listed["downloads"] == 1


def test_the_admin_page_at_1280_and_360(browser, live_server, live_app):
    admin = add_user(live_app, "admin", agency=None)
    for slug, seed in (("salud", 92), ("obras", 93)):
        person = add_user(live_app, "editor", agency=slug)
        upload(Api(live_app.test_client(), add_token(live_app, person)), seed)
    _history(live_app)
    for width in (1280, 360):
        context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in(page, live_server.url, admin.email)
            page.goto(live_server.url + "/admin")
            assert page.locator("svg.chart rect.chart__bar--downloads").count() == 12
            assert page.locator("table.data-table--months tbody tr").count() == 3
            screenshot(page, f"admin-{width}")
            assert _no_sideways_scroll(page)
        finally:
            context.close()


def test_the_press_kit_and_a_shared_event_at_1280_and_360(browser, live_server, live_app):
    photographer = add_user(live_app, "photographer", agency="salud")
    api = Api(live_app.test_client(), add_token(live_app, photographer))
    headers = {"Authorization": f"Bearer {api.token}"}
    event = api.client.post(
        "/api/v1/events",
        headers=headers,
        json={
            "title": "Inauguración del Hospital Regional",
            "public": True,
            "place": "Av. Belgrano 1400",
            "starts_at": "2026-05-25T10:00-03:00",
        },
    ).get_json()
    ids = [
        upload(api, 100 + n, title=f"Acto {n + 1}", credit="Foto: Luis Gómez")["id"]
        for n in range(6)
    ]
    api.client.post(
        f"/api/v1/events/{event['id']}/assets", headers=headers, json={"asset_ids": ids}
    )
    for asset_id in ids:
        approve(live_app, asset_id, public=True)
    link = api.client.post(
        "/api/v1/share-links", headers=headers, json={"event_id": event["id"]}
    ).get_json()["url"]
    link = live_server.url + link.removeprefix("http://localhost")  # made by the test client
    kit = f"{live_server.url}/prensa/evento-{event['id']}-inauguracion-del-hospital-regional"
    for width in (1280, 360):
        context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            for name, url in (("presskit", kit), ("share-event", link)):
                page.goto(url)
                assert page.locator(".public-card").count() == 6
                page.wait_for_function(
                    "() => [...document.images].every((img) => img.complete && img.naturalWidth)"
                )
                assert _no_sideways_scroll(page)
                screenshot(page, f"{name}-{width}")
        finally:
            context.close()
