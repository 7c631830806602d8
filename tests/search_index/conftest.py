"""Fixtures for the search domain: a small hand-made archive and throwaway indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from search_index import AssetDocument, SearchIndex, SearchQuery, SearchResults
from search_index.pg_docvalues import forget_all
from search_index.pg_index import install
from search_index.pg_schema import SCHEMA
from tests.plugins.databases import PostgresServer


def when(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


#: The hand-made archive most tests search; facet tests count it by hand.
ARCHIVE: tuple[AssetDocument, ...] = (
    AssetDocument(
        1,
        "Inauguración de la escuela primaria",
        "La gobernadora inauguró la escuela en Tlalpan",
        tags=("educación", "escuelas"),
        credit="José Pérez",
        kind="image",
        category="photo",
        agency="educacion",
        year=2024,
        orientation="horizontal",
        compliance="pass",
        status="approved",
        public=True,
        created_at=when(2024, 3, 1),
        filename="IMG_2034.JPG",
    ),
    AssetDocument(
        2,
        "Foto de la campaña de vacunación",
        "Brigadas de salud aplican vacunas casa por casa",
        tags=("salud", "vacunación"),
        credit="Ana Gómez",
        kind="image",
        category="photo",
        agency="salud",
        year=2023,
        orientation="vertical",
        compliance="warn",
        status="approved",
        created_at=when(2023, 5, 1),
    ),
    AssetDocument(
        3,
        "Logo institucional <script>alert(1)</script>",
        "Versión horizontal del logo",
        tags=("logo", "identidad"),
        creator="Oficina de Imagen",
        kind="vector",
        category="logo",
        agency="comunicacion",
        year=2022,
        orientation="horizontal",
        compliance="pass",
        status="approved",
        public=True,
        filename="Logo_Salud_2024.SVG",
        created_at=when(2022, 1, 10),
    ),
    AssetDocument(
        4,
        "Comunicación social: informe anual",
        "Informe de actividades del año",
        kind="document",
        category="document",
        agency="comunicacion",
        year=2024,
        compliance="unchecked",
        status="draft",
        created_at=when(2024, 6, 1),
        filename="informe-2024.pdf",
    ),
    AssetDocument(
        5,
        "Video de la inauguración del hospital",
        "Recorrido por el nuevo hospital general",
        tags=("salud", "hospitales"),
        credit="Raúl Núñez",
        kind="video",
        category="video",
        agency="salud",
        year=2024,
        orientation="horizontal",
        compliance="fail",
        status="in_review",
        created_at=when(2024, 2, 15),
        event="Inauguración del Hospital General 2024",
    ),
    AssetDocument(
        6,
        "Entrevista en radio",
        "Audio de la entrevista sobre el ciclo escolar",
        tags=("educación",),
        kind="audio",
        category="audio",
        agency="educacion",
        year=2021,
        compliance="unchecked",
        status="archived",
        public=True,
        created_at=when(2021, 9, 1),
        collections=("Prensa 2021",),
    ),
    AssetDocument(
        7,
        "Árbol de navidad en la plaza",
        "Encendido del árbol en el año nuevo",
        tags=("cultura",),
        credit="María Peña",
        kind="image",
        category="graphic",
        agency="cultura",
        year=2023,
        orientation="square",
        compliance="pass",
        status="approved",
        public=True,
        created_at=when(2023, 12, 20),
        caption="Campaña navideña",
    ),
    AssetDocument(
        8,
        "banco de imágenes",
        "Fotos de archivo",
        kind="image",
        agency="cultura",
        orientation="vertical",
        status="draft",
        created_at=when(2020, 1, 1),
    ),
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """A read-only index of :data:`ARCHIVE`, shared by a test module."""
    idx = SearchIndex(tmp_path_factory.mktemp("archive"))
    idx.apply(ARCHIVE)
    yield idx
    idx.close()


@pytest.fixture
def new_index(tmp_path: Path) -> Iterator[Callable[..., SearchIndex]]:
    """Factory of empty indexes in ``tmp_path``; all are closed after the test."""
    opened: list[SearchIndex] = []

    def make(name: str = "index", **kwargs: object) -> SearchIndex:
        idx = SearchIndex(tmp_path / name, **kwargs)  # type: ignore[arg-type]
        opened.append(idx)
        return idx

    yield make
    for idx in opened:
        idx.close()


def ids(results: SearchResults) -> list[int]:
    return [hit.id for hit in results.hits]


def find(idx: SearchIndex, text: str = "", **kwargs: object) -> SearchResults:
    return idx.search(SearchQuery(text=text, **kwargs))  # type: ignore[arg-type]


@contextmanager
def search_database(pg_server: PostgresServer | None) -> Iterator[Engine]:
    """A PostgreSQL database of its own holding the search schema, dropped afterwards
    (the test is skipped outside the PostgreSQL run)."""
    if pg_server is None:
        pytest.skip("the PostgreSQL backend needs BRANDHUB_TEST_DATABASE_URL")
    name = pg_server.new_name()
    engine = create_engine(pg_server.create(name), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            install(conn)
        yield engine
    finally:
        engine.dispose()
        pg_server.drop(name)


def empty_search_tables(engine: Engine) -> None:
    """Every search table emptied, as if new; this process's copies of it dropped too."""
    with engine.begin() as conn:
        conn.execute(
            text(
                f"TRUNCATE {SCHEMA}.documents, {SCHEMA}.words, {SCHEMA}.facet_counts, "
                f"{SCHEMA}.terms, {SCHEMA}.removed"
            )
        )
    forget_all()
