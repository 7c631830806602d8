"""Brand fonts (TrueType, OpenType, WOFF2): what the font says about itself, and a specimen.

``font_facts`` reads the name table (family, style, version, designer,
licence), the embedding rights a font grants documents (OS/2 ``fsType``, as
codes the pages put into words) and whether every letter Spanish needs is
in its character map. ``render_specimen`` draws the specimen line
"Aa Bb Ññ ¿¡ á é í ó ú ü 0123" in the font itself with Pillow (FreeType).
Fonts are parsed by fontTools and rasterised by FreeType, both on hostile
input: callers run them inside the work budget (``assets.budget``), and any
failure of theirs becomes :class:`assets.errors.InvalidFile`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from assets.errors import DAMAGED, InvalidFile

#: The letters and signs a Spanish text cannot do without.
SPANISH = "áéíóúüñÁÉÍÓÚÜÑ¿¡"
SPECIMEN = "Aa Bb Ññ ¿¡ á é í ó ú ü 0123"
#: The specimen's drawing size (width × height) before any scaling.
SPECIMEN_SIZE = (1600, 900)
_INK = (33, 37, 41, 255)
_MUTED = (88, 96, 105, 255)


@contextlib.contextmanager
def _open(path: Path) -> Iterator[Any]:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
    except Exception as exc:  # noqa: BLE001  (fontTools raises anything on a damaged font)
        raise InvalidFile(DAMAGED, reason="font", error=str(exc)[:200]) from exc
    try:
        yield font
    except InvalidFile:
        raise
    except Exception as exc:  # noqa: BLE001
        raise InvalidFile(DAMAGED, reason="font", error=str(exc)[:200]) from exc
    finally:
        font.close()


def _name(font: Any, *ids: int) -> str | None:
    table = font["name"] if "name" in font else None
    if table is None:
        return None
    for name_id in ids:
        record = table.getDebugName(name_id)
        if record and record.strip():
            return str(record).strip()[:500]
    return None


def embedding_rights(fs_type: int) -> dict[str, Any]:
    """OS/2 ``fsType`` as a code (installable, restricted, preview_print, editable) and flags."""
    usage = fs_type & 0x000F
    if usage & 0x0002 and not usage & 0x000C:
        code = "restricted"
    elif usage & 0x0004:
        code = "preview_print"
    elif usage & 0x0008:
        code = "editable"
    else:
        code = "installable"
    return {
        "code": code,
        "fs_type": fs_type,
        "no_subsetting": bool(fs_type & 0x0100),
        "bitmap_only": bool(fs_type & 0x0200),
    }


def font_facts(path: Path) -> dict[str, Any]:
    """Family, style, version, designer, licence, embedding rights and Spanish coverage."""
    with _open(path) as font:
        cmap = font.getBestCmap() or {}
        missing = [ch for ch in SPANISH if ord(ch) not in cmap]
        fs_type = int(font["OS/2"].fsType) if "OS/2" in font else 0
        glyphs = len(font.getGlyphOrder())
        outlines = "cff" if ("CFF " in font or "CFF2" in font) else "truetype"
        facts = {
            "family": _name(font, 16, 1),
            "style": _name(font, 17, 2),
            "full_name": _name(font, 4),
            "version": _name(font, 5),
            "designer": _name(font, 9),
            "manufacturer": _name(font, 8),
            "copyright": _name(font, 0),
            "license": _name(font, 13),
            "license_url": _name(font, 14),
            "embedding": embedding_rights(fs_type),
            "spanish": not missing,
            "missing": missing,
            "glyphs": glyphs,
            "outlines": outlines,
            "flavor": font.flavor or "sfnt",
        }
    if not facts["family"]:
        raise InvalidFile(DAMAGED, reason="font_without_name")
    return facts


def _sfnt_bytes(path: Path) -> bytes:
    """The font as plain TrueType/OpenType bytes (FreeType reads them whatever Pillow's build)."""
    with _open(path) as font:
        if not font.flavor:
            return path.read_bytes()
        font.flavor = None
        buffer = io.BytesIO()
        font.save(buffer)
        return buffer.getvalue()


def _fitted(data: bytes, text: str, width: float, start: int) -> ImageFont.FreeTypeFont:
    """The font at the largest size from ``start`` down at which ``text`` fits ``width``."""
    size = max(4, start)
    while True:
        try:
            face = ImageFont.truetype(io.BytesIO(data), size)
            left, _top, right, _bottom = face.getbbox(text)
        except (OSError, ValueError) as exc:
            raise InvalidFile(DAMAGED, reason="font_render", error=str(exc)[:200]) from exc
        if right - left <= width or size <= 4:
            return face
        size = max(4, int(size * width / max(1, right - left)))


def render_specimen(path: Path, family: str | None, *, width: int, height: int) -> Image.Image:
    """The specimen in the font, dark on white, ``width`` × ``height`` pixels."""
    data = _sfnt_bytes(path)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    margin = width * 0.06
    room = width - 2 * margin
    lines = [
        (family or "", height * 0.10, _MUTED),
        ("Aa Bb Ññ ¿¡", height * 0.26, _INK),
        ("á é í ó ú ü 0123", height * 0.18, _INK),
    ]
    y = height * 0.10
    for text, size, color in lines:
        if not text:
            continue
        face = _fitted(data, text, room, max(4, round(size)))
        try:
            draw.text((margin, y), text, font=face, fill=color)
        except (OSError, ValueError) as exc:
            raise InvalidFile(DAMAGED, reason="font_render", error=str(exc)[:200]) from exc
        y += size * 1.45
    return image
