"""A PDF of a vector master: the drawing itself, for printers and designers.

A PDF or PDF-compatible Illustrator file already is one (its bytes are
given as they are); EPS and PostScript Illustrator artwork is converted by
Ghostscript's ``pdfwrite`` within its bounding box, under the same limits as
drawing it (``assets.postscript``). Raster files, SVG, video and fonts have
no vector PDF: asking for one is :class:`assets.errors.UnsupportedMediaType`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from assets.errors import DAMAGED, N_, InvalidFile, UnsupportedMediaType
from assets.settings import IngestSettings
from assets.sniff import Sniffed

if TYPE_CHECKING:
    from assets.renditions import Rendered

NOT_VECTOR = N_("A PDF is made only from vector masters (Illustrator, EPS or PDF).")
_PDF_MIMES = ("application/pdf", "application/illustrator")


def vector_pdf(path: Path, sniffed: Sniffed, settings: IngestSettings) -> Rendered:
    """The master as a PDF (see module doc)."""
    from assets.renditions import Rendered

    if sniffed.mime in _PDF_MIMES:
        from assets.pdf import pdf_info

        page = pdf_info(path)
        width, height = round(page["width_pt"]), round(page["height_pt"])
        return Rendered(path.read_bytes(), "application/pdf", width, height, "pdf")
    if sniffed.mime != "application/postscript":
        raise UnsupportedMediaType(NOT_VECTOR, mime=sniffed.mime)
    from assets.postscript import ps_info, run_ghostscript

    info = ps_info(path)
    with tempfile.TemporaryDirectory(prefix="brandhub-gs-", dir=settings.tmp_dir) as tmp:
        workdir = Path(tmp)
        out = workdir / "master.pdf"
        run_ghostscript(
            [
                f"-dDEVICEWIDTHPOINTS={info.width_pt:.3f}",
                f"-dDEVICEHEIGHTPOINTS={info.height_pt:.3f}",
                "-dFIXEDMEDIA",
                "-dFirstPage=1",
                "-dLastPage=1",
                "-sDEVICE=pdfwrite",
                f"-sOutputFile={out}",
                "-c",
                f"<</BeginPage {{pop {-info.bbox[0]:.3f} {-info.bbox[1]:.3f} translate}}>> "
                "setpagedevice",
                "-f",
                str(path),
            ],
            settings.budget,
            workdir,
        )
        if not out.exists() or out.stat().st_size == 0:
            raise InvalidFile(DAMAGED, reason="ghostscript_no_pdf")
        data = out.read_bytes()
    return Rendered(data, "application/pdf", round(info.width_pt), round(info.height_pt), "pdf")
