"""The upload page says what happened to each file, in Chromium at 1280 and 360 px.

Three files go up at once, one of them a logo the brand refuses (stretched): the rows
say uploading → processing → done for the photos and "Rechazado" with the brand's report
(no Retry) for the logo, the total counts what is really done, and the header's count of
the library follows without a reload. On a phone the credit and copyright come before the
drop zone, and nothing is sent until "Subir N archivos" is pressed. Screenshots:
``upload-states-*`` (mid-way and at the end) and ``library-categories-*``.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tests.app.compliance.support import BRAND, pieces
from tests.assets.media_factory import make_jpeg
from tests.assets.media_factory.documents import make_svg
from tests.browser.conftest import screenshot, sign_in, start_uploads
from tests.factories import Api, add_token, add_user, scene


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def _files(tmp_path: Path) -> list[Path]:
    photo = pieces()["photo"]
    with Image.open(io.BytesIO(photo)) as im:
        mirrored = io.BytesIO()
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored, "JPEG", quality=88)
    paths = []
    for name, data in [
        ("DSC_4600.jpg", photo),
        ("DSC_4601.jpg", mirrored.getvalue()),
        ("logo-estirado.png", pieces()["stretched"]),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_three_files_one_refused_say_what_happened(browser, live_server, live_app, tmp_path):
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    assert runner.invoke(args=["brands", "assign", "prensa", BRAND]).exit_code == 0
    user = add_user(live_app, "photographer", agency="prensa")
    files = [str(p) for p in _files(tmp_path)]

    # A phone first: the details come before the drop zone, and picking sends nothing.
    context = browser.new_context(locale="es-AR", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(20000)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    credit = page.get_by_label("Crédito").bounding_box()
    rights = page.get_by_label("Derechos de autor").bounding_box()
    zone = page.locator(".dropzone__target").bounding_box()
    assert credit and rights and zone
    assert credit["y"] < zone["y"] and rights["y"] < zone["y"]
    page.get_by_label("Crédito").fill("Ana Pérez / Prensa")
    page.get_by_label("Derechos de autor").fill("Gobierno Provincial")
    posts.clear()
    page.locator('[data-dropzone] input[type="file"]').set_input_files(files)
    start = page.get_by_role("button", name="Subir 3 archivos")
    start.wait_for()
    assert page.locator('.upload-item[data-state="waiting"]').count() == 3
    time.sleep(0.5)
    assert not [u for u in posts if u.endswith("/upload")], "picking files must not send them"
    _no_sideways_scroll(page)
    screenshot(page, "upload-states-picked-360")
    # One file taken out again before sending.
    page.get_by_role("button", name="Quitar: logo-estirado.png").click()
    assert page.get_by_role("button", name="Subir 2 archivos").is_visible()
    context.close()

    # On a desktop: three files at once, one refused by the brand.
    context = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    count = page.locator("[data-asset-count]")
    assert count.inner_text() == "0 recursos en la biblioteca"
    page.get_by_label("Crédito").fill("Ana Pérez / Prensa")
    page.get_by_label("Derechos de autor").fill("Gobierno Provincial")
    page.locator('[data-dropzone] input[type="file"]').set_input_files(files)
    # Every state each row goes through, in order.
    page.evaluate(
        """() => {
          window.stateLog = {};
          new MutationObserver((changes) => {
            for (const change of changes) {
              const row = change.target;
              const name = row.querySelector(".upload-item__name")?.textContent;
              const log = (window.stateLog[name] ||= []);
              if (log.at(-1) !== row.dataset.state) log.push(row.dataset.state);
            }
          }).observe(document.querySelector(".dropzone__list"),
                     {subtree: true, attributes: true, attributeFilter: ["data-state"]});
        }"""
    )
    start_uploads(page)
    # Mid-way: each row says where it is (uploading, processing, done or refused).
    page.locator('.upload-item[data-state="processing"]').first.wait_for()
    screenshot(page, "upload-states-midway-1280")

    page.locator('.upload-item[data-state="done"]').nth(1).wait_for()
    page.locator('.upload-item[data-state="refused"]').wait_for()
    rows = page.locator(".upload-item")
    by_name = {
        rows.nth(i).locator(".upload-item__name").inner_text(): rows.nth(i) for i in range(3)
    }
    for name in ("DSC_4600.jpg", "DSC_4601.jpg"):
        assert by_name[name].get_attribute("data-state") == "done"
        assert by_name[name].locator(".upload-item__state").inner_text() == "Listo"
    refused = by_name["logo-estirado.png"]
    assert (
        refused.locator(".upload-item__state")
        .inner_text()
        .startswith("Rechazado: La pieza no cumple con las reglas de la marca.")
    )
    report = refused.locator(".upload-item__report .report")  # the upload page's component
    assert report.locator(".report__item--fail").count() >= 1
    assert "Logo sin deformar" in report.inner_text()
    assert refused.get_by_role("button", name="Reintentar").count() == 0
    log = page.evaluate("() => window.stateLog")
    assert log["DSC_4600.jpg"] == ["uploading", "processing", "done"]
    assert log["DSC_4601.jpg"] == ["uploading", "processing", "done"]
    assert log["logo-estirado.png"] == ["uploading", "processing", "refused"]
    total = page.locator(".dropzone__total").inner_text()
    assert total == "2 de 3 archivos listos · 1 archivo rechazado"
    # The header's count followed, without a reload.
    assert count.inner_text() == "2 recursos en la biblioteca"
    assert page.locator(".dropzone__cards .card").count() == 2
    kinds = page.locator(".dropzone__cards .card__kind").all_inner_texts()
    assert [k.strip() for k in kinds] == ["Foto", "Foto"]
    screenshot(page, "upload-states-end-1280")
    context.close()

    context = browser.new_context(locale="es-AR", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    page.locator('[data-dropzone] input[type="file"]').set_input_files(files[2:])
    start_uploads(page)
    page.locator('.upload-item[data-state="refused"]').wait_for()
    _no_sideways_scroll(page)
    screenshot(page, "upload-states-refused-360")
    context.close()


def _wide_logo() -> bytes:
    """A wide transparent logo with its name in letters: cropping it would cut the word."""
    logo = Image.new("RGBA", (1200, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((10, 40, 260, 260), radius=40, fill=(31, 78, 140, 255))
    font = ImageFont.load_default(size=150)
    draw.text((300, 60), "PROVINCIA", fill=(31, 78, 140, 255), font=font)
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_library_finds_logos_by_category(page, live_server, live_app):
    user = add_user(live_app, "editor", agency="sin-marca")
    api = Api(live_app.test_client(), add_token(live_app, user))
    for n, name in enumerate(("DSC_0101.jpg", "DSC_0102.jpg")):
        data = make_jpeg(image=scene(n), exif={"datetime_original": f"2025:09:1{n} 18:0{n}:00"})
        r = api.upload(data, name, caption=f"Acto en la plaza número {n + 1}.")
        assert r.status_code == 201, r.get_json()
    assert api.upload(_wide_logo(), "logo-provincia.png", category="logo").status_code == 201
    assert api.upload(make_svg(), "isotipo.svg", category="logo").status_code == 201

    sign_in(page, live_server.url, user.email)
    facet = page.locator("fieldset.facet", has_text="Categoría")
    assert "Logo" in facet.inner_text() and "Foto" in facet.inner_text()
    screenshot(page, "library-categories-1280")
    facet.get_by_label("Logo").check()  # filters submit themselves
    page.wait_for_url("**category=logo**")
    cards = page.locator(".library__results .card")
    assert cards.count() == 2
    assert {t.strip() for t in cards.locator(".card__kind").all_inner_texts()} == {"Logo"}
    png = page.locator(".card img[alt='logo provincia']")
    fit = png.evaluate("img => getComputedStyle(img).objectFit")
    assert fit == "contain"  # never cropped
    background = page.locator(".card__media--logo").first.evaluate(
        "el => getComputedStyle(el).backgroundImage"
    )
    assert "conic-gradient" in background  # the checkerboard behind the transparency
    screenshot(page, "library-logos-1280")

    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/")
    _no_sideways_scroll(page)
    titles = page.locator(".card__title").all_inner_texts()
    assert "Acto en la plaza número 1" in titles and not any("DSC" in t for t in titles)
    dates = page.locator(".card__date").all_inner_texts()
    assert [d.strip() for d in dates] == ["11 sept 2025, 18:01", "10 sept 2025, 18:00"]
    screenshot(page, "library-categories-360")
    page.goto(live_server.url + "/?category=logo")
    screenshot(page, "library-logos-360")


def test_the_event_page_explains_a_refusal(page, live_server, live_app, tmp_path):
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    assert runner.invoke(args=["brands", "assign", "prensa", BRAND]).exit_code == 0
    user = add_user(live_app, "photographer", agency="prensa")
    api = Api(live_app.test_client(), add_token(live_app, user))
    event = api.post("/events", json={"title": "Acto escolar"}).get_json()
    photo, _mirrored, logo = _files(tmp_path)

    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/events/{event['id']}")
    count = page.locator(".set-facts [data-asset-count]")
    assert count.inner_text() == "0 recursos"
    page.get_by_label("Crédito").fill("Ana Pérez / Prensa")
    page.get_by_label("Derechos de autor").fill("Gobierno Provincial")
    page.locator('[data-dropzone] input[type="file"]').first.set_input_files(
        [str(photo), str(logo)]
    )
    start_uploads(page)
    refused = page.locator('.upload-item[data-state="refused"]')
    refused.wait_for()
    page.locator('.upload-item[data-state="done"]').wait_for()
    # The same report as /upload, and no Retry: the brand would refuse it again.
    assert "Logo sin deformar" in refused.locator(".upload-item__report .report").inner_text()
    assert refused.get_by_role("button", name="Reintentar").count() == 0
    assert count.inner_text() == "1 recurso"  # the event's count, without a reload
    card = page.locator(".dropzone__cards .card__title")
    assert card.inner_text() == "Acto escolar · 4600"  # not the camera's "DSC 4600"
    screenshot(page, "event-upload-refused-1280")
