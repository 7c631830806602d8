"""Text inside pieces in Chromium: the report of a post naming an official during the
blackout (boxes over the preview), a print PDF's preflight at the check desk, and the
library's snippet of a poster's words, at 1280 and 360 px, audited by axe-core.

Screenshots: ``text-report-*`` (an asset's report), ``text-preflight-*`` (the check
desk's report of a PDF without bleed, with an RGB image and a font not embedded) and
``text-search-*`` (the library searched for a word of a poster).
"""

from __future__ import annotations

import datetime
import textwrap

import pytest

from brandhub.operations import piece_text
from tests.assets.media_factory.printed import (
    LEGEND,
    PdfImage,
    PdfPage,
    make_poster,
    make_print_pdf,
)
from tests.assets.text_corpus import BODY, needs_ocr
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE, Audit
from tests.factories import Api, add_token, add_user

pytestmark = needs_ocr
BRAND = "programa-social"


@pytest.fixture
def live_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True, TEXT_EXTRACTION=True)


def _post(body: str) -> bytes:
    return make_poster(
        body, size=(1080, 1080), font_px=30, colour=(26, 26, 26), heading="Vacunación", srgb=True
    ).data


def _drop_pdf(page, name: str, data: bytes) -> None:
    page.evaluate(
        """([name, data]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([new Uint8Array(data)], name, {type: "application/pdf"}));
          const zone = document.querySelector("[data-dropzone]");
          zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
        }""",
        [name, list(data)],
    )


def test_text_findings_preflight_and_snippets(browser, live_server, live_app, monkeypatch):
    assert AXE.exists(), "make test installs axe-core (tests/browser/package.json)"
    monkeypatch.setattr(piece_text, "today", lambda config: datetime.date(2027, 5, 2))
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    assert runner.invoke(args=["brands", "assign", "programa", BRAND]).exit_code == 0
    editor = add_user(live_app, "editor", agency="programa")
    api = Api(live_app.test_client(), add_token(live_app, editor))
    r = api.upload(_post(BODY + "\nJuana Pérez te invita."), "veda.png", category="social")
    assert r.status_code == 201, r.get_json()
    asset_id = r.get_json()["id"]
    pdf = make_print_pdf(
        [
            PdfPage(text="\n".join(["Campaña de vacunación", *textwrap.wrap(LEGEND, 48)])),
            PdfPage(
                bleed_mm=None,
                font="helvetica",
                text="Juana Pérez",
                images=[PdfImage((600, 600), (50.8, 50.8), "rgb")],
            ),
        ]
    )
    audit = Audit([], [])
    for width in (1280, 360):
        context = browser.new_context(
            locale="es-AR", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        sign_in(page, live_server.url, editor.email)

        page.goto(f"{live_server.url}/assets/{asset_id}")
        panel = page.locator("#panel-compliance")
        panel.locator("summary").click()  # the asset page's panels start folded
        text = panel.inner_text()
        assert "Falta la leyenda obligatoria de los programas sociales" in text
        assert "esta dice «Juana Pérez»" in text
        assert "«Juana Pérez», en la página 1" in text
        assert page.locator(".report__boxes--bad rect").count() == 2
        box = page.locator(".report__boxes--bad rect").first.bounding_box()
        assert box is not None and box["width"] > 5 and box["height"] > 5
        audit.run(page, f"asset report {width}")
        panel.scroll_into_view_if_needed()
        screenshot(page, f"text-report-{width}")

        page.goto(live_server.url + "/?q=vacunación")
        snippet = page.locator(".card__snippet").first.inner_text()
        assert snippet.startswith("texto en la pieza:") and "Vacunación" in snippet
        audit.run(page, f"search {width}")
        screenshot(page, f"text-search-{width}")

        page.goto(live_server.url + "/verificar")
        _drop_pdf(page, "afiche-imprenta.pdf", pdf)
        page.get_by_label("Marca").select_option(BRAND)
        page.get_by_label("¿Qué tipo de pieza es?").select_option("graphic")
        page.get_by_role("button", name="Verificar la pieza").click()
        page.wait_for_selector(".report__problems")
        problems = page.locator(".report__problems").inner_text()
        assert "Página 2: sin sangrado (se piden 3 mm por lado)." in problems
        assert "Página 2: una imagen está en RGB; para imprenta debe estar en CMYK." in problems
        assert "Página 2: la fuente Helvetica no está incrustada." in problems
        legend = page.locator(".report__item", has_text="Textos obligatorios")
        assert legend.locator(".report__boxes--ok rect").count() > 10  # the legend, boxed
        audit.run(page, f"check desk preflight {width}")
        screenshot(page, f"text-preflight-{width}")
        context.close()
    assert not audit.failures, "\n".join(audit.failures)
