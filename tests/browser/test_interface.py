"""The design system in Chromium: drop zone, video seeking, language, keyboard, phone width.

Screenshots of the main pages at 1280 px and 360 px go to test-artifacts/screenshots/
(git-ignored) for people to look at.
"""

from __future__ import annotations

import pytest

from tests.assets.media_factory import make_jpeg, make_mp4
from tests.browser.conftest import drop_files, screenshot, sign_in
from tests.factories import Api, add_token, add_user


def _seed(app, n_photos: int = 3, video: bool = True) -> dict[str, int]:
    user = add_user(app, "editor")
    api = Api(app.test_client(), add_token(app, user))
    ids: dict[str, int] = {"user": user}  # type: ignore[dict-item]
    colors = [(200, 40, 40), (40, 160, 80), (30, 90, 200), (230, 180, 20), (120, 60, 160)]
    for i in range(n_photos):
        r = api.upload(
            make_jpeg(1200, 800 if i % 2 else 1200, color=colors[i % len(colors)]),
            f"foto-{i}.jpg",
            title=f"Acto en la plaza número {i + 1}",
            credit="Prensa Provincial",
        )
        assert r.status_code == 201, r.get_json()
        ids[f"photo{i}"] = r.get_json()["id"]
    if video:
        r = api.upload(make_mp4(seconds=4.0, w=320, h=240), "conferencia.mp4", title="Conferencia")
        assert r.status_code == 201, r.get_json()
        ids["video"] = r.get_json()["id"]
    return ids


def test_drop_zone_shows_progress_then_the_card(page, live_server, live_app, tmp_path):
    user = add_user(live_app, "photographer")
    files = []
    for i in range(3):
        path = tmp_path / f"cobertura-{i}.jpg"
        path.write_bytes(make_jpeg(900, 600, color=(40 * i, 100, 200)))
        files.append(path)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    screenshot(page, "upload-empty-1280")
    # A real drop: DataTransfer with the files, dispatched on the zone.
    drop_files(page, {p.name: p.read_bytes() for p in files})
    page.locator(".upload-item progress").first.wait_for()
    page.locator(".upload-item.is-done").nth(2).wait_for()
    assert page.locator(".dropzone__cards .card").count() == 3
    assert "3 de 3" in page.locator(".dropzone__total").inner_text()
    screenshot(page, "upload-done-1280")


def test_video_plays_and_seeks(page, live_server, live_app):
    ids = _seed(live_app, n_photos=1)
    sign_in(page, live_server.url, ids["user"].email)
    page.goto(f"{live_server.url}/assets/{ids['video']}")
    video = page.locator("video[data-player]")
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    duration = page.evaluate("document.querySelector('video').duration")
    assert duration == pytest.approx(4.0, abs=0.3)
    page.evaluate("document.querySelector('video').currentTime = 2.5")
    page.wait_for_function("() => !document.querySelector('video').seeking")
    assert page.evaluate("document.querySelector('video').currentTime") == pytest.approx(
        2.5, abs=0.3
    )
    screenshot(page, "asset-video-1280")


def test_switch_language(page, live_server, live_app):
    ids = _seed(live_app, n_photos=1, video=False)
    sign_in(page, live_server.url, ids["user"].email)
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator(".lang-menu summary").click()
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Library").is_visible()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_keyboard_only_reaches_an_asset(page, live_server, live_app):
    ids = _seed(live_app, n_photos=3, video=False)
    sign_in(page, live_server.url, ids["user"].email)
    page.goto(live_server.url + "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        if "card__link" in focused:
            break
    else:
        pytest.fail("Tab never reached an asset card")
    # The focus ring is visible (a box-shadow from :focus-visible).
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert shadow and shadow != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/assets/*")
    assert page.locator("h1.asset__title").is_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_main_pages_fit_the_screen(browser, live_server, live_app, width):
    ids = _seed(live_app, n_photos=5)
    context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/login")
    screenshot(page, f"login-{width}")
    sign_in(page, live_server.url, ids["user"].email)
    pages = {
        "library": "/",
        "asset": f"/assets/{ids['photo0']}",
        "asset-video": f"/assets/{ids['video']}",
        "upload": "/upload",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        screenshot(page, f"{name}-{width}")
    context.close()


def test_delete_asks_for_confirmation(page, live_server, live_app):
    ids = _seed(live_app, n_photos=1, video=False)
    sign_in(page, live_server.url, ids["user"].email)
    page.goto(f"{live_server.url}/assets/{ids['photo0']}")
    page.get_by_role("button", name="Eliminar recurso").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible()
    dialog.get_by_role("button", name="Cancelar").click()
    assert page.url.endswith(f"/assets/{ids['photo0']}")
    page.get_by_role("button", name="Eliminar recurso").click()
    dialog.get_by_role("button", name="Sí, continuar").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".toast").first.is_visible()
