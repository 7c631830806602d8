"""Pieces with words in them: posters drawn with Pillow, print PDFs written with pikepdf.

``make_poster`` draws lines of text in a Debian font (DejaVu, Liberation) at a
given size, on a plain or a busy background (gradient, stripes, dots), and
returns the PNG (or JPEG) bytes together with the text drawn, so OCR can be
measured against it. ``make_print_pdf`` writes a PDF page by page with known
boxes (MediaBox, TrimBox, BleedBox), fonts (a standard font that is not
embedded, or DejaVu Sans embedded as TrueType), text colour (CMYK black, rich
black, RGB) and images at a known pixel size placed at a known size (so a
known resolution) in RGB or CMYK. ``make_scanned_pdf`` wraps a raster poster as
an image-only PDF page, the way a scanner does.
"""

from __future__ import annotations

import io
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms, ImageDraw, ImageFont

FONTS = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavu-bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "liberation": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "liberation-bold": "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "liberation-serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
}
MM = 72 / 25.4
LEGEND = (
    "Este programa es público, ajeno a cualquier partido político. Queda prohibido el uso "
    "para fines distintos a los establecidos en el programa."
)


def _background(size: tuple[int, int], kind: str, seed: int) -> Image.Image:
    width, height = size
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    rng = random.Random(seed)
    if kind == "gradient":
        for y in range(height):
            t = y / max(1, height - 1)
            draw.line([(0, y), (width, y)], fill=(int(250 - 60 * t), int(235 - 30 * t), 200))
    elif kind == "stripes":
        step = max(8, width // 24)
        for x in range(-height, width, step * 2):
            draw.polygon(
                [(x, 0), (x + step, 0), (x + step + height, height), (x + height, height)],
                fill=(210, 230, 245),
            )
    elif kind == "dots":
        for _ in range(max(40, width * height // 6000)):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(3, 14)
            shade = rng.randrange(170, 235)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(shade, shade + 10, 255))
    return im


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    return lines


@dataclass
class Poster:
    data: bytes
    text: str
    size: tuple[int, int]
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)


def make_poster(
    text: str,
    *,
    size: tuple[int, int] = (1240, 1754),
    font: str = "dejavu",
    font_px: int = 48,
    background: str = "plain",
    colour: tuple[int, int, int] = (20, 20, 20),
    heading: str | None = None,
    fmt: str = "PNG",
    seed: int = 1,
    dpi: int | None = None,
    srgb: bool = False,
) -> Poster:
    """A poster with ``text`` wrapped to its width (``heading`` above, twice as large);
    ``srgb`` embeds an sRGB profile."""
    im = _background(size, background, seed)
    draw = ImageDraw.Draw(im)
    margin = size[0] // 12
    y = margin
    drawn: list[str] = []
    boxes = []
    if heading:
        big = ImageFont.truetype(FONTS[font.split("-")[0] + "-bold"], font_px * 2)
        for line in _wrap(heading, big, size[0] - 2 * margin):
            draw.text((margin, y), line, font=big, fill=colour)
            boxes.append((margin, y, margin + int(big.getlength(line)), y + font_px * 2))
            drawn.append(line)
            y += int(font_px * 2.6)
    body = ImageFont.truetype(FONTS[font], font_px)
    for line in _wrap(text, body, size[0] - 2 * margin):
        draw.text((margin, y), line, font=body, fill=colour)
        boxes.append((margin, y, margin + int(body.getlength(line)), y + font_px))
        drawn.append(line)
        y += int(font_px * 1.45)
    out = io.BytesIO()
    kwargs: dict[str, object] = {"dpi": (dpi, dpi)} if dpi else {}
    if srgb:
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        kwargs["icc_profile"] = profile.tobytes()
    if fmt == "JPEG":
        kwargs["quality"] = 92
    im.save(out, fmt, **kwargs)
    return Poster(out.getvalue(), "\n".join(drawn), size, boxes)


# PDFs ---------------------------------------------------------------------------


@dataclass
class PdfImage:
    """An image of ``pixels`` placed at ``placed_mm`` (so at pixels / placed inches ppi)."""

    pixels: tuple[int, int] = (300, 300)
    placed_mm: tuple[float, float] = (25.4, 25.4)
    colour: str = "cmyk"  # "rgb" or "cmyk"
    at_mm: tuple[float, float] = (20, 20)


@dataclass
class PdfPage:
    size_mm: tuple[float, float] = (210, 297)
    bleed_mm: float | None = 3.0  # None: no BleedBox (and no TrimBox)
    text: str = "Campaña de vacunación"
    font: str = "embedded"  # "embedded" (DejaVu Sans) or "helvetica" (not embedded)
    text_colour: str = "black"  # "black" (K 100), "rich" (C60 M40 Y40 K100) or "rgb"
    images: list[PdfImage] = field(default_factory=list)


def _embedded_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    path = Path(FONTS["dejavu"])
    data = path.read_bytes()
    measure = ImageFont.truetype(str(path), 1000)
    widths = [int(measure.getlength(bytes([c]).decode("cp1252"))) for c in range(32, 127)]
    stream = pikepdf.Stream(pdf, zlib.compress(data))
    stream["/Filter"] = pikepdf.Name.FlateDecode
    stream["/Length1"] = len(data)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/DejaVuSans"),
        Flags=32,
        FontBBox=[-1021, -463, 1793, 1232],
        ItalicAngle=0,
        Ascent=928,
        Descent=-236,
        CapHeight=729,
        StemV=80,
        FontFile2=stream,
    )
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/DejaVuSans"),
        FirstChar=32,
        LastChar=126,
        Widths=widths,
        Encoding=pikepdf.Name.WinAnsiEncoding,
        FontDescriptor=pdf.make_indirect(descriptor),
    )


def _image(pdf: pikepdf.Pdf, spec: PdfImage) -> pikepdf.Stream:
    width, height = spec.pixels
    im = Image.new("RGB", (width, height), (200, 60, 40))
    ImageDraw.Draw(im).ellipse([width // 4, height // 4, width * 3 // 4, height * 3 // 4], "navy")
    if spec.colour == "cmyk":
        raw, space = im.convert("CMYK").tobytes(), pikepdf.Name.DeviceCMYK
    else:
        raw, space = im.tobytes(), pikepdf.Name.DeviceRGB
    stream = pikepdf.Stream(pdf, zlib.compress(raw))
    stream["/Type"] = pikepdf.Name.XObject
    stream["/Subtype"] = pikepdf.Name.Image
    stream["/Width"], stream["/Height"] = width, height
    stream["/ColorSpace"] = space
    stream["/BitsPerComponent"] = 8
    stream["/Filter"] = pikepdf.Name.FlateDecode
    return stream


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_print_pdf(pages: list[PdfPage]) -> bytes:
    """A PDF with one page per :class:`PdfPage`."""
    pdf = pikepdf.new()
    embedded = None
    for spec in pages:
        bleed = (spec.bleed_mm or 0) * MM
        width, height = spec.size_mm[0] * MM, spec.size_mm[1] * MM
        media = [0, 0, width + 2 * bleed, height + 2 * bleed]
        page_dict = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=media)
        if spec.bleed_mm is not None:
            page_dict["/TrimBox"] = [bleed, bleed, bleed + width, bleed + height]
            page_dict["/BleedBox"] = media
        fonts = pikepdf.Dictionary()
        if spec.font == "embedded":
            embedded = embedded or pdf.make_indirect(_embedded_font(pdf))
            fonts["/F1"] = embedded
        else:
            fonts["/F1"] = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type1,
                    BaseFont=pikepdf.Name.Helvetica,
                    Encoding=pikepdf.Name.WinAnsiEncoding,
                )
            )
        xobjects = pikepdf.Dictionary()
        ops = [b"q"]
        if spec.text_colour == "rich":
            ops.append(b"0.6 0.4 0.4 1 k")
        elif spec.text_colour == "rgb":
            ops.append(b"0.1 0.1 0.1 rg")
        else:
            ops.append(b"0 0 0 1 k")
        y = bleed + height - 30 * MM
        for line in spec.text.split("\n"):
            ops.append(
                b"BT /F1 18 Tf %.2f %.2f Td (" % (bleed + 20 * MM, y) + _escape(line) + b") Tj ET"
            )
            y -= 26
        ops.append(b"Q")
        for n, image in enumerate(spec.images):
            name = f"/Im{n}"
            xobjects[name] = pdf.make_indirect(_image(pdf, image))
            w, h = image.placed_mm[0] * MM, image.placed_mm[1] * MM
            x, y0 = bleed + image.at_mm[0] * MM, bleed + image.at_mm[1] * MM
            ops.append(b"q %.3f 0 0 %.3f %.3f %.3f cm %s Do Q" % (w, h, x, y0, name.encode()))
        page_dict["/Resources"] = pikepdf.Dictionary(Font=fonts, XObject=xobjects)
        page_dict["/Contents"] = pdf.make_stream(b"\n".join(ops))
        pdf.pages.append(pikepdf.Page(page_dict))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_scanned_pdf(poster: bytes, dpi: int = 150) -> bytes:
    """An image-only PDF page holding ``poster`` at ``dpi`` (a scan: no text layer)."""
    im = Image.open(io.BytesIO(poster)).convert("RGB")
    out = io.BytesIO()
    im.save(out, "PDF", resolution=dpi)
    return out.getvalue()
