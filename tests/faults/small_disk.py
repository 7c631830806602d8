"""A program run with a real, tiny, full-able disk: a 256 KiB tmpfs in a private mount namespace.

``run_on_small_disk(mount, argv)`` mounts the tmpfs on ``mount`` (an empty folder)
with ``unshare`` as an unprivileged user and runs ``argv`` there; the test is
skipped where ``unshare`` is missing or the kernel does not allow the mount.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_on_small_disk(
    mount: Path, argv: list[str], *, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with a 256 KiB tmpfs on ``mount``; the repository is on its path."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare(1) is not installed")
    command = [
        unshare,
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        'mount -t tmpfs -o size=256k tmpfs "$1" || exit 77; shift; exec "$@"',
        "sh",
        str(mount),
        *argv,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=timeout,
    )
    if done.returncode == 77 or done.stderr.startswith("unshare:"):
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()[:200]}")
    return done
