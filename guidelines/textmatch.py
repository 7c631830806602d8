"""Finding a phrase in the words of a piece, as a reader would: accents, case and OCR noise aside.

Both sides are folded the same way: accents off (``vacunación`` →
``vacunacion``), lower case, every run of punctuation and spaces one space.
The phrase is then looked for in every run of the piece's words of about its
length (one word more or fewer, since OCR splits and joins words), and a run
matches when its Levenshtein distance to the phrase is at most
``max_errors`` of the phrase's letters (rounded down; never more than
``MAX_EDITS``): a legend of 150 letters read by OCR with three letters wrong
is still the legend, while a two-word name must be spelt almost right.

A match knows which words it covers, so the report can draw their boxes
over the preview.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from assets.text import PieceText, Word

#: A match never allows more edits than this, whatever the share says.
MAX_EDITS = 12
#: Words read beyond this are not searched (a PDF of ten pages has a few thousand).
MAX_TOKENS = 50_000

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``"¡Vacunación GRATUITA!"`` → ``"vacunacion gratuita"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: the words it covers, what they say, how many edits."""

    phrase: str
    matched: str
    edits: int
    words: tuple[Word, ...]

    @property
    def pages(self) -> tuple[int, ...]:
        """1-based page numbers the match is on."""
        return tuple(sorted({w.page + 1 for w in self.words}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "matched": self.matched,
            "edits": self.edits,
            "pages": list(self.pages),
            "boxes": [{"page": w.page, "box": [round(v, 4) for v in w.box]} for w in self.words],
        }


class Words:
    """The folded words of a piece, ready to be searched for several phrases."""

    def __init__(self, text: PieceText) -> None:
        tokens: list[str] = []
        owners: list[int] = []
        words = text.words
        for index, word in enumerate(words):
            for token in fold(word.text).split():
                tokens.append(token)
                owners.append(index)
                if len(tokens) >= MAX_TOKENS:
                    break
        if not words and text.text:
            # Text without word positions (a stored text without boxes): search it anyway.
            tokens = fold(text.text).split()[:MAX_TOKENS]
            owners = [-1] * len(tokens)
        self.words = words
        self.tokens = tokens
        self.owners = owners

    def find(self, phrase: str, max_errors: float = 0.1) -> Match | None:
        """The best match of ``phrase`` (None when no run of words is near enough)."""
        wanted = fold(phrase)
        if not wanted or not self.tokens:
            return None
        size = len(wanted.split())
        allowed = min(MAX_EDITS, int(len(wanted.replace(" ", "")) * max_errors))
        best: tuple[int, int, int] | None = None  # (edits, start, length)
        for length in dict.fromkeys((size, size - 1, size + 1, size + 2)):
            if length < 1 or length > len(self.tokens):
                continue
            for start in range(len(self.tokens) - length + 1):
                run = " ".join(self.tokens[start : start + length])
                cutoff = allowed if best is None else min(allowed, best[0])
                edits = Levenshtein.distance(wanted, run, score_cutoff=cutoff)
                if edits <= cutoff and (best is None or edits < best[0]):
                    best = (edits, start, length)
                    if edits == 0:
                        break
            if best is not None and best[0] == 0:
                break
        if best is None:
            return None
        edits, start, length = best
        owners = [o for o in self.owners[start : start + length] if o >= 0]
        covered = tuple(self.words[i] for i in dict.fromkeys(owners))
        matched = " ".join(w.text for w in covered) or " ".join(self.tokens[start : start + length])
        return Match(phrase, matched, edits, covered)


def find_all(text: PieceText, phrases: Sequence[str], max_errors: float) -> dict[str, Match]:
    """Each phrase of ``phrases`` found in ``text``, by phrase."""
    words = Words(text)
    found = {}
    for phrase in phrases:
        match = words.find(phrase, max_errors)
        if match is not None:
            found[phrase] = match
    return found
