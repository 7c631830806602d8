"""The download menu of a transparent logo, in a real browser: the note, the original."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from tests.browser.conftest import screenshot, sign_in, start_uploads
from tests.factories import add_user


def test_a_logo_menu_warns_of_white_and_the_original_is_the_file(page, live_server, live_app):
    user = add_user(live_app, "editor")
    logo = Image.new("RGBA", (800, 500), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((150, 50, 650, 450), fill=(255, 255, 255, 255))  # white logo
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    source = buffer.getvalue()

    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    page.locator('[data-dropzone] input[type="file"]').set_input_files(
        files=[{"name": "logo-blanco.png", "mimeType": "image/png", "buffer": source}]
    )
    start_uploads(page)
    page.locator(".upload-item.is-done").wait_for()
    page.goto(live_server.url + "/")
    page.locator(".card a").first.click()

    page.locator(".download-menu summary").click()
    note = page.locator(".download-menu [role=note]")
    assert note.is_visible()
    assert "Las zonas transparentes quedan blancas en JPEG" in note.inner_text()
    screenshot(page, "download-menu-transparent-1280")

    with page.expect_download() as info:
        page.locator(".download-menu a", has_text="Original").first.click()
    download = info.value
    assert download.suggested_filename == "logo-blanco.png"
    assert Path(download.path()).read_bytes() == source
