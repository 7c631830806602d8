"""The translation catalogs: extraction keywords and the checks behind ``make messages``.

Domain packages raise exceptions whose first argument is an English message;
every ``BrandHubError`` subclass is an extraction keyword, so those messages
land in the catalog without the domain importing any i18n library.

``python -m brandhub.catalog`` extracts ``messages.pot`` and updates the catalogs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
POT = TRANSLATIONS / "messages.pot"


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def keywords() -> list[str]:
    import assets.errors as errors  # noqa: F401  (defines the classes)
    from assets.errors import BrandHubError

    for module in ("assets.ingest", "guidelines", "search_index"):
        try:
            __import__(module)
        except ImportError:
            pass
    names = {cls.__name__ for cls in _subclasses(BrandHubError)} | {"BrandHubError"}
    return ["_l", "N_", *sorted(names)]


def extract(output: Path = POT) -> None:
    args = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    for kw in keywords():
        args += ["-k", kw]
    args += ["--no-location", "--sort-output", "--project", "BrandHub", "-o", str(output), "."]
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)


def update() -> None:
    extract()
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "update", "--no-fuzzy-matching",
         "-i", str(POT), "-d", str(TRANSLATIONS)],
        cwd=ROOT, check=True, capture_output=True,
    )


if __name__ == "__main__":
    update()
