"""What rebuilds write with: a segment in Whoosh's own format, without Whoosh's writer.

Whoosh's writer turns each field of each document into posting tuples
(``field.index`` → ``Format.word_values``), adds them one by one to a pool
that spills sorted runs to disk, sorts and merges them, and feeds them back
one by one through a chain of method calls that ends in its posting-block
writer, asking the segment's per-document reader for each posting's field
length on the way. Measured on 100,000 documents of the benchmark's corpus
(3.6 million postings per 50,000 documents), two such writers took 132 to
149 CPU-seconds, almost all of it per posting.

:class:`SegmentBuilder` writes the same files from plain structures. Each
document's text fields are reduced to word lists by the analyzers' own fast
path (:meth:`~search_index.analysis.FoldedWordsAnalyzer.index_words`), and
each term's postings are kept in memory as one array of (document,
frequency) pairs, plus the encoded positions for the prose fields. At the
end the terms are sorted once and :mod:`search_index.postings` writes each
posting list whole, block by block, and the term index. Stored fields,
columns and lengths go through Whoosh's per-document writer as before: it
works per document, not per posting. The same rebuild now takes 37
CPU-seconds: analysing a document and gathering its postings about 200 µs,
writing the postings and terms about 6.5 s per 50,000 documents.

The files are Whoosh's default codec's, byte for byte (a test builds the
same documents both ways and compares every file), and the segment names
that codec, so readers need nothing of this module. Only what the schema
uses is supported: the Existence, Frequency and Positions formats with
tokens of boost 1, no term vectors, no separate spelling fields (a schema
with anything else is refused at once), and no boosts or custom stored
values among a document's arguments (refused as unknown fields).
"""

from __future__ import annotations

import heapq
import pickle
import re
import tempfile
from array import array
from collections.abc import Iterator
from pickle import dumps
from struct import Struct
from typing import Any

from whoosh import formats
from whoosh.analysis import IDTokenizer, KeywordAnalyzer
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import FieldType, Schema, UnknownFieldError
from whoosh.filedb.filestore import Storage
from whoosh.util.numeric import length_to_byte

from .analysis import FoldedWordsAnalyzer, identifier_analyzer, identifier_pieces
from .postings import EXISTENCE, FREQUENCY, POSITIONS, PostingsWriter, TermIndex

__all__ = ["SegmentBuilder"]

_UINT = Struct("!I")
_USHORT = Struct("!H")
_ONE = _UINT.pack(1)

_IDENTIFIERS = identifier_analyzer()
_COMMAS = KeywordAnalyzer(commas=True)
_FIND_COMMA_SEPARATED = re.compile(r"[^,]+").findall


class _Field:
    """How one schema field is written: its format, analyzer fast path, lengths, column."""

    def __init__(self, name: str, field: FieldType) -> None:
        self.name = name
        self.field = field
        self.stored = bool(field.stored)
        self.column = field.column_type
        self.indexed = bool(field.indexed)
        self.scorable = bool(field.scorable)
        fmt = field.format
        self.kind = -1
        if self.indexed:
            if field.vector or field.separate_spelling():
                raise TypeError(f"field {name!r}: term vectors and spelling fields unsupported")
            kinds = {formats.Existence: EXISTENCE, formats.Frequency: FREQUENCY}
            kinds[formats.Positions] = POSITIONS
            if type(fmt) not in kinds:
                raise TypeError(f"field {name!r}: format {type(fmt).__name__} unsupported")
            self.kind = kinds[type(fmt)]
        self.boost = float(fmt.field_boost) if fmt is not None else 1.0
        analyzer = getattr(field, "analyzer", None)
        self.words = analyzer if isinstance(analyzer, FoldedWordsAnalyzer) else None
        self.whole = isinstance(analyzer, IDTokenizer) and self.kind == EXISTENCE
        self.pieces = analyzer == _IDENTIFIERS and self.kind != POSITIONS
        self.commas = analyzer == _COMMAS and self.kind != POSITIONS
        # term -> array of (docnum, frequency) pairs (docnums only for Existence)
        self.terms: dict[str, array[int]] = {}
        # term -> encoded positions, one per posting (Positions only)
        self.positions: dict[str, list[bytes]] = {}
        self.lengths = bytearray() if self.scorable else None


class SegmentBuilder:
    """Builds one new segment of the index in ``storage`` from documents' field values.

    ``add`` takes the keyword arguments Whoosh's ``add_document`` takes;
    ``finish`` writes the postings, closes the segment's files and returns
    the segment for the index's table of contents.
    """

    def __init__(
        self, storage: Storage, indexname: str, schema: Schema, *, compound: bool = True
    ) -> None:
        self._storage = storage
        self._codec = W3Codec()
        self.segment = W3Segment(self._codec, indexname)
        self._compound = compound
        self._fields = {name: _Field(name, schema[name]) for name in schema.names()}
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self._docnum = 0
        self._postings = 0
        self._singles: dict[int, bytes] = {}
        self._runs: list[Any] = []  # spilled postings, oldest first (temporary files)

    @property
    def doc_count(self) -> int:
        return self._docnum

    def estimated_bytes(self) -> int:
        """A rough size of the postings held in memory, to spill them to a run past a budget.

        Measured: a writer process grew by about 42 bytes per posting (151 MB
        for 50,000 documents of the benchmark's corpus, 3.6 million postings).
        """
        return self._postings * 48

    def spill(self) -> None:
        """Write the postings held in memory to a sorted run on disk and let them go.

        The documents after it continue the same segment: ``finish`` merges the
        runs term by term (a term's postings in each run come after those of the
        runs before, so they are joined in order), and a large rebuild ends with
        one segment per writer however much memory it was given.
        """
        folder = getattr(self._storage, "folder", None)
        run = tempfile.TemporaryFile(dir=folder, prefix=".run-")
        try:
            for name, btext, pairs, positions, _order in self._memory_terms(0):
                pickle.dump((name, btext, pairs.tobytes(), positions), run, 5)
        except BaseException:
            run.close()
            raise
        run.seek(0)
        self._runs.append(run)
        for spec in self._fields.values():
            spec.terms, spec.positions = {}, {}
        self._postings = 0

    def _memory_terms(self, order: int) -> Iterator[tuple[Any, ...]]:
        """The postings in memory, by field and term bytes, given up as they go."""
        for name in sorted(n for n, spec in self._fields.items() if spec.terms):
            spec = self._fields[name]
            positions = spec.positions
            for btext, term in sorted((t.encode("utf-8"), t) for t in spec.terms):
                yield name, btext, spec.terms.pop(term), positions.pop(term, None), order

    @staticmethod
    def _run_terms(run: Any, order: int) -> Iterator[tuple[Any, ...]]:
        while True:
            try:
                name, btext, raw, positions = pickle.load(run)
            except EOFError:
                return
            pairs = array("I")
            pairs.frombytes(raw)
            yield name, btext, pairs, positions, order

    def _all_terms(self) -> Iterator[tuple[str, bytes, array[int], list[bytes] | None]]:
        """Every term's whole postings, by field and term bytes: the runs' and memory's joined."""
        sources = [self._run_terms(run, order) for order, run in enumerate(self._runs)]
        sources.append(self._memory_terms(len(self._runs)))
        merged = heapq.merge(*sources, key=lambda item: (item[0], item[1], item[4]))
        current: tuple[str, bytes] | None = None
        pairs: array[int] = array("I")
        positions: list[bytes] | None = None
        for name, btext, more, more_positions, _order in merged:
            if (name, btext) != current:
                if current is not None:
                    yield current[0], current[1], pairs, positions
                current, pairs, positions = (name, btext), more, more_positions
                continue
            pairs.extend(more)
            if positions is not None and more_positions is not None:
                positions.extend(more_positions)
        if current is not None:
            yield current[0], current[1], pairs, positions

    def add(self, **values: Any) -> None:
        docnum = self._docnum
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        # Whoosh's order: stored fields are pickled as a dict in this order.
        for name in sorted(values):
            value = values[name]
            if value is None:
                continue
            try:
                spec = self._fields[name]
            except KeyError:
                # Also boosts and custom stored values ("_boost", "_stored_title"):
                # nothing here writes them.
                raise UnknownFieldError(f"No field named {name!r}") from None
            length = self._index(spec, value, docnum) if spec.indexed else 0
            perdoc.add_field(name, spec.field, value if spec.stored else None, length)
            if spec.column is not None:
                perdoc.add_column_value(name, spec.column, spec.field.to_column_value(value))
        perdoc.finish_doc()
        self._docnum += 1

    def _index(self, spec: _Field, value: Any, docnum: int) -> int:
        """Add ``value``'s postings in ``spec``'s field; return its length (0 if not scored)."""
        terms = spec.terms
        kind = spec.kind
        if spec.whole:
            counts: dict[str, int] = {value: 1}
        elif spec.words is not None:
            first, words = spec.words.index_words(value)
            if kind == POSITIONS:
                return self._index_positions(spec, first, words, docnum)
            counts = _count(words)
        elif spec.pieces:
            counts = dict.fromkeys(identifier_pieces(value), 1)
        elif spec.commas:
            counts = _count([text.strip() for text in _FIND_COMMA_SEPARATED(value)])
        else:
            # Any other analyzer: Whoosh's own tokens, counted here.
            counts = {
                w: freq
                for w, freq, _, _ in spec.field.format.word_values(
                    value, spec.field.analyzer, mode="index"
                )
            }
            if kind == POSITIONS:
                raise TypeError(f"field {spec.name!r}: positions need the fast analyzer")
        length = 0
        for term, freq in counts.items():
            pairs = terms.get(term)
            if pairs is None:
                pairs = terms[term] = array("I")
            pairs.append(docnum)
            if kind:
                pairs.append(freq)
            length += freq
        self._postings += len(counts)
        return self._record_length(spec, docnum, length)

    def _index_positions(self, spec: _Field, first: int, words: list[str], docnum: int) -> int:
        where: dict[str, list[int]] = {}
        for offset, word in enumerate(words, first):
            at = where.get(word)
            if at is None:
                where[word] = [offset]
            else:
                at.append(offset)
        terms, positions, singles = spec.terms, spec.positions, self._singles
        for term, at in where.items():
            pairs = terms.get(term)
            if pairs is None:
                pairs = terms[term] = array("I")
                positions[term] = []
            pairs.append(docnum)
            pairs.append(len(at))
            if len(at) == 1:
                # A new object each time: pickle writes a repeated object as a
                # reference to the first, and Whoosh's values are all distinct.
                pickled = singles.get(at[0])
                if pickled is None:
                    pickled = singles[at[0]] = dumps(at, 2)
                positions[term].append(_ONE + pickled)
            else:
                positions[term].append(_encode_positions(at))
        self._postings += len(where)
        return self._record_length(spec, docnum, len(words))

    @staticmethod
    def _record_length(spec: _Field, docnum: int, length: int) -> int:
        table = spec.lengths
        if table is None:
            return 0
        if len(table) < docnum:
            table.extend(bytes(docnum - len(table)))
        table.append(length_to_byte(length))
        return length

    def finish(self) -> W3Segment:
        """Write the postings and close the segment's files; return the segment."""
        self._perdoc.close()
        segment = self.segment
        segment.set_doc_count(self._docnum)
        storage = self._storage
        tindex = TermIndex(segment.create_file(storage, W3Codec.TERMS_EXT))
        fieldmap: dict[str, int] = {}
        tindex.writer.extras["fieldmap"] = fieldmap
        postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
        writer = PostingsWriter(postfile)
        lengths: dict[str, bytes | None] = {
            name: bytes(spec.lengths) if spec.lengths is not None else None
            for name, spec in self._fields.items()
        }
        try:
            for name, btext, pairs, positions in self._all_terms():
                spec = self._fields[name]
                if name not in fieldmap:
                    fieldmap[name] = len(fieldmap)
                prefix = _USHORT.pack(fieldmap[name])
                info = writer.write(spec.kind, spec.boost, pairs, positions, lengths[name])
                tindex.add(prefix + btext, info)
        finally:
            for run in self._runs:
                run.close()
            self._runs = []
        for spec in self._fields.values():
            spec.lengths = None
        writer.close()
        tindex.close()
        postfile.close()
        if self._compound:
            segment.create_compound_file(storage)
        return segment


def _count(words: list[str]) -> dict[str, int]:
    """How often each word occurs (a third of the time ``Counter`` takes on a field's words)."""
    counts: dict[str, int] = {}
    get = counts.get
    for word in words:
        counts[word] = get(word, 0) + 1
    return counts


def _encode_positions(at: list[int]) -> bytes:
    """Whoosh's Positions value: the count, then the pickled position deltas."""
    deltas = [at[0]] + [b - a for a, b in zip(at, at[1:], strict=False)]
    return _UINT.pack(len(at)) + dumps(deltas, 2)
