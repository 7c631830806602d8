"""A full disk under the file store, or under the temporary folder, at the app level.

A child process runs the app with one of its folders on a 256 KiB tmpfs mounted
in a private mount namespace (``unshare``; skipped where that is not allowed):
uploads too big for it get a 503 saying which place is full, in Spanish, with no
row, no temporary file and no partial object left, and a small upload that fits
still works. Every domain error's default message is translated, too.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from assets.errors import BrandHubError
from tests.faults.small_disk import ROOT, run_on_small_disk

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from brandhub import create_app
    from brandhub.models import Asset
    from tests.assets import media_factory as mf
    from tests.factories import Api, add_token, add_user, session

    mount, config, spool = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    app = create_app(config)
    token = add_token(app, add_user(app, "editor", "salud"))
    api = Api(app.test_client(), token)

    def upload(data, name):
        r = api.upload(data, name)
        return [r.status_code, r.get_json()]

    out = {"big": upload(mf.make_png(300, 300, "RGB", pattern="noise"), "ruido.png"),
           "bigger": upload(mf.make_png(600, 600, "RGB", pattern="noise"), "ruido2.png")}
    with session(app) as db:
        out["rows"] = db.query(Asset).count()
    out["spool"] = sorted(os.listdir(spool))
    out["mount"] = sorted(os.path.relpath(os.path.join(d, f), mount)
                          for d, _dirs, files in os.walk(mount) for f in files)
    out["small"] = upload(mf.make_png(8, 8, "RGB", color=(1, 2, 3)), "chico.png")[0]
    print(json.dumps(out))
    """
)


def _run_on_small_disk(app, tmp_path: Path, full: str) -> dict:
    mount = tmp_path / "small"
    spool = tmp_path / "spool"
    mount.mkdir()
    spool.mkdir()
    keys = ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "JOBS_BACKEND")
    config = {k: app.config[k] for k in keys} | {"TESTING": True}
    if full == "store":
        config |= {"STORAGE_PATH": str(mount), "UPLOAD_TMP_DIR": str(spool)}
    else:
        config |= {"UPLOAD_TMP_DIR": str(mount)}
        spool = mount
    argv = [sys.executable, "-c", SCRIPT, str(mount), json.dumps(config), str(spool)]
    done = run_on_small_disk(mount, argv, PYTHONWARNINGS="ignore")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("full", "message"),
    [
        ("store", "El almacenamiento está lleno; no se guardó nada."),
        ("spool", "La carpeta temporal está llena; no se guardó nada."),
    ],
    ids=["a_full_file_store", "a_full_temporary_folder"],
)
def test_a_full_disk(app, tmp_path, full: str, message: str) -> None:
    result = _run_on_small_disk(app, tmp_path, full)
    for name in ("big", "bigger"):  # one parsed in memory then spooled, one spooled as parsed
        status, body = result[name]
        assert status == 503, body
        assert body["error"] == {"code": "storage_error", "message": message}
    assert result["rows"] == 0
    assert result["spool"] == []
    assert result["mount"] == []  # no partial object, no temporary file
    assert result["small"] == 201


def test_every_default_error_message_is_translated() -> None:
    """An error raised without a message shows its class's docstring: in Spanish too."""
    from brandhub.catalog import _subclasses, import_everything

    import_everything()
    mo = ROOT / "brandhub" / "translations" / "es" / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        pytest.skip("the catalogs are not compiled (make translations)")
    with mo.open("rb") as fh:
        catalog = read_mo(fh)
    missing = []
    for cls in _subclasses(BrandHubError):
        message = (cls.__doc__ or "").strip()
        found = catalog.get(message)
        if not found or not found.string:
            missing.append(f"{cls.__name__}: {message}")
    assert missing == []
