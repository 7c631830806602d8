"""The bulk numpy readers agree with Whoosh's own one-at-a-time API."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.reading import IndexReader

from search_index import AssetDocument, arrays
from search_index.schema import build_schema, document_fields

from .conftest import ARCHIVE, when


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexReader]:
    """One segment with terms spanning several 128-posting blocks, and some deletions."""
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("arrays")), build_schema())
    writer = ix.writer()
    for i in range(1, 701):
        words = ["salud"] + ["escuela"] * (i % 4) + (["raro"] if i % 97 == 0 else [])
        doc = AssetDocument(
            i,
            " ".join(words),
            description="x " * (i % 30),
            kind="image",
            created_at=when(2020 + i % 5),
            tags=(f"t{i % 3}",),
        )
        writer.add_document(**document_fields(doc))
    for doc in ARCHIVE:
        writer.add_document(**document_fields(doc))
    writer.commit()
    writer = ix.writer()
    writer.delete_by_term("id", "600")
    writer.commit(merge=False)
    with ix.reader() as r:
        yield r


@pytest.mark.parametrize(
    ("fieldname", "term"),
    [
        ("title", "salud"),
        ("title", "escuel"),
        ("title", "rar"),
        ("kind", "image"),
        ("tag", "t1"),
        ("title", "nothing"),
        ("id", "700"),
    ],
)
def test_postings_match_whoosh(reader: IndexReader, fieldname: str, term: str) -> None:
    ids, tfs = arrays.postings(reader, fieldname, term.encode())
    if (fieldname, term) not in reader:
        assert len(ids) == 0
        return
    expected = list(reader.postings(fieldname, term.encode()).items_as("weight"))
    deleted = reader.deleted_docs_set
    # Ours keeps deleted documents (they are masked later); Whoosh's skips them.
    assert [
        (i, w) for i, w in zip(ids.tolist(), tfs.tolist(), strict=True) if i not in deleted
    ] == expected
    assert np.all(np.diff(ids) > 0)


def test_multi_block_term_is_long_enough(reader: IndexReader) -> None:
    assert reader.doc_frequency("title", b"salud") > 3 * 128


def test_numeric_and_length_columns(reader: IndexReader) -> None:
    created = arrays.numeric_column(reader, "created", 0)
    idnum = arrays.numeric_column(reader, "idnum", 0)
    assert len(created) == len(idnum) == reader.doc_count_all()
    for docnum in (0, 1, 350, reader.doc_count_all() - 1):
        assert created[docnum] == reader.column_reader("created")[docnum]
        assert idnum[docnum] == reader.column_reader("idnum")[docnum]
    lengths = arrays.length_column(reader, "description")
    assert [lengths[d] for d in range(40)] == [
        reader.doc_field_length(d, "description", 0) or 0 for d in range(40)
    ]


def test_bytes_column(reader: IndexReader) -> None:
    keys = arrays.bytes_column(reader, "titlekey")
    assert keys == list(reader.column_reader("titlekey", translate=False))


def test_deleted_array(reader: IndexReader) -> None:
    assert arrays.deleted_array(reader).tolist() == sorted(reader.deleted_docs_set)
    assert len(arrays.deleted_array(reader)) == 1


def test_segment_keeps_long_posting_lists_within_its_budget(
    reader: IndexReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search_index import views
    from search_index.stemmer import stem

    data = views.SegmentData(reader.doc_count_all())
    salud = arrays.postings(reader, "title", b"salud")
    escuel = arrays.postings(reader, "title", b"escuel")
    rare_term = stem("raro").encode()
    raro = arrays.postings(reader, "title", rare_term)
    assert 0 < len(raro[0]) < 100
    one_list = salud[0].nbytes + salud[1].nbytes
    monkeypatch.setattr(views, "POSTINGS_CACHE_MIN", 100)
    monkeypatch.setattr(views, "POSTINGS_CACHE_BYTES", 4 * one_list)

    first = data.postings(reader, "title", b"salud")
    again = data.postings(reader, "title", b"salud")
    assert again[0] is first[0]  # kept, not decoded again
    assert not first[0].flags.writeable and not first[1].flags.writeable
    assert np.array_equal(first[0], salud[0]) and np.array_equal(first[1], salud[1])
    assert np.array_equal(data.postings(reader, "title", b"escuel")[0], escuel[0])
    short = data.postings(reader, "title", rare_term)  # under the minimum: not kept
    assert np.array_equal(short[0], raro[0])
    assert data.postings(reader, "title", rare_term)[0] is not short[0]

    # Over the budget the least recently used lists go first.
    monkeypatch.setattr(views, "POSTINGS_CACHE_BYTES", one_list + 1)
    data = views.SegmentData(reader.doc_count_all())
    kept = data.postings(reader, "title", b"salud")
    data.postings(reader, "title", b"escuel")
    assert data._postings_bytes <= one_list + 1
    assert data.postings(reader, "title", b"salud")[0] is not kept[0]
