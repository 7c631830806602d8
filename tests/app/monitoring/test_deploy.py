"""The files in deploy/: nginx accepts the site (``nginx -t``), systemd the units
(``systemd-analyze verify``), and gunicorn's settings load.

``nginx -t`` runs on a main configuration written for the test (its own pid, logs
and temporary folders, so no root and no ports are needed) that includes the site,
with a throwaway certificate in place of the site's. The units are verified with
the code paths pointed at this checkout, so their programs exist.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "brandhub.conf"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def _certificate(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=imagen.example.gob",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_check(site_text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a main configuration of the test's own that includes ``site_text``."""
    nginx = _nginx()
    assert nginx is not None
    cert, key = _certificate(folder)
    site_text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site_text)
    site_text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site_text)
    site = folder / "brandhub.conf"
    site.write_text(site_text)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""
        pid {folder}/nginx.pid;
        error_log {folder}/error.log;
        events {{}}
        http {{
            {mime}
            access_log {folder}/access.log;
            client_body_temp_path {temp["body"]};
            proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]};
            uwsgi_temp_path {temp["uwsgi"]};
            scgi_temp_path {temp["scgi"]};
            include {site};
        }}
        """
    )
    return subprocess.run(
        [nginx, "-t", "-p", str(folder), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.skipif(_nginx() is None, reason="nginx is installed by make system-test-deps")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_nginx_accepts_the_site_and_refuses_a_broken_one(tmp_path: Path) -> None:
    text = SITE.read_text()
    result = nginx_check(text, tmp_path / "good")
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # What the site must keep: large bodies, tus streamed on, long timeouts, headers.
    assert re.search(r"client_max_body_size\s+2100m;", text)
    uploads = text[text.index("location /api/v1/uploads") :]
    assert "proxy_request_buffering off;" in uploads[: uploads.index("}")]
    for directive in ("proxy_read_timeout 600s;", "X-Request-ID $request_id;", "nosniff"):
        assert directive in text
    broken = text.replace("client_max_body_size 2100m;", "client_max_body_size 2100m", 1)
    result = nginx_check(broken, tmp_path / "broken")
    assert result.returncode != 0
    assert "emerg" in result.stderr


def _systemd_analyze_works(folder: Path) -> str | None:
    """Why ``systemd-analyze verify`` cannot be used here, or None when it can."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return "systemd-analyze is not installed"
    probe = folder / "brandhub-probe.service"
    probe.write_text("[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n")
    done = subprocess.run(
        [tool, "verify", str(probe)], capture_output=True, text=True, timeout=60, cwd=folder
    )
    if done.returncode != 0 or done.stderr.strip():
        return f"systemd-analyze verify does not run here: {done.stderr.strip()[:200]}"
    probe.unlink()
    return None


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    why = _systemd_analyze_works(tmp_path)
    if why:
        pytest.skip(why)
    assert {unit.name for unit in UNITS} == {"brandhub-web.service", "brandhub-worker.service"}
    venv = Path(sys.executable).parent
    for unit in UNITS:
        text = unit.read_text()
        assert "/opt/brandhub/.venv/bin/" in text
        (tmp_path / unit.name).write_text(text.replace("/opt/brandhub/.venv/bin/", f"{venv}/"))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(f"./{unit.name}" for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warned about
    worker = (DEPLOY / "systemd" / "brandhub-worker.service").read_text()
    assert "KillSignal=SIGINT" in worker  # the task at hand is finished, not cut
    # A mistyped key is caught, so this test can fail.
    bad = tmp_path / "brandhub-web.service"
    bad.write_text(bad.read_text().replace("Restart=on-failure", "Restrat=on-failure"))
    done = subprocess.run(
        ["systemd-analyze", "verify", "./brandhub-web.service"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert "Unknown key" in done.stderr


def test_gunicorn_settings_load() -> None:
    pytest.importorskip("gunicorn")
    from gunicorn.config import Config

    namespace: dict[str, object] = {"__file__": str(DEPLOY / "gunicorn.conf.py")}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    config = Config()
    for name, value in namespace.items():
        if name in config.settings and value is not None:
            config.set(name, value)
    assert config.bind == ["127.0.0.1:8000"]
    assert config.timeout == 600
    assert config.settings["child_exit"].get() is namespace["child_exit"]
