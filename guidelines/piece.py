"""The file under check, measured lazily so each check pays only for what it reads.

Header facts (type, pixel size, DPI, colour mode, ICC profile) come from the
first bytes and Pillow's lazy ``open`` without decoding pixels. Checks that
look at pixels share one analysis copy at most ``ANALYSIS_SIDE`` pixels on its
long side, decoded once: JPEGs in draft mode (libjpeg's DCT scaling decodes a
24 MP photo at 1/4 size for a fraction of the cost), then converted to sRGB
through ImageCms when the file carries a profile. SVGs are sanitised and
rasterised by resvg at that same size, and PDFs (graphic pieces) have their
first page rendered by PDFium at that size. Video and audio facts come from one
PyAV probe; loudness is measured only if a rule asks for it.

Errors while reading become :class:`assets.errors.InvalidFile`, which the
engine turns into a failing ``format`` result.

A piece may be checked before its bytes can be read here (:class:`Pending`: a
long recording whose upload went straight into the store, read by the
background job later). Its type and size are known; anything that would read
the file raises :class:`ContentsPending`, and the engine skips that rule with
``media_pending`` instead of copying gigabytes to answer it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
from PIL import Image, ImageCms

from assets.budget import check_decode
from assets.errors import InvalidFile
from assets.media import AvInfo, decoder_errors, open_av, open_image, probe
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, Sniffed, sniff
from assets.sniff.office import is_office
from assets.sniff.raw import is_raw
from assets.text import PieceText
from guidelines.loudness import Loudness, container_loudness

T = TypeVar("T")

ANALYSIS_SIDE = 1024
_KIND = {"image": "image", "vector": "svg", "video": "video", "audio": "audio"}
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Pending:
    """A file not readable yet: its sniffed type and its size in bytes."""

    sniffed: Sniffed
    size: int


class ContentsPending(Exception):
    """A rule needs the file's contents, and the file is :class:`Pending`."""


@dataclass(frozen=True)
class Header:
    """What the file's header says, before any decoding changes the image object."""

    size: tuple[int, int]
    mode: str
    format: str | None
    info: Mapping[Any, Any]


class Piece:
    """One file under check. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        path: Path,
        *,
        filename: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        settings: IngestSettings | None = None,
        text: PieceText | None = None,
        document_pdf: Path | None = None,
        pending: Pending | None = None,
    ) -> None:
        self._path = Path(path)
        self.pending = pending
        self._given_text = text
        self._given_pdf = document_pdf
        self.filename = filename or self._path.name
        self.settings = settings or IngestSettings()
        self._given_metadata = metadata
        self._image: Image.Image | None = None
        self.header = Header((0, 0), "", None, {})
        self._files = contextlib.ExitStack()
        self.sniffed: Sniffed | None = None
        self.kind = ""
        self._memo: dict[str, Any] = {}

    def __enter__(self) -> Piece:
        return self

    @property
    def path(self) -> Path:
        """The file; ContentsPending while it cannot be read here."""
        if self.pending is not None:
            raise ContentsPending()
        return self._path

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._files.close()
        self._image = None

    def open(self) -> None:
        """Sniff the type and read the header; UnsupportedMediaType or InvalidFile otherwise."""
        if self.pending is not None:
            self.sniffed = self.pending.sniffed
            self.kind = _KIND.get(self.sniffed.kind, self.sniffed.kind)
            return
        try:
            with self.path.open("rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError as exc:
            raise InvalidFile("The file cannot be read.", reason=str(exc)) from exc
        self.sniffed = sniff(head, self.filename)
        self.kind = _KIND.get(self.sniffed.kind, self.sniffed.kind)
        if self.sniffed.mime == "application/postscript":
            self.kind = "postscript"  # EPS and PostScript Illustrator: drawn by Ghostscript
        elif self.sniffed.mime == "application/pdf":
            from assets.metadata.masters import read_pdf_design
            from assets.sniff import refine_pdf

            # A PDF-compatible Illustrator file is checked as the .ai it is (a PDF inside).
            self.sniffed = refine_pdf(self.sniffed, {"design": read_pdf_design(self.path)})
            self.kind = "document"
        # Reading the header now makes a damaged file show up before any check runs.
        if self.kind == "image":
            self.image  # noqa: B018
        elif self.kind == "svg":
            self.svg_report  # noqa: B018
        elif self.kind in ("video", "audio"):
            self.av  # noqa: B018
        elif self.kind == "document":
            from assets.pdf import pdf_info

            pdf_info(self.document_pdf)
        elif self.kind == "postscript":
            self.postscript  # noqa: B018
        elif self.kind == "font":
            from assets.fonts import font_facts

            font_facts(self.path)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value several checks derive from the piece (its mark, its colours), computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    @cached_property
    def size_bytes(self) -> int:
        if self.pending is not None:
            return self.pending.size
        return self.path.stat().st_size

    @property
    def ext(self) -> str:
        return self.sniffed.ext if self.sniffed else ""

    # Raster header facts -------------------------------------------------

    @property
    def image(self) -> Image.Image:
        """The Pillow image, opened lazily: header parsed, pixels not decoded.

        Decoding in draft mode changes the image's size and mode, so checks
        read header facts from :attr:`header`, taken before any decoding.
        """
        if self._image is None:
            assert self.sniffed is not None
            if is_raw(self.sniffed):
                return self._raw_image()
            im = self._files.enter_context(open_image(self.path, self.sniffed, self.settings))
            self.header = Header(im.size, im.mode, im.format, dict(im.info))
            self._image = im
        return self._image

    def _raw_image(self) -> Image.Image:
        """A camera raw, checked as the photo it is: its full size, pixels at analysis size."""
        from assets.raw import raw_image, raw_size

        size = raw_size(self.path, self.settings)
        scale = min(1.0, ANALYSIS_SIDE / max(size.width, size.height))
        need = (max(1, round(size.width * scale)), max(1, round(size.height * scale)))
        im = raw_image(self.path, self.settings, need)
        self.header = Header((size.width, size.height), "RGB", "RAW", {})
        self._image = im
        return im

    @cached_property
    def document_pdf(self) -> Path:
        """The document as PDF: the file itself, or an office document converted by LibreOffice.

        An office document already converted on upload (its ``pdf`` rendition) is given as
        ``document_pdf`` and used as it is: LibreOffice runs once per upload, not twice.
        """
        assert self.sniffed is not None
        if not is_office(self.sniffed):
            return self.path
        if self._given_pdf is not None:
            return self._given_pdf
        import tempfile

        from assets.office import to_pdf

        tmp = tempfile.TemporaryDirectory(dir=self.settings.tmp_dir)
        folder = Path(self._files.enter_context(tmp))
        pdf = folder / "document.pdf"
        pdf.write_bytes(to_pdf(self.path, self.sniffed, self.settings))
        return pdf

    @cached_property
    def dimensions(self) -> tuple[int, int] | None:
        """Pixel width and height of a raster image or of the video stream; None for SVG, audio."""
        if self.kind == "image":
            self.image  # noqa: B018  (reads the header)
            return self.header.size
        if self.kind == "video" and self.av.video:
            return int(self.av.video["width"]), int(self.av.video["height"])
        return None

    @cached_property
    def dpi(self) -> tuple[float, float] | None:
        self.image  # noqa: B018
        dpi = self.header.info.get("dpi")
        if not dpi or not all(float(v) > 0 for v in dpi):
            return None
        return float(dpi[0]), float(dpi[1])

    @cached_property
    def icc_profile(self) -> bytes | None:
        self.image  # noqa: B018
        return self.header.info.get("icc_profile") or None

    @cached_property
    def icc_description(self) -> str | None:
        if not self.icc_profile:
            return None
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(self.icc_profile))
            return ImageCms.getProfileDescription(profile).strip() or "perfil sin nombre"
        except (OSError, ImageCms.PyCMSError):
            return "perfil dañado"

    @cached_property
    def color_mode(self) -> str:
        """``rgb``, ``cmyk`` or ``grayscale`` as a designer would say it."""
        im = self.image
        mode = self.header.mode
        if mode in ("CMYK",):
            return "cmyk"
        if mode in ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"):
            return "grayscale"
        if mode == "P" and im.palette is not None and im.palette.mode == "L":
            return "grayscale"
        return "rgb"

    @cached_property
    def has_alpha_channel(self) -> bool:
        self.image  # noqa: B018
        mode, info = self.header.mode, self.header.info
        return mode in ("RGBA", "LA", "La", "RGBa", "PA") or "transparency" in info

    # Pixels ---------------------------------------------------------------

    @cached_property
    def rgba(self) -> Image.Image:
        """The analysis copy: sRGB, RGBA, long side at most ``ANALYSIS_SIDE``."""
        with decoder_errors():
            if self.kind == "svg":
                return self._render_svg(ANALYSIS_SIDE)
            if self.kind == "document":
                from assets.pdf import render_first_page

                page = render_first_page(
                    self.document_pdf, width=ANALYSIS_SIDE, height=ANALYSIS_SIDE
                )
                return page.convert("RGBA")
            if self.kind == "postscript":
                from assets.postscript import render_postscript

                return render_postscript(
                    self.path,
                    self.postscript,
                    width=ANALYSIS_SIDE,
                    height=ANALYSIS_SIDE,
                    budget=self.settings.budget,
                )
            return self._decode_raster(ANALYSIS_SIDE)

    @property
    def analysis_scale(self) -> float:
        """Full-size pixels per analysis pixel (1.0 when the file is small)."""
        if self.dimensions is None:
            return 1.0
        return self.dimensions[0] / self.rgba.width

    def array(self, max_side: int | None = None) -> np.ndarray:
        """The analysis copy as uint8 (H, W, 4), optionally reduced further."""
        im = self.rgba
        if max_side and max(im.size) > max_side:
            im = im.copy()
            im.thumbnail((max_side, max_side), Image.Resampling.BOX)
        return np.asarray(im)

    def _decode_raster(self, side: int) -> Image.Image:
        im = self.image
        if im.format == "JPEG":
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale; asking for the analysis size in the
            # image's own proportion picks the smallest scale whose long side still reaches it.
            scale = side / max(im.size)
            target = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            im.draft(im.mode if im.mode in ("CMYK", "L") else "RGB", target)
        if getattr(im, "n_frames", 1) > 1 and im.format != "PSD":
            im.seek(0)  # a PSD's frames are its layers: the composite is what opened
        # A flat PNG of 13000 × 13000 pixels is half a megabyte and 700 MB decoded.
        check_decode(im.width, im.height, im.mode, self.settings.budget)
        im.load()
        frame = im
        if frame.mode not in ("RGB", "RGBA", "CMYK", "L"):
            has_alpha = frame.mode in ("LA", "La", "PA", "RGBa") or "transparency" in frame.info
            frame = frame.convert("RGBA" if has_alpha else "RGB")
        # Reduce before converting colours: the conversion then touches 1 MP, not 24.
        if max(frame.size) > side:
            scale = side / max(frame.size)
            size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
            reduced = frame.resize(size, Image.Resampling.BOX)
            reduced.info = frame.info
            frame = reduced
        return to_srgb(frame)

    def _render_svg(self, side: int) -> Image.Image:
        import resvg_py

        from assets.svg import sanitize_svg, svg_size

        clean = sanitize_svg(self.svg_bytes, max_image_pixels=self.settings.max_image_pixels)
        # Rendered from the vector at the analysis size, not scaled from pixels.
        width, height = svg_size(clean).pixels()
        scale = side / max(width, height, 1e-6)
        png = resvg_py.svg_to_bytes(
            svg_string=clean.decode("utf-8"),
            skip_system_fonts=True,
            width=max(1, round(width * scale)),
            height=max(1, round(height * scale)),
        )
        im = Image.open(io.BytesIO(bytes(png)))
        im.load()
        return im.convert("RGBA")

    # SVG ------------------------------------------------------------------

    @cached_property
    def svg_bytes(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def svg_report(self) -> Mapping[str, Any]:
        from assets.svg import svg_report

        return svg_report(self.svg_bytes, max_image_pixels=self.settings.max_image_pixels)

    # Designer masters ----------------------------------------------------

    @cached_property
    def postscript(self) -> Any:
        """The DSC facts of an EPS or PostScript Illustrator file (``assets.postscript``)."""
        from assets.postscript import ps_info

        return ps_info(self.path)

    @property
    def is_vector(self) -> bool:
        """Whether the file is drawn from vectors: SVG, PDF or Illustrator, EPS."""
        return self.kind in ("svg", "document", "postscript")

    @cached_property
    def fonts_used(self) -> list[str]:
        """The fonts a PDF, Illustrator, EPS or SVG file names (subset prefixes taken off)."""
        if self.kind == "document":
            from assets.pdf_design import pdf_design

            return list(pdf_design(self.path).get("fonts", []))
        if self.kind == "postscript":
            return list(self.postscript.fonts)
        if self.kind == "svg":
            return [str(f) for f in self.svg_report.get("fonts", [])]
        return []

    # Text ---------------------------------------------------------------

    @cached_property
    def text(self) -> PieceText | None:
        """The words of the piece: the text the caller read before (OCR included), else
        what is cheap to read now (a PDF's text layer, an SVG's text); pages that need
        OCR are listed in ``pending``. None for a raster image not read yet."""
        if self._given_text is not None:
            return self._given_text
        if self.kind == "document":
            from assets.text import pdf_text

            with decoder_errors():
                return pdf_text(self.document_pdf, self.settings, ocr=False)
        if self.kind == "svg":
            from assets.text import extract_text

            assert self.sniffed is not None
            with decoder_errors():
                return extract_text(self.path, self.sniffed, self.settings, ocr=False)
        return None

    # Metadata -----------------------------------------------------------

    @cached_property
    def metadata(self) -> Mapping[str, Any]:
        """Normalised descriptive metadata (creator, credit, copyright, caption, keywords)."""
        if self._given_metadata is not None:
            return self._given_metadata
        from assets.metadata import extract

        assert self.sniffed is not None
        with decoder_errors():
            info = extract(self.path, self.sniffed, self.settings)
        groups = info.metadata
        iptc, xmp = groups.get("iptc", {}), groups.get("xmp", {})
        return {
            "creator": info.creator,
            "credit": info.credit,
            "copyright": info.copyright,
            "caption": info.caption,
            "keywords": info.keywords,
            # Reconciled and placeholders left out (assets/metadata/reconcile.py).
            "title": info.title or iptc.get("headline") or xmp.get("headline"),
            "date": _capture_text(info.capture),
            "location": iptc.get("city") or xmp.get("location") or xmp.get("city"),
        }

    # Video and audio ------------------------------------------------------

    @cached_property
    def av(self) -> AvInfo:
        """Streams, codecs, frame rate, duration (from one PyAV probe)."""
        assert self.sniffed is not None
        return probe(self.path, self.sniffed, self.settings)

    @cached_property
    def loudness(self) -> Loudness:
        """Integrated loudness of the first audio stream, over at most the budget's
        ``audio_seconds`` (``truncated`` says when the track is longer)."""
        assert self.sniffed is not None
        with open_av(self.path, self.sniffed) as container:
            return container_loudness(container, self.settings.budget.audio_seconds)


def to_srgb(im: Image.Image) -> Image.Image:
    """RGBA in sRGB. Uses the embedded ICC profile when there is one (CMYK above all)."""
    icc = im.info.get("icc_profile")
    if not icc and im.mode in ("RGB", "RGBA"):
        return im.convert("RGBA") if im.mode == "RGB" else im
    alpha = None
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        alpha = rgba.getchannel("A")
        base = rgba.convert("RGB")
    elif im.mode in ("RGB", "CMYK", "L"):
        base = im
    else:
        base = im.convert("RGB")
    converted = None
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                base, source, _SRGB, outputMode="RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
            )
        except (OSError, ImageCms.PyCMSError):
            converted = None
    # Without a usable profile, Pillow's formula conversion is the only option left.
    out = (converted or base.convert("RGB")).convert("RGBA")
    if alpha is not None:
        out.putalpha(alpha)
    return out


def _capture_text(capture: Any) -> str | None:
    """When it was taken: with its offset when known, else the camera's clock."""
    if capture is None:
        return None
    aware = capture.aware
    return str((aware or capture.local).isoformat())
