"""A Spanish stemmer for text whose accents have already been folded away.

Why not the Snowball stemmer that ships with Whoosh: its suffix tables are
written with accents ("ación", "logía", "arían"), so it stems
"inauguración" to ``inaugur`` but leaves "inauguracion" untouched, and after
folding ``inauguracion`` and ``inauguraciones`` no longer meet. Folding has to
happen first (users type without accents), so the suffix tables have to be
folded too. This module is the Snowball Spanish algorithm
(https://snowballstem.org/algorithms/spanish/stemmer.html) with every suffix
written without accents, working on region start offsets instead of copies.

Snowball alone does not keep singular and plural together for nouns that
end in a consonant ("mujer" -> ``muj`` but "mujeres" -> ``mujer``; the same
for ciudad, joven, gobierno/gobiernos), and those words are everywhere in
government communication. So :func:`stem` first turns a plural into its
singular with three rules that need no dictionary, then runs Snowball on the
singular, so both numbers reach Snowball in the same form:

* ``-es`` after at least three letters is dropped ("mujeres" -> "mujer",
  "clases" -> "clas", which Snowball would reach from "clase" anyway);
* ``-as`` and ``-os`` lose the ``s`` ("escuelas" -> "escuela");
* ``-is`` and ``-us`` are kept: they are singulars ("país", "autobús") far
  more often than plurals;

and last a final ``z`` becomes ``c`` so "voz" meets "voces" and "luz" meets
"luces" without breaking "avance"/"avances".

Departures from Snowball, all to keep related forms together once accents
are gone:

* the verb ending "ió" is not removed: folded it reads "io" and would strip
  "municipio" to ``municip`` while "municipios" keeps ``municipi``;
* the residual "í" is not removed: folded it is a bare "i";
* step 2b runs only when step 2a removed nothing (as the algorithm says; the
  Whoosh port runs both).

>>> [stem(w) for w in ("inauguracion", "inauguraciones", "escuela", "escuelas")]
['inaugur', 'inaugur', 'escuel', 'escuel']
"""

from __future__ import annotations

__all__ = ["stem"]

_VOWELS = frozenset("aeiou")

_STEP0 = (
    "selas",
    "selos",
    "sela",
    "selo",
    "las",
    "les",
    "los",
    "nos",
    "me",
    "se",
    "la",
    "le",
    "lo",
)
_STEP0_AFTER = ("iendo", "ando", "ar", "er", "ir")

# Longest first, so the first hit is the longest matching suffix.
_STEP1 = tuple(
    sorted(
        (
            "anza",
            "anzas",
            "ico",
            "ica",
            "icos",
            "icas",
            "ismo",
            "ismos",
            "able",
            "ables",
            "ible",
            "ibles",
            "ista",
            "istas",
            "oso",
            "osa",
            "osos",
            "osas",
            "amiento",
            "amientos",
            "imiento",
            "imientos",
            "adora",
            "ador",
            "acion",
            "adoras",
            "adores",
            "aciones",
            "ante",
            "antes",
            "ancia",
            "ancias",
            "logia",
            "logias",
            "ucion",
            "uciones",
            "encia",
            "encias",
            "amente",
            "mente",
            "idad",
            "idades",
            "iva",
            "ivo",
            "ivas",
            "ivos",
        ),
        key=len,
        reverse=True,
    )
)
_STEP1_IC = frozenset(
    ("adora", "ador", "acion", "adoras", "adores", "aciones", "ante", "antes", "ancia", "ancias")
)

_STEP2A = tuple(
    sorted(
        ("ya", "ye", "yan", "yen", "yeron", "yendo", "yo", "yas", "yes", "yais", "yamos"),
        key=len,
        reverse=True,
    )
)

_STEP2B_GU = frozenset(("en", "es", "eis", "emos"))
_STEP2B = tuple(
    sorted(
        set(
            (
                "en",
                "es",
                "eis",
                "emos",
                "arian",
                "arias",
                "aran",
                "aras",
                "ariais",
                "aria",
                "areis",
                "ariamos",
                "aremos",
                "ara",
                "are",
                "erian",
                "erias",
                "eran",
                "eras",
                "eriais",
                "eria",
                "ereis",
                "eriamos",
                "eremos",
                "era",
                "ere",
                "irian",
                "irias",
                "iran",
                "iras",
                "iriais",
                "iria",
                "ireis",
                "iriamos",
                "iremos",
                "ira",
                "ire",
                "aba",
                "ada",
                "ida",
                "ia",
                "ara",
                "iera",
                "ad",
                "ed",
                "id",
                "ase",
                "iese",
                "aste",
                "iste",
                "an",
                "aban",
                "ian",
                "aran",
                "ieran",
                "asen",
                "iesen",
                "aron",
                "ieron",
                "ado",
                "ido",
                "ando",
                "iendo",
                "ar",
                "er",
                "ir",
                "as",
                "abas",
                "adas",
                "idas",
                "ias",
                "aras",
                "ieras",
                "ases",
                "ieses",
                "is",
                "ais",
                "abais",
                "iais",
                "arais",
                "ierais",
                "aseis",
                "ieseis",
                "asteis",
                "isteis",
                "ados",
                "idos",
                "amos",
                "abamos",
                "iamos",
                "imos",
                "aramos",
                "ieramos",
                "iesemos",
                "asemos",
            )
        ),
        key=len,
        reverse=True,
    )
)

_STEP3 = ("os", "a", "o", "e")


def _regions(word: str) -> tuple[int, int, int]:
    """Return the start offsets of R1, R2 and RV (``len(word)`` when empty)."""
    n = len(word)
    r1 = n
    for i in range(1, n):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            r1 = i + 1
            break
    r2 = n
    for i in range(r1 + 1, n):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            r2 = i + 1
            break
    rv = n
    if n >= 2:
        if word[1] not in _VOWELS:
            for i in range(2, n):
                if word[i] in _VOWELS:
                    rv = i + 1
                    break
        elif word[0] in _VOWELS:
            for i in range(2, n):
                if word[i] not in _VOWELS:
                    rv = i + 1
                    break
        else:
            rv = 3
    return r1, r2, min(rv, n)


def _step1(word: str, r1: int, r2: int) -> tuple[str, bool]:
    for suffix in _STEP1:
        if not word.endswith(suffix):
            continue
        cut = len(word) - len(suffix)
        if suffix == "amente":
            if cut < r1:
                return word, False
            word = word[:cut]
            if word.endswith("iv") and len(word) - 2 >= r2:
                word = word[:-2]
                if word.endswith("at") and len(word) - 2 >= r2:
                    word = word[:-2]
            elif word.endswith(("os", "ic", "ad")) and len(word) - 2 >= r2:
                word = word[:-2]
            return word, True
        if cut < r2:
            return word, False
        if suffix in _STEP1_IC:
            word = word[:cut]
            if word.endswith("ic") and len(word) - 2 >= r2:
                word = word[:-2]
        elif suffix in ("logia", "logias"):
            word = word[:cut] + "log"
        elif suffix in ("ucion", "uciones"):
            word = word[:cut] + "u"
        elif suffix in ("encia", "encias"):
            word = word[:cut] + "ente"
        elif suffix == "mente":
            word = word[:cut]
            if word.endswith(("ante", "able", "ible")) and len(word) - 4 >= r2:
                word = word[:-4]
        elif suffix in ("idad", "idades"):
            word = word[:cut]
            for pre in ("abil", "ic", "iv"):
                if word.endswith(pre) and len(word) - len(pre) >= r2:
                    word = word[: -len(pre)]
                    break
        elif suffix in ("iva", "ivo", "ivas", "ivos"):
            word = word[:cut]
            if word.endswith("at") and len(word) - 2 >= r2:
                word = word[:-2]
        else:
            word = word[:cut]
        return word, True
    return word, False


def stem(word: str) -> str:
    """Stem one lowercased, accent-folded Spanish word.

    >>> stem("comunicacion"), stem("comunicaciones"), stem("mujer"), stem("mujeres")
    ('comun', 'comun', 'muj', 'muj')
    """
    word = _singular(word)
    if len(word) < 3:
        return word
    word = _snowball(word)
    if word.endswith("z"):
        word = word[:-1] + "c"
    return word


def _singular(word: str) -> str:
    n = len(word)
    if n >= 5 and word.endswith("es"):
        return word[:-2]
    if n >= 4 and word.endswith(("as", "os")):
        return word[:-1]
    return word


def _snowball(word: str) -> str:
    r1, r2, rv = _regions(word)

    # Step 0: an attached pronoun after a gerund or infinitive ("haciendola").
    for suffix in _STEP0:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            for ending in _STEP0_AFTER + ("yendo",):
                if base.endswith(ending) and len(base) - len(ending) >= rv:
                    if ending != "yendo" or base.endswith("uyendo"):
                        word = base
                    break
            break

    word, removed = _step1(word, r1, r2)
    if not removed:
        # Step 2a: verb endings starting with "y", after a "u".
        for suffix in _STEP2A:
            if word.endswith(suffix) and len(word) - len(suffix) >= rv:
                if word[-len(suffix) - 1 : -len(suffix)] == "u":
                    word = word[: -len(suffix)]
                    removed = True
                break
        # Step 2b: other verb endings.
        if not removed:
            for suffix in _STEP2B:
                if word.endswith(suffix) and len(word) - len(suffix) >= rv:
                    word = word[: -len(suffix)]
                    if suffix in _STEP2B_GU and word.endswith("gu"):
                        word = word[:-1]
                    break

    # Step 3: residual vowel.
    for suffix in _STEP3:
        if word.endswith(suffix) and len(word) - len(suffix) >= rv:
            word = word[: -len(suffix)]
            if suffix == "e" and word.endswith("gu") and len(word) - 1 >= rv:
                word = word[:-1]
            break
    return word
