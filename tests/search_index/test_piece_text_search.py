"""The words in the pieces: the ``text`` field (Spanish analysis), its snippet, "has_text"."""

from __future__ import annotations

import pytest

from search_index import SCHEMA_VERSION, AssetDocument, SearchIndex
from search_index.schema import MAX_TEXT_CHARS, document_fields

from .conftest import find, ids

LONG = (
    "Centro de salud abierto de lunes a viernes. " * 12
    + "Campaña de vacunación contra la gripe para mayores de 65 años. "
    + "Llevá tu documento. " * 12
)
DOCS = (
    AssetDocument(1, "Afiche junio", text=LONG, kind="image", category="graphic"),
    AssetDocument(2, "Foto de la plaza", kind="image", category="photo"),
    AssetDocument(3, "Folleto", text="Inscripciones abiertas en www.ejemplo.gob", kind="document"),
    AssetDocument(4, "Vacunación en la escuela", kind="image"),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    idx = SearchIndex(tmp_path_factory.mktemp("texts"))
    idx.apply(DOCS)
    yield idx
    idx.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vacunación", {1, 4}),  # the poster's words and a title
        ("vacunas", {1, 4}),  # Spanish stemming: vacun-
        ("VACUNACION gripe", {1}),
        ("texto:vacunación", {1}),  # only what the piece says
        ("inscripciones", {3}),
        ("www.ejemplo.gob", {3}),
    ],
)
def test_the_words_of_a_piece_are_searchable(index, text, expected):
    assert set(ids(find(index, text))) == expected


def test_the_snippet_shows_the_words_around_the_match(index):
    [hit] = find(index, "gripe").hits
    snippet = hit.highlights["text"]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "campaña de vacunación contra la <mark>gripe</mark>" in snippet.lower()
    assert len(snippet) < 300


def test_has_text_filters_and_counts(index):
    assert find(index, "").facets["has_text"] == {"no": 2, "yes": 2}
    assert set(ids(find(index, "", filters={"has_text": ["yes"]}))) == {1, 3}
    assert set(ids(find(index, "vacunación", filters={"has_text": ["no"]}))) == {4}


def test_the_index_keeps_a_bounded_text():
    fields = document_fields(AssetDocument(1, "x", text="palabra " * 10_000))
    assert len(fields["text"]) == MAX_TEXT_CHARS and fields["has_text"] == "yes"
    assert document_fields(AssetDocument(2, "y", text="  \n"))["has_text"] == "no"
    assert SCHEMA_VERSION >= 4  # 4 added the text; 5 the masters, fonts and templates
