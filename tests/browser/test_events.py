"""An event's coverage in Chromium: a whole folder uploaded from the event page, the
selection tools, the focal point, and the page at 1280 and 360 px.

Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

from sqlalchemy import select

from brandhub.models import Asset
from tests.assets.media_factory import make_jpeg
from tests.browser.conftest import drop_files, screenshot, sign_in, start_uploads
from tests.factories import add_user, photo, session


def _assets(app) -> list[Asset]:
    with session(app) as db:
        return list(db.scalars(select(Asset).order_by(Asset.id)))


def test_a_coverage_folder_uploaded_on_the_event_page(page, live_server, live_app, tmp_path):
    user = add_user(live_app, "photographer", agency="prensa")
    folder = tmp_path / "cobertura"
    for n in range(20):
        sub = folder / ("tarde" if n % 2 else "mañana")
        sub.mkdir(parents=True, exist_ok=True)
        minute = 10 + n
        (sub / f"DSC_{n:04d}.jpg").write_bytes(
            photo(n, taken=f"2026:05:25 10:{minute:02d}:00", size=(480, 320))
        )
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: never sent

    sign_in(page, live_server.url, user.email)
    page.get_by_role("link", name="Eventos").click()
    page.get_by_role("link", name="Nuevo evento").first.click()
    page.get_by_label("Título").fill("Inauguración del Hospital Regional")
    page.get_by_label("Fecha y hora").fill("2026-05-25T10:00")
    page.get_by_label("Lugar").fill("Hospital Regional, Av. Belgrano 1400")
    page.get_by_label("Fotógrafos").fill("Ana Pérez, Luis Gómez")
    page.get_by_role("button", name="Crear el evento").click()
    page.locator(".dropzone").wait_for()

    page.get_by_label("Crédito").fill("Ana Pérez / Prensa")
    page.get_by_label("Etiquetas").fill("hospital, inauguración")
    page.locator(".dropzone__folder input").set_input_files(str(folder))
    start_uploads(page)
    page.locator(".upload-item.is-done").nth(19).wait_for(timeout=60000)
    assert page.locator(".upload-item").count() == 20
    assert page.locator(".upload-item.is-failed").count() == 0
    assert "20 de 20" in page.locator(".dropzone__total").inner_text()
    assert page.locator(".dropzone__cards .card").count() == 20
    screenshot(page, "event-upload-done-1280")

    page.reload()
    cards = page.locator(".set-assets .card")
    assert cards.count() == 20
    titles = cards.locator(".card__title").all_inner_texts()
    # In the order they were taken, named by the event and the camera's counter.
    assert titles == [f"Inauguración del Hospital Regional · {n}" for n in range(20)]
    assets = _assets(live_app)
    assert len(assets) == 20
    assert {a.credit for a in assets} == {"Ana Pérez / Prensa"}
    assert all(
        a.event_id is not None and a.tag_names == ["hospital", "inauguración"] for a in assets
    )

    # Select all: the count follows, the actions wake up.
    download = page.get_by_role("button", name="Descargar la selección")
    assert download.is_disabled()
    page.get_by_label("Seleccionar todo en esta página").check()
    assert page.locator("[data-select-count]").inner_text() == "20 seleccionados"
    assert download.is_enabled()
    page.locator(".card__select input").first.uncheck()
    assert page.locator("[data-select-count]").inner_text() == "19 seleccionados"
    screenshot(page, "event-page-1280")

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    page.locator(".set-assets .card").first.wait_for()
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360, f"the page scrolls sideways at 360 px ({wide} px)"
    screenshot(page, "event-page-360")
    page.goto(live_server.url + "/events")
    screenshot(page, "events-360")


def test_a_drop_on_the_event_page_and_the_focal_point(page, live_server, live_app):
    user = add_user(live_app, "photographer", agency="prensa")
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/events/new")
    page.get_by_label("Título").fill("Conferencia de prensa")
    page.get_by_role("button", name="Crear el evento").click()
    page.locator(".dropzone").wait_for()
    drop_files(
        page, {f"conf-{n}.jpg": make_jpeg(1200, 800, color=(30 * n, 90, 200)) for n in range(2)}
    )
    page.locator(".upload-item.is-done").nth(1).wait_for()

    page.locator(".dropzone__cards .card__link").first.click()
    page.get_by_role("button", name="Marcar el punto focal").click()
    image = page.locator(".asset__zoom img")
    box = image.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    page.locator(".toast--success").filter(has_text="Punto focal guardado").wait_for()
    assert page.locator(".asset__zoom").get_attribute("aria-pressed") == "false"  # no zoom
    asset_id = int(page.url.rsplit("/", 1)[1])
    asset = next(a for a in _assets(live_app) if a.id == asset_id)
    assert abs(asset.focal_x - 0.25) < 0.02 and abs(asset.focal_y - 0.75) < 0.02
    screenshot(page, "asset-focal-1280")
