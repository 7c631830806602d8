"""Tables of (input, expected text): rule sentences for the guidelines, values for reports."""

from __future__ import annotations

import pytest
from PIL import Image

from brandhub.web.report_text import (
    brand_list,
    brand_text,
    logo_title,
    off_palette_words,
    result_message,
    result_title,
)
from brandhub.web.report_view import value_rows
from brandhub.web.rule_text import describe
from guidelines import SHIPPED_BRANDS, check_piece, load_brand_dict, load_brands_dir
from tests.guidelines.helpers import one_rule_brand

NBSP = "\u00a0"


@pytest.fixture
def spanish(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(
    ("check", "category", "params", "sentence"),
    [
        ("format", "logo", {"allowed": ["png", "svg"]}, "Tipos de archivo aceptados: PNG o SVG."),
        ("file_size", "logo", {"max_mb": 5}, "Como máximo 5 MB."),
        (
            "logo_aspect",
            "logo",
            {"tolerance": 0.02},
            f"Las proporciones oficiales, sin estirar (con un margen del 2{NBSP}%).",
        ),
        (
            "clear_space",
            "logo",
            {"min_ratio": 0.25, "relative_to": "height"},
            f"Espacio libre alrededor del logo de al menos el 25{NBSP}% de su alto.",
        ),
        ("logo_min_size", "logo", {"min_height": 120}, "Al menos 120 px de alto."),
        (
            "dimensions",
            "photo",
            {"min_width": 3000, "min_height": 2000, "any_orientation": True},
            "Al menos 3000 × 2000 px. Horizontal o vertical.",
        ),
        (
            "allowed_sizes",
            "social",
            {"sizes": ["1080x1080", "1080x1350"]},
            "Exactamente una de estas medidas: 1080 × 1080 o 1080 × 1350 px.",
        ),
        ("aspect_ratio", "video", {"ratios": ["16:9", "9:16"]}, "Proporción 16:9 o 9:16."),
        (
            "print_resolution",
            "graphic",
            {"size": "A4", "dpi": 300},
            "Píxeles suficientes para imprimir en A4 a 300 ppp.",
        ),
        ("color_mode", "graphic", {"allowed": ["cmyk"]}, "Modo de color: CMYK (imprenta)."),
        ("transparency", "logo", {"required": True}, "Fondo transparente."),
        (
            "required_metadata",
            "photo",
            {"fields": ["creator|credit", "copyright"]},
            "El archivo trae: autor o crédito y derechos de autor.",
        ),
        ("jpeg_quality", "photo", {"min_quality": 70}, "Calidad JPEG de al menos 70 sobre 100."),
        ("frame_rate", "video", {"allowed": [25, 30]}, "25 o 30 cuadros por segundo."),
        ("codec", "video", {"allowed": ["h264", "hevc"]}, "Códec H.264 o H.265 (HEVC)."),
        (
            "sample_rate",
            "audio",
            {"allowed": [44100, 48000]},
            "Frecuencia de muestreo 44,1 kHz o 48 kHz.",
        ),
        ("loudness", "audio", {"target": -23, "tolerance": 2}, "Sonoridad de -23 LUFS (± 2 LU)."),
        (
            "duration",
            "audio",
            {"min_seconds": 5, "max_seconds": 120},
            "Entre 5 segundos y 2 minutos.",
        ),
        ("duration", "video", {"max_seconds": 90}, "Como máximo 90 segundos."),
        ("svg_outlined_text", "logo", {}, "Textos del SVG convertidos a curvas."),
    ],
)
def test_rule_sentences(spanish, check, category, params, sentence):
    brand = one_rule_brand(check, category, **params)
    assert describe(brand.rules_for(category)[0], brand) == sentence


def test_every_shipped_rule_has_a_sentence(spanish):
    for brand in load_brands_dir(SHIPPED_BRANDS).values():
        for rules in brand.rules.values():
            for rule in rules:
                assert describe(rule, brand), (brand.slug, rule.id)


@pytest.mark.parametrize(
    ("details", "rows"),
    [
        (
            {"measured": "png", "expected": ["png", "svg"], "mime": "image/png"},
            [("Medido", "PNG"), ("Permitido", "PNG, SVG")],
        ),
        (
            {"measured_bytes": 91216, "max_bytes": 5_000_000},
            [("Medido", "91,2 KB"), ("Permitido", "≤ 5 MB")],
        ),
        (
            {"measured": [1200, 800], "min": [3000, 2000], "max": [None, None]},
            [("Medido", "1200 × 800 px"), ("Permitido", "≥ 3000 × 2000 px")],
        ),
        (
            {"measured": [132, 41], "min": [240, None]},
            [("Medido", "132 × 41 px"), ("Permitido", "≥ 240 px de ancho")],
        ),
        (
            {"measured": [1200, 800], "needed": [3508, 2480], "print_mm": [210, 297], "dpi": 300},
            [
                ("Medido", "1200 × 800 px"),
                ("Permitido", "≥ 3508 × 2480 px (210 × 297 mm, 300 ppp)"),
            ],
        ),
        (
            {"measured": 6.2083, "expected": 3.2628, "tolerance": 0.03},
            [("Medido", "6,21"), ("Permitido", f"3,26 ± 3{NBSP}%")],
        ),
        (
            {"similarity": 0.7265, "min_similarity": 0.8},
            [("Medido", f"72,6{NBSP}%"), ("Permitido", f"≥ 80{NBSP}%")],
        ),
        (
            {"measured_lufs": -9.71, "target": -23, "tolerance": 2},
            [("Medido", "-9,7 LUFS"), ("Permitido", "-23 ± 2 LUFS")],
        ),
        (
            {"measured": 1.0, "min_seconds": 5, "max_seconds": 120},
            [("Medido", "0:01"), ("Permitido", "0:05 – 2:00")],
        ),
        (
            {"estimated_quality": 50, "min_quality": 70},
            [("Medido", "50 / 100"), ("Permitido", "≥ 70")],
        ),
        (
            {
                "required": ["creator|credit", "copyright"],
                "missing": ["copyright"],
                "found": ["credit"],
            },
            [("Medido", "crédito"), ("Permitido", "autor o crédito, derechos de autor")],
        ),
        ({"measured": None, "min_dpi": 300}, [("Medido", "—"), ("Permitido", "≥ 300 ppp")]),
        ({"off_palette_share": 0.5, "max_off_palette_share": 0.1}, []),
        ({"found": {}}, []),
        ({}, []),
    ],
)
def test_measured_against_allowed(spanish, details, rows):
    assert value_rows(details) == rows


# ---------------------------------------------------------------- results in the reader's language

BILINGUAL = {
    "slug": "bilingue",
    "name": "Marca bilingüe",
    "version": "1",
    "palette": [{"name": "Azul", "hex": "#1F4E8C"}],
    "rules": {
        "photo": [
            {
                "id": "foto-tamano",
                "check": "dimensions",
                "severity": "error",
                "title": {"es": "Tamaño de la foto", "en": "Photo size"},
                "message": {
                    "es": "La foto mide {measured} y debe tener {expected}.",
                    "en": "The photo is {measured} and needs {expected}.",
                },
                "params": {"min_width": 3000},
            },
            {
                "id": "foto-sin-ingles",
                "check": "dimensions",
                "severity": "warning",
                "title": "Título solo en castellano",
                "message": "Mide {measured}.",
                "params": {"min_width": 3000},
            },
            {
                "id": "foto-peso",
                "check": "file_size",
                "severity": "warning",
                "message": "Pesa {measured}.",
                "params": {"max_mb": 1},
            },
        ]
    },
}


@pytest.fixture
def small_photo_report(tmp_path):
    path = tmp_path / "chica.jpg"
    Image.new("RGB", (1200, 800), (40, 90, 160)).save(path, "JPEG")
    return check_piece(path, load_brand_dict(BILINGUAL), "photo").to_dict()


def _texts(app, lang, report):
    with app.test_request_context(f"/?lang={lang}"):
        return [(result_title(c), result_message(c)) for c in report["checks"]]


def test_brand_english_is_used_for_english_readers(app, small_photo_report) -> None:
    english = _texts(app, "en", small_photo_report)
    assert english[0] == ("Photo size", "The photo is 1200 × 800 px and needs ≥ 3000 px wide.")
    # A title the brand wrote only in Spanish stays the brand's; the message is generic.
    assert english[1][0] == "Título solo en castellano"
    assert english[1][1] == "The image is 1200 × 800 px and must be ≥ 3000 px wide."
    # A rule without its own title takes the check's title, translated.
    assert english[2] == ("File size", "Complies with the rule.")
    spanish = _texts(app, "es", small_photo_report)
    assert spanish[0] == (
        "Tamaño de la foto",
        "La foto mide 1200 × 800 px y debe tener al menos 3000 px de ancho.",
    )
    assert spanish[2][0] == "Peso del archivo"


def test_reports_stored_before_results_named_their_check_stay_as_written(app) -> None:
    old = {"rule": "r", "title": "Colores", "status": "fail", "message": "Mal.", "details": {}}
    assert _texts(app, "en", {"checks": [old]}) == [("Colores", "Mal.")]


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (0.919, "La mayor parte de la pieza usa colores que no están en la paleta."),
        (0.3, "Una parte grande de la pieza usa colores que no están en la paleta."),
        (0.05, "Una parte pequeña de la pieza usa colores que no están en la paleta."),
        (0.0, "La pieza usa solo colores de la paleta."),
    ],
)
def test_off_palette_share_in_words(spanish, share, words) -> None:
    assert off_palette_words(share) == words


def test_logo_titles_in_the_readers_language(app) -> None:
    brand = load_brand_dict(
        {
            **BILINGUAL,
            "logos": [
                {
                    "name": "principal",
                    "title": {"es": "Logo principal", "en": "Main logo"},
                    "description": "d",
                    "usage": "u",
                    "drawing": {
                        "shape": "shield",
                        "fill": "Azul",
                        "ink": "#FFFFFF",
                        "initials": "MB",
                    },
                }
            ],
        }
    )
    with app.test_request_context("/?lang=en"):
        assert logo_title(brand.logo("principal")) == "Main logo"
    with app.test_request_context("/?lang=es"):
        assert logo_title(brand.logo("principal")) == "Logo principal"


def test_brand_texts_in_the_readers_language(app) -> None:
    brand = load_brand_dict(
        {
            **BILINGUAL,
            "description": "Marca de prueba.",
            "description_en": "A test brand.",
            "dos": ["Usar A", "Usar B"],
            "dos_en": ["Use A", "Use B"],
            "donts": ["No usar C"],
            "donts_en": ["Do not use C", "Do not use D"],  # not one for one: not shown
        }
    )
    with app.test_request_context("/?lang=en"):
        assert brand_text(brand, "description") == "A test brand."
        assert brand_list(brand, "dos") == ("Use A", "Use B")
        assert brand_list(brand, "donts") == ("No usar C",)
    with app.test_request_context("/?lang=es"):
        assert brand_text(brand, "description") == "Marca de prueba."
        assert brand_list(brand, "dos") == ("Usar A", "Usar B")
