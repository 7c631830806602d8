"""The check desk in Chromium: an agency uploads a stretched logo and reads the report."""

from __future__ import annotations

from PIL import Image

from guidelines import SHIPPED_BRANDS, load_brands_dir
from guidelines.examples import write_logos
from tests.browser.conftest import screenshot


def test_check_desk_report_and_brand_page(browser, live_server, live_app, tmp_path):
    live_app.test_cli_runner().invoke(args=["brands", "load"])
    brand = load_brands_dir(SHIPPED_BRANDS)["gobierno-provincial"]
    png = next(iter(write_logos(brand, tmp_path).values()))["png"]
    official = Image.open(png)
    stretched = tmp_path / "logo-estirado.png"
    official.resize((int(official.width * 1.9), official.height)).save(stretched)
    official.close()
    for width in (1280, 360):
        context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/verificar")  # no account needed for a public brand
        page.get_by_label("Su pieza").set_input_files(str(stretched))
        page.get_by_label("¿Qué tipo de pieza es?").select_option("logo")
        page.get_by_role("button", name="Verificar la pieza").click()
        page.get_by_role("heading", name="Informe de cumplimiento").wait_for()
        assert "La pieza no cumple" in page.locator(".report-summary").inner_text()
        failing = page.locator(".report__item--fail").first.inner_text()
        assert "deformado" in failing
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        screenshot(page, f"check-report-{width}")
        page.goto(live_server.url + "/marca/gobierno-provincial")
        page.get_by_role("heading", name="Paleta de colores").wait_for()
        screenshot(page, f"brand-{width}")
        context.close()
