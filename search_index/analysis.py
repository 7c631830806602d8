"""Text analysis for Spanish: folding, stop words, stemming, identifiers.

Every analyzer here is a small factory; its docstring shows what goes in and
which tokens come out. The index and the query side use the same chain, so
whatever a user types meets what was indexed in the same form:

    tokenize -> lowercase -> fold accents -> drop stop words -> stem

Folding comes before stemming on purpose: people type "inauguracion" for
"Inauguración", and a stemmer fed both spellings must see one spelling. The
stemmer (:mod:`search_index.stemmer`) is written for folded text.

Folding ñ: "ñ" is folded to "n" like every other diacritic. That conflates
"año" with "ano" and "campaña" with "campana"; we accept it because people on
phones, foreign keyboards and old systems that strip diacritics write
"campana de vacunacion", and "ano"/"campana" (bell) almost never appear in
a communication office's archive. Suggestions and highlights still show
the words as they were written.

The Whoosh schema pickles these analyzers by reference, so the classes and
functions below must keep their import paths (the schema used at run time is
always the one from :mod:`search_index.schema`, never the pickled copy).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

from .stemmer import stem

__all__ = [
    "SPANISH_STOP_WORDS",
    "FoldFilter",
    "FoldedWordsAnalyzer",
    "IdentifierTokenizer",
    "fold",
    "identifier_analyzer",
    "name_analyzer",
    "spanish_analyzer",
    "spelling_analyzer",
    "words",
]

# Snowball's Spanish stop list, folded, minus forms of "estar" and "sentir"
# that are also meaningful nouns in this domain ("Estado de México",
# "Gobierno del Estado", "sentido").
_KEPT = {
    "estado",
    "estados",
    "estada",
    "estadas",
    "sentido",
    "sentidos",
    "sentida",
    "sentidas",
    "sentid",
    "siente",
}


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0x250):
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != char and base:
            table[code] = base
    # Letters NFKD leaves alone but people write without their stroke.
    table.update(
        {
            ord("ø"): "o",
            ord("Ø"): "O",
            ord("đ"): "d",
            ord("Đ"): "D",
            ord("ł"): "l",
            ord("Ł"): "L",
            ord("ß"): "ss",
            ord("æ"): "ae",
            ord("Æ"): "AE",
            ord("œ"): "oe",
            ord("Œ"): "OE",
        }
    )
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Remove diacritics: ``fold("Inauguración Año Pingüino") == "Inauguracion Ano Pinguino"``.

    Case is kept; callers lowercase separately. Characters outside Latin
    scripts keep their combining marks only if they have no base letter.
    """
    if text.isascii():
        return text
    text = text.translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stop_words() -> frozenset[str]:
    from whoosh.lang import stopwords_for_language

    return frozenset(fold(w) for w in stopwords_for_language("es")) - _KEPT


SPANISH_STOP_WORDS: frozenset[str] = _stop_words()

# Whoosh's default word pattern: letters and digits, with inner dots kept
# ("S.A.", "v2.1"). Underscores count as word characters.
_WORD = r"\w+(\.?\w+)*"
_WORD_RE = re.compile(_WORD)
# The same matches without a capturing group, so that ``findall`` returns them whole.
_FIND_WORDS = re.compile(r"\w+(?:\.?\w+)*").findall
# Words whose outcome an analyzer keeps for :meth:`FoldedWordsAnalyzer.index_words`.
_MAX_OUTCOMES = 1 << 18
_OUTCOMES: dict[tuple[int, bool], dict[str, str]] = {}


class FoldFilter(Filter):
    """Fold diacritics in each token's text (see :func:`fold`)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class FoldedWordsAnalyzer(CompositeAnalyzer):
    """Words, lowercased and folded, without stop words or words under ``minsize`` letters,
    stemmed when ``stemmed``: the chain ``RegexTokenizer | LowercaseFilter | FoldFilter |
    StopFilter [| StemFilter]``, with a fast path for indexing and querying.

    Each filter of the chain looks at one token's text alone, so what a word
    becomes (its final text, or nothing for a stop word) depends on the word
    only, and the same words repeat all through an archive. The fast path
    runs the tokenizer's pattern once, looks each word up in a cache of that
    word's outcome, and numbers positions as :class:`StopFilter` renumbers
    them; it yields the same tokens as the chain (measured: a third of the
    CPU time of a rebuild went to the chain of generators, and two fifths of
    a search's to highlighting the page's hits). Calls the fast path does
    not cover (stop words kept, original text kept, no stemming asked,
    untokenized values) run the chain itself.
    """

    def __init__(self, minsize: int, stemmed: bool) -> None:
        chain = [
            RegexTokenizer(_WORD),
            LowercaseFilter(),
            FoldFilter(),
            StopFilter(stoplist=SPANISH_STOP_WORDS, minsize=minsize),
        ]
        if stemmed:
            chain.append(StemFilter(stemfn=stem, cachesize=100_000))
        super().__init__(*chain)
        self.minsize = minsize
        self.stemmed = stemmed

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        tokenize: bool = True,
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        if keeporiginal or not removestops or not tokenize or no_morph:
            chain: Iterator[Token] = super().__call__(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                tokenize=tokenize,
                no_morph=no_morph,
                **kwargs,
            )
            return chain
        outcome = _stemmed_word if self.stemmed else _folded_word
        return self._fast(value, positions, chars, start_pos, outcome, kwargs)

    def index_words(self, value: str) -> tuple[int, list[str]]:
        """The texts of the tokens indexing ``value`` yields, in order, and the first position.

        The tokens' positions follow on from the first; ``(0, [])`` when no word is kept.
        Used by :mod:`search_index.writing`, which counts words without
        making tokens; the same outcome as :meth:`_fast` with ``start_pos=0``.
        """
        words = _FIND_WORDS(value)
        # Kept outside the object: the schema, analyzers included, is pickled into the index.
        cache = _OUTCOMES.setdefault((self.minsize, self.stemmed), {})
        # Looked up in one pass of C; "" marks a dropped word, None one not seen yet.
        texts = list(map(cache.get, words))
        if None in texts:
            if len(cache) > _MAX_OUTCOMES:
                cache.clear()
            outcome = _stemmed_word if self.stemmed else _folded_word
            for i, text in enumerate(texts):
                if text is None:
                    text = texts[i] = cache[words[i]] = outcome(words[i], self.minsize) or ""
        if "" not in texts:
            return 0, texts  # type: ignore[return-value]
        kept: list[str] = [text for text in texts if text]
        return (texts.index(kept[0]) if kept else 0), kept

    def _fast(
        self,
        value: str,
        positions: bool,
        chars: bool,
        start_pos: int,
        outcome: Callable[[str, int], str | None],
        kwargs: dict[str, Any],
    ) -> Iterator[Token]:
        minsize = self.minsize
        start_char = kwargs.pop("start_char", 0)
        t = Token(positions, chars, removestops=True, **kwargs)
        pos: int | None = None
        for n, match in enumerate(_WORD_RE.finditer(value)):
            text = outcome(match.group(0), minsize)
            if text is None:
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                # StopFilter's renumbering: the first kept word keeps its
                # position, each later one follows it.
                pos = start_pos + n if pos is None else pos + 1
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


@lru_cache(maxsize=1 << 18)
def _folded_word(word: str, minsize: int) -> str | None:
    """``word`` lowercased and folded, or ``None`` if it is a stop word or too short."""
    text = fold(word.lower())
    if len(text) < minsize or text in SPANISH_STOP_WORDS:
        return None
    return text


@lru_cache(maxsize=1 << 18)
def _stemmed_word(word: str, minsize: int) -> str | None:
    """``word`` lowercased, folded and stemmed, or ``None`` if it is a stop word or too short."""
    text = _folded_word(word, minsize)
    return None if text is None else stem(text)


def _folded_words(minsize: int) -> Analyzer:
    """Words, lowercased and folded, without stop words or words under ``minsize`` letters."""
    return FoldedWordsAnalyzer(minsize, stemmed=False)


def spanish_analyzer() -> Analyzer:
    """Analyzer for Spanish prose: titles, descriptions, captions, tags, events.

    >>> [t.text for t in spanish_analyzer()("Inauguración de las Escuelas")]
    ['inaugur', 'escuel']
    >>> [t.text for t in spanish_analyzer()("inauguracion escuela")]
    ['inaugur', 'escuel']
    >>> [t.text for t in spanish_analyzer()("Campaña de VACUNACIÓN 2024")]
    ['campan', 'vacun', '2024']
    """
    return FoldedWordsAnalyzer(minsize=2, stemmed=True)


def name_analyzer() -> Analyzer:
    """Analyzer for people's names (credit, creator): folded, never stemmed.

    Names are not stemmed ("Flores" is not "flor"). Particles like "de" and
    "la" are dropped so that "perez de la cruz" still matches when a query
    spreads those words over every field.

    >>> [t.text for t in name_analyzer()("José Pérez de la Cruz")]
    ['jose', 'perez', 'cruz']
    """
    return _folded_words(minsize=1)


def spelling_analyzer() -> Analyzer:
    """Analyzer for the vocabulary behind "did you mean": folded, unstemmed words of 3+ letters.

    >>> [t.text for t in spelling_analyzer()("Campaña de Vacunación en 2024")]
    ['campana', 'vacunacion', '2024']
    """
    return _folded_words(minsize=3)


class IdentifierTokenizer(Tokenizer):
    """Tokenizer for file names and other identifiers.

    When indexing it yields the whole value, the value without its extension
    and every alphanumeric piece; when querying it yields only the whole
    value, so ``IMG_2034`` and ``img_2034.jpg`` both find ``IMG_2034.JPG``.
    Stop words are dropped from the pieces and the query for the same reason
    as in :func:`name_analyzer`.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        if mode == "query" or not tokenize:
            whole = fold(value.strip().lower())
            wanted = whole not in SPANISH_STOP_WORDS and any(c.isalnum() for c in whole)
            pieces = [whole] if wanted else []
        else:
            pieces = identifier_pieces(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, piece in enumerate(pieces):
            t.text = piece
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = piece
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t


def identifier_pieces(value: str) -> list[str]:
    """The distinct terms :class:`IdentifierTokenizer` indexes for ``value``, in order.

    >>> identifier_pieces("Logo_Salud_2024.SVG")
    ['logo_salud_2024.svg', 'logo_salud_2024', 'logo', 'salud', '2024', 'svg']
    """
    whole = fold(value.strip().lower())
    pieces = []
    if whole:
        pieces.append(whole)
        stemname, dot, _ext = whole.rpartition(".")
        if dot and stemname:
            pieces.append(stemname)
        for piece in re.split(r"[\W_]+", whole):
            if piece and piece not in SPANISH_STOP_WORDS:
                pieces.append(piece)
    return list(dict.fromkeys(pieces))


def identifier_analyzer() -> Analyzer:
    """Analyzer for file names and identifiers: exact-ish, lowercased, folded.

    >>> [t.text for t in identifier_analyzer()("Logo_Salud_2024.SVG")]
    ['logo_salud_2024.svg', 'logo_salud_2024', 'logo', 'salud', '2024', 'svg']
    >>> [t.text for t in identifier_analyzer()("Logo_Salud_2024.SVG", mode="query")]
    ['logo_salud_2024.svg']
    """
    return CompositeAnalyzer(IdentifierTokenizer())


def words(text: str) -> list[str]:
    """Split text into words the way the analyzers do, keeping the original spelling.

    >>> words("¿Campaña de vacunación?")
    ['Campaña', 'de', 'vacunación']
    """
    return [m.group(0) for m in _WORD_RE.finditer(text)]
