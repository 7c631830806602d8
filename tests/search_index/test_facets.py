"""Facet counts, filters and visibility, checked by hand and against a brute-force count."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from search_index import FACETS, UNDATED, AssetDocument, SearchIndex, SearchQuery

from .conftest import ARCHIVE, find, ids, when


def test_counts_without_filters(archive: SearchIndex) -> None:
    facets = find(archive).facets
    assert list(facets) == list(FACETS)
    assert facets["kind"] == {"image": 4, "audio": 1, "document": 1, "vector": 1, "video": 1}
    # 8 has no category: it counts under none.
    assert facets["category"] == {
        "photo": 2,
        "audio": 1,
        "document": 1,
        "graphic": 1,
        "logo": 1,
        "video": 1,
    }
    assert facets["agency"] == {"comunicacion": 2, "cultura": 2, "educacion": 2, "salud": 2}
    # Newest year first, then the undated asset (8), never counted under its upload year.
    assert facets["year"] == {"2024": 3, "2023": 2, "2022": 1, "2021": 1, UNDATED: 1}
    assert list(facets["year"]) == ["2024", "2023", "2022", "2021", UNDATED]
    assert facets["tag"] == {
        "educación": 2,
        "salud": 2,
        "cultura": 1,
        "escuelas": 1,
        "hospitales": 1,
        "identidad": 1,
        "logo": 1,
        "vacunación": 1,
    }
    assert facets["orientation"] == {"horizontal": 3, "vertical": 2, "square": 1}
    assert facets["compliance"] == {"pass": 3, "unchecked": 3, "fail": 1, "warn": 1}
    assert facets["status"] == {"approved": 4, "draft": 2, "archived": 1, "in_review": 1}


def test_counts_follow_the_text(archive: SearchIndex) -> None:
    facets = find(archive, "salud").facets  # 2, 3 (file name) and 5
    assert facets["kind"] == {"image": 1, "vector": 1, "video": 1}
    assert facets["agency"] == {"salud": 2, "comunicacion": 1}


def test_one_filter_narrows_other_facets_but_not_its_own(archive: SearchIndex) -> None:
    results = find(archive, filters={"kind": ["image"]})
    assert sorted(ids(results)) == [1, 2, 7, 8]
    assert results.total == 4
    # Its own facet still shows the alternatives (OR within a facet)...
    assert results.facets["kind"] == {
        "image": 4,
        "audio": 1,
        "document": 1,
        "vector": 1,
        "video": 1,
    }
    # ...the others count images only (AND across facets).
    assert results.facets["agency"] == {"cultura": 2, "educacion": 1, "salud": 1}
    assert results.facets["orientation"] == {"vertical": 2, "horizontal": 1, "square": 1}


def test_category_filter_finds_logos_and_narrows_the_others(archive: SearchIndex) -> None:
    results = find(archive, filters={"category": ["logo"]})
    assert ids(results) == [3]
    assert results.facets["kind"] == {"vector": 1}
    assert results.facets["category"]["photo"] == 2  # its own facet keeps the alternatives
    both = find(archive, filters={"category": ["logo", "photo"]})
    assert sorted(ids(both)) == [1, 2, 3]


def test_several_values_of_one_facet_are_alternatives(archive: SearchIndex) -> None:
    results = find(archive, filters={"kind": ["video", "audio"]})
    assert sorted(ids(results)) == [5, 6]
    assert results.facets["agency"] == {"educacion": 1, "salud": 1}


def test_filters_across_facets_all_apply(archive: SearchIndex) -> None:
    results = find(archive, filters={"kind": ["image", "video"], "year": ["2024"]})
    assert sorted(ids(results)) == [1, 5]
    assert results.facets["kind"] == {"document": 1, "image": 1, "video": 1}  # year 2024 only
    # Images and videos, any year (8 is an undated image).
    assert results.facets["year"] == {"2024": 2, "2023": 2, UNDATED: 1}
    assert results.facets["status"] == {"approved": 1, "in_review": 1}


def test_tag_filter_is_case_insensitive_and_multi_valued(archive: SearchIndex) -> None:
    results = find(archive, filters={"tag": ["Salud ", "EDUCACIÓN"]})
    assert sorted(ids(results)) == [1, 2, 5, 6]
    assert results.facets["tag"]["salud"] == 2
    assert results.facets["kind"] == {"image": 2, "audio": 1, "video": 1}


def test_picked_values_show_even_with_no_hits(archive: SearchIndex) -> None:
    results = find(archive, "hospital", filters={"kind": ["audio"], "agency": ["nowhere"]})
    assert results.total == 0 and results.hits == []
    assert results.facets["kind"] == {"audio": 0}
    assert results.facets["agency"] == {"nowhere": 0}


def test_facets_can_be_switched_off(archive: SearchIndex) -> None:
    assert find(archive, facets=False).facets == {}


def test_facet_limit(archive: SearchIndex) -> None:
    facets = find(archive, facet_limit=2).facets
    assert facets["tag"] == {"educación": 2, "salud": 2}
    assert facets["kind"] == {"image": 4, "audio": 1}


def test_filters_combine_with_text_and_sort(archive: SearchIndex) -> None:
    results = find(archive, "inauguracion", filters={"agency": ["salud"]}, sort="oldest")
    assert ids(results) == [5]


@pytest.mark.parametrize(
    ("agencies", "public_only", "visible"),
    [
        (None, False, {1, 2, 3, 4, 5, 6, 7, 8}),
        (frozenset({"salud"}), False, {1, 2, 3, 5, 6, 7}),  # salud's plus public ones
        (frozenset({"salud", "cultura"}), False, {1, 2, 3, 5, 6, 7, 8}),
        (frozenset(), False, {1, 3, 6, 7}),  # no agency: public only
        (None, True, {1, 3, 6, 7}),
        (frozenset({"salud"}), True, {1, 3, 6, 7}),
    ],
)
def test_visibility_restricts_hits_totals_and_facets(
    archive: SearchIndex, agencies: frozenset[str] | None, public_only: bool, visible: set[int]
) -> None:
    results = find(archive, agencies=agencies, public_only=public_only)
    assert set(ids(results)) == visible
    assert results.total == len(visible)
    expected_kinds = Counter(d.kind for d in ARCHIVE if d.id in visible)
    assert results.facets["kind"] == dict(expected_kinds) | results.facets["kind"]
    assert sum(results.facets["kind"].values()) == len(visible)
    assert sum(results.facets["agency"].values()) == len(visible)


def test_visibility_applies_to_text_search(archive: SearchIndex) -> None:
    results = find(archive, "salud", public_only=True)
    assert ids(results) == [3]
    assert results.facets["agency"] == {"comunicacion": 1}


# Brute force: a random archive, and the same counts computed in plain Python.

_WORDS = ["rojo", "verde", "azul", "gris", "negro", "blanco"]
_AGENCIES = ["salud", "educacion", "cultura", "obras", "turismo"]


def _random_archive(n: int, seed: int) -> list[AssetDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(1, n + 1):
        kind = rng.choice(["image", "vector", "video", "audio", "document"])
        docs.append(
            AssetDocument(
                id=i,
                title=" ".join(rng.sample(_WORDS, rng.randint(1, 3))),
                tags=tuple(rng.sample(["uno", "dos", "tres", "cuatro"], rng.randint(0, 3))),
                kind=kind,
                category=rng.choice(["logo", "photo", "graphic", "document", ""]),
                agency=rng.choice(_AGENCIES),
                year=rng.choice([2021, 2022, 2023, 2024, None]),
                orientation=rng.choice(["horizontal", "vertical", "square", None]),
                compliance=rng.choice(["pass", "warn", "fail", "unchecked"]),
                status=rng.choice(["draft", "in_review", "approved", "archived"]),
                public=rng.random() < 0.3,
                created_at=when(2020 + i % 5, 1 + i % 12, 1 + i % 28),
            )
        )
    return docs


def _values(doc: AssetDocument, facet: str) -> list[str]:
    if facet == "tag":
        return list(doc.tags)
    value = getattr(doc, facet)
    if facet == "year" and value is None:
        return [UNDATED]
    return [] if value is None or value == "" else [str(value)]


def _brute(
    docs: Sequence[AssetDocument],
    word: str,
    filters: Mapping[str, Sequence[str]],
    agencies: frozenset[str] | None,
    public_only: bool,
) -> tuple[set[int], dict[str, Counter[str]]]:
    def visible(d: AssetDocument) -> bool:
        if public_only:
            return d.public
        return agencies is None or d.public or d.agency in agencies

    def passes(d: AssetDocument, skip: str | None) -> bool:
        return all(set(_values(d, f)) & set(v) for f, v in filters.items() if f != skip)

    base = [d for d in docs if visible(d) and (not word or word in d.title.split())]
    hits = {d.id for d in base if passes(d, None)}
    counts = {f: Counter(v for d in base if passes(d, f) for v in _values(d, f)) for f in FACETS}
    return hits, counts


@pytest.fixture(scope="module")
def random_archive(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SearchIndex, list[AssetDocument]]]:
    docs = _random_archive(600, seed=3)
    idx = SearchIndex(Path(tmp_path_factory.mktemp("random")))
    # Several batches make several segments, plus some deletions and updates.
    for start in range(0, 600, 150):
        idx.apply(docs[start : start + 150])
    gone = [d.id for d in docs if d.id % 17 == 0]
    idx.apply(deletes=gone)
    changed = [
        AssetDocument(**{**d.__dict__, "kind": "audio", "tags": ("cinco",)})
        for d in docs
        if d.id % 23 == 0 and d.id % 17
    ]
    idx.apply(changed)
    final = {d.id: d for d in docs if d.id % 17}
    final.update({d.id: d for d in changed})
    yield idx, list(final.values())
    idx.close()


_CASES: list[tuple[str, dict[str, list[str]], frozenset[str] | None, bool]] = [
    ("", {}, None, False),
    ("rojo", {}, None, False),
    ("azul", {"kind": ["image", "video"]}, None, False),
    ("", {"kind": ["audio"], "tag": ["cinco", "uno"]}, None, False),
    ("verde", {"year": ["2023", "2024"], "orientation": ["square"]}, frozenset({"salud"}), False),
    ("", {"compliance": ["fail"], "status": ["approved", "draft"]}, None, True),
    ("azul", {"category": ["logo", "graphic"], "kind": ["vector"]}, None, False),
    ("negro", {"agency": ["obras", "turismo"], "tag": ["dos"]}, frozenset(), False),
    ("gris", {f: [] for f in FACETS}, frozenset({"cultura", "obras"}), False),
]


@pytest.mark.parametrize(("word", "filters", "agencies", "public_only"), _CASES)
def test_counts_match_brute_force(
    random_archive: tuple[SearchIndex, list[AssetDocument]],
    word: str,
    filters: dict[str, list[str]],
    agencies: frozenset[str] | None,
    public_only: bool,
) -> None:
    idx, docs = random_archive
    active = {f: v for f, v in filters.items() if v}
    hits, counts = _brute(docs, word, active, agencies, public_only)

    def query(page: int) -> SearchQuery:
        return SearchQuery(
            text=word,
            filters=filters,
            agencies=agencies,
            public_only=public_only,
            page=page,
            per_page=200,
            facet_limit=100,
        )

    results = idx.search(query(1))
    assert results.total == len(hits)
    assert sorted(_all_pages(lambda p: ids(idx.search(query(p))))) == sorted(hits)
    for facet in FACETS:
        got = {v: c for v, c in results.facets[facet].items() if c}
        assert got == dict(counts[facet]), facet


def _all_pages(search: Callable[[int], list[int]]) -> list[int]:
    out, page = [], 1
    while chunk := search(page):
        out.extend(chunk)
        page += 1
    return out


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "relevance"])
def test_order_across_segments(
    random_archive: tuple[SearchIndex, list[AssetDocument]], sort: str
) -> None:
    idx, docs = random_archive
    got = _all_pages(
        lambda p: ids(idx.search(SearchQuery(text="rojo", sort=sort, page=p, per_page=25)))
    )
    matching = [d for d in docs if "rojo" in d.title.split()]
    assert sorted(got) == sorted(d.id for d in matching)
    created = {d.id: d.created_at for d in docs}
    if sort == "newest":
        assert [created[i] for i in got] == sorted((created[i] for i in got), reverse=True)
    if sort == "oldest":
        assert [created[i] for i in got] == sorted(created[i] for i in got)
    if sort == "title":
        titles = {d.id: d.title for d in docs}
        assert [titles[i] for i in got] == sorted(titles[i] for i in got)


def test_counts_read_the_hits_or_the_others_and_agree(
    new_index: Callable[..., SearchIndex],
) -> None:
    # Facet counts read the fewer of the hits and the non-hits (totals minus the
    # others' counts); over masks of every density both give the plain count.
    import numpy as np

    from search_index.facets import _counter

    idx = new_index()
    idx.apply(ARCHIVE)
    idx.apply(deletes=[4])  # deleted documents are in the totals and among the others
    idx.search(SearchQuery())
    view = idx._view
    assert view is not None
    rng = np.random.default_rng(5)
    for density in (0.0, 0.2, 0.5, 0.8, 1.0):
        hits = (rng.random(view.doccount) < density) & view.live
        counter = _counter(view, hits)
        for facet in FACETS:
            column = view.facet(facet)
            expected: Counter[str] = Counter()
            for doc in np.flatnonzero(hits):
                if column.codes is not None:
                    if column.codes[doc] >= 0:
                        expected[column.values[column.codes[doc]]] += 1
                else:
                    assert column.pair_docs is not None and column.pair_codes is not None
                    for code in column.pair_codes[column.pair_docs == doc]:
                        expected[column.values[code]] += 1
            counts = counter(facet)
            got = {column.values[i]: int(n) for i, n in enumerate(counts) if n}
            assert got == dict(expected), (density, facet)
