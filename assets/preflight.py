"""Print preflight of a PDF: what a printer checks before a job goes to plates.

:func:`preflight` reads each page (up to ``max_pages``) with pikepdf and
returns plain facts, page by page (pages numbered from 1):

- the trim size (TrimBox, else CropBox, else MediaBox) in millimetres, and the
  bleed: how far the BleedBox reaches beyond the TrimBox on its narrowest side
  (0 when the page has no bleed);
- every font the page's text uses (its forms included), with whether it is
  embedded (a FontFile in its descriptor; Type 3 fonts are drawings in the
  file) and its name without the subset prefix ("ABCDEF+");
- every image drawn, with its pixel size, its placed size (from the current
  transformation matrix when it is painted) and so its effective resolution
  in ppi, and its colour space family (``rgb``, ``cmyk``, ``gray``, ``spot``,
  ``lab``);
- the colour spaces used by the vector operators (``rg``/``RG`` is RGB,
  ``k``/``K`` CMYK, ``cs``/``scn`` whatever space they name), and text
  painted in rich black (K at 100 % with cyan, magenta or yellow added).

The content streams are parsed by pikepdf (qpdf), never executed; the work
is bounded by ``max_pages`` and ``max_operators`` and callers run it inside
``assets.budget.run_within``. A damaged file raises ``InvalidFile``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assets.errors import DAMAGED, InvalidFile

MM_PER_PT = 25.4 / 72
_SUBSET = re.compile(r"^[A-Z]{6}\+")
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class FontUse:
    name: str
    embedded: bool
    subtype: str


@dataclass
class ImageUse:
    name: str
    pixels: tuple[int, int]
    placed_mm: tuple[float, float]
    ppi: float
    colour: str


@dataclass
class PageFacts:
    number: int
    trim_mm: tuple[float, float]
    bleed_mm: float
    has_bleed_box: bool
    fonts: list[FontUse] = field(default_factory=list)
    images: list[ImageUse] = field(default_factory=list)
    colours: set[str] = field(default_factory=set)
    rich_black_text: bool = False


@dataclass
class Preflight:
    pages: list[PageFacts]
    pages_total: int

    @property
    def truncated(self) -> bool:
        return self.pages_total > len(self.pages)


def _box(page: Any, *names: str) -> tuple[float, float, float, float] | None:
    for name in names:
        value = page.obj.get(name)
        if value is None:
            continue
        try:
            x0, y0, x1, y1 = (float(v) for v in value)
        except (TypeError, ValueError):
            continue
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    return None


def _font_facts(font: Any) -> FontUse:
    import pikepdf

    name = str(font.get("/BaseFont", "")).lstrip("/") or "(sin nombre)"
    name = _SUBSET.sub("", name)
    subtype = str(font.get("/Subtype", "")).lstrip("/")
    if subtype == "Type3":
        return FontUse(name, True, subtype)
    descriptor = font.get("/FontDescriptor")
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        if isinstance(descendants, pikepdf.Array) and len(descendants):
            descriptor = descendants[0].get("/FontDescriptor")
    embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )
    return FontUse(name, embedded, subtype)


def colour_family(space: Any) -> str:
    """``rgb``, ``cmyk``, ``gray``, ``spot``, ``lab`` or ``other`` for a PDF colour space."""
    import pikepdf

    if isinstance(space, pikepdf.Name):
        return {
            "/DeviceRGB": "rgb",
            "/RGB": "rgb",
            "/CalRGB": "rgb",
            "/DeviceCMYK": "cmyk",
            "/CMYK": "cmyk",
            "/DeviceGray": "gray",
            "/G": "gray",
            "/CalGray": "gray",
            "/Lab": "lab",
            "/Pattern": "other",
        }.get(str(space), "other")
    if isinstance(space, pikepdf.Array) and len(space):
        kind = str(space[0])
        if kind in ("/Separation", "/DeviceN"):
            return "spot"
        if kind in ("/Indexed", "/I") and len(space) > 1:
            return colour_family(space[1])
        if kind == "/ICCBased" and len(space) > 1:
            n = int(space[1].get("/N", 3))
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(n, "other")
        if kind in ("/CalRGB", "/CalGray", "/Lab"):
            return colour_family(pikepdf.Name(kind))
    return "other"


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


@dataclass
class _State:
    ctm: Matrix = _IDENTITY
    fill: str = "gray"
    fill_cmyk: tuple[float, ...] = ()
    fill_space: str = "gray"
    stroke_space: str = "gray"


class _Walker:
    """Walks one page's content (and the forms it draws), collecting facts."""

    def __init__(self, facts: PageFacts, max_operators: int) -> None:
        self.facts = facts
        self.left = max_operators
        self.fonts_seen: set[tuple[str, bool]] = set()
        self.forms_seen: set[tuple[int, int]] = set()

    def walk(self, stream_owner: Any, resources: Any, ctm: Matrix) -> None:
        import pikepdf

        state = _State(ctm=ctm)
        stack: list[_State] = []
        in_text = False
        try:
            instructions = pikepdf.parse_content_stream(stream_owner)
        except pikepdf.PdfError:
            return
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            self.left -= 1
            if self.left <= 0:
                return
            op = str(operator)
            if op == "q":
                stack.append(_State(**vars(state)))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm" and len(operands) == 6:
                m = tuple(float(v) for v in operands)
                state.ctm = _multiply(m, state.ctm)  # type: ignore[arg-type]
            elif op == "BT":
                in_text = True
            elif op == "ET":
                in_text = False
            elif op in ("rg", "RG", "sc", "scn", "SC", "SCN", "k", "K", "g", "G", "cs", "CS"):
                self._colour(op, operands, resources, state)
            elif op == "Tf" and operands:
                self._font(resources, operands[0])
            elif op in ("Tj", "TJ", "'", '"') and in_text:
                if state.fill == "cmyk" and _rich_black(state.fill_cmyk):
                    self.facts.rich_black_text = True
            elif op == "Do" and operands:
                self._xobject(resources, operands[0], state)

    def _colour(self, op: str, operands: Any, resources: Any, state: _State) -> None:
        fill = op.islower()
        if op in ("rg", "RG"):
            family = "rgb"
        elif op in ("k", "K"):
            family = "cmyk"
        elif op in ("g", "G"):
            family = "gray"
        elif op in ("cs", "CS"):
            family = self._named_space(resources, operands[0]) if operands else "other"
            if fill:
                state.fill_space = family
            else:
                state.stroke_space = family
            return
        else:  # sc, scn, SC, SCN: in the current space
            family = state.fill_space if fill else state.stroke_space
        if family not in ("other",):
            self.facts.colours.add(family)
        if fill:
            state.fill = family
            state.fill_cmyk = tuple(float(v) for v in operands) if family == "cmyk" else ()

    def _named_space(self, resources: Any, name: Any) -> str:
        import pikepdf

        family = colour_family(name)
        if family != "other" or not isinstance(name, pikepdf.Name):
            return family
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if isinstance(spaces, pikepdf.Dictionary) and name in spaces:
            return colour_family(spaces[name])
        return "other"

    def _font(self, resources: Any, name: Any) -> None:
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is None or name not in fonts:
            return
        use = _font_facts(fonts[name])
        key = (use.name, use.embedded)
        if key not in self.fonts_seen:
            self.fonts_seen.add(key)
            self.facts.fonts.append(use)

    def _xobject(self, resources: Any, name: Any, state: _State) -> None:
        import pikepdf

        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None or name not in xobjects:
            return
        xobject = xobjects[name]
        subtype = str(xobject.get("/Subtype", ""))
        if subtype == "/Image":
            self._image(str(name).lstrip("/"), xobject, state.ctm)
        elif subtype == "/Form":
            ident = xobject.objgen
            if ident in self.forms_seen and ident != (0, 0):
                return  # a form drawn again adds nothing new
            self.forms_seen.add(ident)
            matrix = xobject.get("/Matrix")
            ctm = state.ctm
            if isinstance(matrix, pikepdf.Array) and len(matrix) == 6:
                ctm = _multiply(tuple(float(v) for v in matrix), ctm)  # type: ignore[arg-type]
            inner = xobject.get("/Resources", resources)
            self.walk(xobject, inner, ctm)

    def _image(self, name: str, image: Any, ctm: Matrix) -> None:
        if image.get("/ImageMask"):
            return  # a stencil: painted in the fill colour
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        a, b, c, d, _e, _f = ctm
        placed_w, placed_h = math.hypot(a, b), math.hypot(c, d)
        if width <= 0 or height <= 0 or placed_w <= 0 or placed_h <= 0:
            return
        ppi = min(width / (placed_w / 72), height / (placed_h / 72))
        family = colour_family(image.get("/ColorSpace"))
        if family != "other":
            self.facts.colours.add(family)
        self.facts.images.append(
            ImageUse(
                name,
                (width, height),
                (round(placed_w * MM_PER_PT, 1), round(placed_h * MM_PER_PT, 1)),
                round(ppi, 1),
                family,
            )
        )


def _rich_black(cmyk: tuple[float, ...]) -> bool:
    if len(cmyk) != 4:
        return False
    c, m, y, k = cmyk
    return k >= 0.95 and max(c, m, y) >= 0.1


def preflight(path: Path, *, max_pages: int = 50, max_operators: int = 500_000) -> Preflight:
    """The print facts of each page of the PDF at ``path`` (see the module's docstring)."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise InvalidFile("The PDF document is protected by a password.") from exc
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise InvalidFile(DAMAGED, error=str(exc)[:200]) from exc
    with pdf:
        try:
            return Preflight(list(_pages(pdf, max_pages, max_operators)), len(pdf.pages))
        except (pikepdf.PdfError, ValueError, TypeError, KeyError) as exc:
            raise InvalidFile(DAMAGED, error=str(exc)[:200]) from exc


def _pages(pdf: Any, max_pages: int, max_operators: int) -> Iterator[PageFacts]:
    for index, page in enumerate(pdf.pages):
        if index >= max_pages:
            return
        media = _box(page, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
        crop = _box(page, "/CropBox") or media
        trim = _box(page, "/TrimBox", "/ArtBox") or crop
        bleed_box = _box(page, "/BleedBox")
        bleed = 0.0
        if bleed_box is not None:
            bleed = min(
                trim[0] - bleed_box[0],
                trim[1] - bleed_box[1],
                bleed_box[2] - trim[2],
                bleed_box[3] - trim[3],
            )
        facts = PageFacts(
            index + 1,
            (round((trim[2] - trim[0]) * MM_PER_PT, 1), round((trim[3] - trim[1]) * MM_PER_PT, 1)),
            round(max(0.0, bleed) * MM_PER_PT, 2),
            bleed_box is not None,
        )
        walker = _Walker(facts, max_operators)
        walker.walk(page, page.resources, _IDENTITY)
        yield facts
