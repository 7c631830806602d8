"""An atheris harness for the sniffer and file names (run by test_atheris.py).

    python tests/fuzz/harness_sniff.py CORPUS_DIR -max_total_time=5

Each input is split into a file head and a client-supplied name. ``sniff`` may
only raise ``UnsupportedMediaType``; ``check_extension`` likewise; the polyglot
check only answers; ``safe_filename`` must give a safe, idempotent name. Any other
exception, or a broken promise, is a crash that libFuzzer saves and reports.
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from assets.errors import UnsupportedMediaType
    from assets.sniff import check_extension, safe_filename, sniff
    from assets.sniff.polyglot import appended_archive

_SCRATCH = Path(tempfile.mkdtemp(prefix="brandhub-fuzz-")) / "input"


def _check_name(name: str) -> None:
    out = safe_filename(name)
    if not 0 < len(out) <= 200 or any(ch in out for ch in '/\\<>:"|?*'):
        raise AssertionError(f"unsafe name {out!r} from {name!r}")
    if any(unicodedata.category(ch)[0] == "C" for ch in out) or out.startswith("."):
        raise AssertionError(f"unsafe name {out!r} from {name!r}")
    if safe_filename(out) != out:
        raise AssertionError(f"not idempotent: {out!r}")


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    name = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
    head = fdp.ConsumeBytes(4096)
    _check_name(name)
    try:
        found = sniff(head, name)
    except UnsupportedMediaType:
        return
    try:
        check_extension(found, name)
    except UnsupportedMediaType:
        pass
    _SCRATCH.write_bytes(head)
    appended_archive(_SCRATCH)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
