"""Photoshop documents (PSD and the large-document PSB): header, composite and layers.

A PSD is shown, checked and resized as the picture it is: its composite (the
flattened image Photoshop stores beside the layers). Pillow reads the
composite of a PSD; a PSB (Photoshop's format past 30 000 pixels a side)
is read by psd-tools. The header is read by hand first, so a document that
declares 300 000 × 300 000 pixels is refused before anything is allocated
(``header`` then ``check_pixels``/``check_decode``). ``psd_facts`` lists the
colour mode, bit depth and layers (count and names) through psd-tools, which
parses the layer records without compositing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image

from assets.errors import DAMAGED, N_, InvalidFile

NO_COMPOSITE = N_(
    "The Photoshop document has no composite image: save it with "
    "“Maximize compatibility” turned on and upload it again."
)
#: Colour modes by their number in the header, as a designer says them.
COLOR_MODES = {
    0: "bitmap",
    1: "grayscale",
    2: "indexed",
    3: "rgb",
    4: "cmyk",
    7: "multichannel",
    8: "duotone",
    9: "lab",
}
MAX_LAYER_NAMES = 100


def header(source: Path | BinaryIO) -> tuple[int, int, int, int, int]:
    """``(version, width, height, depth, mode)`` from the 26-byte header; InvalidFile if odd."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            data = fh.read(26)
    else:
        at = source.tell()
        data = source.read(26)
        source.seek(at)
    if len(data) < 26 or not data.startswith(b"8BPS"):
        raise InvalidFile(DAMAGED, reason="psd_header")
    version = int.from_bytes(data[4:6], "big")
    channels = int.from_bytes(data[12:14], "big")
    height = int.from_bytes(data[14:18], "big")
    width = int.from_bytes(data[18:22], "big")
    depth = int.from_bytes(data[22:24], "big")
    mode = int.from_bytes(data[24:26], "big")
    if version not in (1, 2) or not 1 <= channels <= 56 or depth not in (1, 8, 16, 32):
        raise InvalidFile(DAMAGED, reason="psd_header")
    if width <= 0 or height <= 0:
        raise InvalidFile(DAMAGED, reason="psd_size", width=width, height=height)
    return version, width, height, depth, mode


def _open(source: Path | BinaryIO) -> Any:
    from psd_tools import PSDImage

    try:
        if isinstance(source, Path):
            return PSDImage.open(str(source))
        return PSDImage.open(source)
    except Exception as exc:  # noqa: BLE001  (psd-tools raises anything on a damaged file)
        raise InvalidFile(
            DAMAGED, reason="psd", error=f"{type(exc).__name__}: {exc}"[:200]
        ) from exc


def psb_composite(source: Path | BinaryIO) -> Image.Image:
    """The stored composite of a PSB (or PSD) through psd-tools, decoded.

    The caller has checked the header's size against its limits first.
    """
    psd = _open(source)
    try:
        image = psd.topil()
    except Exception as exc:  # noqa: BLE001
        raise InvalidFile(
            DAMAGED, reason="psd", error=f"{type(exc).__name__}: {exc}"[:200]
        ) from exc
    if not isinstance(image, Image.Image):
        raise InvalidFile(NO_COMPOSITE, reason="psd_no_composite")
    return image if image.mode in ("RGB", "RGBA", "L", "LA", "CMYK") else image.convert("RGBA")


def psd_facts(path: Path) -> dict[str, Any]:
    """Format, colour mode, bit depth and the layers (count and names, top to bottom)."""
    version, width, height, depth, mode = header(path)
    psd = _open(path)
    try:
        layers = list(psd.descendants())
    except Exception as exc:  # noqa: BLE001
        raise InvalidFile(
            DAMAGED, reason="psd", error=f"{type(exc).__name__}: {exc}"[:200]
        ) from exc
    names = [str(layer.name)[:120] for layer in reversed(layers) if not layer.is_group()]
    groups = sum(1 for layer in layers if layer.is_group())
    return {
        "format": "psb" if version == 2 else "psd",
        "width_px": width,
        "height_px": height,
        "color_mode": COLOR_MODES.get(mode, str(mode)),
        "bit_depth": depth,
        "layers": len(names),
        "layer_groups": groups,
        "layer_names": names[:MAX_LAYER_NAMES],
    }
