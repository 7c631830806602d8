"""Analyzer tables: what goes in, which tokens come out, on both sides of the index."""

from __future__ import annotations

import pytest
from whoosh.lang import stemmer_for_language

from search_index.analysis import (
    SPANISH_STOP_WORDS,
    fold,
    identifier_analyzer,
    name_analyzer,
    spanish_analyzer,
    spelling_analyzer,
    words,
)
from search_index.stemmer import stem


def tokens(analyzer, text: str, mode: str = "index") -> list[str]:
    return [t.text for t in analyzer(text, mode=mode)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inauguración de la escuela", ["inaugur", "escuel"]),
        ("inauguracion escuelas", ["inaugur", "escuel"]),
        ("INAUGURACIONES", ["inaugur"]),
        ("Comunicación", ["comun"]),
        ("comunicacion", ["comun"]),
        ("fotos vacunación", ["fot", "vacun"]),
        ("foto de la campaña de vacunación", ["fot", "campan", "vacun"]),
        ("Campana", ["campan"]),  # ñ folds to n: campaña and campana meet (documented)
        ("Año y años", ["ano", "ano"]),
        ("niños NIÑAS", ["nin", "nin"]),
        ("Mujer mujeres", ["muj", "muj"]),
        ("ciudad ciudades", ["ciud", "ciud"]),
        ("gobierno gobiernos", ["gobiern", "gobiern"]),
        ("municipio municipios", ["municipi", "municipi"]),
        ("voz voces luz luces", ["voc", "voc", "luc", "luc"]),
        ("avance avances", ["avanc", "avanc"]),
        ("país países", ["pais", "pais"]),
        ("pingüino", ["pinguin"]),
        ("Covid-19 2024", ["cov", "19", "2024"]),
        ("Gobierno del Estado", ["gobiern", "estad"]),  # "estado" is not a stop word here
        ("el la los de y que", []),
        ("", []),
    ],
)
def test_spanish_analyzer(text: str, expected: list[str]) -> None:
    assert tokens(spanish_analyzer(), text) == expected
    assert tokens(spanish_analyzer(), text, mode="query") == expected


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("inauguración", "inauguracion"),
        ("comunicación", "comunicacion"),
        ("vacunación", "vacunacion"),
        ("educación", "educacion"),
        ("información", "informacion"),
        ("público", "publico"),
        ("políticas", "politicas"),
        ("tecnología", "tecnologia"),
        ("jóvenes", "jovenes"),
        ("árboles", "arboles"),
        ("reunión", "reunion"),
        ("campaña", "campana"),
        ("rápidamente", "rapidamente"),
        ("fútbol", "futbol"),
    ],
)
def test_accented_and_plain_spellings_stem_alike(accented: str, plain: str) -> None:
    analyzer = spanish_analyzer()
    assert tokens(analyzer, accented) == tokens(analyzer, plain.upper())
    assert tokens(analyzer, accented) == tokens(analyzer, plain, mode="query")


def test_whoosh_stemmer_alone_would_split_the_spellings() -> None:
    # Why folding comes first and the stemmer is ours: Snowball's tables have accents.
    snowball = stemmer_for_language("es")
    assert snowball("inauguración") != snowball("inauguracion")
    assert stem(fold("inauguración")) == stem("inauguracion") == "inaugur"


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("escuela", "escuelas"),
        ("foto", "fotos"),
        ("inauguracion", "inauguraciones"),
        ("hospital", "hospitales"),
        ("comunidad", "comunidades"),
        ("clase", "clases"),
        ("red", "redes"),
        ("ley", "leyes"),
        ("mes", "meses"),
        ("autobus", "autobuses"),
        ("lapiz", "lapices"),
        ("cuaderno", "cuadernos"),
        ("programa", "programas"),
    ],
)
def test_singular_and_plural_stem_alike(singular: str, plural: str) -> None:
    assert stem(singular) == stem(plural)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inauguración Año Pingüino", "Inauguracion Ano Pinguino"),
        ("ÁÉÍÓÚÜÑ áéíóúüñ", "AEIOUUN aeiouun"),
        ("São Paulo, Øresund, Łódź", "Sao Paulo, Oresund, Lodz"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("José Pérez de la Cruz", ["jose", "perez", "cruz"]),
        ("Flores", ["flores"]),  # names are never stemmed
        ("NÚÑEZ", ["nunez"]),
    ],
)
def test_name_analyzer(text: str, expected: list[str]) -> None:
    assert tokens(name_analyzer(), text) == expected


@pytest.mark.parametrize(
    ("text", "index_tokens", "query_tokens"),
    [
        (
            "Logo_Salud_2024.SVG",
            ["logo_salud_2024.svg", "logo_salud_2024", "logo", "salud", "2024", "svg"],
            ["logo_salud_2024.svg"],
        ),
        ("IMG_2034.JPG", ["img_2034.jpg", "img_2034", "img", "2034", "jpg"], ["img_2034.jpg"]),
        (
            "informe-de-labores.pdf",
            ["informe-de-labores.pdf", "informe-de-labores", "informe", "labores", "pdf"],
            ["informe-de-labores.pdf"],
        ),
        (":", [":"], []),
        ("de", ["de"], []),
    ],
)
def test_identifier_analyzer(text: str, index_tokens: list[str], query_tokens: list[str]) -> None:
    assert tokens(identifier_analyzer(), text) == index_tokens
    assert tokens(identifier_analyzer(), text, mode="query") == query_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Campaña de Vacunación en 2024", ["campana", "vacunacion", "2024"]),
        ("fotos y videos", ["fotos", "videos"]),  # unstemmed: the vocabulary for suggestions
    ],
)
def test_spelling_analyzer(text: str, expected: list[str]) -> None:
    assert tokens(spelling_analyzer(), text) == expected


@pytest.mark.parametrize("word", ["de", "la", "los", "que", "mas", "esta", "el", "tu"])
def test_stop_words_are_folded(word: str) -> None:
    assert word in SPANISH_STOP_WORDS


@pytest.mark.parametrize("word", ["estado", "estados", "sentido", "gobierno", "salud"])
def test_meaningful_words_are_not_stop_words(word: str) -> None:
    assert word not in SPANISH_STOP_WORDS


def test_words_keep_original_spelling() -> None:
    assert words("¿Campaña de vacunación? (2024)") == ["Campaña", "de", "vacunación", "2024"]


_CHAIN_TEXTS = [
    "",
    "de la",
    "Inauguración de las Escuelas Primarias",
    "La gobernadora inauguró la escuela en Tlalpan; el año 2024 y los años 90.",
    "S.A. de C.V. v2.1 3.141 big-time under_score",
    "ÉL y Él, la LA; AÑO ñandú PINGÜINO",
    "İstanbul straße Łódź ǅemal ﬁn ½ ²",
    "a b c d e de del x",
    "日本語のテキスト مرحبا",
]


@pytest.mark.parametrize("make", [spanish_analyzer, name_analyzer, spelling_analyzer])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"mode": "query"},
        {"positions": True, "mode": "index"},
        {"positions": True, "boosts": True, "start_pos": 7, "mode": "index"},
        {"chars": True, "positions": True, "mode": "index"},
        {"chars": True, "start_char": 11, "mode": "index"},
        {"removestops": False, "positions": True},
        {"no_morph": True},
        {"tokenize": False},
    ],
)
def test_fast_path_yields_what_the_filter_chain_yields(make, options) -> None:
    # The analyzers answer common calls without running the chain of Whoosh
    # filters they are made of: the tokens must be the chain's, word for word.
    from whoosh.analysis import CompositeAnalyzer

    analyzer = make()
    chain = CompositeAnalyzer(*analyzer.items)

    def seen(a, text):
        return [
            (
                t.text,
                getattr(t, "pos", None),
                getattr(t, "startchar", None),
                getattr(t, "endchar", None),
                t.boost,
                t.stopped,
            )
            for t in a(text, **options)
        ]

    for text in _CHAIN_TEXTS:
        assert seen(analyzer, text) == seen(chain, text), text
