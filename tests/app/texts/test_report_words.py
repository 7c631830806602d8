"""Reports of the text rules and the preflight in the reader's language, and their rules'
sentences on the guideline pages."""

from __future__ import annotations

import datetime

from brandhub.web.report_text import preflight_problem, result_message, result_title
from brandhub.web.rule_text import describe
from guidelines import SHIPPED_BRANDS, check_piece, load_brands_dir
from tests.assets.media_factory.printed import LEGEND, PdfImage, PdfPage, make_print_pdf


def _report(tmp_path):
    brand = load_brands_dir(SHIPPED_BRANDS)["programa-social"]
    path = tmp_path / "pieza.pdf"
    path.write_bytes(
        make_print_pdf(
            [
                PdfPage(text="Un regalo del gobernador\nJuana Pérez"),
                PdfPage(
                    bleed_mm=None, font="helvetica", images=[PdfImage((60, 60), (50, 50), "rgb")]
                ),
            ]
        )
    )
    report = check_piece(path, brand, "graphic", today=datetime.date(2027, 5, 2)).to_dict()
    return {c["rule"]: c for c in report["checks"]}


def test_english_readers_read_the_text_rules_and_the_preflight_in_english(app, tmp_path):
    checks = _report(tmp_path)
    with app.test_request_context("/?lang=en"):
        legend = checks["pieza-leyenda"]
        assert result_title(legend) == "Required texts"
        assert result_message(legend) == f"The piece lacks «{LEGEND}»."
        assert result_message(checks["pieza-textos-prohibidos"]) == (
            "The piece says «regalo del gobernador», which is not allowed."
        )
        assert result_message(checks["pieza-veda"]) == (
            "During la veda electoral 2027 no piece may name these officials or use these "
            "slogans, and this one says «Juana Pérez»."
        )
        preflight = checks["pieza-preimpresion"]
        assert result_title(preflight) == "Print preflight of the PDF"
        words = [preflight_problem(p) for p in preflight["details"]["problems"]]
        assert "Page 2: bleed of 0 mm; 3 mm per side are needed." in words
        assert "Page 2: the font Helvetica is not embedded." in words
        assert "Page 2: an image is in RGB; for print it must be in CMYK." in words
        assert "Page 2: an image is at 30 ppi at its printed size; 300 ppi are needed." in words
    with app.test_request_context("/"):
        words = [preflight_problem(p) for p in checks["pieza-preimpresion"]["details"]["problems"]]
        assert "Página 2: la fuente Helvetica no está incrustada." in words


def test_the_guideline_pages_say_what_each_text_rule_asks(app):
    brand = load_brands_dir(SHIPPED_BRANDS)["programa-social"]
    rules = {r.id: r for r in brand.rules_for("graphic")}
    with app.test_request_context("/"):
        assert describe(rules["pieza-leyenda"], brand) == f"La pieza dice «{LEGEND}»."
        assert describe(rules["pieza-veda"], brand) == (
            "Durante los períodos de veda (la veda electoral 2027, del 4 abr 2027 al 6 jun 2027) "
            "ninguna pieza nombra a los funcionarios de la lista ni usa sus lemas."
        )
        assert describe(rules["pieza-preimpresion"], brand).startswith(
            "Un PDF para imprenta en A4, A3, Carta o Oficio con 3 mm de sangrado"
        )


def test_blackout_days_are_the_instance_s_local_days(app):
    from brandhub.operations.compliance import local_today

    # UTC+14 and UTC-11 are always on different dates: the zone decides the day.
    assert local_today("Pacific/Kiritimati") != local_today("Pacific/Pago_Pago")
    with app.app_context():
        assert local_today() == local_today(app.config["TIMEZONE"])
