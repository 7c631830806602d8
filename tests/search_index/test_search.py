"""Searching the hand-made archive: Spanish text, field syntax, odd input, order, pages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_index import AssetDocument, InvalidQuery, SearchIndex, SearchQuery
from search_index.paging import _top_k

from .conftest import ARCHIVE, find, ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The examples: no accents, any case, singular or plural.
        ("inauguracion escuelas", {1}),
        ("comunicacion", {4}),
        ("COMUNICACIÓN", {4}),
        ("fotos vacunación", {2}),
        ("foto vacunacion", {2}),
        ("vacunas", {2}),
        ("inauguración", {1, 5}),
        ("hospitales", {5}),
        ("arbol", {7}),
        ("campana", {2, 7}),  # ñ folded: "campaña" in a title and in a caption
        ("Tlalpan", {1}),  # description
        ("navideña", {7}),  # caption
        ("Hospital General 2024", {5}),  # event
        ("prensa", {6}),  # collection
        ("perez", {1}),  # credit, unaccented
        ("oficina imagen", {3}),  # creator
        ("identidad", {3}),  # tag
        ("IMG_2034", {1}),  # file name without extension
        ("img_2034.jpg", {1}),
        ("logo_salud_2024.svg", {3}),
        ("inauguracion de la escuela", {1}),  # stop words do not block the AND
        ("escuela hospital", set()),  # every word must match
        ("zzzz", set()),
    ],
)
def test_plain_words(archive: SearchIndex, text: str, expected: set[int]) -> None:
    results = find(archive, text)
    assert set(ids(results)) == expected
    assert results.total == len(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("credit:perez", {1}),
        ("credito:PÉREZ", {1}),
        ("credit:escuela", set()),
        ("tag:logo", {3}),
        ("tag:logos", {3}),
        ("etiqueta:salud", {2, 5}),
        ("title:hospital", {5}),
        ("description:hospital", {5}),
        ("title:vacunas", {2}),
        ("event:hospital", {5}),
        ("evento:hospital", {5}),
        ("kind:video", {5}),
        ("tipo:audio", {6}),
        ("agency:salud", {2, 5}),
        ("year:2024", {1, 4, 5}),
        ("año:2024", {1, 4, 5}),
        ("filename:img_2034.jpg", {1}),
        ("archivo:informe-2024", {4}),
        ('"campaña de vacunación"', {2}),
        ('"vacunación de campaña"', set()),  # a phrase keeps its order
        ('"escuela primaria"', {1}),
        ('tag:"hospitales salud"', {5}),  # list fields keep no positions: all the words
        ("salud -video", {2, 3}),  # 3: "salud" in its file name
        ("inauguracion -hospital", {1}),
        ("-foto -video -audio", {1, 3, 4, 7}),
        ("vacunaci*", {2}),
        ("inaugura*", {1, 5}),
        ("title:navid*", {7}),
        ("salud AND hospital", {5}),
        ("escuela OR hospital", {1, 5}),
        ("salud NOT hospital", {2, 3}),
        ("(escuela OR hospital) AND inauguracion", {1, 5}),
        ("Covid-19", set()),  # a hyphen inside a word is not an exclusion
        ("unknownfield:salud", set()),  # unknown fields are plain words
    ],
)
def test_field_syntax(archive: SearchIndex, text: str, expected: set[int]) -> None:
    assert set(ids(find(archive, text))) == expected


ODD_INPUTS = [
    '"unbalanced',
    'unbalanced"',
    '"',
    '""',
    "*",
    "**",
    "?",
    ":",
    "::",
    "title:",
    ":salud",
    "((",
    "))",
    "(()",
    "(salud",
    "salud)",
    "AND",
    "OR",
    "NOT",
    "AND OR",
    "OR AND NOT",
    "salud AND",
    "NOT NOT",
    "-",
    "--",
    "+",
    "+-",
    "-*",
    "*salud",
    "sa*lud*",
    "s?lud",
    "\x00",
    "sa\x00lud",
    "\x1b[31m",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "title:(",
    'title:"',
    "tag:",
    "a" * 5000,
    "salud " * 500,
    "🙂",
    "日本語",
    "\u202e",
    "%s%s%n",
    "{}[]|\\^~",
    "\t\n\r",
    "   ",
    "salud^2",
    "salud~",
    "[a TO z]",
    "{a TO z}",
    "title:[a TO z]",
    "year:>2020",
    "(" * 300 + "salud" + ")" * 300,
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises(archive: SearchIndex, text: str) -> None:
    results = find(archive, text)
    assert 0 <= results.total <= len(ARCHIVE)
    assert len(results.hits) == min(results.total, 24)


def test_odd_input_falls_back_to_plain_words(archive: SearchIndex) -> None:
    assert set(ids(find(archive, "(salud"))) == {2, 3, 5}
    assert set(ids(find(archive, "(" * 300 + "salud" + ")" * 300))) == {2, 3, 5}
    assert set(ids(find(archive, "escuela\x00primaria"))) == {1}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_any_text_never_raises(archive: SearchIndex, text: str) -> None:
    # The total is the number of documents the search returns, all of them archived.
    results = find(archive, text, per_page=len(ARCHIVE))
    assert len(results.hits) == results.total
    assert set(ids(results)) <= {doc.id for doc in ARCHIVE}


@pytest.mark.parametrize("text", ["", "   ", "de la", "*"])
def test_empty_text_browses_everything_newest_first(archive: SearchIndex, text: str) -> None:
    results = find(archive, text)
    assert results.total == len(ARCHIVE)
    expected = [d.id for d in sorted(ARCHIVE, key=lambda d: d.created_at, reverse=True)]
    assert ids(results) == expected


def test_relevance_puts_title_matches_first(archive: SearchIndex) -> None:
    results = find(archive, "hospital")
    assert ids(results) == [5]
    results = find(archive, "salud")  # tag of 2 and 5, and in 2's description
    assert ids(results)[0] == 2
    assert all(hit.score > 0 for hit in results.hits)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", [4, 1, 5, 7, 2, 3, 6, 8]),
        ("oldest", [8, 6, 3, 2, 7, 5, 1, 4]),
        # Title order ignores case and accents: "Árbol" sorts as "arbol".
        ("title", [7, 8, 4, 6, 2, 1, 3, 5]),
    ],
)
def test_sort(archive: SearchIndex, sort: str, expected: list[int]) -> None:
    assert ids(find(archive, sort=sort)) == expected


def test_sort_applies_to_matches_only(archive: SearchIndex) -> None:
    assert ids(find(archive, "salud", sort="oldest")) == [3, 2, 5]
    assert ids(find(archive, "salud", sort="newest")) == [5, 2, 3]


def test_paging_covers_every_hit_once(archive: SearchIndex) -> None:
    seen: list[int] = []
    for page in (1, 2, 3):
        results = find(archive, sort="title", page=page, per_page=3)
        assert results.total == 8 and results.pages == 3
        seen.extend(ids(results))
    assert seen == ids(find(archive, sort="title"))
    assert len(find(archive, sort="title", page=3, per_page=3).hits) == 2
    assert find(archive, page=4, per_page=3).hits == []
    assert find(archive, page=4, per_page=3).total == 8


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_paging_by_relevance_and_dates(archive: SearchIndex, sort: str) -> None:
    whole = ids(find(archive, "salud OR educacion OR cultura", sort=sort))
    pages = [
        ids(find(archive, "salud OR educacion OR cultura", sort=sort, page=p, per_page=2))
        for p in (1, 2, 3, 4)
    ]
    assert [i for page in pages for i in page] == whole


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(sort="random"),
        SearchQuery(page=0),
        SearchQuery(per_page=0),
        SearchQuery(per_page=1000),
        SearchQuery(filters={"colour": ["red"]}),
        SearchQuery(facet_limit=0),
    ],
)
def test_structured_mistakes_are_invalid_queries(archive: SearchIndex, query: SearchQuery) -> None:
    with pytest.raises(InvalidQuery):
        archive.search(query)


def test_highlights_escape_html(archive: SearchIndex) -> None:
    [hit] = find(archive, "logo").hits
    title = hit.highlights["title"]
    assert "<script>" not in title
    assert title == "<mark>Logo</mark> institucional &lt;script&gt;alert(1)&lt;/script&gt;"
    assert hit.highlights["description"] == "Versión horizontal del <mark>logo</mark>"
    assert hit.highlights["tags"] == "<mark>logo</mark>, identidad"


def test_highlights_mark_accentless_plural_queries(archive: SearchIndex) -> None:
    [hit] = find(archive, "inauguracion escuelas").hits
    expected = "<mark>Inauguración</mark> de la <mark>escuela</mark> primaria"
    assert hit.highlights["title"] == expected


def test_highlights_always_have_title_and_description(archive: SearchIndex) -> None:
    [hit] = find(archive, "credit:perez").hits
    assert hit.highlights["title"] == "Inauguración de la escuela primaria"
    assert hit.highlights["credit"] == "José <mark>Pérez</mark>"
    assert "caption" not in hit.highlights


def test_highlights_mark_prefixes_and_phrases(archive: SearchIndex) -> None:
    [hit] = find(archive, "vacunaci*").hits
    assert hit.highlights["title"] == "Foto de la campaña de <mark>vacunación</mark>"
    [hit] = find(archive, '"campaña de vacunación"').hits
    assert hit.highlights["title"] == "Foto de la <mark>campaña</mark> de <mark>vacunación</mark>"


def test_excluded_words_are_not_highlighted(archive: SearchIndex) -> None:
    [hit] = find(archive, "escuela -title:tlalpan").hits
    expected = "La gobernadora inauguró la <mark>escuela</mark> en Tlalpan"
    assert hit.highlights["description"] == expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("vacunasion", "vacunación"),
        ("fotos vacunasion", "fotos vacunación"),
        ("inaguracion", "inauguración"),
        ("escuela hospitl", "escuela hospital"),
        ("vacunacion", None),  # known, accents do not matter
        ("fotos", None),  # known through its stem
        ("hospital", None),
        ("xqzwv", None),  # nothing close
        ("", None),
    ],
)
def test_suggestions(archive: SearchIndex, text: str, suggestion: str | None) -> None:
    assert find(archive, text).suggestion == suggestion


def test_top_k_breaks_ties_by_the_next_keys() -> None:
    rng = np.random.default_rng(1)
    hits = np.arange(0, 3000, 3)
    primary = rng.integers(0, 4, len(hits)).astype(np.float32)
    secondary = rng.integers(0, 50, len(hits))
    expected = hits[np.lexsort((hits, secondary, primary))]
    for k in (1, 7, 24, 200, 999, 1000, 5000):
        assert _top_k(hits, [primary, secondary], k).tolist() == expected[:k].tolist()
        assert (
            _top_k(hits, [secondary], k).tolist()
            == hits[np.lexsort((hits, secondary))][:k].tolist()
        )


def test_suggestions_count_only_the_documents_the_searcher_may_see(new_index) -> None:
    idx = new_index()
    secret = AssetDocument(
        1, "Zafiro confidencial reservado", "zafiro reservado", agency="obras", status="draft"
    )
    idx.apply(upserts=[secret, AssetDocument(2, "Vacunación en la plaza", agency="salud")])
    for text in ("zafiri", "confidencia", "reservadp", "zafiri confidencia"):
        assert find(idx, text, agencies=frozenset({"salud"})).suggestion is None, text
        assert find(idx, text, public_only=True).suggestion is None, text
    # What the searcher sees still corrects; every agency sees both.
    assert find(idx, "vacunasion", agencies=frozenset({"salud"})).suggestion == "vacunación"
    assert find(idx, "zafiri", agencies=frozenset({"obras"})).suggestion == "zafiro"
    assert find(idx, "zafiri").suggestion == "zafiro"
    # A word only an invisible document knows is not "known": it is corrected towards a
    # visible word when one is close, never kept because the invisible one has it.
    idx.apply(upserts=[AssetDocument(3, "Zafra de caña", agency="salud")])
    assert find(idx, "zafiro", agencies=frozenset({"salud"})).suggestion == "zafra"
    assert find(idx, "zafiro", agencies=frozenset({"obras"})).suggestion is None
