"""Camera, lens, embedded titles and descriptions, bare years, undated assets, schema versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from search_index import SCHEMA_VERSION, UNDATED, AssetDocument, SearchIndex
from search_index.layout import SCHEMA_FILE, Layout

from .conftest import find, ids

NewIndex = Callable[..., SearchIndex]

DOCS = (
    AssetDocument(
        1,
        "Acto en la plaza",
        camera="Canon EOS 5D Mark IV",
        lens="EF24-70mm f/2.8L",
        year=2015,
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    ),
    AssetDocument(
        2,
        "Retrato",
        camera="NIKON CORPORATION NIKON D750",
        embedded=("Gobernadora en el hospital", "Visita a la sala de pediatría"),
        year=2019,
    ),
    AssetDocument(3, "informe", kind="document", embedded=("Presupuesto participativo 2015",)),
    AssetDocument(4, "Banco de imágenes", year=None, created_at=datetime(2015, 6, 1, tzinfo=UTC)),
    AssetDocument(5, "Toma de cerca", description="Un close-up de la mano", year=2020),
    AssetDocument(6, "Reloj", description="clock clock", year=2021),
    *(AssetDocument(10 + i, f"Reloj {i}", description="clock", year=2021) for i in range(25)),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    idx = SearchIndex(tmp_path_factory.mktemp("metadata"))
    idx.apply(DOCS)
    yield idx
    idx.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("canon", {1}),  # camera make
        ("EOS 5D", {1}),  # camera model
        ("nikon d750", {2}),
        ("cámara:canon", {1}),
        ("lente:ef24", {1}),  # lens
        ("70mm", {1}),
        ("pediatria", {2}),  # a description from the file's metadata
        ("gobernadora hospital", {2}),  # an embedded title
        ("presupuesto", {3}),  # a PDF's own title
        ("2015", {1, 3}),  # capture year 2015, and a title saying 2015; not 4's upload year
        ("2019", {2}),
        ("2019 retrato", {2}),
        ("año:2015", {1}),
        ("1850", set()),  # not a year the year field answers
        ("close-up", {5}),
    ],
)
def test_file_metadata_and_years_are_searchable(
    index: SearchIndex, text: str, expected: set[int]
) -> None:
    assert set(ids(find(index, text))) == expected


def test_undated_assets_are_undated_in_the_year_facet(index: SearchIndex) -> None:
    years = find(index, "").facets["year"]
    assert years[UNDATED] == 2  # 3 and 4: no capture date, whatever their upload date
    assert "2024" not in years
    assert list(years)[-1] == UNDATED
    assert set(ids(find(index, "", filters={"year": [UNDATED]}))) == {3, 4}


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("close-up", None),  # a hyphenated word is left as typed, not "clock-up"
        ("close", None),  # known from one document: not corrected to the commoner "clock"
        ("clok", "clock"),  # unknown: corrected
        ("canno", "canon"),  # the camera's words are vocabulary too
    ],
)
def test_suggestions_leave_known_and_hyphenated_words(
    index: SearchIndex, text: str, suggestion: str | None
) -> None:
    assert find(index, text).suggestion == suggestion


def test_highlights_show_embedded_text(index: SearchIndex) -> None:
    [hit] = find(index, "pediatria").hits
    assert "<mark>pediatría</mark>" in hit.highlights["embedded"]


def test_schema_version_is_recorded_and_an_old_index_is_outdated(
    new_index: NewIndex, tmp_path: Path
) -> None:
    idx = new_index()
    idx.apply(DOCS[:2])
    layout = Layout(idx.path)
    gen = layout.current()
    assert gen is not None and layout.schema_version(gen) == SCHEMA_VERSION
    assert not idx.schema_outdated()
    # An index built before versions were recorded is version 1: it needs a rebuild.
    (layout.path(gen) / SCHEMA_FILE).unlink()
    assert idx.schema_outdated()
    idx.rebuild(DOCS)
    assert not idx.schema_outdated()
    assert set(ids(find(idx, "canon"))) == {1}
