"""Rendition sources: each kind of file as one sRGB Pillow image at the size needed.

A source knows its natural size cheaply (``natural``), whether it can be
drawn at any size (``scalable``: SVG, PDF pages, audio waveforms) and then
``load(need)`` produces one image at least ``need`` pixels for the whole
frame, decoding as little as possible:

- raster images: JPEG decodes at 1/2, 1/4 or 1/8 scale through ``draft``,
  big non-JPEG images are box-reduced before anything else touches them, then
  EXIF orientation and ICC/CMYK conversion apply (animated files: first frame);
- camera raw: the embedded JPEG when it covers the need, else a demosaic;
- SVG: sanitised, then drawn by resvg at the needed size;
- PDF: the first page drawn by PDFium at the needed scale;
- office documents: converted to PDF by LibreOffice (``assets.office``), then as a PDF;
- video: a poster frame at about one second, as displayed;
- audio: a waveform of the first minute, drawn at the needed size.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from assets.errors import DAMAGED, InvalidFile
from assets.media import (
    DECODER_ERRORS,
    audio_envelope,
    decoder_errors,
    load_image,
    open_image,
    poster_frame,
)
from assets.renditions.color import to_srgb
from assets.settings import IngestSettings
from assets.sniff import Sniffed
from assets.sniff.office import is_office
from assets.sniff.raw import is_raw

# EXIF orientation -> the transposition that displays the stored pixels
# upright (the table ImageOps.exif_transpose uses).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_REDUCIBLE = frozenset({"L", "LA", "RGB", "RGBA", "CMYK", "I", "F", "I;16"})
WAVEFORM_COLOR = (68, 84, 106, 255)


class Source:
    natural: tuple[float, float]
    scalable: bool = False

    def load(self, need: tuple[int, int]) -> Image.Image:
        raise NotImplementedError


class RasterSource(Source):
    def __init__(self, path: Path, sniffed: Sniffed, settings: IngestSettings) -> None:
        self.path, self.sniffed, self.settings = path, sniffed, settings
        with open_image(path, sniffed, settings) as im:
            try:
                orientation = int(im.getexif().get(0x0112) or 1)
            except DECODER_ERRORS:
                orientation = 1  # unreadable EXIF: show the pixels as stored
            self.orientation = orientation if orientation in _TRANSPOSE else 1
            w, h = im.size
        self.swapped = self.orientation in (5, 6, 7, 8)
        self.natural = (h, w) if self.swapped else (w, h)

    def load(self, need: tuple[int, int]) -> Image.Image:
        stored_need = (need[1], need[0]) if self.swapped else need
        im = load_image(self.path, self.sniffed, self.settings, draft=stored_need)
        with decoder_errors():
            factor = int(min(im.width / stored_need[0], im.height / stored_need[1]) / 2)
            if factor >= 2 and im.mode in _REDUCIBLE:
                # Box-reduce to about twice the need: what Pillow's
                # reducing_gap does, but before the colour transform.
                im = im.reduce(factor)
            if self.orientation in _TRANSPOSE:
                im = im.transpose(_TRANSPOSE[self.orientation])
            return to_srgb(im)


class RawSource(Source):
    """A camera raw: its embedded JPEG when big enough, else a demosaic (``assets.raw``)."""

    def __init__(self, path: Path, settings: IngestSettings) -> None:
        from assets.raw import raw_size

        self.path, self.settings = path, settings
        size = raw_size(path, settings)
        self.natural = (size.width, size.height)

    def load(self, need: tuple[int, int]) -> Image.Image:
        from assets.raw import raw_image

        return to_srgb(raw_image(self.path, self.settings, need))


class SvgSource(Source):
    scalable = True

    def __init__(self, path: Path, settings: IngestSettings) -> None:
        from assets.svg import sanitize_svg, svg_size

        self.settings = settings
        self.svg = sanitize_svg(path.read_bytes(), max_image_pixels=settings.max_image_pixels)
        self.natural = svg_size(self.svg).pixels()
        if min(self.natural) <= 0:
            raise InvalidFile(DAMAGED, reason="svg_size")

    def load(self, need: tuple[int, int]) -> Image.Image:
        import io

        import resvg_py

        try:
            png = resvg_py.svg_to_bytes(
                svg_string=self.svg.decode("utf-8"), width=need[0], height=need[1]
            )
        except (ValueError, RuntimeError) as exc:
            raise InvalidFile(DAMAGED, reason="svg_render", error=str(exc)[:200]) from exc
        with decoder_errors(), Image.open(io.BytesIO(bytes(png)), formats=["PNG"]) as im:
            return to_srgb(im.convert("RGBA"))


class PdfSource(Source):
    scalable = True

    def __init__(self, path: Path) -> None:
        from assets.pdf import pdf_info

        self.path = path
        info = pdf_info(path)
        if info["width_pt"] <= 0 or info["height_pt"] <= 0:
            raise InvalidFile(DAMAGED, reason="page_size")
        self.natural = (info["width_pt"], info["height_pt"])

    def load(self, need: tuple[int, int]) -> Image.Image:
        from assets.pdf import render_first_page

        return render_first_page(self.path, width=need[0], height=need[1])


class OfficeSource(Source):
    """An office document: converted to PDF by LibreOffice, then drawn as a PDF's first page."""

    scalable = True

    def __init__(self, path: Path, sniffed: Sniffed, settings: IngestSettings) -> None:
        from assets.office import to_pdf

        self.settings = settings
        self.pdf = to_pdf(path, sniffed, settings)
        with self._file() as pdf:
            self.page = PdfSource(pdf)
        self.natural = self.page.natural

    @contextlib.contextmanager
    def _file(self) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(dir=self.settings.tmp_dir) as tmp:
            pdf = Path(tmp) / "document.pdf"
            pdf.write_bytes(self.pdf)
            yield pdf

    def load(self, need: tuple[int, int]) -> Image.Image:
        from assets.pdf import render_first_page

        with self._file() as pdf:
            return render_first_page(pdf, width=need[0], height=need[1])


class VideoSource(Source):
    def __init__(self, path: Path, sniffed: Sniffed, settings: IngestSettings) -> None:
        self.frame = poster_frame(path, sniffed, settings).convert("RGB")
        self.natural = self.frame.size

    def load(self, need: tuple[int, int]) -> Image.Image:
        return self.frame


class WaveformSource(Source):
    """A waveform drawing: transparent background, bars centred on the axis."""

    scalable = True

    def __init__(self, path: Path, sniffed: Sniffed, settings: IngestSettings) -> None:
        self.path, self.sniffed = path, sniffed
        self.natural = (settings.preview_size, max(1, settings.preview_size // 2))

    def load(self, need: tuple[int, int]) -> Image.Image:
        width, height = need
        bar = max(1, width // 400)
        step = bar * 2
        columns = max(1, width // step)
        peaks = audio_envelope(self.path, self.sniffed, columns=columns)
        loudest = float(peaks.max(initial=0.0))
        if loudest > 1e-4:
            peaks = peaks / loudest
        image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
        draw = ImageDraw.Draw(image)
        middle = height / 2
        for i, peak in enumerate(np.asarray(peaks, dtype=np.float64)):
            half = max(0.5, peak * middle * 0.92)
            x = i * step
            draw.rectangle(
                (x, math.floor(middle - half), x + bar - 1, math.ceil(middle + half) - 1),
                fill=WAVEFORM_COLOR,
            )
        return image


# --- designer masters and brand fonts ----------------------------------------------


class PostScriptSource(Source):
    """EPS and PostScript Illustrator artwork, drawn by Ghostscript within its bounding box."""

    scalable = True

    def __init__(self, path: Path, settings: IngestSettings) -> None:
        from assets.postscript import ps_info

        self.path, self.settings = path, settings
        self.info = ps_info(path)
        self.natural = (self.info.width_pt, self.info.height_pt)

    def load(self, need: tuple[int, int]) -> Image.Image:
        from assets.postscript import render_postscript

        return render_postscript(
            self.path, self.info, width=need[0], height=need[1], budget=self.settings.budget
        )


class FontSource(Source):
    """A font's specimen, drawn in the font at the size needed."""

    scalable = True

    def __init__(self, path: Path) -> None:
        from assets.fonts import SPECIMEN_SIZE, font_facts

        self.path = path
        self.family = font_facts(path)["family"]
        self.natural = (float(SPECIMEN_SIZE[0]), float(SPECIMEN_SIZE[1]))

    def load(self, need: tuple[int, int]) -> Image.Image:
        from assets.fonts import render_specimen

        return render_specimen(self.path, self.family, width=need[0], height=need[1])


# --- end designer masters and brand fonts ------------------------------------------


def open_source(path: Path, sniffed: Sniffed, settings: IngestSettings) -> Source:
    """The rendition source for a sniffed file."""
    if is_raw(sniffed):
        return RawSource(path, settings)
    if sniffed.kind == "image":
        return RasterSource(path, sniffed, settings)
    if sniffed.mime == "image/svg+xml":
        return SvgSource(path, settings)
    if sniffed.mime in ("application/pdf", "application/illustrator"):
        return PdfSource(path)
    if sniffed.mime == "application/postscript":
        return PostScriptSource(path, settings)
    if sniffed.kind == "font":
        return FontSource(path)
    if is_office(sniffed):
        return OfficeSource(path, sniffed, settings)
    if sniffed.kind == "video":
        try:
            return VideoSource(path, sniffed, settings)
        except InvalidFile as exc:
            if exc.details.get("reason") != "no_video":
                raise
            return WaveformSource(path, sniffed, settings)  # an MP4 or WebM of sound only
    if sniffed.kind == "audio":
        return WaveformSource(path, sniffed, settings)
    raise ValueError(f"no rendition source for {sniffed.mime}")
