"""Benchmark: writing the credit into a 24-megapixel print download, beside encoding it.

Makes one 6000 × 4000 photo-like image in memory, encodes it as the print
presets do (JPEG quality 95 and LZW TIFF, Pillow) and as the web preset does
(a 1920 px JPEG and a WebP), then writes the metadata three ways:

- ``assets.embed.write_metadata`` (in-process splice: no decode, no encode);
- ExifTool kept open (``-stay_open``, as PyExifTool does), one command per file
  written to a temporary file; only where ``exiftool`` is installed;
- ExifTool started once per file (as ResourceSpace does), the same command.

Prints the median ms of each, and the encoding time for scale. It asserts
nothing.

    .venv/bin/python bench/metadata_write.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assets.embed import Embedding, write_metadata  # noqa: E402
from assets.renditions.color import srgb_profile  # noqa: E402

EMBEDDING = Embedding(
    creator="Dirección de Prensa y Difusión Institucional — María José Núñez",
    credit="Dirección de Prensa y Difusión Institucional",
    rights="© 2026 Gobierno de la Provincia",
    title="Inauguración del puente sobre el río Paraná",
    caption="Vista aérea de la obra; el gobernador saluda a los vecinos. " * 10,
    dpi=(300.0, 300.0),
    icc=srgb_profile().tobytes(),
)


def photo(width: int = 6000, height: int = 4000) -> Image.Image:
    """Smooth colour fields with grain: compresses like a photo, not like a flat card."""
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x / width * 200, y / height * 180, (x + y) / (width + height) * 160], -1)
    grain = rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    return Image.fromarray(np.clip(base + grain + 30, 0, 255).astype(np.uint8))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


EXIFTOOL_ARGS = [
    "-overwrite_original",
    f"-Artist={EMBEDDING.creator}",
    f"-Copyright={EMBEDDING.rights}",
    f"-IPTC:By-line={EMBEDDING.creator[:32]}",
    f"-IPTC:Credit={EMBEDDING.credit[:32]}",
    f"-IPTC:CopyrightNotice={EMBEDDING.rights}",
    "-IPTC:CodedCharacterSet=UTF8",
    f"-XMP-dc:Creator={EMBEDDING.creator}",
    f"-XMP-dc:Rights={EMBEDDING.rights}",
    f"-XMP-photoshop:Credit={EMBEDDING.credit}",
    "-XResolution=300",
    "-YResolution=300",
    "-ResolutionUnit=inches",
]


class StayOpen:
    """ExifTool's ``-stay_open`` protocol: arguments on stdin, ``{ready}`` when done."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["exiftool", "-stay_open", "True", "-@", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def run(self, args: list[str]) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(("\n".join([*args, "-execute"]) + "\n").encode())
        self.proc.stdin.flush()
        while not self.proc.stdout.readline().startswith(b"{ready}"):
            pass

    def run_on(self, path: str) -> None:
        self.run([*EXIFTOOL_ARGS, path])

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(b"-stay_open\nFalse\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=10)


def through_a_file(data: bytes, ext: str, write: Callable[[str], None]) -> bytes:
    """What a download costs with ExifTool: bytes to a file, ExifTool, bytes back."""
    with tempfile.NamedTemporaryFile(suffix="." + ext, delete=False) as handle:
        handle.write(data)
    try:
        write(handle.name)
        return Path(handle.name).read_bytes()
    finally:
        os.unlink(handle.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    image = photo()
    web = image.resize((1920, 1280), Image.Resampling.BICUBIC)
    cases = [
        ("print JPEG q95, 24 MP", image, "JPEG", "image/jpeg", "jpg", {"quality": 95}),
        ("print TIFF LZW, 24 MP", image, "TIFF", "image/tiff", "tiff", {"compression": "tiff_lzw"}),
        ("web JPEG q85, 1920 px", web, "JPEG", "image/jpeg", "jpg", {"quality": 85}),
        ("web WebP q80, 1920 px", web, "WEBP", "image/webp", "webp", {"quality": 80, "method": 2}),
    ]
    tool = shutil.which("exiftool")
    stay = StayOpen() if tool else None
    print(f"{'file':24} {'MB':>6} {'encode':>9} {'embed':>8} {'exiftool open':>14} {'per file':>9}")
    try:
        for label, im, fmt, mime, ext, options in cases:
            enc_repeat = 1 if im.width > 2000 else repeat
            encode_ms = median_ms(
                lambda im=im, fmt=fmt, o=options: encode(im, fmt, **o), enc_repeat
            )
            data = encode(im, fmt, **options)
            embed_ms = median_ms(
                lambda d=data, m=mime, im=im: write_metadata(d, m, EMBEDDING, im.size), repeat
            )
            open_ms = once_ms = float("nan")
            if stay is not None:
                open_ms = median_ms(
                    lambda d=data, e=ext: through_a_file(d, e, stay.run_on),
                    repeat,
                )
                once_ms = median_ms(
                    lambda d=data, e=ext: through_a_file(
                        d,
                        e,
                        lambda p: subprocess.run(
                            ["exiftool", "-q", *EXIFTOOL_ARGS, p], check=True, capture_output=True
                        ),
                    ),
                    max(1, repeat // 2),
                )
            print(
                f"{label:24} {len(data) / 1e6:6.1f} {encode_ms:7.0f}ms {embed_ms:6.1f}ms "
                f"{open_ms:12.0f}ms {once_ms:7.0f}ms"
            )
    finally:
        if stay is not None:
            stay.close()
    if not tool:
        print("(exiftool is not installed: its columns are empty)")


if __name__ == "__main__":
    main()
