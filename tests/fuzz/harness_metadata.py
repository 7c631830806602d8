"""An atheris harness for the metadata readers (run by test_atheris.py).

    python tests/fuzz/harness_metadata.py CORPUS_DIR -max_total_time=5

Each input is written to a file, sniffed, and read by ``assets.metadata.extract``
(EXIF, IPTC, XMP, ICC through Pillow; streams through PyAV; PDF and SVG), and
its XMP parser is fed the raw bytes too. The readers may only raise the domain's
``InvalidFile`` (or ``UnsupportedMediaType`` from the sniffer); anything else is
a crash. Start it on the seed files ``test_atheris.py`` writes, so mutations
begin from real structures.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from assets.errors import InvalidFile, UnsupportedMediaType
    from assets.metadata import extract
    from assets.metadata.xmp import parse_xmp
    from assets.settings import IngestSettings
    from assets.sniff import sniff

SETTINGS = IngestSettings(max_image_pixels=4_000_000, max_video_pixels=4_000_000)
_SCRATCH = Path(tempfile.mkdtemp(prefix="brandhub-fuzz-")) / "input"


def one_input(data: bytes) -> None:
    if not isinstance(parse_xmp(data), dict):
        raise AssertionError("parse_xmp did not return a dict")
    try:
        sniffed = sniff(data[:4096])
    except UnsupportedMediaType:
        return
    _SCRATCH.write_bytes(data)
    try:
        extract(_SCRATCH, sniffed, SETTINGS)
    except InvalidFile:
        pass


def main() -> None:
    # Pillow and FFmpeg warn about the damaged files this feeds them by the thousand.
    warnings.simplefilter("ignore")
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
