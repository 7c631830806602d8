"""The check desk and a guideline page in Chromium, as another agency uses them without an account.

A recoloured logo (the provincial logo drawn by ``write_logos``, its blue turned red
by Pillow) is dropped on the desk's drop zone and checked at 1280 and 360 px; the
report is read (the form recognised, the red told to be Azul Provincia, the official
logo offered for download, the rules that do not apply folded away), printed and
screenshot (``check-report-*``), in English too (``check-report-en-*``), and the
brand's guideline page is screenshot (``brand-*``).
"""

from __future__ import annotations

from pathlib import Path

from tests.app.compliance.support import BRAND, pieces
from tests.browser.conftest import screenshot, start_uploads


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        # The elements reaching past the window, to say what made the page scroll sideways.
        wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .map((el) => [el, el.getBoundingClientRect()])
                .filter(([, box]) => box.right > document.documentElement.clientWidth + 0.5)
                .slice(0, 12)
                .map(([el, box]) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
                    + ` ${Math.round(box.left)}..${Math.round(box.right)}`
                    + ` «${(el.innerText || el.getAttribute("src") || "").slice(0, 60)}»`)"""
        )
        raise AssertionError(f"the page scrolls sideways by {overflow} px: {wide}")


def _drop(page, name: str, data: bytes) -> None:
    """Drop one PNG file on the desk's drop zone, as a person would."""
    page.evaluate(
        """([name, data]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([new Uint8Array(data)], name, {type: "image/png"}));
          const zone = document.querySelector("[data-dropzone]");
          const init = {dataTransfer: dt, bubbles: true, cancelable: true};
          zone.dispatchEvent(new DragEvent("drop", init));
        }""",
        [name, list(data)],
    )


def test_check_desk_report_and_brand_page(browser, live_server, live_app, tmp_path: Path):
    assert live_app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    piece = tmp_path / "logo-rojo.png"
    piece.write_bytes(pieces()["recoloured"])
    for width in (1280, 360):
        context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.set_default_timeout(15000)

        page.goto(live_server.url + "/verificar")  # no account needed for a public brand
        _drop(page, "logo-rojo.png", pieces()["recoloured"])
        assert page.locator(".dropzone__list").inner_text() == "logo-rojo.png"
        assert page.get_by_label("Su pieza").evaluate("(input) => input.files[0].name") == (
            "logo-rojo.png"
        )
        page.get_by_label("Marca").select_option(BRAND)
        page.get_by_label("¿Qué tipo de pieza es?").select_option("logo")
        _no_sideways_scroll(page)
        screenshot(page, f"check-desk-{width}")
        page.get_by_role("button", name="Verificar la pieza").click()
        page.get_by_role("heading", name="Informe de cumplimiento").wait_for()

        summary = page.locator(".report-summary").inner_text()
        assert "No cumple" in summary and "2 reglas no cumplidas" in summary
        assert page.locator(".report-summary__preview").evaluate("(img) => img.naturalWidth") > 0
        failing = page.locator(".report__item--fail")
        assert failing.count() == 2
        titles = failing.locator(".report__title").all_inner_texts()
        assert titles == ["Versión oficial del logo", "Colores del logo"]
        version = failing.nth(0).inner_text()
        assert "La forma coincide con el logo oficial «Logo principal a color»" in version
        colours = failing.nth(1).inner_text()
        assert "El rojo de esta zona debería ser Azul Provincia" in colours
        assert "La mayor parte de la pieza usa colores que no están en la paleta." in colours
        assert "#C81E1E" in colours and "Gris Institucional" not in colours
        # ΔE is explained once, behind a summary the keyboard opens.
        term = page.locator("details.report__term")
        assert term.count() == 1 and not term.locator("p").is_visible()
        term.locator("summary").focus()
        page.keyboard.press("Enter")
        assert "cuán distintos se ven dos colores" in term.locator("p").inner_text()
        # The fix: the official logo of that form, in the piece's format, downloads.
        fix = page.locator(".report-fix")
        assert "Use el logo oficial:" in fix.inner_text()
        with page.expect_download() as download:
            fix.get_by_role("link", name="Descargar PNG").click()
        assert download.value.suggested_filename.endswith(".png")
        # Rules that do not apply: one closed summary with their count.
        folded = page.locator("details.report__skipped")
        assert folded.locator("summary").inner_text() == "5 reglas no corresponden a este archivo"
        assert not folded.locator("li").first.is_visible()
        _no_sideways_scroll(page)
        screenshot(page, f"check-report-{width}")

        # "Imprimir / guardar PDF" opens the browser's print dialog (stubbed here) and the
        # print stylesheet leaves only the report.
        page.evaluate(
            "() => { window.printed = 0; window.print = () => { window.printed += 1; }; }"
        )
        page.get_by_role("button", name="Imprimir / guardar PDF").click()
        assert page.evaluate("() => window.printed") == 1
        page.emulate_media(media="print")
        assert not page.locator(".mainnav").is_visible()
        assert not page.get_by_role("button", name="Imprimir / guardar PDF").is_visible()
        assert page.locator(".report__item--fail").first.is_visible()
        page.emulate_media(media="screen")

        # The same report in English.
        page.goto(live_server.url + "/verificar?lang=en")
        page.get_by_label("Your piece").set_input_files(str(piece))
        page.get_by_label("What kind of piece is it?").select_option("logo")
        page.get_by_role("button", name="Check the piece").click()
        page.get_by_role("heading", name="Compliance report").wait_for()
        english = page.locator("main").inner_text()
        assert "The red of this area should be Azul Provincia" in english
        assert "Use the official logo:" in english
        assert "5 rules do not apply to this file" in english
        assert "debería" not in english and "No corresponde" not in english
        _no_sideways_scroll(page)
        screenshot(page, f"check-report-en-{width}")
        page.goto(live_server.url + "/verificar?lang=es")

        page.goto(live_server.url + f"/marca/{BRAND}")
        page.get_by_role("heading", name="Paleta de colores").wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.logo-card img')]"
            ".every((img) => img.complete && img.naturalWidth > 0)"
        )
        page.get_by_role("button", name="#1F4E8C Copiar (HEX)").click()
        page.locator(".toast", has_text="Copiado: #1F4E8C").wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == "#1F4E8C"
        page.locator(".toast [data-toast-close]").click()
        rules = page.locator("details.rules").first.inner_text()
        assert "Tipos de archivo aceptados: PNG, SVG, AI, EPS, PDF, PSD o PSB." in rules
        _no_sideways_scroll(page)
        screenshot(page, f"brand-{width}")
        context.close()


def test_a_refused_upload_lists_what_must_change_in_the_drop_zone(
    browser, live_server, live_app, tmp_path: Path
):
    runner = live_app.test_cli_runner()
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    runner.invoke(
        args=[
            "users",
            "create",
            "ed@example.org",
            "--role",
            "editor",
            "--agency",
            "prensa",
            "--password",
            "correct horse battery staple",
        ]
    )
    piece = tmp_path / "logo-estirado.png"
    piece.write_bytes(pieces()["stretched"])
    context = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/login")
    page.get_by_label("Correo electrónico").fill("ed@example.org")
    page.get_by_label("Contraseña").fill("correct horse battery staple")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(live_server.url + "/upload")
    page.locator(".upload-form__fields select[name=category]").select_option("logo")
    page.locator(".dropzone input[type=file]").first.set_input_files(str(piece))
    start_uploads(page)
    explained = page.locator(".upload-item.is-failed .upload-item__report")
    explained.wait_for()
    text = explained.inner_text()
    assert "Logo sin deformar" in text and "El logo está deformado" in text
    # A brand refusal fails the same way again: no Retry.
    assert page.locator(".upload-item.is-failed button", has_text="Reintentar").count() == 0
    screenshot(page, "upload-refused-1280")
    context.close()
