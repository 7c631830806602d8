"""What a designer needs to know of a PDF or PDF-compatible Illustrator file, through pikepdf.

``pdf_design`` reads, without drawing anything:

- whether it is an Illustrator document (Illustrator keeps its own data in
  the page's ``/PieceInfo /Illustrator`` dictionary beside the PDF it saves);
- the fonts its pages use (``/BaseFont`` of every font resource, in form
  XObjects too, the six-letter subset prefix taken off);
- its spot colours (``/Separation`` and ``/DeviceN`` colour spaces: Pantone
  and other named inks, process inks left out);
- its colour mode as far as it can be told (the device colour spaces and
  colour operators of the first page, the output intent's profile);
- its PDF/X version and output condition when it claims one.

Work is bounded (pages, resources and content operators read are capped);
callers run it inside the work budget. A file pikepdf cannot open gives
an empty answer: PDFium already decided whether the document is readable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MAX_PAGES = 20
MAX_RESOURCES = 2000
MAX_OPERATORS = 200_000
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_PROCESS_INKS = {"Cyan", "Magenta", "Yellow", "Black", "None", "All"}
_CMYK_OPS = {"k", "K"}
_RGB_OPS = {"rg", "RG"}
_GRAY_OPS = {"g", "G"}


class _Walk:
    def __init__(self) -> None:
        self.fonts: list[str] = []
        self.spots: list[str] = []
        self.spaces: set[str] = set()
        self.seen: set[tuple[int, int]] = set()
        self.budget = MAX_RESOURCES

    def font(self, font: Any) -> None:
        name = str(font.get("/BaseFont", "") or "").lstrip("/")
        name = _SUBSET.sub("", name)
        if name and name not in self.fonts:
            self.fonts.append(name[:120])

    def colorspace(self, space: Any) -> None:
        import pikepdf

        if isinstance(space, pikepdf.Name):
            self.spaces.add(str(space).lstrip("/"))
            return
        if not isinstance(space, pikepdf.Array) or len(space) == 0:
            return
        family = str(space[0]).lstrip("/")
        self.spaces.add(family)
        if family == "Separation" and len(space) > 1:
            self._spot(str(space[1]).lstrip("/"))
        elif family == "DeviceN" and len(space) > 1 and isinstance(space[1], pikepdf.Array):
            for ink in space[1]:
                self._spot(str(ink).lstrip("/"))
        elif family == "ICCBased" and len(space) > 1:
            channels = int(space[1].get("/N", 0))
            self.spaces.add({1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}.get(channels, ""))
        if family in ("Separation", "DeviceN") and len(space) > 2:
            self.colorspace(space[2])

    def _spot(self, ink: str) -> None:
        ink = ink.replace("#20", " ")
        if ink not in _PROCESS_INKS and ink not in self.spots:
            self.spots.append(ink[:120])

    def resources(self, resources: Any, depth: int = 0) -> None:
        import pikepdf

        if not isinstance(resources, pikepdf.Dictionary) or depth > 4 or self.budget <= 0:
            return
        if resources.is_indirect:
            key = resources.objgen
            if key in self.seen:
                return
            self.seen.add(key)
        for font in (resources.get("/Font") or {}).values():
            self.budget -= 1
            if isinstance(font, pikepdf.Dictionary):
                self.font(font)
        for space in (resources.get("/ColorSpace") or {}).values():
            self.budget -= 1
            self.colorspace(space)
        for xobject in (resources.get("/XObject") or {}).values():
            self.budget -= 1
            if self.budget <= 0:
                return
            if not isinstance(xobject, pikepdf.Stream):
                continue
            if xobject.get("/Subtype") == "/Image":
                if "/ColorSpace" in xobject:
                    self.colorspace(xobject["/ColorSpace"])
            elif xobject.get("/Subtype") == "/Form":
                self.resources(xobject.get("/Resources"), depth + 1)


def _operators(page: Any) -> set[str]:
    """The colour operators the page's content uses (at most MAX_OPERATORS read)."""
    import pikepdf

    used: set[str] = set()
    try:
        for count, item in enumerate(pikepdf.parse_content_stream(page)):
            if count >= MAX_OPERATORS:
                break
            op = str(item.operator)
            if op in _CMYK_OPS | _RGB_OPS | _GRAY_OPS:
                used.add(op.lower())
    except (pikepdf.PdfError, ValueError):
        pass
    return used


def _color_mode(spaces: set[str], ops: set[str], intent_channels: int) -> str | None:
    cmyk = "DeviceCMYK" in spaces or "k" in ops or intent_channels == 4
    rgb = "DeviceRGB" in spaces or "rg" in ops
    if cmyk and rgb:
        return "cmyk+rgb"
    if cmyk:
        return "cmyk"
    if rgb:
        return "rgb"
    if "DeviceGray" in spaces or "g" in ops:
        return "grayscale"
    return None


def _pdfx(pdf: Any) -> tuple[str | None, str | None, int]:
    """PDF/X version, output condition and the output profile's channel count."""
    import pikepdf

    version = None
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary) and "/GTS_PDFXVersion" in info:
        version = str(info["/GTS_PDFXVersion"])[:40]
    condition, channels = None, 0
    for intent in list(pdf.Root.get("/OutputIntents") or [])[:8]:
        if not isinstance(intent, pikepdf.Dictionary):
            continue
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            channels = int(profile.get("/N", 0) or 0)
        if intent.get("/S") == "/GTS_PDFX":
            name = intent.get("/OutputConditionIdentifier") or intent.get("/OutputCondition")
            condition = str(name)[:120] if name is not None else None
    if version is None:
        try:
            with pdf.open_metadata() as meta:
                version = meta.get("pdfxid:GTS_PDFXVersion") or meta.get("pdfx:GTS_PDFXVersion")
        except Exception:  # noqa: BLE001  (a damaged XMP packet says nothing)
            version = None
    return (str(version)[:40] if version else None), condition, channels


def pdf_design(path: Path) -> dict[str, Any]:
    """Illustrator marker, fonts, spot colours, colour mode and PDF/X of a PDF (see module doc)."""
    import pikepdf

    try:
        pdf = pikepdf.open(str(path))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError):
        return {}
    try:
        walk = _Walk()
        illustrator = False
        pages = list(pdf.pages)[:MAX_PAGES]
        for page in pages:
            piece = page.obj.get("/PieceInfo")
            if isinstance(piece, pikepdf.Dictionary) and "/Illustrator" in piece:
                illustrator = True
            walk.resources(page.obj.get("/Resources"))
        ops = _operators(pages[0]) if pages else set()
        version, condition, channels = _pdfx(pdf)
        return {
            "illustrator": illustrator,
            "fonts": walk.fonts[:100],
            "spot_colors": walk.spots[:100],
            "color_mode": _color_mode(walk.spaces, ops, channels),
            "pdfx": version,
            "output_condition": condition,
        }
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    finally:
        pdf.close()
