"""One value per field from EXIF, IPTC IIM and XMP, as the Metadata Working Group reads them.

The MWG guidelines (2.0, "Reconciling metadata"), as ExifTool's MWG module
(the reference reader, ``-use MWG``) applies them to a JPEG, TIFF or PSD:

- EXIF ``ImageDescription``, ``Artist`` and ``Copyright`` first, when not blank:
  MWG-aware writers keep them in step with XMP, and tools unaware of XMP
  change only them;
- then XMP, unless the IPTC digest (Photoshop resource 0x0425, the MD5 of the
  IPTC block as the last MWG-aware writer left it) does not match the block:
  then a tool unaware of XMP changed IPTC after, and IPTC is the newer word;
- IPTC IIM when XMP has no value.

Before that, each candidate goes through the placeholder filter
(``clean.placeholder``): ``x-default`` read from a lang-alt, "OLYMPUS
DIGITAL CAMERA", a value that only repeats the camera's make and model. A
placeholder is not a value, so the next source is read instead: a camera's
"OLYMPUS DIGITAL CAMERA" does not hide a caption written in XMP, and an XMP
"x-default" does not hide a real EXIF description. Each source's raw values
stay in their own group of the stored metadata; ``reconcile`` returns the
chosen values and where each came from.
"""

from __future__ import annotations

from typing import Any

from assets.metadata import clean

# field -> (XMP name, IPTC name, EXIF name, length or "list")
FIELDS: dict[str, tuple[str, str | None, str | None, int | str]] = {
    "caption": ("description", "caption", "description", clean.LONG),
    "creator": ("creator", "creator", "artist", clean.SHORT),
    "copyright": ("rights", "copyright", "copyright", clean.LONG),
    "title": ("title", "object_name", None, clean.SHORT),
    "credit": ("credit", "credit", None, clean.SHORT),
    "headline": ("headline", "headline", None, clean.SHORT),
    "keywords": ("subject", "keywords", None, "list"),
}


def reconcile(
    exif: dict[str, Any], iptc: dict[str, Any], xmp: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The chosen value of each of ``FIELDS`` and the source it came from."""
    camera = (exif.get("make"), exif.get("model"))
    iptc_first = iptc.get("digest") == "mismatch"
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, (xmp_name, iptc_name, exif_name, kind) in FIELDS.items():
        candidates = [("xmp", xmp.get(xmp_name)), ("iptc", iptc.get(iptc_name or ""))]
        if iptc_first:
            candidates.reverse()
        if exif_name:
            candidates.insert(0, ("exif", exif.get(exif_name)))
        for source, raw in candidates:
            value = _value(raw, kind, camera)
            if value:
                values[name], sources[name] = value, source
                break
    return values, sources


def _value(raw: Any, kind: int | str, camera: tuple[Any, ...]) -> Any:
    if raw is None:
        return None
    if kind == "list":
        items = raw if isinstance(raw, list) else [raw]
        return [v for v in clean.text_list(items) if not clean.placeholder(v, *camera)]
    return clean.real_text(raw, *camera, limit=int(kind))
