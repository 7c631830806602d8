"""Search in Chromium: type in the header box, filter by a facet, sort, follow a suggestion."""

from __future__ import annotations

import pytest

from tests.assets.media_factory import make_jpeg, make_png
from tests.browser.conftest import screenshot, sign_in
from tests.factories import Api, add_token, add_user


def _count(page, name: str, value: str) -> str:
    option = page.locator(f'.facet__option:has(input[name="{name}"][value="{value}"])')
    return option.locator(".facet__count").inner_text()


@pytest.mark.both_databases
def test_search_filter_sort_and_suggestion(browser, live_server, live_app):
    user = add_user(live_app, "editor")
    api = Api(live_app.test_client(), add_token(live_app, user))
    for n in range(4):
        api.upload(
            make_jpeg(300 + n, 200), f"v{n}.jpg", title=f"Campaña de vacunación {n}", tags="salud"
        )
    api.upload(
        make_png(200, 200), "logo.png", title="Logo de la campaña de vacunación", tags="logo"
    )
    api.upload(make_jpeg(200, 300), "acto.jpg", title="Inauguración de la escuela")
    for width in (1280, 360):
        context = browser.new_context(locale="es-AR", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server.url, user.email)

        page.locator("#q").fill("vacunacion")
        page.locator("#q").press("Enter")
        page.wait_for_url("**/?q=vacunacion")
        assert page.locator(".card").count() == 5
        assert page.locator(".card__title mark").first.inner_text() == "vacunación"
        if width == 360:
            # Results first: the filters wait folded, and nothing scrolls sideways.
            assert not page.locator("details.filters").evaluate("(el) => el.open")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
            page.locator(".filters__toggle").click()
        assert _count(page, "kind", "image") == "5"
        assert _count(page, "orientation", "square") == "1"
        page.locator('input[name="tag"][value="logo"]').check()
        page.wait_for_url("**tag=logo**")
        assert "q=vacunacion" in page.url
        assert page.locator(".card").count() == 1
        # The counts follow the filter; the filter's own values stay offered.
        if width == 360:
            assert page.locator(".filters__count").inner_text() == "1"
            page.locator(".filters__toggle").click()
        assert _count(page, "kind", "image") == "1"
        assert _count(page, "tag", "salud") == "4"
        assert page.locator('input[name="tag"][value="logo"]').is_checked()
        page.locator("#sort").select_option("title")
        page.wait_for_url("**sort=title**")
        assert "tag=logo" in page.url and "q=vacunacion" in page.url
        if width == 360:
            page.evaluate("() => window.scrollTo(0, 0)")
        screenshot(page, f"search-{width}")

        page.locator("#q").fill("vacunasion")
        page.locator("#q").press("Enter")
        page.wait_for_url("**q=vacunasion**")
        assert "¿Quisiste decir" in page.locator(".notice").inner_text()
        page.get_by_role("link", name="vacunación").click()
        page.wait_for_url("**q=vacunaci%C3%B3n**")
        assert page.locator(".card").count() == 5
        context.close()
