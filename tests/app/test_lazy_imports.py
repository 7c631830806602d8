"""What a web process loads at start: not the libraries only some uploads need.

PyAV (FFmpeg's libraries, about 20 MiB in every process that imports it) is
imported where video or audio is opened; a web process opens them only in the
children that check or read a file, so starting the app must not import it.
The check runs in a fresh interpreter: this test session has imported it long ago.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assets.errors import InvalidFile
from assets.media import DECODER_ERRORS, decoder_errors, is_ffmpeg_error

ROOT = Path(__file__).resolve().parents[2]


def test_starting_the_app_does_not_import_pyav(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from brandhub import create_app\n"
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x'}})\n"
        "print(sorted(m for m in sys.modules if m == 'av' or m.startswith('av.')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDHUB_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_pyav_error_is_a_damaged_file() -> None:
    import av

    # BugError is no ValueError or OSError: only its being PyAV's makes it a damaged file.
    assert not issubclass(av.error.BugError, DECODER_ERRORS)
    with pytest.raises(InvalidFile) as caught, decoder_errors():
        raise av.error.BugError(558323010, "Internal bug, should not have happened")
    assert isinstance(caught.value.__cause__, av.FFmpegError)
    assert is_ffmpeg_error(caught.value.__cause__)


def test_other_errors_still_surface() -> None:
    assert not is_ffmpeg_error(AttributeError("a bug"))
    with pytest.raises(AttributeError), decoder_errors():
        raise AttributeError("a bug is not a damaged file")
