"""Work budgets: small files that cost minutes or gigabytes are refused or bounded.

Each case is a finding of the abuse review (issue 12): an SVG filter bomb, free
sizes that filled the disk, an hour of silence measured whole, a flat
13000 × 13000 PNG decoded whole. Budgets are small here so that the tests stay
fast; ``bench/abuse.py`` measures the shipped defaults.
"""

from __future__ import annotations

import io
import os
import resource
import signal
import time
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assets.budget import Budget, BudgetExceeded, check_decode, run_within
from assets.errors import DuplicateAsset, InvalidFile
from bench.costly import flat_png, silent_flac, svg_filter_bomb
from tests.app.compliance.support import BRAND, CHECK_URL, pieces
from tests.factories import approve, upload
from tests.security.support import State

SMALL = {
    "BUDGET_CPU_SECONDS": 1,
    "BUDGET_WALL_SECONDS": 4,
    "BUDGET_AUDIO_SECONDS": 5,
    "MEMBER_BUDGET_CPU_SECONDS": 1,
    "MEMBER_BUDGET_WALL_SECONDS": 4,
    "BUDGET_MEMORY_MB": 128,
    "CHECK_DESK_LIMIT": 1000,
    "RENDER_LIMIT": 4,
}


@pytest.fixture
def app(app_factory):
    app = app_factory(**SMALL)
    result = app.test_cli_runner().invoke(args=["brands", "load"])
    assert result.exit_code == 0, result.output
    return app


def _post(client, url: str, data: bytes, filename: str, category: str = "logo"):
    """A check desk form, encoded here: the test client would spool a large body to a
    temporary file that it never closes (a ResourceWarning, an error here)."""
    fields = {"file": FileStorage(io.BytesIO(data), filename), "brand": BRAND, "category": category}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


# --- the mechanism -----------------------------------------------------------


def _add(a: int, b: int) -> int:
    return a + b


def _spin() -> None:
    while True:
        pass


def _sleep() -> None:
    time.sleep(30)


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))


def _duplicate() -> None:
    raise DuplicateAsset(42)


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


TINY = Budget(cpu_seconds=1, memory_mb=64, wall_seconds=3)


def test_the_child_returns_its_result_and_domain_errors_whole():
    assert run_within(TINY, _add, 2, 3) == 5
    with pytest.raises(DuplicateAsset) as caught:
        run_within(TINY, _duplicate)
    assert caught.value.existing_id == 42 and caught.value.details == {"existing_id": 42}


@pytest.mark.parametrize(
    ("fn", "args", "reason"),
    [(_spin, (), "cpu"), (_sleep, (), "time"), (_allocate, (256,), "memory")],
)
def test_past_its_budget_the_child_is_stopped(fn, args, reason):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        run_within(TINY, fn, *args)
    assert caught.value.details["reason"] == reason
    assert time.monotonic() - started < 4.5
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime < 2.5


def test_a_crashed_decoder_is_a_damaged_file():
    with pytest.raises(InvalidFile) as caught:
        run_within(TINY, _crash)
    assert caught.value.details["reason"] == "crash"


def test_pixels_that_cannot_fit_are_refused_before_decoding():
    budget = Budget(memory_mb=512)
    check_decode(6000, 4000, "RGB", budget)  # a 24 MP photo: 192 MB with its working copy
    with pytest.raises(BudgetExceeded):
        check_decode(13000, 13000, "RGB", budget)


# --- the findings ------------------------------------------------------------


def test_an_svg_filter_bomb_is_refused_within_the_budget(app):
    client = app.test_client()
    bomb = svg_filter_bomb()
    started = time.monotonic()
    r = _post(client, CHECK_URL, bomb, "bomba.svg")
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "too_costly"
    assert "demasiado costosa" in error["message"]
    assert time.monotonic() - started < 4
    page = _post(client, "/verificar", bomb, "bomba.svg")
    assert page.status_code == 422
    assert "demasiado costosa" in page.get_data(as_text=True)


def test_an_svg_filter_bomb_upload_is_refused_within_the_member_budget(app, api_for):
    editor = api_for("editor", "salud")
    before = State.of(app)
    r = editor.upload(svg_filter_bomb(), "bomba.svg")
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "too_costly"
    assert State.of(app).keys == before.keys


def test_an_hour_of_silence_is_checked_within_the_budget(app):
    flac = silent_flac(3600, rate=8000)
    started = time.monotonic()
    r = _post(app.test_client(), CHECK_URL, flac, "silencio.flac", category="audio")
    assert r.status_code == 200, r.get_json()
    assert time.monotonic() - started < 4
    loudness = next(c for c in r.get_json()["checks"] if c["rule"] == "audio-volumen")
    assert "primeros 5 segundos" in loudness["message"], loudness


def test_a_flat_13000_square_png_is_refused_before_it_is_decoded(app):
    png = flat_png(13000, 13000)
    assert len(png) < 1024 * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = _post(app.test_client(), CHECK_URL, png, "plano.png", category="photo")
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "too_costly"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert grown_mb < 100


def _kit(app, api_for):
    editor = api_for("editor", "salud")
    event = editor.post("/events", json={"title": "Acto", "public": True}).get_json()
    shown = upload(editor, 70, title="Foto del acto")
    editor.post(f"/events/{event['id']}/assets", json={"asset_ids": [shown["id"]]})
    approve(app, shown["id"], public=True)
    return f"/prensa/evento-{event['id']}-acto/a/{shown['id']}"


def test_free_size_downloads_store_nothing(app, api_for):
    base = _kit(app, api_for)
    anon = app.test_client()
    before = State.of(app)
    for width in (300, 301, 302):
        r = anon.get(f"{base}/download?width={width}&format=tiff")
        assert r.status_code == 200 and r.mimetype == "image/tiff"
        assert r.headers["Cache-Control"] == "private, no-store"
        assert int(r.headers["Content-Length"]) == len(r.data) > 0
    assert State.of(app).keys == before.keys
    preset = anon.get(f"{base}/download?preset=web")  # presets are kept, as before
    assert preset.status_code == 200
    assert len(State.of(app).keys - before.keys) == 1
    assert anon.get(f"{base}/download?preset=web").status_code == 200  # stored: not counted
    limited = anon.get(f"{base}/download?width=303&format=tiff")
    assert limited.status_code == 429


def test_an_anonymous_free_size_is_bounded_through_a_share_link(app, api_for):
    editor = api_for("editor", "salud")
    r = editor.upload(pieces()["official_svg"], "logo.svg", title="Logo")
    assert r.status_code == 201, r.get_json()
    asset = r.get_json()
    approve(app, asset["id"])
    link = editor.post("/share-links", json={"asset_id": asset["id"]})
    assert link.status_code == 201, link.get_json()
    path = "/s/" + link.get_json()["url"].rsplit("/s/", 1)[1]
    anon = app.test_client()
    before = State.of(app)
    small = anon.get(f"{path}/a/{asset['id']}/download?width=640&format=png")
    assert small.status_code == 200 and small.mimetype == "image/png"
    # 8000 × 8000 pixels drawn from the vector would be 256 MB before any copy: a
    # visitor without an account may ask for at most 4000 px a side.
    huge = anon.get(f"{path}/a/{asset['id']}/download?width=8000&format=tiff")
    assert huge.status_code == 400
    assert "4000" in huge.get_data(as_text=True)
    # A format alone fits within that side too, instead of the vector's own size.
    bounded = anon.get(f"{path}/a/{asset['id']}/download?format=png")
    assert bounded.status_code == 200, bounded.get_data(as_text=True)[:300]
    assert max(Image.open(io.BytesIO(bounded.data)).size) <= 4000
    assert State.of(app).keys == before.keys


def _import_tabnanny() -> bool:
    import tabnanny  # noqa: F401

    return True


#: A thread decodes a poster and a proxy in this process, as a worker without a budget
#: would, and keeps its state while another thread forks a budgeted child.
_FORK_BESIDE_VIDEO = """
import os, sys, threading
from pathlib import Path
from assets.budget import Budget, run_within
from assets.media import poster_frame
from assets.proxy import make_proxy
from assets.settings import IngestSettings
from assets.sniff import sniff
from tests.assets.media_factory.av import make_mp4

folder = Path(sys.argv[1])
video = folder / "toma.mp4"
video.write_bytes(make_mp4(seconds=1.0, w=640, h=480))
settings = IngestSettings(budget=Budget(enabled=False))
ready, leave, decoded = threading.Event(), threading.Event(), threading.Event()

def decode():
    try:
        sniffed = sniff(video.read_bytes()[:4096], "toma.mp4")
        poster_frame(video, sniffed, settings)
        make_proxy(video, sniffed, settings, folder / "proxy.mp4")
        decoded.set()
    finally:
        ready.set()
    leave.wait()

thread = threading.Thread(target=decode)
thread.start()
ready.wait()
child = run_within(Budget(cpu_seconds=5, wall_seconds=20), os.getpid)
print(decoded.is_set(), child != os.getpid())
leave.set()
thread.join()
"""


def test_a_child_starts_while_another_thread_has_decoded_video(tmp_path: Path):
    """PyAV 18.1.1 keeps a reformatter per thread; one the child inherited from another
    thread used to stop the child inside fork (see assets.media.reformatter)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _FORK_BESIDE_VIDEO, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_the_parent_imports_only_what_its_children_needed(monkeypatch):
    """A decoder a child imported is imported by the parent before the next fork (its
    children then share it); one no child needed is not (its memory stays free)."""
    import sys

    from assets import budget

    monkeypatch.setattr(budget, "PRELOAD", ("tabnanny", "pickletools"))
    monkeypatch.setattr(budget, "_needed", set())
    for name in ("tabnanny", "pickletools"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    limits = Budget(cpu_seconds=5, memory_mb=512, wall_seconds=10)
    assert run_within(limits, _import_tabnanny) is True
    assert "tabnanny" not in sys.modules  # the child imported it, not this process
    budget.preload()
    assert "tabnanny" in sys.modules
    assert "pickletools" not in sys.modules
