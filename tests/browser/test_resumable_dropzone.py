"""The drop zone uploads over tus: a dropped connection or a reload does not start again.

In Chromium (uploads held to 2 MiB/s through the DevTools network conditions, so
the file is still on its way when the test acts), a photo of several 1 MiB chunks
is dropped on /upload. Offline at a third of the way (``context.set_offline``),
the row says "Sin conexión — se reanudará"; back online, the upload asks the
server's offset and sends only the rest, and the asset holds the very same bytes.
Reloaded mid-way, the same file picked again goes on from the offset the server
kept. Without JavaScript the page's plain form still uploads. Screenshots:
``dropzone-offline-*`` and ``dropzone-resumed-*`` at 1280 and 360 px.
"""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from brandhub.models import Asset, ResumableUpload
from brandhub.services import storage
from tests.browser.conftest import drop_files, screenshot, sign_in, start_uploads
from tests.factories import PASSWORD, add_user, photo, session

CHUNK = 1024 * 1024
THROTTLE = 2 * 1024 * 1024  # bytes a second the browser may send


@pytest.fixture
def live_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True, UPLOAD_CHUNK_MB=1)


@pytest.fixture(scope="session")
def noisy_photo() -> bytes:
    """A JPEG of about 5 MiB (five chunks and more): noise does not compress."""
    pixels = np.random.default_rng(16).integers(0, 256, (1650, 2400, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=97)
    data = buffer.getvalue()
    assert 5 * CHUNK < len(data) < 8 * CHUNK, len(data)
    return data


class TusLog:
    """WSGI middleware: each tus request's method, its Upload-Offset, the body length it
    declares, and the offset the server answered."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.entries: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ["PATH_INFO"].startswith("/api/v1/uploads"):
            return self.app(environ, start_response)
        entry: dict[str, Any] = {
            "method": environ["REQUEST_METHOD"],
            "offset": environ.get("HTTP_UPLOAD_OFFSET"),
            "length": int(environ.get("CONTENT_LENGTH") or 0),
        }
        self.entries.append(entry)

        def record(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            entry["status"] = int(status.split()[0])
            entry["answer"] = dict(headers).get("Upload-Offset")
            return start_response(status, headers, *rest)

        return self.app(environ, record)

    def since(self, start: int) -> list[dict[str, Any]]:
        return self.entries[start:]


def _logged(app: Any) -> TusLog:
    log = TusLog(app.wsgi_app)
    app.wsgi_app = log
    return log


def _throttled(context: Any, page: Any) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": THROTTLE},
    )


def _wait_progress(page: Any, pct: int) -> None:
    page.wait_for_function(
        "(pct) => (document.querySelector('.upload-item progress')?.value || 0) >= pct", arg=pct
    )


def _server_offset(app: Any) -> int:
    """The offset of the one unfinished upload, once the server stopped writing to it."""
    last = -1
    for _ in range(50):
        with session(app) as db:
            upload = db.scalars(select(ResumableUpload)).one()
            offset = upload.offset
        if offset == last:
            return offset
        last = offset
        time.sleep(0.2)
    return last


def _stored(app: Any, name: str) -> bytes:
    with session(app) as db:
        asset = db.scalars(select(Asset).where(Asset.original_filename == name)).one()
        key = asset.storage_key
    with app.app_context():
        return storage().read_bytes(key)


def _photo_file(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "DSC_7001.jpg"
    path.write_bytes(data)
    return str(path)


def test_offline_mid_file_says_so_then_resumes_and_the_bytes_are_identical(
    browser, live_server, live_app, tmp_path, noisy_photo
):
    user = add_user(live_app, "editor")
    log = _logged(live_app)
    context = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    assert page.evaluate("() => typeof window.tus?.Upload") == "function", "make vendor"
    _throttled(context, page)
    page.locator('[data-dropzone] input[type="file"]').set_input_files(
        _photo_file(tmp_path, noisy_photo)
    )
    start_uploads(page)
    row = page.locator(".upload-item")
    _wait_progress(page, 30)

    context.set_offline(True)
    page.locator('.upload-item[data-state="offline"]').wait_for()
    assert row.locator(".upload-item__state").inner_text() == "Sin conexión — se reanudará"
    # Said once more where screen readers hear it: the zone's status line.
    assert "Sin conexión — se reanudará" in page.locator(".dropzone__total").inner_text()
    kept = _server_offset(live_app)
    assert CHUNK <= kept < len(noisy_photo)
    screenshot(page, "dropzone-offline-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "dropzone-offline-360")
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    before = len(log.entries)

    context.set_offline(False)
    page.locator('.upload-item[data-state="done"]').wait_for()
    assert row.locator(".upload-item__state").inner_text() == "Listo"
    screenshot(page, "dropzone-resumed-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "dropzone-resumed-1280")

    # Back online: the server's offset first, then only the bytes it did not have.
    after = log.since(before)
    assert after[0]["method"] == "HEAD" and after[0]["answer"] == str(kept)
    patches = [e for e in after if e["method"] == "PATCH"]
    assert patches[0]["offset"] == str(kept)
    assert sum(e["length"] for e in patches) == len(noisy_photo) - kept
    assert all(e["status"] == 204 for e in patches)
    stored = _stored(live_app, "DSC_7001.jpg")
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(noisy_photo).hexdigest()
    assert page.locator(".dropzone__cards .card").count() == 1
    # Finished uploads forget their address: the same file again is a new upload.
    stored_urls = "() => Object.keys(localStorage).filter((key) => key.startsWith('tus::'))"
    assert page.evaluate(stored_urls) == []
    context.close()


def test_a_reload_mid_upload_resumes_from_the_offset_the_server_kept(
    browser, live_server, live_app, tmp_path, noisy_photo
):
    user = add_user(live_app, "editor")
    log = _logged(live_app)
    context = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    _throttled(context, page)
    photo = _photo_file(tmp_path, noisy_photo)
    page.locator('[data-dropzone] input[type="file"]').set_input_files(photo)
    start_uploads(page)
    _wait_progress(page, 40)

    page.reload()
    kept = _server_offset(live_app)
    assert 2 * CHUNK <= kept < len(noisy_photo)
    before = len(log.entries)
    # The same file picked again: its stored address is found by its fingerprint.
    page.locator('[data-dropzone] input[type="file"]').set_input_files(photo)
    start_uploads(page)
    page.locator('.upload-item[data-state="done"]').wait_for()

    after = log.since(before)
    assert [e["method"] for e in after][:2] == ["HEAD", "PATCH"], after
    assert after[0]["answer"] == str(kept)
    patches = [e for e in after if e["method"] == "PATCH"]
    assert patches[0]["offset"] == str(kept)
    assert sum(e["length"] for e in patches) == len(noisy_photo) - kept
    assert not [e for e in after if e["method"] == "POST"], "no new upload was started"
    stored = _stored(live_app, "DSC_7001.jpg")
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(noisy_photo).hexdigest()
    context.close()


def test_without_script_the_plain_form_uploads(browser, live_server, live_app, tmp_path):
    user = add_user(live_app, "editor")
    context = browser.new_context(
        locale="es-AR", viewport={"width": 360, "height": 780}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/upload")
    small = Image.new("RGB", (640, 480), (200, 60, 40))
    path = tmp_path / "afiche.jpg"
    small.save(path, "JPEG", quality=90)
    page.get_by_label("Archivo", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Subir", exact=True).click()
    page.wait_for_url("**/assets/*")
    assert (
        hashlib.sha256(_stored(live_app, "afiche.jpg")).hexdigest()
        == hashlib.sha256(path.read_bytes()).hexdigest()
    )
    context.close()


def test_without_the_tus_client_the_drop_zone_sends_the_whole_file_in_one_post(
    page, live_server, live_app
):
    user = add_user(live_app, "editor")
    page.route("**/static/vendor/tus.min.js", lambda route: route.abort())
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
    sign_in(page, live_server.url, user.email)
    page.goto(live_server.url + "/upload")
    assert page.evaluate("() => typeof window.tus") == "undefined"
    drop_files(page, {"acto-41.jpg": photo(41)})
    page.locator('.upload-item[data-state="done"]').wait_for()
    assert f"POST {live_server.url}/upload" in sent
    assert not [s for s in sent if "/api/v1/uploads" in s]
    assert page.locator(".dropzone__cards .card").count() == 1
