"""The rebuild writer (search_index.writing, .postings, .building) against Whoosh's own writer.

The oracle is Whoosh's ``SegmentWriter`` writing the same documents: one
test compares the segment files byte for byte, the others compare what a
reader of stock Whoosh reads back (every term, every posting's weight and
positions, field lengths, stored fields, columns, counts) after rebuilds in
one process, in two, and past the memory budget (postings spilled to runs on
disk and merged into the same segment).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import TOC, FileIndex

from search_index import AssetDocument, SearchIndex
from search_index.building import build_segments
from search_index.layout import Layout
from search_index.schema import build_schema, document_fields
from search_index.writing import SegmentBuilder

from .conftest import ARCHIVE

_PROSE = (
    "El gobernador y la secretaria de salud inauguraron la clínica; la clínica "
    "atenderá a las familias de la región, y las familias celebraron la "
    "inauguración de la clínica con música, danza y comida típica."
)
_ODD = (
    AssetDocument(
        9001,
        "de la escuela a la escuela: la escuela",  # stop words first, a word three times
        _PROSE * 3,
        tags=("Salud ", "salud", "niñez, juventud"),
        keywords=("vacunación", "vacunacion", "campaña"),
        collections=("Informe 2024",),
        filename="IMG_2034.JPG",
        camera="Canon EOS R5",
        lens="RF 24-70mm F2.8",
        embedded=("Título de la cámara", "Descripción incrustada"),
        text=" ".join(f"palabra{n % 37} {_PROSE}" for n in range(40)),
        year=None,
        captured_at=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
    ),
    AssetDocument(9002, "y de la", "", kind="video", status="published", public=True),
    AssetDocument(9003, "Ñandú 🦩 ØRESUND straße", "añoranza", agency="cultura"),
)


def _docs() -> list[AssetDocument]:
    # Forty copies make posting lists longer than one block (128 postings).
    copies = [
        replace(
            doc,
            id=doc.id + 100 * copy,
            title=f"{doc.title} copia {copy}",
            description=f"{doc.description} {'escuela ' * (copy % 5)}",
        )
        for copy in range(40)
        for doc in ARCHIVE
    ]
    return copies + list(_ODD)


def _whoosh(path: Path, docs: list[AssetDocument], **options: Any) -> FileIndex:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = ix.writer(**options)
    for doc in docs:
        writer.add_document(**document_fields(doc))
    writer.commit()
    return ix


def _files(path: Path, segid: str) -> dict[str, str]:
    return {
        p.name.replace(segid, "SEG"): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in path.iterdir()
        if segid in p.name
    }


@pytest.mark.parametrize("spill_every", [0, 1, 97], ids=["in-memory", "run-per-doc", "runs"])
def test_a_segment_is_the_one_whoosh_writes_byte_for_byte(tmp_path: Path, spill_every: int) -> None:
    """Also when the postings went to sorted runs on disk on the way (past the budget)."""
    docs = _docs()
    plain = _whoosh(tmp_path / "whoosh", docs, compound=False)
    (theirs,) = plain._segments()
    (tmp_path / "ours").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ours"), build_schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, build_schema(), compound=False)
    for number, doc in enumerate(docs, 1):
        builder.add(**document_fields(doc))
        if spill_every and number % spill_every == 0:
            builder.spill()
    ours = builder.finish()
    assert not [p for p in (tmp_path / "ours").iterdir() if p.name.startswith(".run-")]
    expected = _files(tmp_path / "whoosh", theirs.segid)
    assert len(expected) > 10
    assert _files(tmp_path / "ours", ours.segid) == expected
    assert ours._fieldlengths == theirs._fieldlengths
    assert ours.doc_count_all() == theirs.doc_count_all() == len(docs)
    assert type(ours.codec()) is W3Codec  # readers need nothing of ours


def _content(ix: FileIndex) -> dict[str, Any]:
    """Everything a search reads from ``ix``, keyed by asset id instead of document number."""
    schema = ix.schema
    scored = [name for name in schema.names() if schema[name].scorable]
    columns = [name for name in schema.names() if schema[name].column_type]
    with ix.reader() as reader:
        asset = {docnum: int(stored["id"]) for docnum, stored in reader.iter_docs()}
        terms = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            kind = "positions" if matcher.supports("positions") else "frequency"
            postings = []
            while matcher.is_active():
                postings.append((asset[matcher.id()], matcher.weight(), matcher.value_as(kind)))
                matcher.next()
            terms[fieldname, text] = (
                reader.doc_frequency(fieldname, text),
                reader.frequency(fieldname, text),
                sorted(postings),
            )
        docs = {}
        # Column by column per segment: Whoosh's reader across segments misplaces
        # the values of a column that some segment lacks (the app reads per segment too).
        for leaf, base in reader.leaf_readers():
            readers = {name: leaf.column_reader(name) for name in columns}
            for docnum in range(leaf.doc_count_all()):
                docs[asset[base + docnum]] = (
                    leaf.stored_fields(docnum),
                    # No length reads as None, or as 0 from a segment without the field.
                    [leaf.doc_field_length(docnum, name) or 0 for name in scored],
                    [readers[name][docnum] for name in columns],
                )
        # (Whoosh's min_field_length fails on a segment without the field at all.)
        lengths = [reader.field_length(name) for name in scored]
        return {
            "count": (reader.doc_count(), reader.doc_count_all(), reader.has_deletions()),
            "docs": docs,
            "terms": terms,
            "lengths": lengths,
        }


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_holds_what_whoosh_writes(tmp_path: Path, processes: int) -> None:
    docs = _docs()
    expected = _content(_whoosh(tmp_path / "whoosh", docs))
    idx = SearchIndex.for_rebuild(tmp_path / "ours")
    assert idx.rebuild(iter(docs + docs[:5]), count=len(docs), processes=processes) == len(docs)
    idx.close()
    layout = Layout(tmp_path / "ours")
    gen = layout.current()
    assert gen is not None
    ix = whoosh_index.open_dir(str(layout.path(gen)))  # stock Whoosh, its own pickled schema
    segments = ix._segments()
    assert len(segments) == processes
    assert all(type(s.codec()) is W3Codec and s.compound for s in segments)
    assert _content(ix) == expected
    assert sorted(p.name for p in layout.path(gen).iterdir() if p.is_dir()) == []


def test_a_writer_past_its_memory_budget_still_writes_one_segment(tmp_path: Path) -> None:
    docs = _docs()
    expected = _content(_whoosh(tmp_path / "whoosh", docs))
    (tmp_path / "ours").mkdir()
    schema = build_schema()
    ix = whoosh_index.create_in(str(tmp_path / "ours"), schema)
    segments = build_segments(
        ix.storage, ix.indexname, schema, docs, document_fields, 1, memory_bytes=50_000
    )
    assert len(segments) == 1  # spilled to runs after each batch, merged at the end
    TOC(schema, segments, 1).write(ix.storage, ix.indexname)
    assert _content(whoosh_index.open_dir(str(tmp_path / "ours"))) == expected


def _fails_on_the_odd_ones(doc: AssetDocument) -> dict[str, Any]:
    if doc.id == _ODD[0].id:
        raise ValueError("an unreadable document")
    return document_fields(doc)


def test_a_failing_writer_process_fails_the_rebuild(tmp_path: Path) -> None:
    (tmp_path / "ours").mkdir()
    schema = build_schema()
    ix = whoosh_index.create_in(str(tmp_path / "ours"), schema)
    with pytest.raises(RuntimeError, match="an unreadable document"):
        build_segments(
            ix.storage, ix.indexname, schema, _docs(), _fails_on_the_odd_ones, 2, 1 << 30
        )


def test_a_field_the_writer_cannot_write_is_refused(tmp_path: Path) -> None:
    from whoosh import fields

    schema = fields.Schema(body=fields.TEXT(vector=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with pytest.raises(TypeError, match="body"):
        SegmentBuilder(ix.storage, ix.indexname, schema)
