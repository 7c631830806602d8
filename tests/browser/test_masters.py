"""Designer masters and fonts in a real browser: uploaded on the upload page, their asset
pages (preview and the master's or font's facts) at 1280 and 360 px, and the library's
cards with their categories."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from brandhub.models import Asset
from tests.assets.media_factory import masters as mm
from tests.browser.conftest import screenshot, sign_in, start_uploads
from tests.factories import add_user, session

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="needs Ghostscript")


@pytest.fixture
def page(browser, live_server):
    """A page whose context lets axe-core's script in (the app's CSP forbids inline scripts)."""
    context = browser.new_context(
        locale="es-AR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _axe(page, label: str) -> None:
    """axe-core on the page as it stands (where tests/browser's npm packages are installed)."""
    from tests.browser.test_accessibility import AXE, Audit

    if not AXE.exists():
        return
    audit = Audit([], [])
    audit.run(page, label)
    assert audit.failures == [], "\n".join(audit.failures)


def test_masters_and_a_font_from_upload_to_their_pages(page, live_server, live_app, tmp_path):
    user = add_user(live_app, "admin", agency=None)
    files = {
        "logo-municipal.ai": mm.make_ai_pdf(),
        "marca.eps": mm.make_eps(),
        "afiche.psd": mm.make_psd(600, 400, layers=("Fondo", "Logo", "Titular")),
        "nimbus.otf": mm.font_bytes("otf"),
    }
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    page.locator('[data-dropzone] input[type="file"]').set_input_files(paths)
    start_uploads(page)
    page.locator(".upload-item.is-done").nth(3).wait_for()
    screenshot(page, "masters-upload-1280")

    page.goto(live_server.url + "/")
    page.locator(".card img").nth(3).wait_for()
    labels = page.locator(".card__kind").all_inner_texts()
    assert sum("Original de diseño" in t for t in labels) == 3
    assert sum("Tipografía" in t for t in labels) == 1
    facets = page.locator("#main, main").first.inner_text()
    assert "\nmaster\n" not in facets and "\nfont\n" not in facets  # labelled, not codes
    _axe(page, "library with masters")
    screenshot(page, "masters-library-1280")

    with session(live_app) as db:
        ids = {a.original_filename: a.id for a in db.scalars(select(Asset))}
    for name, shot, facts in (
        ("logo-municipal.ai", "master-ai", ("AtkinsonHyperlegible-Bold", "PANTONE 7416 C")),
        ("marca.eps", "master-eps", ("EPS (PostScript encapsulado)", "56,4 × 28,2 mm")),
        ("afiche.psd", "master-psd", ("Capas", "Titular, Logo, Fondo", "Photoshop (PSD)")),
        ("nimbus.otf", "font-specimen", ("Nimbus Sans", "Vista previa e impresión")),
    ):
        asset_id = ids[name]
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/assets/{asset_id}")
        preview = page.locator("main img").first
        preview.wait_for()
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", preview.element_handle()
        )
        text = page.locator("main").inner_text()
        for fact in facts:
            assert fact in text, (shot, fact)
        _axe(page, f"{shot} at 1280 px")
        screenshot(page, f"{shot}-1280")
        page.set_viewport_size({"width": 360, "height": 800})
        _no_sideways_scroll(page)
        _axe(page, f"{shot} at 360 px")
        screenshot(page, f"{shot}-360")


def test_a_logo_masters_menu_and_the_brands_font_files(page, live_server, live_app, tmp_path):
    user = add_user(live_app, "admin", agency=None)
    assert live_app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    eps, font = tmp_path / "marca.eps", tmp_path / "atkinson-bold.ttf"
    eps.write_bytes(mm.make_eps())
    font.write_bytes(mm.renamed_font("Atkinson Hyperlegible", "Bold"))
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    page.locator('[data-dropzone] input[type="file"]').set_input_files([str(eps), str(font)])
    start_uploads(page)
    page.locator(".upload-item.is-done").nth(1).wait_for()
    with session(live_app) as db:
        ids = {a.original_filename: a.id for a in db.scalars(select(Asset))}

    page.goto(f"{live_server.url}/assets/{ids['marca.eps']}")
    page.locator(".download-menu summary").click()
    menu = page.locator(".download-menu").inner_text()
    assert "PDF vectorial" in menu and "PNG con transparencia (2000 px)" in menu
    screenshot(page, "master-download-menu-1280")
    with page.expect_download() as caught:
        page.locator(".download-menu a", has_text="PDF vectorial").click()
    assert caught.value.suggested_filename.endswith(".pdf")

    page.goto(f"{live_server.url}/marca/municipalidad#type-h")
    link = page.locator("#type-h ~ ul a", has_text="Descargar Bold (TTF)")
    link.wait_for()
    page.locator("#type-h").scroll_into_view_if_needed()
    _axe(page, "brand page with font files at 1280 px")
    screenshot(page, "brand-fonts-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    _no_sideways_scroll(page)
    _axe(page, "brand page with font files at 360 px")
    screenshot(page, "brand-fonts-360")
