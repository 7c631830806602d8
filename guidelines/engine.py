"""``check_piece``: apply a brand's rules for one category to one file.

The file is opened once (:class:`guidelines.piece.Piece`); each rule's check
runs against it and its outcome becomes a :class:`CheckResult` whose message
is the rule's Spanish text with the measured values filled in. A file whose
type is not accepted, or that turns out damaged at any point, gives a report
whose ``format`` result fails with a plain explanation and whose other rules
are skipped: the person who uploaded it needs to know what to do, not a
traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from assets.errors import InvalidFile, UnsupportedMediaType
from assets.media import TOO_LARGE, VIDEO_TOO_LARGE
from assets.pdf import PROTECTED
from assets.settings import IngestSettings
from assets.text import PieceText
from guidelines import fmt
from guidelines.brand import Brand, Rule
from guidelines.checks.files import ALIASES, SPANISH_TYPES, type_name
from guidelines.officials import OfficialLogos
from guidelines.piece import ContentsPending, Pending, Piece
from guidelines.registry import CHECKS, Context, Outcome
from guidelines.report import CheckResult, Report

_NOT_ACCEPTED = "El archivo no es de un tipo aceptado{seems}. {accepted}"
_ACCEPTED_ANY = (
    "Súbalo como imagen (JPEG, PNG, WebP), vector SVG, documento PDF, video (MP4) o "
    "audio (WAV, MP3)."
)
_ACCEPTED = "Para esta revisión se aceptan archivos {types}."
_EMPTY = "El archivo está vacío. Expórtelo de nuevo y vuelva a subirlo."
_DAMAGED = (
    "El archivo{label} está dañado o incompleto y no se puede abrir. "
    "Expórtelo o descárguelo de nuevo y vuelva a intentarlo."
)
_TOO_LARGE = (
    "El archivo{label} es demasiado grande para revisarlo (tiene más píxeles o más duración "
    "de los que se pueden procesar). Súbalo en un tamaño menor."
)
_PROTECTED = "El PDF está protegido con contraseña. Guárdelo sin contraseña y súbalo de nuevo."
_SKIP_UNREADABLE = "No se revisó porque el archivo no se puede leer."
MEDIA_PENDING = (
    "Esta regla se revisa cuando el archivo termina de procesarse en segundo plano "
    "(un video o audio largo se lee después de subirlo); el informe de la pieza en la "
    "biblioteca la incluirá."
)
_SEEMS = {
    "HTML page": "una página web",
    "ZIP archive": "un archivo comprimido",
    "compressed archive": "un archivo comprimido",
    "Office document": "un documento de Office",
    "program": "un programa",
    "script": "un programa",
    "Photoshop document": "un documento de Photoshop (PSD)",
    "PostScript file": "un archivo PostScript o EPS",
    "BMP image": "una imagen BMP",
    "font": "una tipografía",
    "text file": "un archivo de texto",
    "XML document": "un documento XML",
}


def check_piece(
    path: Path,
    brand: Brand,
    category: str,
    *,
    filename: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    logos: Mapping[str, Path] | None = None,
    settings: IngestSettings | None = None,
    text: PieceText | None = None,
    today: date | None = None,
    document_pdf: Path | None = None,
    pending: Pending | None = None,
) -> Report:
    """Check one file against ``brand``'s rules for ``category``.

    ``metadata`` (creator, credit, copyright, caption, keywords) replaces what
    would be read from the file, for pieces whose metadata is kept elsewhere;
    ``logos`` maps official logo names to image files (PNG or SVG), and falls
    back to the brand's own logo files or example drawings. ``text`` is the piece's
    text read before (OCR, by the worker); without it the text rules read what is
    cheap (a PDF's text layer, an SVG's text). ``today`` is the day the blackout
    calendars are read for (the local date when not given). ``document_pdf`` is an
    office document's PDF already made by LibreOffice (not converted again).
    With ``pending`` the file cannot be read yet (a long recording still in the
    store, read by the background job): the rules that need its contents are
    skipped with ``media_pending``, the others (type, size, the given metadata)
    run, and the job checks the piece again once it has read it.
    """
    rules = brand.rules_for(category)
    officials = OfficialLogos.for_brand(brand, logos)
    ctx = Context(brand=brand, officials=officials, today=today)
    with Piece(
        Path(path),
        filename=filename,
        metadata=metadata,
        settings=settings,
        text=text,
        document_pdf=document_pdf,
        pending=pending,
    ) as piece:
        try:
            piece.open()
            results = tuple(_run(rule, piece, ctx) for rule in rules)
        except UnsupportedMediaType as exc:
            message = _not_accepted(exc, rules)
            details = {"reason": "unsupported_type", **_json(exc.details)}
            return _unreadable(brand, category, rules, message, details)
        except InvalidFile as exc:
            label = SPANISH_TYPES.get(piece.ext, "")
            template = {
                TOO_LARGE: _TOO_LARGE,
                VIDEO_TOO_LARGE: _TOO_LARGE,
                PROTECTED: _PROTECTED,
            }.get(exc.message, _DAMAGED)
            message = template.format(label=f", {label}," if label else "")
            details = {"reason": "damaged", "type": piece.ext or None, **_json(exc.details)}
            return _unreadable(brand, category, rules, message, details)
    return Report(brand.slug, brand.version, category, results, brand.fingerprint)


def _run(rule: Rule, piece: Piece, ctx: Context) -> CheckResult:
    spec = CHECKS[rule.check]
    if piece.kind not in spec.applies_to:
        outcome = Outcome("skip", reason=_not_applicable(piece), code="not_applicable")
    else:
        params = {name: rule.params.get(name, param.default) for name, param in spec.params.items()}
        try:
            outcome = spec.run(piece, params, ctx)
        except ContentsPending:
            outcome = Outcome("skip", reason=MEDIA_PENDING, code="media_pending")
    return _result(rule, outcome, spec.ok)


def _result(rule: Rule, outcome: Outcome, ok_template: str) -> CheckResult:
    code = outcome.code
    message_en = None
    if outcome.status == "skip":
        status, message = "skip", outcome.reason or "No aplica a este archivo."
        code = code or "not_applicable"
    elif outcome.status == "pass":
        status, message, code = "pass", _fill(ok_template, outcome.values), "ok"
    else:
        status = "fail" if rule.severity == "error" else "warn"
        message = outcome.reason or _fill(rule.message, outcome.values)
        if outcome.reason is None:
            message_en = rule.message_en
    return CheckResult(
        rule=rule.id,
        severity=rule.severity,
        status=status,
        message=message,
        details=outcome.details,
        title=rule.title,
        check=rule.check,
        code=code,
        values=outcome.values,
        title_en=rule.title_en,
        message_en=message_en,
    )


def _fill(template: str, values: Mapping[str, str]) -> str:
    # The loader only lets through placeholders the check declares; a value a
    # check did not provide for this outcome shows as a dash, not a crash.
    return template.format_map(_Defaulting(values))


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _not_accepted(exc: UnsupportedMediaType, rules: tuple[Rule, ...]) -> str:
    seems = str(exc.details.get("seems", ""))
    if seems == "empty file":
        return _EMPTY
    allowed = next((r.params["allowed"] for r in rules if r.check == "format"), None)
    accepted = _ACCEPTED_ANY
    if allowed:
        names = [type_name(a) for a in dict.fromkeys(ALIASES.get(a, a) for a in allowed)]
        accepted = _ACCEPTED.format(types=fmt.word_list(names, "o"))
    label = _SEEMS.get(seems, "")
    return _NOT_ACCEPTED.format(seems=f" (parece {label})" if label else "", accepted=accepted)


def _not_applicable(piece: Piece) -> str:
    label = SPANISH_TYPES.get(piece.ext, "este tipo de archivo")
    return f"No aplica a {label}."


def _unreadable(
    brand: Brand, category: str, rules: tuple[Rule, ...], message: str, details: dict[str, Any]
) -> Report:
    format_rules = [rule for rule in rules if rule.check == "format"]
    format_rule = format_rules[0] if format_rules else None
    results = [
        CheckResult(
            rule=format_rule.id if format_rule else "format",
            severity="error",
            status="fail",
            message=message,
            details=details,
            title=format_rule.title if format_rule else CHECKS["format"].title,
            check="format",
            code=str(details.get("reason", "damaged")),
            title_en=format_rule.title_en if format_rule else None,
        )
    ]
    for rule in rules:
        if rule is not format_rule:
            results.append(
                CheckResult(
                    rule.id,
                    rule.severity,
                    "skip",
                    _SKIP_UNREADABLE,
                    {},
                    rule.title,
                    check=rule.check,
                    code="unreadable",
                    title_en=rule.title_en,
                )
            )
    return Report(brand.slug, brand.version, category, tuple(results), brand.fingerprint)


def _json(details: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in details.items()
    }
