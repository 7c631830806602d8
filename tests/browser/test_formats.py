"""Camera raw and broadcast video in a browser: the raw's preview and camera, the MXF's proxy."""

from __future__ import annotations

from tests.assets.media_factory import broadcast as bf
from tests.assets.media_factory.raw import make_dng
from tests.browser.conftest import screenshot, sign_in
from tests.factories import Api, add_token, add_user


def _api(live_app, user) -> Api:
    return Api(live_app.test_client(), add_token(live_app, user))


def test_the_asset_page_plays_the_web_proxy_of_an_mxf_clip(page, live_server, live_app):
    user = add_user(live_app, "editor")
    clip = bf.make_mxf(seconds=2.0, w=640, h=360, timecode="10:00:00:00")
    body = _api(live_app, user).upload(clip, "nota-plaza.mxf", title="Nota en la plaza").get_json()
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/assets/{body['id']}")
    video = page.locator("video[data-player]")
    assert "/r/proxy" in video.get_attribute("src")
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 1")
    assert page.evaluate("document.querySelector('video[data-player]').duration") > 1.5
    page.evaluate(
        "(() => { const v = document.querySelector('video[data-player]');"
        " v.muted = true; return v.play(); })()"
    )
    page.wait_for_function("() => document.querySelector('video[data-player]').currentTime > 0.3")
    assert "10:00:00:00" in page.locator(".asset__side").text_content()
    screenshot(page, "formats-mxf-proxy-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "formats-mxf-proxy-360")


def test_a_raw_photo_page_shows_its_preview_and_camera(page, live_server, live_app):
    user = add_user(live_app, "photographer")
    raw = make_dng(1800, 1200, preview=(1800, 1200))
    body = _api(live_app, user).upload(raw, "IMG_4512.DNG", title="Acto en la plaza").get_json()
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/assets/{body['id']}")
    image = page.locator(".asset__stage img")
    page.wait_for_function("() => document.querySelector('.asset__stage img').naturalWidth > 0")
    assert image.evaluate("img => img.naturalWidth") == 1600
    side = page.locator(".asset__side").text_content()
    assert "Canon EOS R6" in side and "RF24-105mm F4 L IS USM" in side and "ISO" in side
    screenshot(page, "formats-raw-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "formats-raw-360")


def test_a_presentation_page_shows_its_first_slide_and_the_pdf(page, live_server, live_app):
    import shutil

    import pytest

    from tests.assets.media_factory.office import make_pptx

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    user = add_user(live_app, "editor")
    body = _api(live_app, user).upload(make_pptx(), "campaña.pptx").get_json()
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/assets/{body['id']}")
    page.wait_for_function("() => document.querySelector('.asset__stage img').naturalWidth > 0")
    assert page.locator(".asset__stage img").evaluate("img => img.naturalWidth") == 1600
    page.locator(".download-menu summary").click()
    assert page.locator(".download-menu a", has_text="Versión PDF").is_visible()
    assert "Diapositivas" in page.locator(".asset__side").text_content()
    screenshot(page, "formats-pptx-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "formats-pptx-360")
    # A PowerPoint template is a Plantilla: its own facet value and its card's icon.
    _api(live_app, user).upload(make_pptx("Plantilla institucional", template=True), "base.potx")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/?category=template")
    card = page.locator(".card", has_text="Plantilla institucional")
    card.wait_for()
    assert card.locator(".card__kind").text_content().strip() == "Plantilla"
    assert "#template" in card.locator(".card__kind use").get_attribute("href")
    screenshot(page, "formats-template-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "formats-template-360")
