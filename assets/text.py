"""The words a piece carries: a PDF's text layer, an SVG's ``<text>``, OCR of pixels.

:func:`extract_text` reads every source a file has, page by page:

- a PDF (or a PDF-compatible Illustrator file) gives its text layer through
  PDFium, with a box for each word; a page whose layer has (almost) no text
  is an image-only page and is read by OCR instead;
- an SVG gives the text of its ``<text>`` elements, each word boxed from the
  element's position and font size; an SVG without ``<text>`` (lettering
  drawn as outlines) is rendered and read by OCR;
- a raster image (poster, flyer, social card) is read by OCR.

OCR is Tesseract (``tesseract-ocr`` with the Spanish and English data)
through pytesseract, each page with a time limit of its own
(:attr:`TextSettings.page_seconds`, the Tesseract process is killed past
it) and at most :attr:`TextSettings.page_limit` pages per file. It is slow
(about a second per A4 page at 300 ppi) and anyone who uploads can cause
it, so callers run :func:`extract_text` with ``ocr=True`` only from the
background worker, inside ``assets.budget.run_within``; with ``ocr=False``
it only reads what is cheap (text layers, SVG text) and says which pages
still need OCR (:attr:`PieceText.pending`).

Word boxes are fractions of the page (0..1 from the top left corner), so a
report can draw them over a preview of any size.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from assets.budget import check_decode
from assets.errors import InvalidFile
from assets.settings import IngestSettings
from assets.sniff import Sniffed

__all__ = [
    "PageText",
    "PieceText",
    "TextSettings",
    "Word",
    "can_have_text",
    "extract_text",
    "ocr_available",
    "ocr_image",
    "pdf_text",
]

#: Files read through their text layer (an Illustrator file of today is a PDF inside).
PDF_MIMES = ("application/pdf", "application/illustrator")
SVG_MIME = "image/svg+xml"
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class TextSettings:
    """How text is read: OCR languages, page limit, time per page, OCR resolution."""

    languages: str = "spa+eng"
    page_limit: int = 10
    page_seconds: float = 60.0
    #: Resolution PDF pages and SVGs are rendered at for OCR.
    ocr_dpi: int = 300
    #: No page is rendered or read by OCR larger than this many pixels (an A4 at 300 ppi
    #: is 8.7 MP); larger pages are read at a lower resolution.
    max_ocr_pixels: int = 12_000_000
    #: A PDF page whose text layer has fewer letters than this is read by OCR.
    min_layer_chars: int = 8
    #: Words Tesseract is less sure of than this (0-100) are left out.
    min_confidence: float = 30.0

    def __post_init__(self) -> None:
        if self.page_limit < 1 or self.page_seconds <= 0 or self.ocr_dpi < 50:
            raise ValueError("TextSettings: page_limit, page_seconds and ocr_dpi must be positive")


@dataclass(frozen=True)
class Word:
    """One word and where it is: page (0-based), box as fractions of the page, confidence."""

    text: str
    page: int
    box: Box
    confidence: float | None = None  # 0-100 for OCR; None for a text layer (exact)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.text, "p": self.page, "b": [round(v, 4) for v in self.box]}
        if self.confidence is not None:
            out["c"] = round(self.confidence, 1)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Word:
        box = tuple(float(v) for v in data.get("b", (0, 0, 0, 0)))[:4]
        conf = data.get("c")
        return cls(
            str(data.get("t", "")),
            int(data.get("p", 0)),
            (box + (0.0, 0.0, 0.0, 0.0))[:4],  # type: ignore[arg-type]
            float(conf) if conf is not None else None,
        )


@dataclass(frozen=True)
class PageText:
    """The text of one page and where it came from: ``layer``, ``svg`` or ``ocr``."""

    number: int
    source: str
    text: str
    words: tuple[Word, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True)
class PieceText:
    """The text of a whole piece.

    ``pending`` lists the pages (0-based) that still need OCR (read with
    ``ocr=False``); ``pages_total`` is the file's page count and
    ``truncated`` says that pages past the limit were not read.
    """

    pages: tuple[PageText, ...] = ()
    pages_total: int = 1
    truncated: bool = False
    pending: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text).strip()

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for p in self.pages for w in p.words)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.source for p in self.pages))

    @property
    def confidence(self) -> float | None:
        """Mean OCR confidence over the letters read by OCR (None when nothing was OCR'd)."""
        total = weight = 0.0
        for word in self.words:
            if word.confidence is not None:
                total += word.confidence * len(word.text)
                weight += len(word.text)
        return round(total / weight, 1) if weight else None

    @property
    def complete(self) -> bool:
        return not self.pending

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": [
                {
                    "n": p.number,
                    "source": p.source,
                    "text": p.text,
                    "confidence": p.confidence,
                    "words": [w.to_dict() for w in p.words],
                }
                for p in self.pages
            ],
            "pages_total": self.pages_total,
            "truncated": self.truncated,
            "pending": list(self.pending),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PieceText:
        pages = []
        for item in data.get("pages") or ():
            conf = item.get("confidence")
            pages.append(
                PageText(
                    int(item.get("n", 0)),
                    str(item.get("source", "")),
                    str(item.get("text", "")),
                    tuple(Word.from_dict(w) for w in item.get("words") or ()),
                    float(conf) if conf is not None else None,
                )
            )
        return cls(
            tuple(pages),
            int(data.get("pages_total") or max(1, len(pages))),
            bool(data.get("truncated")),
            tuple(int(n) for n in data.get("pending") or ()),
        )


def can_have_text(sniffed: Sniffed) -> bool:
    """Whether a file of this type has text BrandHub reads: a raster image (camera raws
    aside), an SVG, a PDF or a PDF-compatible Illustrator file."""
    from assets.sniff.raw import is_raw

    if sniffed.mime in PDF_MIMES or sniffed.mime == SVG_MIME:
        return True
    return sniffed.kind == "image" and not is_raw(sniffed)


def ocr_available() -> bool:
    """Whether Tesseract and pytesseract are installed."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception:  # noqa: BLE001  (not installed, or the binary cannot run)
        return False
    return True


def extract_text(
    path: Path,
    sniffed: Sniffed,
    settings: IngestSettings | None = None,
    text_settings: TextSettings | None = None,
    *,
    ocr: bool = True,
) -> PieceText:
    """Every word of the file at ``path`` (see the module's docstring)."""
    settings = settings or IngestSettings()
    text_settings = text_settings or TextSettings()
    if not can_have_text(sniffed):
        return PieceText(pages_total=0)
    if sniffed.mime in PDF_MIMES:
        return pdf_text(path, settings, text_settings, ocr=ocr)
    if sniffed.mime == SVG_MIME:
        return _svg_text(Path(path).read_bytes(), settings, text_settings, ocr)
    if sniffed.kind == "image":
        if not ocr:
            return PieceText(pending=(0,))
        image = _open_raster(path, sniffed, settings)
        return PieceText((_ocr_page(image, 0, text_settings),))
    return PieceText(pages_total=0)


# OCR ------------------------------------------------------------------------


def ocr_image(image: Image.Image, text_settings: TextSettings | None = None) -> PageText:
    """Read one image by OCR (page 0); boxes are fractions of the image."""
    return _ocr_page(image, 0, text_settings or TextSettings())


def _ocr_page(image: Image.Image, number: int, text_settings: TextSettings) -> PageText:
    import pytesseract

    gray = _flatten(image)
    pixels = gray.width * gray.height
    if pixels > text_settings.max_ocr_pixels:
        scale = math.sqrt(text_settings.max_ocr_pixels / pixels)
        gray = gray.resize(
            (max(1, int(gray.width * scale)), max(1, int(gray.height * scale))),
            Image.Resampling.LANCZOS,
        )
    elif max(gray.size) < 1600:
        # Tesseract reads best with letters 20-40 px tall: a small social card or a
        # thumbnail-sized poster is enlarged before it is read.
        factor = 2 if max(gray.size) >= 800 else 3
        gray = gray.resize((gray.width * factor, gray.height * factor), Image.Resampling.LANCZOS)
    # One thread: the worker shares its cores with the web application.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            gray,
            lang=text_settings.languages,
            config="--oem 1 --psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=text_settings.page_seconds,
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise InvalidFile("Reading the text of the piece took too long.", page=number) from exc
    except pytesseract.TesseractError as exc:
        raise InvalidFile(
            "The text of the piece could not be read.", page=number, error=str(exc)[:200]
        ) from exc
    width, height = gray.size
    words: list[Word] = []
    lines: dict[tuple[int, int, int], list[str]] = {}
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        conf = float(data["conf"][i])
        if not text or conf < text_settings.min_confidence or not any(c.isalnum() for c in text):
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        box = (
            left / width,
            top / height,
            (left + int(data["width"][i])) / width,
            (top + int(data["height"][i])) / height,
        )
        words.append(Word(text, number, box, conf))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        lines.setdefault(key, []).append(text)
    text = "\n".join(" ".join(line) for line in lines.values())
    piece = PieceText((PageText(number, "ocr", text, tuple(words)),))
    return PageText(number, "ocr", text, tuple(words), piece.confidence)


def _flatten(image: Image.Image) -> Image.Image:
    """Grayscale, transparent areas on white (Tesseract ignores alpha)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        white.alpha_composite(rgba)
        image = white
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image.convert("L")


def _open_raster(path: Path, sniffed: Sniffed, settings: IngestSettings) -> Image.Image:
    from assets.media import decoder_errors, open_image

    with decoder_errors(), open_image(Path(path), sniffed, settings) as im:
        if getattr(im, "n_frames", 1) > 1 and im.format != "PSD":
            im.seek(0)
        check_decode(im.width, im.height, im.mode, settings.budget)
        im.load()
        return im.copy()


# PDF ------------------------------------------------------------------------

_SPACE = re.compile(r"\s")


def pdf_text(
    path: Path,
    settings: IngestSettings | None = None,
    text_settings: TextSettings | None = None,
    *,
    ocr: bool = True,
) -> PieceText:
    """The text of a PDF file: its text layer, OCR for image-only pages."""
    text_settings = text_settings or TextSettings()
    from assets.pdf import open_pdf

    pages: list[PageText] = []
    pending: list[int] = []
    with open_pdf(Path(path)) as doc:
        total = len(doc)
        for number in range(min(total, text_settings.page_limit)):
            page = doc[number]
            try:
                layer = _layer_page(page, number)
                letters = sum(1 for c in layer.text if c.isalnum())
                if letters >= text_settings.min_layer_chars:
                    pages.append(layer)
                    continue
                if not ocr:
                    pending.append(number)
                    if layer.text:
                        pages.append(layer)
                    continue
                image = _render_page(page, text_settings)
            finally:
                page.close()
            # OCR outside PDFium's page: the render is a plain image by now.
            pages.append(_ocr_page(image, number, text_settings))
    return PieceText(tuple(pages), total, total > text_settings.page_limit, tuple(pending))


def _layer_page(page: Any, number: int) -> PageText:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        words: list[Word] = []
        current: list[str] = []
        box: list[float] | None = None

        def flush() -> None:
            nonlocal box
            if current and box is not None and width > 0 and height > 0:
                words.append(
                    Word(
                        "".join(current),
                        number,
                        (
                            _clip(box[0] / width),
                            _clip(1 - box[3] / height),
                            _clip(box[2] / width),
                            _clip(1 - box[1] / height),
                        ),
                    )
                )
            current.clear()
            box = None

        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            char = chr(code) if 0 < code < 0x110000 else " "
            if _SPACE.match(char) or code in (0xFFFE, 0xFFFF, 2):
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            current.append(char)
            if box is None:
                box = [left, bottom, right, top]
            else:
                box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        flush()
        text = textpage.get_text_range() if count else ""
    finally:
        textpage.close()
    text = "\n".join(" ".join(line.split()) for line in text.replace("\r", "").split("\n"))
    return PageText(number, "layer", text.strip(), tuple(words))


def _render_page(page: Any, text_settings: TextSettings) -> Image.Image:
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        raise InvalidFile("The file is damaged or incomplete.", reason="page_size")
    scale = text_settings.ocr_dpi / 72.0
    pixels = width * height * scale * scale
    if pixels > text_settings.max_ocr_pixels:
        scale *= math.sqrt(text_settings.max_ocr_pixels / pixels)
    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), grayscale=True)
    try:
        image: Image.Image = bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
    return image


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


# SVG ------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_FONT_SIZE = re.compile(r"font-size\s*:\s*([-+]?(?:\d+\.?\d*|\.\d+))")


def _svg_text(
    data: bytes, settings: IngestSettings, text_settings: TextSettings, ocr: bool
) -> PieceText:
    from assets.svg import sanitize_svg, svg_size
    from assets.svg.tree import parse

    clean = sanitize_svg(data, max_image_pixels=settings.max_image_pixels)
    root = parse(clean)
    size = svg_size(clean)
    view = size.viewbox or (0.0, 0.0, *size.pixels())
    words: list[Word] = []
    lines: list[str] = []
    for element in root.iter():
        if _local(element.tag) != "text":
            continue
        content = " ".join("".join(element.itertext()).split())
        if not content:
            continue
        lines.append(content)
        words.extend(_svg_words(element, content, view))
    if lines:
        return PieceText((PageText(0, "svg", "\n".join(lines), tuple(words)),))
    if not ocr:
        return PieceText(pending=(0,))
    image = _render_svg(clean, size.pixels(), text_settings)
    return PieceText((_ocr_page(image, 0, text_settings),))


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _first(value: str | None, default: float) -> float:
    found = _NUMBER.search(value or "")
    return float(found.group()) if found else default


def _svg_words(element: Any, content: str, view: Sequence[float]) -> Iterable[Word]:
    """Boxes from the element's x, y and font size (an estimate: glyph widths unknown)."""
    vx, vy, vw, vh = view
    style = element.get("style") or ""
    match = _FONT_SIZE.search(style)
    font = float(match.group(1)) if match else _first(element.get("font-size"), 16.0)
    x = _first(element.get("x"), 0.0)
    y = _first(element.get("y"), font)
    anchor = element.get("text-anchor") or ""
    advance = 0.55 * font  # an average letter of a sans serif
    total = advance * len(content)
    if "middle" in anchor or "text-anchor:middle" in style.replace(" ", ""):
        x -= total / 2
    elif "end" in anchor:
        x -= total
    cursor = x
    for token in content.split(" "):
        span = advance * len(token)
        yield Word(
            token,
            0,
            (
                _clip((cursor - vx) / vw),
                _clip((y - font * 0.8 - vy) / vh),
                _clip((cursor + span - vx) / vw),
                _clip((y + font * 0.2 - vy) / vh),
            ),
        )
        cursor += span + advance


def _render_svg(
    clean: bytes, size: tuple[float, float], text_settings: TextSettings
) -> Image.Image:
    import io

    import resvg_py

    width, height = size
    scale = min(4.0, math.sqrt(text_settings.max_ocr_pixels / max(1.0, width * height)))
    png = resvg_py.svg_to_bytes(
        svg_string=clean.decode("utf-8"),
        skip_system_fonts=False,
        width=max(1, round(width * scale)),
        height=max(1, round(height * scale)),
    )
    image = Image.open(io.BytesIO(bytes(png)))
    image.load()
    return image
