"""No string a user reads is outside the catalogs, and Spanish has every one."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from brandhub.catalog import TRANSLATIONS, extract


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_msgid_is_in_the_spanish_catalog_and_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    extract(pot)
    with pot.open("rb") as fh:
        source = _ids(read_po(fh))
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        spanish = read_po(fh, locale="es")
    missing = sorted(source - _ids(spanish))
    assert not missing, f"run `make messages` and translate: {missing}"
    untranslated = sorted(
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in spanish
        if m.id
        and (m.id if isinstance(m.id, str) else m.id[0]) in source
        and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    )
    assert not untranslated, f"untranslated Spanish msgids: {untranslated}"
