"""PDF documents through pypdfium2: page count, page size, document info, first page.

PDFium is not thread-safe, so every call into it holds one process-wide lock.
Its failures become ``InvalidFile``; a password-protected document gets a
message of its own, since the fix (upload it without the password) differs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

from assets.errors import DAMAGED, N_, InvalidFile
from assets.media import TOO_LARGE

PROTECTED = N_("The PDF document is protected by a password.")
MAX_RENDER_SIDE = 10_000

_LOCK = threading.Lock()


@contextlib.contextmanager
def open_pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    """An open document, with PDFium locked for the whole block."""
    with _LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise InvalidFile(PROTECTED) from exc
            raise InvalidFile(DAMAGED, error=str(exc)[:200]) from exc
        try:
            if len(doc) < 1:
                raise InvalidFile(DAMAGED, reason="no_pages")
            yield doc
        except (pdfium.PdfiumError, ValueError, OSError) as exc:
            raise InvalidFile(DAMAGED, error=str(exc)[:200]) from exc
        finally:
            doc.close()


def pdf_info(path: Path) -> dict[str, Any]:
    """Page count, first page size in points, and the raw document info strings."""
    with open_pdf(path) as doc:
        width, height = doc.get_page_size(0)
        try:
            info = doc.get_metadata_dict(skip_empty=True)
        except (pdfium.PdfiumError, ValueError, UnicodeError):
            info = {}
        return {"pages": len(doc), "width_pt": width, "height_pt": height, "info": info}


def render_first_page(path: Path, *, width: int, height: int) -> Image.Image:
    """The first page as RGB, scaled to fit ``width`` x ``height`` pixels."""
    with open_pdf(path) as doc:
        page = doc[0]
        try:
            page_w, page_h = page.get_size()
            if page_w <= 0 or page_h <= 0:
                raise InvalidFile(DAMAGED, reason="page_size")
            scale = min(width / page_w, height / page_h)
            if max(page_w, page_h) * scale > MAX_RENDER_SIDE:
                raise InvalidFile(TOO_LARGE, width=page_w * scale, height=page_h * scale)
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), rev_byteorder=True)
            try:
                # to_pil() shares the bitmap's buffer: copy before it is freed.
                image: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    return image
