"""check_piece end to end: report shape, verdicts, exit codes, unreadable files."""

from __future__ import annotations

import json

import pytest
from PIL import ImageFilter

from assets.errors import InvalidInput
from guidelines import Brand, CheckResult, Report, check_piece
from tests.assets.media_factory import make_jpeg, make_png, make_wav
from tests.guidelines.helpers import photo

CREDITS = {"creator": "Ana Pérez", "copyright": "Gobierno Provincial", "caption": "Acto"}


def report_with(*statuses: str) -> Report:
    checks = tuple(
        CheckResult(f"r{i}", "error" if s == "fail" else "warning", s, "m", {})
        for i, s in enumerate(statuses)
    )
    return Report("marca", "1", "photo", checks)


@pytest.mark.parametrize(
    ("statuses", "status", "code"),
    [
        ((), "pass", 0),
        (("pass", "skip"), "pass", 0),
        (("pass", "warn"), "warn", 1),
        (("warn", "fail", "pass"), "fail", 2),
    ],
)
def test_verdict_and_exit_code(statuses, status: str, code: int) -> None:
    report = report_with(*statuses)
    assert (report.status, report.exit_code) == (status, code)


def test_report_to_dict_shape(write, provincial: Brand) -> None:
    path = write(make_jpeg(image=photo(3200, 2200), quality=90, iptc=CREDITS), ".jpg")
    report = check_piece(path, provincial, "photo")
    data = report.to_dict()
    assert set(data) == {"brand", "version", "fingerprint", "category", "status", "checks"}
    assert (data["brand"], data["version"], data["category"]) == (
        "gobierno-provincial",
        "2025.1",
        "photo",
    )
    assert data["fingerprint"] == provincial.fingerprint
    assert [c["rule"] for c in data["checks"]] == [r.id for r in provincial.rules_for("photo")]
    for check in data["checks"]:
        assert set(check) == {
            "rule",
            "title",
            "severity",
            "status",
            "message",
            "details",
            "check",
            "code",
            "values",
        }
        assert check["status"] in ("pass", "warn", "fail", "skip")
    assert json.loads(json.dumps(data)) == data
    # 3200 × 2200 is below A4 at 300 ppp: a warning only.
    assert data["status"] == "warn" and report.exit_code == 1
    assert [c.rule for c in report.failures] == ["foto-impresion"]


def test_photo_without_credit_fails_the_shipped_rule(write, provincial: Brand) -> None:
    path = write(make_jpeg(image=photo(3200, 2200), quality=90), ".jpg")
    report = check_piece(path, provincial, "photo")
    assert report.status == "fail" and report.exit_code == 2
    credit = report.check("foto-credito")
    assert credit.status == "fail" and credit.severity == "error"
    assert credit.message.startswith(
        "En los datos de la foto falta: autor o crédito y derechos de autor (copyright)."
    )


def test_cmyk_over_compressed_photo(write, provincial: Brand) -> None:
    picture = photo(3200, 2200).convert("CMYK")
    path = write(make_jpeg(image=picture, quality=10, iptc=CREDITS), ".jpg")
    by_rule = {c.rule: c.status for c in check_piece(path, provincial, "photo").checks}
    assert by_rule["foto-modo-color"] == "fail"
    assert by_rule["foto-compresion"] == "warn"
    assert by_rule["foto-credito"] == "pass"


def test_blurred_photo_warns(write, provincial: Brand) -> None:
    picture = photo(3200, 2200).filter(ImageFilter.GaussianBlur(8))
    path = write(make_jpeg(image=picture, quality=90, iptc=CREDITS), ".jpg")
    result = check_piece(path, provincial, "photo").check("foto-nitidez")
    assert result.status == "warn"
    assert result.message.startswith("La foto parece desenfocada o movida (nitidez ")


def test_the_ministry_asks_more_pixels_than_the_province(write, brands) -> None:
    path = write(make_jpeg(image=photo(3200, 2200), quality=90, iptc=CREDITS), ".jpg")
    province = check_piece(path, brands["gobierno-provincial"], "photo").check("foto-tamano")
    ministry = check_piece(path, brands["ministerio-salud"], "photo").check("foto-tamano")
    assert province.status == "pass"
    assert ministry.status == "fail"
    assert ministry.message.startswith("Las fotos de campañas de salud se imprimen")
    assert "al menos 4000 × 2667 px" in ministry.message


def test_unsupported_type_is_a_failing_format_check(write, provincial: Brand) -> None:
    path = write(b"<!doctype html><html><body>hola</body></html>", ".jpg")
    report = check_piece(path, provincial, "photo")
    assert report.status == "fail" and report.exit_code == 2
    first = report.checks[0]
    assert (first.rule, first.status) == ("foto-formato", "fail")
    assert first.message.startswith("El archivo no es de un tipo aceptado (parece una página web)")
    assert first.details["reason"] == "unsupported_type"
    assert {c.status for c in report.checks[1:]} == {"skip"}
    assert len(report.checks) == len(provincial.rules_for("photo"))


def test_corrupt_file_is_a_failing_format_check(write, provincial: Brand) -> None:
    data = make_jpeg(image=photo(800, 600), quality=90)
    path = write(data[: len(data) // 3], ".jpg")
    report = check_piece(path, provincial, "social")
    first = report.checks[0]
    assert (first.rule, first.status) == ("redes-formato", "fail")
    assert first.message.startswith("El archivo, una imagen JPEG, está dañado o incompleto")
    assert first.details["reason"] == "damaged"


def test_empty_file(write, provincial: Brand) -> None:
    report = check_piece(write(b"", ".png"), provincial, "logo")
    assert report.checks[0].status == "fail" and report.exit_code == 2


def test_unknown_category_is_an_input_error(write, provincial: Brand) -> None:
    with pytest.raises(InvalidInput):
        check_piece(write(make_png(8, 8), ".png"), provincial, "afiche")


def test_checks_that_do_not_apply_are_skipped_with_a_reason(write, provincial: Brand) -> None:
    report = check_piece(write(make_wav(seconds=6, amplitude=0.07), ".wav"), provincial, "photo")
    assert report.check("foto-formato").status == "fail"
    skipped = report.check("foto-tamano")
    assert skipped.status == "skip" and skipped.message == "No aplica a un audio WAV."


def test_messages_use_spanish_decimals(write, provincial: Brand, official_logos) -> None:
    from PIL import Image

    with Image.open(official_logos["gobierno-provincial"]["emblema"]["png"]) as im:
        stretched = im.resize((im.width * 2, im.height))
    report = check_piece(write(stretched, ".png"), provincial, "logo")
    message = report.check("logo-proporcion").message
    assert "," in message.split("proporción es ")[1][:5]
    assert "." not in message.split("proporción es ")[1][:5]


def test_unsupported_type_names_what_the_category_accepts(write, provincial: Brand) -> None:
    path = write(b"PK\x03\x04" + b"\x00" * 40, ".jpg")
    message = check_piece(path, provincial, "photo").checks[0].message
    assert message == (
        "El archivo no es de un tipo aceptado (parece un archivo comprimido). "
        "Para esta revisión se aceptan archivos JPEG, TIFF, HEIC, RAW o PSD."
    )
    assert check_piece(write(b"", ".jpg"), provincial, "photo").checks[0].message == (
        "El archivo está vacío. Expórtelo de nuevo y vuelva a subirlo."
    )


def test_too_large_image_is_not_called_damaged(write, provincial: Brand) -> None:
    from tests.assets.media_factory import make_png_header

    report = check_piece(write(make_png_header(60000, 60000), ".png"), provincial, "graphic")
    assert report.checks[0].status == "fail"
    assert "demasiado grande para revisarlo" in report.checks[0].message
