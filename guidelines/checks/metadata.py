"""Required descriptive metadata: credit, copyright, caption … present in the file.

The values come from ``assets.metadata`` (EXIF, IPTC and XMP, already
normalised to ``creator``, ``credit``, ``copyright``, ``caption``,
``keywords``; plus ``title``, ``date`` and ``location``) or from the
metadata the caller passes, with the same keys. A requirement may
accept alternatives: ``"creator|credit"`` is met by either field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import Context, Outcome, Param, check, verdict

FIELDS = {
    "creator": "autor",
    "credit": "crédito",
    "copyright": "derechos de autor (copyright)",
    "caption": "descripción o pie de foto",
    "keywords": "palabras clave",
    "title": "título",
    "date": "fecha",
    "location": "lugar",
}


def _requirements(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError('must be a list such as ["creator|credit", "copyright"]')
    for item in items:
        for name in item.split("|"):
            if name.strip() not in FIELDS:
                raise ValueError(f"unknown field {name.strip()!r}; known: {', '.join(FIELDS)}")
    return ["|".join(n.strip() for n in item.split("|")) for item in items]


def present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set):
        return any(present(v) for v in value)
    return True


def _spanish(requirement: str) -> str:
    return " o ".join(FIELDS[n] for n in requirement.split("|"))


@check(
    "required_metadata",
    title="Datos del archivo (crédito, derechos, descripción)",
    applies_to=("image", "video", "audio"),
    params={"fields": Param(_requirements, required=True)},
    placeholders=("missing",),
    ok="El archivo trae los datos pedidos: {expected}.",
)
def required_metadata(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Every requirement in ``fields`` has a non-empty value."""
    metadata = piece.metadata
    missing = [
        req
        for req in params["fields"]
        if not any(present(metadata.get(name)) for name in req.split("|"))
    ]
    found = sorted(k for k in FIELDS if present(metadata.get(k)))
    values = {
        "measured": fmt.word_list([FIELDS[k] for k in found]) or "ningún dato",
        "expected": fmt.word_list([_spanish(r) for r in params["fields"]]),
        "missing": fmt.word_list([_spanish(r) for r in missing]),
    }
    details = {"required": params["fields"], "missing": missing, "found": found}
    return verdict(not missing, values, details)
