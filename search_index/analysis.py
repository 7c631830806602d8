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
from collections.abc import Iterator

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


class FoldFilter(Filter):
    """Fold diacritics in each token's text (see :func:`fold`)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


def _folded_words(minsize: int) -> Analyzer:
    """Words, lowercased and folded, without stop words or words under ``minsize`` letters."""
    return (
        RegexTokenizer(_WORD)
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=SPANISH_STOP_WORDS, minsize=minsize)
    )


def spanish_analyzer() -> Analyzer:
    """Analyzer for Spanish prose: titles, descriptions, captions, tags, events.

    >>> [t.text for t in spanish_analyzer()("Inauguración de las Escuelas")]
    ['inaugur', 'escuel']
    >>> [t.text for t in spanish_analyzer()("inauguracion escuela")]
    ['inaugur', 'escuel']
    >>> [t.text for t in spanish_analyzer()("Campaña de VACUNACIÓN 2024")]
    ['campan', 'vacun', '2024']
    """
    return _folded_words(minsize=2) | StemFilter(stemfn=stem, cachesize=100_000)


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
        whole = fold(value.strip().lower())
        if mode == "query" or not tokenize:
            wanted = whole not in SPANISH_STOP_WORDS and any(c.isalnum() for c in whole)
            pieces = [whole] if wanted else []
        else:
            pieces = []
            if whole:
                pieces.append(whole)
                stemname, dot, _ext = whole.rpartition(".")
                if dot and stemname:
                    pieces.append(stemname)
                for piece in re.split(r"[\W_]+", whole):
                    if piece and piece not in SPANISH_STOP_WORDS:
                        pieces.append(piece)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, piece in enumerate(dict.fromkeys(pieces)):
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
