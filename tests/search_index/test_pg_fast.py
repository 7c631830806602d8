"""The PostgreSQL backend's path for searches of words (``search_index.pg_fast``).

It answers from the ``terms`` index and this process's copy of the facet codes;
the general path answers the same searches from ``documents`` with
``ts_rank``. Each case here runs both and wants the same answer, row for row
and score for score, on a generated archive with many ties. The copy of the
facet codes is checked against a fresh read after writes committed out of
order, removals and a rebuild. These run in the PostgreSQL run of the suite.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from search_index import AssetDocument, SearchQuery, SearchResults, pg_fast
from search_index.pg_docvalues import DocValues
from search_index.pg_index import _CODE_COLUMNS, PostgresSearchIndex
from tests.plugins.databases import PostgresServer

from .conftest import ARCHIVE, search_database, when

_WORDS = (
    "parte salud escuela hospital campaña vacunación cultura plaza informe logo "
    "inauguración entrevista radio árbol navidad brigada gobernadora recorrido"
).split()
_KINDS = ("image", "video", "audio", "document", "vector")
_AGENCIES = ("salud", "educacion", "cultura", "comunicacion", None)


def _generated(count: int) -> tuple[AssetDocument, ...]:
    rng = random.Random(7)
    docs = []
    for i in range(100, 100 + count):
        docs.append(
            AssetDocument(
                i,
                " ".join(rng.choices(_WORDS, k=rng.randint(1, 4))),
                " ".join(rng.choices(_WORDS, k=rng.randint(0, 12))),
                tags=tuple(sorted(set(rng.choices(_WORDS[:8], k=rng.randint(0, 3))))),
                credit=rng.choice(("José Pérez", "Ana Gómez", "Raúl Núñez", "")),
                kind=rng.choice(_KINDS),
                agency=rng.choice(_AGENCIES),
                year=rng.choice((2022, 2023, 2024)),
                compliance=rng.choice(("pass", "warn", "fail")),
                status=rng.choice(("approved", "draft")),
                public=rng.random() < 0.5,
                # Few distinct dates: ties on the sort key, broken by id.
                created_at=when(2024, rng.randint(1, 3), 1),
            )
        )
    return tuple(docs)


DOCS = ARCHIVE + _generated(400)


@pytest.fixture(scope="module")
def engine(pg_server: PostgresServer | None) -> Iterator[Engine]:
    with search_database(pg_server) as engine:
        yield engine


@pytest.fixture(scope="module")
def index(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> PostgresSearchIndex:
    idx = PostgresSearchIndex(engine, tmp_path_factory.mktemp("fast"))
    idx.rebuild(DOCS)
    return idx


def _both(
    index: PostgresSearchIndex, query: SearchQuery, monkeypatch: pytest.MonkeyPatch
) -> tuple[SearchResults, SearchResults]:
    answered: list[Any] = []
    run = pg_fast.run

    def spy(*args: Any, **kwargs: Any) -> Any:
        answer = run(*args, **kwargs)
        answered.append(answer)
        return answer

    with monkeypatch.context() as m:
        m.setattr(pg_fast, "run", spy)
        fast = index.search(query)
    assert answered and answered[0] is not None, "the word path should answer this search"
    with monkeypatch.context() as m:
        m.setattr(pg_fast, "plan", lambda *args, **kwargs: None)
        general = index.search(query)
    return fast, general


def _same(fast: SearchResults, general: SearchResults) -> None:
    assert fast.total == general.total
    assert [h.id for h in fast.hits] == [h.id for h in general.hits]
    assert [h.score for h in fast.hits] == pytest.approx([h.score for h in general.hits], 1e-6)
    assert [h.highlights for h in fast.hits] == [h.highlights for h in general.hits]
    assert fast.facets == general.facets
    assert fast.suggestion == general.suggestion


TEXTS = (
    "parte",
    "salud",
    "inauguracion",
    "vacunas",
    "inaug*",
    "credito:perez",
    "tag:salud",
    "etiqueta:escuela",
    "salud -hospital",
    "salud OR cultura",
    "escuela -tag:escuela -credito:gomez",
    "img_2034.jpg",
    "nadaquever",
)
OPTIONS: tuple[dict[str, Any], ...] = (
    {},
    {"sort": "newest", "per_page": 7, "page": 2},
    {"sort": "oldest"},
    {"per_page": 5, "page": 3},
    {"filters": {"kind": ["image", "video"]}},
    {"filters": {"tag": ["salud", "escuela"], "year": ["2024"]}},
    {"agencies": frozenset({"salud"})},
    {"agencies": frozenset()},
    {"public_only": True, "filters": {"agency": ["cultura"]}},
    {"facets": False},
)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "default")
@pytest.mark.parametrize("text", TEXTS)
def test_the_word_path_answers_as_the_general_path(
    index: PostgresSearchIndex,
    text: str,
    options: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, general = _both(index, SearchQuery(text=text, **options), monkeypatch)
    _same(fast, general)


@pytest.mark.parametrize("options", [o for o in OPTIONS if "filters" in o], ids=str)
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_filters_alone_are_answered_as_by_the_general_path(
    index: PostgresSearchIndex, options: dict[str, Any], sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, general = _both(index, SearchQuery(text="", sort=sort, **options), monkeypatch)
    _same(fast, general)


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ('"escuela primaria"', {}),
        ("salud escuela", {}),
        ("2024", {}),
        ("descripcion:salud", {}),
        ("id:3", {}),
        ("salud", {"sort": "title"}),
        ("", {"sort": "title", "filters": {"kind": ["image"]}}),
    ],
)
def test_other_searches_take_the_general_path(
    index: PostgresSearchIndex, text: str, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[object] = []
    run = pg_fast.run
    monkeypatch.setattr(pg_fast, "run", lambda *a, **k: called.append(1) or run(*a, **k))
    assert index.search(SearchQuery(text=text, **options)).total > 0
    assert called == []


def _arrays(copy: DocValues, engine: Engine) -> dict[str, np.ndarray]:
    with engine.connect() as conn:
        snap = copy.refresh(conn)
    ids = np.flatnonzero(snap.present)
    codes, owners = snap.tags_of(ids)
    tags = [sorted(codes[owners == i].tolist()) for i in range(len(ids))]
    return {
        "ids": ids,
        "public": snap.public[ids],
        "created": snap.created[ids],
        "codes": snap.codes[ids],
        "tags": np.array([",".join(map(str, t)) for t in tags]),
    }


def _agree(kept: dict[str, np.ndarray], fresh: dict[str, np.ndarray]) -> None:
    for name, values in fresh.items():
        np.testing.assert_array_equal(kept[name], values, err_msg=name)


def test_the_copy_of_the_facet_codes_follows_every_change(
    engine: Engine, tmp_path: Path, index: PostgresSearchIndex
) -> None:
    """Writes committed out of order, removals, new tags and a rebuild: the copy kept
    by reading only what changed equals one read whole."""
    columns = _CODE_COLUMNS[:-1]
    kept = DocValues(columns)
    _agree(_arrays(kept, engine), _arrays(DocValues(columns), engine))

    # A writer that began first commits last: its transaction id is lower than one
    # the copy has already seen.
    slow = engine.connect()
    transaction = slow.begin()
    index.apply(
        [replace(DOCS[0], tags=("recién", "llegado", "a", "la", "plaza", "mayor"))], connection=slow
    )
    index.apply([replace(DOCS[1], kind="video", public=False)], deletes=[DOCS[2].id])
    _agree(_arrays(kept, engine), _arrays(DocValues(columns), engine))
    transaction.commit()
    slow.close()
    fresh = _arrays(DocValues(columns), engine)
    assert DOCS[0].id in fresh["ids"] and DOCS[2].id not in fresh["ids"]
    _agree(_arrays(kept, engine), fresh)

    # Removed, then written again; a new document past the end of the arrays.
    index.apply(deletes=[DOCS[3].id])
    index.apply([DOCS[3], replace(DOCS[4], id=5000)])
    _agree(_arrays(kept, engine), _arrays(DocValues(columns), engine))

    # One document's tags written again and again: the old codes pile up in the buffer
    # until it is compacted.
    for round_ in range(100):
        tags = tuple(f"ronda {round_} {k}" for k in range(80))
        index.apply([replace(DOCS[5], tags=tags)])
        _arrays(kept, engine)
    _agree(_arrays(kept, engine), _arrays(DocValues(columns), engine))

    index.rebuild(DOCS[:50])
    fresh = _arrays(DocValues(columns), engine)
    assert len(fresh["ids"]) == 50
    _agree(_arrays(kept, engine), fresh)
    index.rebuild(DOCS)


def test_a_write_during_a_rebuild_waits_for_it_and_is_found_after(
    engine: Engine, index: PostgresSearchIndex
) -> None:
    """The rebuild replaces ``terms`` at its end: a writer meanwhile waits from its first
    statement (no deadlock, whatever it locks), then writes into the new table."""
    import threading
    import time

    started = threading.Event()

    def slowly() -> Iterator[AssetDocument]:
        for n, doc in enumerate(DOCS):
            if n == 10:
                started.set()
                time.sleep(1.0)
            yield doc

    errors: list[BaseException] = []
    written = threading.Event()
    # New words (nothing else waits for the rebuild) and known ones (their row in
    # ``words`` is one the rebuild took out and writes again).
    newcomer = replace(DOCS[0], id=7000, title="Llegada del tranvía nocturno a la escuela")

    def write() -> None:
        started.wait(30)
        try:
            index.apply([newcomer])
            written.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    index.rebuild(slowly())
    writer.join(30)
    assert errors == [] and written.is_set()
    found = index.search(SearchQuery(text="tranvia"))
    assert {h.id for h in found.hits} == {7000}
    index.rebuild(DOCS)
