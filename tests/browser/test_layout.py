"""The frame of every page and the asset page in Chromium, at 360 and 1280 px.

- The main menu on a phone: a button that unfolds it (mouse and keyboard, Escape
  folds it back); without script every link is on the page, none past the edge.
- Dropdown menus stay inside the window, whichever side of the page they open on
  (with script they are moved back inside; without it the ZIP menus still fit).
- The asset page: its preview stays in view on a desktop while the panels (an
  accordion, only the first open) scroll beside it; on a phone it is short.
- The free size of the download menu builds the download's address, and says in
  Spanish what is wrong with a size before asking the server.

Screenshots (``layout-*``) go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.browser.conftest import screenshot, sign_in
from tests.browser.support import seed_instance
from tests.factories import PASSWORD

WIDTHS = (1280, 360)


def _context(browser, width: int, **options):
    context = browser.new_context(
        locale="es-AR", viewport={"width": width, "height": 800}, **options
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _inside_window(page, selector: str) -> tuple[float, float, float]:
    """(left, right, window width) of the first element matching ``selector``."""
    return page.evaluate(
        """(selector) => {
             const box = document.querySelector(selector).getBoundingClientRect();
             return [box.left, box.right, document.documentElement.clientWidth];
           }""",
        selector,
    )


def _no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_phone_menu_is_a_button_that_unfolds_every_link(browser, live_server, live_app):
    seed = seed_instance(live_app)
    base = live_server.url
    context, page = _context(browser, 360)
    sign_in(page, base, seed.admin_email)
    toggle = page.get_by_role("button", name="Menú")
    nav = page.get_by_role("navigation", name="Principal")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for name in ("Biblioteca", "Eventos", "Administración", "Subir"):
        link = nav.get_by_role("link", name=name)
        assert link.is_visible(), name
        href = link.get_attribute("href")
        left, right, width = _inside_window(page, f'#mainnav a[href="{href}"]')
        assert 0 <= left and right <= width, name
    assert _no_sideways_scroll(page)
    screenshot(page, "layout-phone-menu-open-360")

    nav.get_by_role("link", name="Eventos").focus()
    page.keyboard.press("Escape")  # folds the menu and gives the focus back to its button
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    assert page.evaluate("() => document.activeElement.matches('[data-menu-toggle]')")

    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#mainnav') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.matches('[data-menu-toggle]')")
    context.close()

    # A visitor finds "Iniciar sesión" in the menu.
    context, page = _context(browser, 360)
    page.goto(base + "/prensa")
    page.get_by_role("button", name="Menú").click()
    assert page.get_by_role("link", name="Iniciar sesión").is_visible()
    context.close()

    # At 1280 px there is no menu button: the links are in a row.
    context, page = _context(browser, 1280)
    sign_in(page, base, seed.admin_email)
    assert not page.get_by_role("button", name="Menú").is_visible()
    nav = page.get_by_role("navigation", name="Principal")
    assert nav.get_by_role("link", name="Subir").is_visible()
    context.close()


def test_without_script_every_link_of_the_menu_is_on_the_page(browser, live_server, live_app):
    seed = seed_instance(live_app)
    context, page = _context(browser, 360, java_script_enabled=False)
    page.goto(live_server.url + "/login")
    page.get_by_label("Correo electrónico").fill(seed.admin_email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(live_server.url + "/")
    assert not page.get_by_role("button", name="Menú").is_visible()
    nav = page.get_by_role("navigation", name="Principal")
    for name in ("Biblioteca", "Administración", "Subir"):
        link = nav.get_by_role("link", name=name)
        assert link.is_visible(), name
        href = link.get_attribute("href")
        left, right, width = _inside_window(page, f'#mainnav a[href="{href}"]')
        assert 0 <= left and right <= width, name
    assert _no_sideways_scroll(page)
    screenshot(page, "layout-phone-menu-no-script-360")
    context.close()


FITS = """() => {
  const list = document.querySelector("details.menu[open] .menu__list");
  const box = list && list.getBoundingClientRect();
  return box && box.left >= 0 && box.right <= document.documentElement.clientWidth;
}"""


def _menu_fits(page, summary_name: str) -> None:
    page.locator("summary", has_text=summary_name).first.click()
    page.wait_for_function(FITS, timeout=2000)


def test_download_menus_stay_inside_the_window(browser, live_server, live_app):
    seed = seed_instance(live_app)
    base = live_server.url
    for width in WIDTHS:
        context, page = _context(browser, width)
        for path in (f"/prensa/{seed.kit_ref}", f"/s/{seed.event_token}"):
            page.goto(base + path)
            _menu_fits(page, "Descargar todo (ZIP)")
            assert page.locator("details.menu[open] .menu__list a").first.is_visible()
        screenshot(page, f"layout-zip-menu-{width}")
        page.goto(f"{base}/prensa/{seed.kit_ref}")
        _menu_fits(page, "Descargar todo (ZIP)")
        screenshot(page, f"layout-presskit-zip-menu-{width}")
        page.goto(f"{base}/prensa/{seed.kit_ref}/a/{seed.asset_id}")
        _menu_fits(page, "Descargar")
        page.goto(base + "/prensa")
        _menu_fits(page, "ES")
        sign_in(page, base, seed.admin_email)
        page.goto(f"{base}/assets/{seed.asset_id}")
        _menu_fits(page, "Descargar")
        page.keyboard.press("Escape")
        assert page.locator("details.menu[open]").count() == 0
        page.locator(".user-menu summary").click()
        page.wait_for_function(FITS, timeout=2000)
        context.close()


def _panels(page) -> list[bool]:
    return page.locator("details[data-asset-panel]").evaluate_all("(ds) => ds.map((d) => d.open)")


def test_the_asset_page_keeps_its_preview_in_view(browser, live_server, live_app):
    seed = seed_instance(live_app)
    base = live_server.url

    context, page = _context(browser, 1280)
    sign_in(page, base, seed.admin_email)
    page.goto(f"{base}/assets/{seed.asset_id}")
    opened = _panels(page)
    assert len(opened) >= 8 and opened[0] and not any(opened[1:]), opened
    screenshot(page, "layout-asset-1280")
    preview = page.locator(".asset__zoom img")
    before = preview.bounding_box()
    assert before is not None and before["y"] + before["height"] <= 800

    # Every panel open, then down to the last: the preview does not move in the window.
    for summary in page.locator("details[data-asset-panel] > summary").all()[1:]:
        summary.click()
    assert all(_panels(page))
    page.get_by_role("button", name="Eliminar recurso").scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 400
    after = preview.bounding_box()
    assert after is not None
    assert 0 <= after["y"] and after["y"] + after["height"] <= 800, after
    assert abs(after["x"] - before["x"]) < 1
    screenshot(page, "layout-asset-all-panels-1280")

    # A link to something inside a folded panel opens it.
    page.goto(f"{base}/assets/{seed.asset_id}#panel-history")
    assert page.locator("#panel-history").evaluate("(d) => d.open")
    context.close()

    context, page = _context(browser, 360)
    sign_in(page, base, seed.admin_email)
    page.goto(f"{base}/assets/{seed.asset_id}")
    opened = _panels(page)
    assert opened[0] and not any(opened[1:]), opened
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 2600, height  # ten panels unfolded were about 4600 px
    assert _no_sideways_scroll(page)
    screenshot(page, "layout-asset-360")
    # Every form of the page is still there, a tap away.
    page.locator("#panel-rights > summary").click()
    page.get_by_text("Editar los derechos").click()
    assert page.get_by_role("button", name="Guardar los derechos").is_visible()
    page.locator("#panel-edit > summary").click()
    assert page.get_by_role("button", name="Guardar cambios").is_visible()
    assert _no_sideways_scroll(page)
    context.close()


def test_a_free_size_from_the_download_menu(browser, live_server, live_app, tmp_path: Path):
    seed = seed_instance(live_app)
    base = live_server.url
    for width in WIDTHS:
        context, page = _context(browser, width, accept_downloads=True)
        sign_in(page, base, seed.admin_email)
        page.goto(f"{base}/assets/{seed.asset_id}")
        page.locator(".download-menu > summary").click()
        menu = page.locator(".download-menu .menu__list")
        assert menu.get_by_role("group", name="Tamaño a medida").is_visible()
        page.wait_for_function(FITS, timeout=2000)

        # A wrong size is refused here, in Spanish, and nothing is asked of the server.
        page.get_by_label("Ancho (px)").fill("0")
        page.get_by_role("button", name="Descargar", exact=True).click()
        error = menu.get_by_role("alert")
        assert "números enteros de 1 a 8.000 píxeles" in error.inner_text()
        assert page.get_by_label("Ancho (px)").get_attribute("aria-invalid") == "true"
        assert page.evaluate("() => document.activeElement.id") == "free-width"
        page.get_by_label("Ancho (px)").fill("9000")
        page.get_by_role("button", name="Descargar", exact=True).click()
        assert error.is_visible()
        screenshot(page, f"layout-free-size-error-{width}")

        page.get_by_label("Ancho (px)").fill("300")
        assert not error.is_visible()
        page.get_by_label("Formato").select_option("png")
        with page.expect_download() as info:
            page.get_by_role("button", name="Descargar", exact=True).click()
        download = info.value
        assert "width=300" in download.url and "format=png" in download.url
        assert "height" not in download.url
        image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
        assert image.format == "PNG" and image.width == 300
        context.close()

    # A visitor on the press kit has the same form, bound to the visitors' limit.
    context, page = _context(browser, 360, accept_downloads=True)
    page.goto(f"{base}/prensa/{seed.kit_ref}/a/{seed.asset_id}")
    page.locator(".download-menu > summary").click()
    page.get_by_label("Ancho (px)").fill("5000")
    page.get_by_role("button", name="Descargar", exact=True).click()
    assert "de 1 a 4.000 píxeles" in page.locator(".download-menu [role=alert]").inner_text()
    page.get_by_label("Ancho (px)").fill("")
    page.get_by_label("Alto (px)").fill("200")
    page.get_by_label("Formato").select_option("webp")
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar", exact=True).click()
    image = Image.open(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert image.format == "WEBP" and image.height == 200
    context.close()


def test_without_script_the_zip_menus_open_inside_the_window(browser, live_server, live_app):
    seed = seed_instance(live_app)
    for width in WIDTHS:
        context, page = _context(browser, width, java_script_enabled=False)
        for path in (f"/prensa/{seed.kit_ref}", f"/s/{seed.event_token}"):
            page.goto(live_server.url + path)
            page.locator("summary", has_text="Descargar todo (ZIP)").click()
            left, right, window = _inside_window(page, "details.menu[open] .menu__list")
            assert 0 <= left and right <= window, (path, width, left, right)
        context.close()
