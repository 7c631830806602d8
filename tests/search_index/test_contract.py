"""One search contract, run against both backends: a query means the same on each.

Every test here runs on the Whoosh index (files in a temporary folder) and on
the PostgreSQL index (:class:`search_index.pg_index.PostgresSearchIndex`, in a
database of its own). The PostgreSQL cases need a server: they run in the
PostgreSQL run of the suite (``BRANDHUB_TEST_DATABASE_URL``, see
tests/plugins/databases.py) and are skipped in the SQLite run.

What they share: accents folded and words stemmed, field syntax with English and
Spanish names, phrases, exclusions, OR, prefixes, file names, years; facets with
counts and the multi-select rule; visibility; sorting and paging; escaped
highlights; "did you mean" from the searcher's own visible vocabulary. Scores
differ (BM25 against ``ts_rank``); only orders the contract promises are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from search_index import AssetDocument, SearchIndex, SearchQuery, SearchResults
from search_index.pg_index import PostgresSearchIndex
from tests.plugins.databases import PostgresServer

from .conftest import ARCHIVE, empty_search_tables, search_database, when

Index = SearchIndex | PostgresSearchIndex
Make = Callable[[tuple[AssetDocument, ...]], Index]


@pytest.fixture(scope="module", params=["whoosh", "postgres"])
def make(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Make]:
    """``make(docs)``: an index of that backend holding exactly ``docs``."""
    if request.param == "whoosh":
        opened: list[SearchIndex] = []

        def make_whoosh(docs: tuple[AssetDocument, ...]) -> Index:
            idx = SearchIndex(tmp_path_factory.mktemp("contract"))
            idx.apply(docs)
            opened.append(idx)
            return idx

        yield make_whoosh
        for idx in opened:
            idx.close()
        return
    with search_database(pg_server) as engine:
        folder = tmp_path_factory.mktemp("contract-pg")

        def make_pg(docs: tuple[AssetDocument, ...]) -> Index:
            empty_search_tables(engine)
            idx = PostgresSearchIndex(engine, folder)
            idx.apply(docs)
            return idx

        yield make_pg


@pytest.fixture
def archive(make: Make) -> Index:
    return make(ARCHIVE)


def find(idx: Index, text: str = "", **kwargs: object) -> SearchResults:
    return idx.search(SearchQuery(text=text, **kwargs))  # type: ignore[arg-type]


def found(idx: Index, text: str = "", **kwargs: object) -> set[int]:
    return {hit.id for hit in find(idx, text, per_page=200, **kwargs).hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inauguracion", {1, 5}),  # accents folded
        ("INAUGURACIÓN", {1, 5}),
        ("escuelas", {1}),  # plural and singular meet
        ("vacunas", {2}),
        ("hospital general", {5}),  # every word must match
        ("hospital escuela", set()),
        ("estado", set()),
        ("credit:perez", {1}),  # field syntax, English and Spanish names
        ("credito:pérez", {1}),
        ("tag:logo", {3}),
        ("etiqueta:salud", {2, 5}),
        ("title:hospital", {5}),
        ("titulo:logo", {3}),
        ("title:inauguracion", {1, 5}),  # a field alone: its own words, nobody else's
        ("title:gobernadora", set()),
        ('titulo:"campaña de vacunación"', {2}),
        ('credit:"jose perez"', {1}),
        ('credito:"perez jose"', {1}),  # a name's words in any order, in that field
        ('"perez jose"', {1}),
        ('creator:"oficina perez"', set()),
        ("tag:vacunas", {2}),
        ("tag:sal*", {2, 5}),
        ("evento:hospital", {5}),
        ("creator:oficina", {3}),
        ("descripcion:hospital", {5}),
        ("filename:img_2034", {1}),
        ("archivo:IMG_2034.JPG", {1}),
        ("-tag:salud", {1, 3, 4, 6, 7, 8}),
        ("tag:educacion -credit:perez", {6}),
        ("title:hospital OR tag:logo", {3, 5}),
        ("kind:video", {5}),
        ("tipo:audio", {6}),
        ('"nuevo hospital"', {5}),  # phrases keep their order
        ('"hospital nuevo"', set()),
        ("salud -video", {2, 3}),  # exclusions
        ("salud NOT hospitales", {2, 3}),
        ("-video", {1, 2, 3, 4, 6, 7, 8}),
        ("salud OR cultura", {2, 3, 5, 7}),
        ("vacunaci*", {2}),  # prefixes
        ("hosp*", {5}),
        ("IMG_2034", {1}),  # file names, whole or with the extension
        ("img_2034.jpg", {1}),
        ("2021", {6}),  # a year also matches the capture year
        ("de la", {1, 2, 3, 4, 5, 6, 7, 8}),  # only stop words: everything
        ("AND OR NOT", set()),  # operators joining nothing are words
    ],
)
def test_query_means_the_same(archive: Index, text: str, expected: set[int]) -> None:
    assert found(archive, text) == expected


def test_a_nul_character_is_a_space_in_words_and_matches_no_filter_value(archive: Index) -> None:
    # PostgreSQL's text cannot hold NUL; a query carrying one must still answer.
    assert found(archive, "hospital\x00general") == {5}
    assert found(archive, filters={"kind": ["video\x00"]}) == set()
    assert found(archive, filters={"kind": ["video"]}) == {5}


def test_stop_words_of_the_domain_are_searchable(make: Make) -> None:
    idx = make((AssetDocument(1, "Informe del Gobierno del Estado"), AssetDocument(2, "Otro")))
    assert found(idx, "estado") == {1}


def test_facets_count_every_visible_hit(archive: Index) -> None:
    facets = find(archive).facets
    assert facets["kind"] == {"image": 4, "audio": 1, "document": 1, "vector": 1, "video": 1}
    assert facets["year"] == {"2024": 3, "2023": 2, "2022": 1, "2021": 1, "undated": 1}
    assert facets["tag"]["salud"] == 2
    assert list(facets["year"]) == ["2024", "2023", "2022", "2021", "undated"]
    assert facets["status"] == {"approved": 4, "draft": 2, "archived": 1, "in_review": 1}


def test_facet_counts_follow_the_multi_select_rule(archive: Index) -> None:
    results = find(archive, filters={"kind": ["video"], "agency": ["salud"]})
    assert {h.id for h in results.hits} == {5}
    # A facet's own filter is left out of its counts; the others apply.
    assert results.facets["kind"] == {"image": 1, "video": 1}
    assert results.facets["agency"] == {"salud": 1}
    assert results.facets["compliance"] == {"fail": 1}


def test_a_picked_value_shows_even_with_no_hits(archive: Index) -> None:
    results = find(archive, "logo", filters={"kind": ["audio"]})
    assert results.total == 0
    assert results.facets["kind"]["audio"] == 0


def test_visibility_limits_hits_and_counts(archive: Index) -> None:
    assert found(archive, agencies=frozenset({"salud"})) == {1, 2, 3, 5, 6, 7}
    assert found(archive, public_only=True) == {1, 3, 6, 7}
    assert find(archive, public_only=True).facets["agency"] == {
        "comunicacion": 1,
        "cultura": 1,
        "educacion": 2,
    }


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("newest", [4, 1, 5, 7, 2, 3, 6, 8]),
        ("oldest", [8, 6, 3, 2, 7, 5, 1, 4]),
        ("title", [7, 8, 4, 6, 2, 1, 3, 5]),
    ],
)
def test_sorting(archive: Index, sort: str, order: list[int]) -> None:
    assert [h.id for h in find(archive, sort=sort, per_page=20).hits] == order


def test_paging(archive: Index) -> None:
    results = find(archive, sort="oldest", per_page=3, page=2)
    assert results.total == 8
    assert results.pages == 3
    assert [h.id for h in results.hits] == [2, 7, 5]
    assert find(archive, sort="oldest", per_page=3, page=9).hits == []


def test_a_title_match_ranks_above_a_description_match(make: Make) -> None:
    idx = make(
        (
            AssetDocument(1, "Visita guiada", "Recorrido por el parque central"),
            AssetDocument(2, "Parque central", "Recorrido"),
        )
    )
    assert [h.id for h in find(idx, "parque").hits] == [2, 1]


def test_highlights_mark_matches_and_escape_the_rest(archive: Index) -> None:
    hit = find(archive, "logo").hits[0]
    assert "<mark>Logo</mark>" in hit.highlights["title"]
    assert "&lt;script&gt;" in hit.highlights["title"]
    assert "<script>" not in "".join(hit.highlights.values())
    hit = find(archive, "escuelas").hits[0]
    assert "<mark>escuela</mark>" in hit.highlights["title"]
    assert "<mark>" in hit.highlights["description"]
    assert find(archive, "credito:perez").hits[0].highlights["credit"] == "José <mark>Pérez</mark>"


def test_a_long_description_is_cut_around_its_match(make: Make) -> None:
    words = " ".join(f"palabra{i}" for i in range(120))
    idx = make((AssetDocument(1, "Largo", f"{words} faro {words}"),))
    snippet = find(idx, "faro").hits[0].highlights["description"]
    assert "<mark>faro</mark>" in snippet
    assert len(snippet) < 600
    assert snippet.startswith("…") and snippet.endswith("…")


def test_did_you_mean_corrects_unknown_words(archive: Index) -> None:
    assert find(archive, "escuala").suggestion == "escuela"
    assert find(archive, "campana vacunacion").suggestion is None  # known words stay
    assert find(archive, "inauguracoin").suggestion == "inauguración"


def test_did_you_mean_never_offers_a_word_the_searcher_cannot_see(make: Make) -> None:
    secret = AssetDocument(
        1, "Despidos masivos en la dependencia", agency="hacienda", status="draft"
    )
    shown = AssetDocument(2, "Desfile cívico", agency="cultura", public=True, status="approved")
    idx = make((secret, shown))
    assert find(idx, "despidoz", agencies=frozenset({"hacienda"})).suggestion == "despidos"
    assert find(idx, "despidoz", agencies=frozenset({"cultura"})).suggestion is None
    assert find(idx, "despidoz", public_only=True).suggestion is None
    # A word only the hidden draft has is unknown to others: no hit, no suggestion.
    hidden = find(idx, "despidos", public_only=True)
    assert hidden.total == 0
    assert hidden.suggestion is None


def test_apply_replaces_and_deletes(make: Make) -> None:
    idx = make(ARCHIVE)
    idx.apply([replace(ARCHIVE[0], title="Biblioteca municipal")], deletes=[2])
    assert found(idx, "biblioteca") == {1}
    assert found(idx, "escuela primaria") == set()
    assert idx.doc_ids() == {1, 3, 4, 5, 6, 7, 8}
    assert idx.doc_count() == 7
    # Browsing (kept counts on PostgreSQL) agrees with counting the hits one by one.
    for scope in ({}, {"public_only": True}, {"agencies": frozenset({"salud"})}):
        browse, counted = find(idx, **scope), find(idx, "-zzzz", **scope)
        assert browse.facets == counted.facets
        assert browse.total == counted.total
    assert find(idx).facets["agency"] == {
        "comunicacion": 2,
        "cultura": 2,
        "educacion": 2,
        "salud": 1,
    }


def test_stale_finds_missing_and_changed_documents(make: Make) -> None:
    idx = make(ARCHIVE[:3])
    changed = replace(ARCHIVE[1], title="Otro título", created_at=when(2023, 5, 1))
    assert idx.stale([ARCHIVE[0], changed, ARCHIVE[3]]) == [2, 4]


def test_rebuild_replaces_everything(make: Make) -> None:
    idx = make(ARCHIVE)
    done: list[int] = []
    assert idx.rebuild(iter(ARCHIVE[:2]), count=2, progress=done.append) == 2
    assert idx.doc_ids() == {1, 2}
    assert done and done[-1] == 2


@pytest.fixture
def pieces(make: Make) -> Index:
    from .test_piece_text_search import DOCS

    return make(DOCS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vacunación", {1, 4}),
        ("vacunas", {1, 4}),
        ("VACUNACION gripe", {1}),
        ("texto:vacunación", {1}),
        ("inscripciones", {3}),
    ],
)
def test_the_words_in_a_piece_are_searchable(pieces: Index, text: str, expected: set[int]) -> None:
    assert found(pieces, text) == expected


def test_the_words_in_a_piece_have_a_snippet_and_a_facet(pieces: Index) -> None:
    [hit] = find(pieces, "gripe").hits
    snippet = hit.highlights["text"]
    assert "<mark>gripe</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 400
    assert find(pieces).facets["has_text"] == {"no": 2, "yes": 2}
    assert found(pieces, filters={"has_text": ["yes"]}) == {1, 3}
    assert found(pieces, "vacunación", filters={"has_text": ["no"]}) == {4}
