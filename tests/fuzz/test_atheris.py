"""Coverage-guided fuzzing of the sniffer and the metadata readers, a few seconds each.

Each harness (``harness_*.py`` beside this file) runs in its own process under
libFuzzer for ``FUZZ_SECONDS`` (5 by default; set ``BRANDHUB_FUZZ_SECONDS`` for a
longer hunt), starting from small valid files of every family. A crash (an
exception the domain does not promise, a hang past 10 s, memory past 2 GB) fails
the test with the saved input's path. Skipped where atheris cannot be installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

from tests.assets import media_factory as mf  # noqa: E402
from tests.security.corpus import BY_NAME  # noqa: E402

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FUZZ_SECONDS = int(os.environ.get("BRANDHUB_FUZZ_SECONDS", "5"))


def _seeds() -> dict[str, bytes]:
    seeds = {
        "photo.jpg": mf.make_jpeg(
            32,
            24,
            exif={"make": "Canon", "gps": (-34.6, -58.4)},
            iptc={"credit": "Prensa"},
            xmp='<x:xmpmeta xmlns:x="adobe:ns:meta/"/>',
            orientation=6,
        ),
        "logo.png": mf.make_png(16, 16, xmp='<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'),
        "anim.gif": mf.make_gif(8, 8, frames=2),
        "scan.tif": mf.make_tiff(8, 8, exif={"artist": "Ana"}),
        "web.webp": mf.make_webp(8, 8),
        "logo.svg": mf.make_svg('<circle r="3"/>'),
        "doc.pdf": mf.make_pdf(width_pt=20, height_pt=20),
        "clip.mp4": mf.make_mp4(0.2, 16, 16, fps=5),
        "tone.wav": mf.make_wav(0.05),
    }
    for name in (
        "jpeg-exif-loop-and-absurd-counts",
        "jpeg-iptc-lengths-past-the-end",
        "jpeg-xmp-with-entities",
        "webm-absurd-dimensions",
    ):
        seeds[name] = BY_NAME[name].data
    return seeds


@pytest.fixture(scope="module")
def seed_files() -> dict[str, bytes]:
    return _seeds()


@pytest.mark.parametrize("harness", ["harness_sniff.py", "harness_metadata.py"])
def test_harness_runs_clean(harness: str, seed_files: dict[str, bytes], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in seed_files.items():
        (corpus / name).write_bytes(data)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    command = [
        sys.executable,
        str(HERE / harness),
        str(corpus),
        f"-max_total_time={FUZZ_SECONDS}",
        "-timeout=10",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
    ]
    try:
        done = subprocess.run(
            command,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=FUZZ_SECONDS + 120,
        )
    except subprocess.TimeoutExpired as exc:  # libFuzzer's own limits should stop it first
        raise AssertionError(f"{harness} did not stop: {str(exc.stderr)[-2000:]}") from None
    crashes = sorted(p.name for p in artifacts.iterdir())
    assert done.returncode == 0 and not crashes, (
        f"{harness} found {crashes} in {artifacts}:\n{done.stderr[-4000:]}"
    )
    assert "Done" in done.stderr and "runs in" in done.stderr, done.stderr[-2000:]
