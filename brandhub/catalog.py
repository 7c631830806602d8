"""The translation catalogs: extraction keywords and the checks behind ``make messages``.

Domain packages raise exceptions whose first argument is an English message;
every ``BrandHubError`` subclass is an extraction keyword, so those messages
land in the catalog without the domain importing any i18n library.

``python -m brandhub.catalog`` extracts ``messages.pot``, updates the catalogs and
compiles them; ``--es FILE.json`` first fills Spanish translations from a JSON object
``{"English msgid": "traducción", "plural msgid": ["singular", "plural"]}`` and then
lists the msgids still untranslated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
POT = TRANSLATIONS / "messages.pot"


def _subclasses(cls: type[Exception]) -> set[type[Exception]]:
    found: set[type[Exception]] = set()
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
    _add_default_messages(output)


def import_everything() -> None:
    """Import every module of the four packages, so every error class is defined."""
    import importlib
    import pkgutil

    for name in ("assets", "guidelines", "search_index", "brandhub"):
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not module.name.startswith("brandhub.migrations"):
                importlib.import_module(module.name)


def _add_default_messages(pot: Path) -> None:
    """Errors raised without a message show their class's docstring: extract those too."""
    from babel.messages.pofile import read_po, write_po

    from assets.errors import BrandHubError

    import_everything()
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    for cls in sorted(_subclasses(BrandHubError), key=lambda c: c.__name__):
        message = (cls.__doc__ or "").strip()
        if message and message not in catalog:
            catalog.add(message, auto_comments=[f"{cls.__name__} raised without a message"])
    with pot.open("wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True)


def update() -> None:
    extract()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "update",
            "--no-fuzzy-matching",
            "-i",
            str(POT),
            "-d",
            str(TRANSLATIONS),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def apply_spanish(translations: dict[str, str | list[str]]) -> list[str]:
    """Fill the Spanish catalog; returns the msgids that are still untranslated."""
    from babel.messages.pofile import read_po, write_po

    path = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="es")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        value = translations.get(key)
        if value is not None:
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(key)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    return missing


def compile_catalogs() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "-d",
            str(TRANSLATIONS),
            "-D",
            "messages",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def main(argv: list[str]) -> int:
    import fcntl
    import json

    # Several people may refresh the catalogs at once: one at a time.
    with open(TRANSLATIONS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        update()
        missing = []
        if len(argv) == 2 and argv[0] == "--es":
            missing = apply_spanish(json.loads(Path(argv[1]).read_text("utf-8")))
        compile_catalogs()
    for key in missing:
        print(f"untranslated: {key!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
