"""Brand files: the shipped examples, inheritance, fingerprints, validation errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from guidelines import (
    CATEGORIES,
    SHIPPED_BRANDS,
    Brand,
    BrandError,
    load_brand_dict,
    load_brand_file,
    load_brand_text,
    load_brands_dir,
)

PARENT = """
slug = "madre"
name = "Marca madre"
version = "1"
public_checks = true
dos = ["Hacer A"]

[[palette]]
name = "Azul"
hex = "#1F4E8C"

[[palette]]
name = "Blanco"
hex = "#FFFFFF"

[[rules.photo]]
id = "foto-tamano"
check = "dimensions"
severity = "error"
min_width = 3000
message = "La foto mide {measured} y debe tener {expected}."

[[rules.photo]]
id = "foto-credito"
check = "required_metadata"
severity = "error"
fields = ["creator|credit"]
message = "Falta {missing}."

[[rules.audio]]
id = "audio-volumen"
check = "loudness"
severity = "error"
target = -23
message = "Volumen {measured}, pedido {expected}."
"""

CHILD = """
slug = "hija"
name = "Marca hija"
parent = "madre"
version = "7"
dos = ["Hacer B"]

[[palette]]
name = "Verde"
hex = "#2A9D8F"

[[palette]]
name = "Azul"
use = "Solo títulos"

[[rules.photo]]
id = "foto-tamano"
min_width = 4000

[[rules.audio]]
id = "audio-volumen"
enabled = false
"""


def write_brands(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in files.items():
        (folder / f"{slug}.toml").write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_brands_load_and_validate() -> None:
    brands = load_brands_dir(SHIPPED_BRANDS)
    assert set(brands) == {
        "gobierno-provincial",
        "ministerio-salud",
        "municipalidad",
        "programa-social",
    }
    assert brands["ministerio-salud"].name == "Ministerio de Salud de Ejemplo"
    for brand in brands.values():
        assert brand.palette and brand.typography and brand.logos and brand.dos and brand.donts
        for category in CATEGORIES:
            assert brand.rules_for(category), (brand.slug, category)
        # Every rule of every category round-trips through the stored form.
        assert load_brand_dict(json.loads(json.dumps(brand.to_dict()))) == brand


def test_the_ministry_inherits_and_overrides_the_province() -> None:
    brands = load_brands_dir(SHIPPED_BRANDS)
    province, ministry = brands["gobierno-provincial"], brands["ministerio-salud"]
    assert ministry.lineage == ("gobierno-provincial",)
    # One colour added, the parent's kept in order.
    assert [c.name for c in ministry.palette] == [c.name for c in province.palette] + [
        "Verde Salud"
    ]
    # An overridden rule keeps the fields it does not set.
    size = {r.id: r for r in ministry.rules_for("photo")}["foto-tamano"]
    parent_size = {r.id: r for r in province.rules_for("photo")}["foto-tamano"]
    assert size.params["min_width"] == 4000 and parent_size.params["min_width"] == 3000
    assert size.params["any_orientation"] is True
    assert size.check == parent_size.check and size.severity == parent_size.severity
    # Severity raised from warning to error, message inherited.
    caption = {r.id: r for r in ministry.rules_for("photo")}["foto-descripcion"]
    assert caption.severity == "error"
    # Rules not mentioned are inherited as they are; a disabled one is gone.
    assert {r.id for r in ministry.rules_for("logo")} == {r.id for r in province.rules_for("logo")}
    assert "audio-duracion" not in {r.id for r in ministry.rules_for("audio")}
    assert "video-subtitulos" in {r.id for r in ministry.rules_for("video")}
    # Logos with the same name are the ministry's own.
    assert ministry.logo("principal").drawing["initials"] == "MS"
    assert ministry.dos[: len(province.dos)] == province.dos and len(ministry.dos) > len(
        province.dos
    )


def test_merge_rules_on_a_small_pair(tmp_path: Path) -> None:
    brands = load_brands_dir(write_brands(tmp_path, madre=PARENT, hija=CHILD))
    child = brands["hija"]
    assert child.public_checks is True  # inherited
    assert child.color("Azul").hex == "#1F4E8C" and child.color("Azul").use == "Solo títulos"
    assert child.color("Verde").hex == "#2A9D8F"
    assert child.dos == ("Hacer A", "Hacer B")
    rules = {r.id: r for r in child.rules_for("photo")}
    assert rules["foto-tamano"].params == {"min_width": 4000}
    assert rules["foto-tamano"].message == "La foto mide {measured} y debe tener {expected}."
    assert (
        rules["foto-credito"]
        == {r.id: r for r in brands["madre"].rules_for("photo")}["foto-credito"]
    )
    assert child.rules_for("audio") == ()


def test_load_brand_file_finds_its_parent_next_to_it(tmp_path: Path) -> None:
    write_brands(tmp_path, madre=PARENT, hija=CHILD)
    child = load_brand_file(tmp_path / "hija.toml")
    assert child.parent == "madre" and child.color("Verde").hex == "#2A9D8F"
    parent = load_brand_file(tmp_path / "madre.toml")
    assert load_brand_text(CHILD, "hija.toml", parents={"madre": parent}) == child


def test_fingerprint_is_stable_and_changes_with_the_content(tmp_path: Path) -> None:
    folder = write_brands(tmp_path, madre=PARENT, hija=CHILD)
    first = load_brands_dir(folder)
    again = load_brands_dir(folder)
    assert first["hija"].fingerprint == again["hija"].fingerprint
    assert len(first["hija"].fingerprint) == 64
    # A comment or reordered whitespace is not a new version.
    (folder / "hija.toml").write_text("# comentario\n" + CHILD, encoding="utf-8")
    assert load_brands_dir(folder)["hija"].fingerprint == first["hija"].fingerprint
    # A changed rule is.
    (folder / "hija.toml").write_text(CHILD.replace("4000", "4200"), encoding="utf-8")
    changed = load_brands_dir(folder)
    assert changed["hija"].fingerprint != first["hija"].fingerprint
    assert changed["madre"].fingerprint == first["madre"].fingerprint
    # A change in the parent is a new version of the child too.
    (folder / "madre.toml").write_text(PARENT.replace("#FFFFFF", "#FEFEFE"), encoding="utf-8")
    assert load_brands_dir(folder)["hija"].fingerprint != changed["hija"].fingerprint


def test_to_dict_is_the_canonical_stored_version(provincial: Brand) -> None:
    data = provincial.to_dict()
    assert data["fingerprint"] == provincial.fingerprint
    assert set(data) >= {"slug", "name", "version", "palette", "typography", "logos", "rules"}
    assert set(data["rules"]) == set(CATEGORIES)
    rule = data["rules"]["photo"][0]
    assert set(rule) == {"id", "check", "severity", "title", "message", "params"}
    assert json.loads(json.dumps(data)) == data
    rebuilt = load_brand_dict(data)
    assert rebuilt.fingerprint == provincial.fingerprint


def test_logo_files_count_in_the_fingerprint(tmp_path: Path) -> None:
    text = (
        PARENT
        + """
[[logos]]
name = "principal"
title = "Principal"
description = "d"
usage = "u"
file = "madre-logo.png"
"""
    )
    folder = write_brands(tmp_path, madre=text)
    (folder / "madre-logo.png").write_bytes(b"\x89PNG first")
    first = load_brands_dir(folder)["madre"]
    assert first.logo("principal").path == (folder / "madre-logo.png").resolve()
    (folder / "madre-logo.png").write_bytes(b"\x89PNG second")
    assert load_brands_dir(folder)["madre"].fingerprint != first.fingerprint


def rule_error(toml_rule: str, category: str = "photo") -> BrandError:
    text = PARENT.split("[[rules.photo]]")[0] + f"[[rules.{category}]]\n" + toml_rule
    with pytest.raises(BrandError) as info:
        load_brand_text(text, "madre.toml")
    return info.value


RULE = 'id = "r1"\nseverity = "error"\nmessage = "m {measured}"\n'


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        (RULE + 'check = "no_existe"\n', "unknown check 'no_existe'"),
        (RULE + 'check = "dimensions"\nmin_width = "mucho"\n', "bad parameter 'min_width'"),
        (RULE + 'check = "dimensions"\nmin_widht = 3\n', "unknown parameter 'min_widht'"),
        (RULE + 'check = "file_size"\n', "parameter 'max_mb' is required"),
        (RULE + 'check = "palette"\ncolors = ["Rojo"]\n', "names 'Rojo'"),
        (RULE + 'check = "format"\nallowed = ["doc"]\n', "unknown file type 'doc'"),
        (RULE + 'check = "aspect_ratio"\nratios = ["16/9"]\n', "not a ratio"),
        (RULE + 'check = "print_resolution"\nsize = "B7"\n', "unknown paper size"),
        (
            'id = "r1"\ncheck = "file_size"\nmax_mb = 1\nseverity = "grave"\nmessage = "m"\n',
            "severity must be 'error' or 'warning'",
        ),
        ('id = "r1"\ncheck = "file_size"\nmax_mb = 1\nseverity = "error"\n', "'message'"),
        (
            'id = "r1"\ncheck = "file_size"\nmax_mb = 1\nseverity = "error"\n'
            'message = "Pesa {peso}"\n',
            "the message uses {peso}",
        ),
        (
            'id = "r1"\ncheck = "file_size"\nmax_mb = 1\nseverity = "error"\n'
            'message = "Pesa {measured.__class__}"\n',
            "the message uses {measured.__class__}",
        ),
    ],
)
def test_rule_errors_name_the_file_and_the_rule(rule: str, fragment: str) -> None:
    error = rule_error(rule)
    assert "madre.toml" in error.message and "rule 'r1' in [rules.photo]" in error.message
    assert fragment in error.message
    assert error.details["file"] == "madre.toml" and error.details["rule"] == "r1"


def test_unknown_category_is_refused() -> None:
    error = rule_error(RULE + 'check = "file_size"\nmax_mb = 1\n', category="afiches")
    assert "unknown piece category [rules.afiches]" in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (PARENT.replace('hex = "#1F4E8C"', 'hex = "azulado"'), "colour 'Azul': 'azulado'"),
        (PARENT.replace('hex = "#1F4E8C"', 'hex = "#1F4E8"'), "is not a HEX colour"),
        (PARENT.replace('slug = "madre"', 'slug = "Madre Grande"'), "slug 'Madre Grande'"),
        (PARENT.replace('version = "1"\n', ""), "'version' is required"),
        ("colores = 3\n" + PARENT, "unknown key 'colores'"),
        (PARENT + "[[palette]]\nname = 'Azul'\nhex = '#000000'\n", "'Azul' appears twice"),
        (PARENT.replace("[[rules.audio]]", "[rules.audio"), "not valid TOML"),
    ],
)
def test_file_errors_name_the_file(text: str, fragment: str) -> None:
    with pytest.raises(BrandError) as info:
        load_brand_text(text, "madre.toml")
    assert info.value.message.startswith("madre.toml: ")
    assert fragment in info.value.message


def test_missing_parent_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BrandError) as info:
        load_brands_dir(write_brands(tmp_path, hija=CHILD))
    assert "hija.toml" in info.value.message and "parent brand 'madre' not found" in str(info.value)


def test_inheritance_cycle_is_refused(tmp_path: Path) -> None:
    a = PARENT.replace('version = "1"', 'version = "1"\nparent = "hija"')
    with pytest.raises(BrandError) as info:
        load_brands_dir(write_brands(tmp_path, madre=a, hija=CHILD))
    assert "inheritance cycle" in info.value.message
    assert "madre → hija → madre" in info.value.message or "hija → madre → hija" in (
        info.value.message
    )


def test_a_brand_cannot_be_its_own_parent(tmp_path: Path) -> None:
    with pytest.raises(BrandError, match="own parent"):
        load_brand_text(PARENT.replace('version = "1"', 'version = "1"\nparent = "madre"'))


def test_duplicate_slugs_in_a_folder_are_refused(tmp_path: Path) -> None:
    write_brands(tmp_path, madre=PARENT)
    (tmp_path / "copia.toml").write_text(PARENT, encoding="utf-8")
    with pytest.raises(BrandError, match="already used"):
        load_brands_dir(tmp_path)


def test_a_bad_rule_inherited_from_a_stored_parent_still_names_a_source(tmp_path: Path) -> None:
    parent = load_brand_text(PARENT, "madre.toml")
    bad_child = CHILD + '\n[[rules.photo]]\nid = "foto-tamano"\nmin_width = -5\n'
    with pytest.raises(BrandError) as info:
        load_brand_text(bad_child, "hija.toml", parents={"madre": parent})
    assert "hija.toml" in info.value.message and "'foto-tamano'" in info.value.message


def test_drawing_errors_name_the_logo(tmp_path: Path) -> None:
    folder = tmp_path / "marcas"
    shutil.copytree(SHIPPED_BRANDS, folder)
    path = folder / "municipalidad.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('shape = "hexagon"', 'shape = "star"', 1)
    )
    with pytest.raises(BrandError) as info:
        load_brands_dir(folder)
    assert "municipalidad.toml" in info.value.message and "logo 'horizontal'" in info.value.message


def test_rules_and_logos_may_carry_english_beside_the_spanish() -> None:
    text = PARENT.replace(
        'message = "Falta {missing}."',
        'title = { es = "Crédito de la foto", en = "Photo credit" }\n'
        'message = { es = "Falta {missing}.", en = "Missing: {missing}." }',
    ).replace(
        'message = "La foto mide {measured} y debe tener {expected}."',
        'message = "La foto mide {measured} y debe tener {expected}."\n'
        'title_en = "Photo size"\n'
        'message_en = "The photo is {measured} and must be {expected}."',
    )
    brand = load_brand_text(text, "madre.toml")
    size, credit = brand.rules_for("photo")
    assert (credit.title, credit.title_en) == ("Crédito de la foto", "Photo credit")
    assert (credit.message, credit.message_en) == ("Falta {missing}.", "Missing: {missing}.")
    assert size.title_en == "Photo size"
    assert size.message_en == "The photo is {measured} and must be {expected}."
    # The English is part of the stored version, and comes back from it.
    assert load_brand_dict(brand.to_dict()) == brand
    assert brand.fingerprint != load_brand_text(PARENT, "madre.toml").fingerprint


def test_a_brand_without_english_keeps_its_document() -> None:
    data = load_brand_text(PARENT, "madre.toml").to_dict()
    assert all("title_en" not in r and "message_en" not in r for r in data["rules"]["photo"])


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('title = { es = "Tamaño", fr = "Taille" }', "'title' must be a text or"),
        ("message_en = 3", "'message_en' must be a text"),
        ('message_en = "Size {nope}"', "{nope}"),
    ],
)
def test_bad_english_texts_are_refused(line: str, fragment: str) -> None:
    text = PARENT.replace("min_width = 3000\n", f"min_width = 3000\n{line}\n", 1)
    with pytest.raises(BrandError, match=re.escape(fragment)):
        load_brand_text(text, "madre.toml")


def test_the_brands_own_texts_may_carry_english(tmp_path: Path) -> None:
    text = (
        PARENT.replace('dos = ["Hacer A"]', 'dos = ["Hacer A"]\ndos_en = ["Do A"]')
        .replace(
            "public_checks = true",
            'public_checks = true\ndescription = "Marca."\ndescription_en = "Brand."',
        )
        .replace('hex = "#1F4E8C"', 'hex = "#1F4E8C"\nuse = "Fondos."\nuse_en = "Backgrounds."')
    )
    brand = load_brand_text(text, "madre.toml")
    assert (brand.description_en, brand.dos_en) == ("Brand.", ("Do A",))
    assert brand.color("Azul").use_en == "Backgrounds."
    assert load_brand_dict(brand.to_dict()) == brand
    # A child that writes its own Spanish description drops the parent's English one.
    folder = write_brands(
        tmp_path,
        madre=text,
        hija=CHILD.replace('dos = ["Hacer B"]', 'dos = ["Hacer B"]\ndescription = "Hija."'),
    )
    child = load_brands_dir(folder)["hija"]
    assert child.description == "Hija." and child.description_en is None
