"""Publishing in Chromium: a 20-photo coverage to the press kit in three actions after the
upload, a journalist's fresh browser downloading one with its licence beside it, and the
library's multi-select (click, shift-click, a bulk action).

Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from brandhub.models import Asset
from tests.browser.conftest import LiveServer, drop_files, screenshot, sign_in
from tests.factories import Api, add_token, add_user, change, photo, session, upload

LICENCE = "CC BY-ND 4.0 (atribución, sin obras derivadas)"


def _assets(app) -> list[Asset]:
    with session(app) as db:
        return list(db.scalars(select(Asset).order_by(Asset.id)))


def _no_sideways_scroll(page, where: str) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{where} scrolls sideways ({wide} px)"


@pytest.mark.both_databases
def test_a_coverage_published_in_three_actions_and_downloaded_by_a_journalist(
    page, browser, live_server, live_app
):
    manager = add_user(live_app, "brand_manager", agency="prensa")
    api = Api(live_app.test_client(), add_token(live_app, manager), manager)
    event = api.post("/events", json={"title": "Inauguración del Hospital Regional"}).get_json()

    # The upload: 20 photos dropped on the event page, with the credit set once.
    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/events/{event['id']}")
    page.get_by_label("Crédito").fill("Foto: Ana Pérez / Prensa")
    drop_files(
        page,
        {
            f"DSC_{n:04d}.jpg": photo(n, taken=f"2026:05:25 10:{10 + n:02d}:00", size=(480, 320))
            for n in range(20)
        },
    )
    page.locator(".upload-item.is-done").nth(19).wait_for(timeout=60000)
    assert page.locator(".upload-item.is-failed").count() == 0
    assert len(_assets(live_app)) == 20
    page.reload()

    # Action 1: open "Publicar cobertura"; the preview says what the press kit will show.
    page.get_by_role("link", name="Publicar cobertura").first.click()
    page.get_by_role("heading", name="20 aparecerán en el kit de prensa").wait_for()
    assert page.locator(".publish-grid li").count() == 20
    assert page.get_by_label("Línea de crédito").input_value() == "Foto: Ana Pérez / Prensa"
    screenshot(page, "publish-preview-1280")
    # Action 2: the licence. Action 3: publish.
    page.get_by_label("Licencia").select_option(label=LICENCE)
    page.get_by_role("button", name="Publicar 20 fotos").click()
    page.get_by_text("20 hechos, 0 rechazados").wait_for()
    kit_link = page.get_by_role("link", name="abrir el kit de prensa", exact=False)
    kit_url = live_server.url + kit_link.get_attribute("href")
    assets = _assets(live_app)
    assert {(a.status, a.public, a.licence) for a in assets} == {("approved", True, "cc-by-nd-4.0")}
    screenshot(page, "publish-result-1280")
    # The asset page says the licence and restrictions beside Descargar.
    page.goto(f"{live_server.url}/assets/{assets[0].id}")
    assert LICENCE in page.locator(".download-menu + .file-rights").inner_text()

    # A journalist, not signed in, in a browser of their own.
    context = browser.new_context(
        locale="es-AR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    try:
        journalist = context.new_page()
        journalist.goto(kit_url)
        cards = journalist.locator(".public-card")
        assert cards.count() == 20
        assert "De uso libre" not in journalist.content()
        for n in range(20):
            assert LICENCE in cards.nth(n).locator(".file-rights").inner_text()
        first = cards.first
        rights_id = first.locator(".public-card__download").get_attribute("aria-describedby")
        assert LICENCE in journalist.locator(f"#{rights_id}").inner_text()
        with journalist.expect_download() as info:
            first.locator(".public-card__download").click()
        data = Path(info.value.path()).read_bytes()
        assert data[:3] == b"\xff\xd8\xff", "the download is not a JPEG"
        screenshot(journalist, "presskit-1280")
        # The file's own page: the licence beside Descargar.
        first.locator(".card__link").click()
        beside = journalist.locator(".file-rights + .download-menu")
        assert beside.count() == 1
        assert LICENCE in journalist.locator(".asset__side .file-rights").first.inner_text()
        screenshot(journalist, "presskit-asset-1280")
        journalist.set_viewport_size({"width": 360, "height": 780})
        journalist.goto(kit_url)
        _no_sideways_scroll(journalist, "the press kit at 360 px")
        screenshot(journalist, "presskit-360")
    finally:
        context.close()


def test_library_multi_select_with_shift_click_and_a_bulk_action(page, live_server, live_app):
    # Another agency's published photo: the editor sees it (the oldest, last) but may not change it.
    other = add_user(live_app, "editor", agency="obras")
    theirs = upload(Api(live_app.test_client(), add_token(live_app, other), other), 49)["id"]
    change(live_app, theirs, status="approved", public=True)
    editor = add_user(live_app, "editor", agency="salud")
    api = Api(live_app.test_client(), add_token(live_app, editor), editor)
    ids = [upload(api, 50 + n, title=f"Acto {n}")["id"] for n in range(6)]
    sign_in(page, live_server.url, editor.email)
    boxes = page.locator('input[data-select-item][form="library-selection"]')
    assert boxes.count() == 7
    count = page.locator(".bulk-bar [data-select-count]")
    review = page.get_by_role("button", name="Enviar a revisión")
    assert review.is_disabled()
    boxes.nth(0).click()
    boxes.nth(3).click(modifiers=["Shift"])  # the range from the first
    assert count.inner_text() == "4 seleccionados"
    assert [boxes.nth(i).is_checked() for i in range(7)] == [True] * 4 + [False] * 3
    assert review.is_enabled()
    # The bar stays in view while the person scrolls to pick more (on a desktop).
    page.mouse.wheel(0, 600)
    top = page.evaluate("() => document.querySelector('.bulk-bar').getBoundingClientRect().top")
    assert top >= 0, "the selection bar scrolled out of view"
    screenshot(page, "library-selection-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    _no_sideways_scroll(page, "the library with a selection at 360 px")
    screenshot(page, "library-selection-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Keyboard: a checkbox is reached and toggled with the space bar.
    boxes.nth(5).focus()
    page.keyboard.press("Space")
    assert count.inner_text() == "5 seleccionados"
    boxes.nth(6).click()  # the other agency's
    review.click()
    page.get_by_text("5 hechos, 1 rechazado").wait_for()
    refused = page.locator(".bulk-item--refused")
    assert refused.count() == 1
    assert "Pertenece a otro organismo" in refused.inner_text()
    statuses = {a.id: a.status for a in _assets(live_app)}
    newest_first = sorted(ids, reverse=True)  # the library shows the newest first
    chosen = newest_first[:4] + newest_first[5:]
    assert {statuses[i] for i in chosen} == {"in_review"}
    assert statuses[newest_first[4]] == "draft"
    assert statuses[theirs] == "approved"
    screenshot(page, "library-bulk-result-1280")


@pytest.mark.both_databases
def test_every_result_of_a_search_is_selected_across_pages(browser, app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True, PER_PAGE=2)
    editor = add_user(app, "editor", agency="salud")
    api = Api(app.test_client(), add_token(app, editor), editor)
    ids = [upload(api, 60 + n, title=f"Vacunación {n}")["id"] for n in range(5)]
    other = upload(api, 70, title="Escuela")["id"]
    context = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        with LiveServer(app) as server:
            sign_in(page, server.url, editor.email)
            page.goto(server.url + "/?q=vacunacion")
            everything = page.get_by_label("Seleccionar los 5 resultados de esta búsqueda")
            review = page.get_by_role("button", name="Enviar a revisión")
            assert review.is_disabled()
            everything.check()
            assert page.locator(".bulk-bar [data-select-count]").inner_text() == (
                "Los 5 resultados de esta búsqueda están seleccionados"
            )
            assert review.is_enabled()
            review.click()
            page.get_by_text("5 hechos, 0 rechazados").wait_for()
    finally:
        context.close()
    statuses = {a.id: a.status for a in _assets(app)}
    assert {statuses[i] for i in ids} == {"in_review"}
    assert statuses[other] == "draft"
