"""The asset path in a real browser: sign in, upload a JPEG, see its thumbnail in the grid."""

from __future__ import annotations

from tests.assets.media_factory import make_jpeg
from tests.browser.conftest import screenshot, start_uploads
from tests.factories import PASSWORD, add_user


def test_login_upload_and_see_the_thumbnail(page, live_server, live_app, tmp_path):
    user = add_user(live_app, "photographer")
    photo = tmp_path / "acto-escuela.jpg"
    photo.write_bytes(make_jpeg(1600, 1000, color=(20, 120, 200)))

    page.goto(live_server.url + "/login")
    screenshot(page, "login-1280")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/upload")
    page.locator('[data-dropzone] input[type="file"]').set_input_files(str(photo))
    start_uploads(page)
    page.locator(".upload-item.is-done").wait_for()
    screenshot(page, "upload-1280")

    page.goto(live_server.url + "/")
    img = page.locator(".card img").first
    img.wait_for()
    assert img.get_attribute("alt") == "acto escuela"
    assert page.evaluate("(img) => img.complete && img.naturalWidth", img.element_handle()) == 320
    screenshot(page, "library-1280")
