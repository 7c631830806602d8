"""Rendition specs: strings like ``fill-1080x1080-c0.30,0.40|format-webp|quality-80``.

A spec is a ``|``-separated list of operations, parsed into small frozen
``Operation`` objects (the Wagtail model): at most one resize (``max``,
``width``, ``height``, ``fill`` or ``original``) plus at most one each of
``format``, ``quality``, ``bgcolor`` and ``dpi`` (the resolution written into
the file, in pixels per inch: ``dpi-300`` for print). Anything else raises
``InvalidFilterSpecError``, which the web layer answers with a 400.

A resize never upscales a raster (a 300 px photo stays 300 px in a
``max-1600`` preview); vector sources (SVG, PDF pages, waveforms) are drawn at
the size asked. ``RenditionSpec.canonical`` is the normalised spelling used in
cache and storage keys: the same rendition always has the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Self

from assets.errors import N_, InvalidFilterSpecError

MAX_SIDE = 10_000
MAX_SPEC_LENGTH = 200
INVALID = N_("The rendition or download specification is not valid.")

# name -> (Pillow format, MIME type, file extension)
FORMATS = {
    "webp": ("WEBP", "image/webp", "webp"),
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "png": ("PNG", "image/png", "png"),
    "tiff": ("TIFF", "image/tiff", "tiff"),
    # Vector masters only (Illustrator, EPS, PDF): the drawing itself, not pixels.
    "pdf": ("PDF", "application/pdf", "pdf"),
}
#: Other spellings of a format name, as people write them ("jpg", "tif").
FORMAT_ALIASES = {"jpg": "jpeg", "tif": "tiff"}


def _fail(spec: str, reason: str) -> InvalidFilterSpecError:
    return InvalidFilterSpecError(INVALID, spec=spec[:MAX_SPEC_LENGTH], reason=reason)


def _side(value: str, spec: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", value):
        raise _fail(spec, f"not a size: {value[:20]}")
    number = int(value)
    if not 1 <= number <= MAX_SIDE:
        raise _fail(spec, f"size out of range 1..{MAX_SIDE}: {number}")
    return number


def _box(value: str, spec: str) -> tuple[int, int]:
    width, x, height = value.partition("x")
    if not x:
        raise _fail(spec, f"expected WIDTHxHEIGHT: {value[:20]}")
    return _side(width, spec), _side(height, spec)


@dataclass(frozen=True)
class Plan:
    """Where to crop the source (in its own pixel units) and the output size."""

    crop: tuple[float, float, float, float]
    size: tuple[int, int]

    @property
    def scale(self) -> float:
        """Output pixels per source unit."""
        return self.size[0] / max(self.crop[2] - self.crop[0], 1e-9)


class Operation:
    """One step of a spec; ``construct`` parses its arguments."""

    name: ClassVar[str]

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Operation:
        raise NotImplementedError

    @property
    def canonical(self) -> str:
        raise NotImplementedError


class Resize(Operation):
    def plan(self, width: float, height: float, scalable: bool) -> Plan:
        """The crop and output size for a source of ``width`` x ``height``."""
        scale = self._scale(width, height)
        if not scalable:
            scale = min(scale, 1.0)
        return Plan((0.0, 0.0, width, height), _fit(width * scale, height * scale))

    def _scale(self, width: float, height: float) -> float:
        raise NotImplementedError


def _fit(width: float, height: float) -> tuple[int, int]:
    """Round to whole pixels, at least 1, at most ``MAX_SIDE`` on each side."""
    shrink = min(1.0, MAX_SIDE / max(width, height, 1e-9))
    return max(1, round(width * shrink)), max(1, round(height * shrink))


@dataclass(frozen=True)
class Original(Resize):
    name: ClassVar[str] = "original"

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Original:
        if args:
            raise _fail(spec, "original takes no arguments")
        return cls()

    def _scale(self, width: float, height: float) -> float:
        return 1.0

    @property
    def canonical(self) -> str:
        return "original"


@dataclass(frozen=True)
class Max(Resize):
    """Fit inside a box (``max-320`` is ``max-320x320``)."""

    width: int
    height: int
    name: ClassVar[str] = "max"

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Max:
        if len(args) != 1:
            raise _fail(spec, "max takes one size")
        if "x" in args[0]:
            return cls(*_box(args[0], spec))
        side = _side(args[0], spec)
        return cls(side, side)

    def _scale(self, width: float, height: float) -> float:
        return min(self.width / width, self.height / height)

    @property
    def canonical(self) -> str:
        if self.width == self.height:
            return f"max-{self.width}"
        return f"max-{self.width}x{self.height}"


@dataclass(frozen=True)
class _Number(Operation):
    """An operation with one whole number from 1 to ``highest``."""

    value: int
    highest: ClassVar[int]

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Self:
        digits = len(str(cls.highest))
        valid = len(args) == 1 and re.fullmatch(rf"[0-9]{{1,{digits}}}", args[0])
        if not valid or not 1 <= int(args[0]) <= cls.highest:
            raise _fail(spec, f"{cls.name} must be 1..{cls.highest}")
        return cls(int(args[0]))

    @property
    def canonical(self) -> str:
        return f"{self.name}-{self.value}"


@dataclass(frozen=True)
class _OneSide(_Number, Resize):
    """Scale so that one side has this many pixels, the other in proportion."""

    highest: ClassVar[int] = MAX_SIDE


@dataclass(frozen=True)
class Width(_OneSide):
    """``width-800``: 800 pixels wide."""

    name: ClassVar[str] = "width"

    def _scale(self, width: float, height: float) -> float:
        return self.value / width


@dataclass(frozen=True)
class Height(_OneSide):
    """``height-600``: 600 pixels tall."""

    name: ClassVar[str] = "height"

    def _scale(self, width: float, height: float) -> float:
        return self.value / height


_FOCAL = re.compile(r"c([01](?:\.[0-9]{1,4})?),([01](?:\.[0-9]{1,4})?)")


@dataclass(frozen=True)
class Fill(Resize):
    """Crop to the box's shape around a focal point, then scale to the box.

    The focal point is given as fractions of the width and height
    (``fill-1080x1080-c0.30,0.40``), the centre by default. The crop is as
    large as the image allows and slides to stay inside it.
    """

    width: int
    height: int
    focal_x: float = 0.5
    focal_y: float = 0.5
    name: ClassVar[str] = "fill"

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Fill:
        if len(args) not in (1, 2):
            raise _fail(spec, "fill takes a size and an optional focal point")
        width, height = _box(args[0], spec)
        if len(args) == 1:
            return cls(width, height)
        m = _FOCAL.fullmatch(args[1])
        fx, fy = (float(m.group(1)), float(m.group(2))) if m else (-1.0, -1.0)
        if not (0 <= fx <= 1 and 0 <= fy <= 1):
            raise _fail(spec, f"focal point must be c<x>,<y> with fractions 0..1: {args[1][:20]}")
        return cls(width, height, fx, fy)

    def plan(self, width: float, height: float, scalable: bool) -> Plan:
        aspect = self.width / self.height
        if width / height > aspect:
            crop_w, crop_h = height * aspect, height
        else:
            crop_w, crop_h = width, width / aspect
        left = min(max(self.focal_x * width - crop_w / 2, 0.0), width - crop_w)
        top = min(max(self.focal_y * height - crop_h / 2, 0.0), height - crop_h)
        scale = self.width / crop_w
        if not scalable:
            scale = min(scale, 1.0)
        return Plan((left, top, left + crop_w, top + crop_h), _fit(crop_w * scale, crop_h * scale))

    @property
    def canonical(self) -> str:
        base = f"fill-{self.width}x{self.height}"
        if (self.focal_x, self.focal_y) == (0.5, 0.5):
            return base
        return f"{base}-c{self.focal_x:g},{self.focal_y:g}"


@dataclass(frozen=True)
class Format(Operation):
    format: str
    name: ClassVar[str] = "format"

    @classmethod
    def construct(cls, args: list[str], spec: str) -> Format:
        value = FORMAT_ALIASES.get(args[0], args[0]) if len(args) == 1 else ""
        if value not in FORMATS:
            raise _fail(spec, f"format must be one of {', '.join(FORMATS)}")
        return cls(value)

    @property
    def canonical(self) -> str:
        return f"format-{self.format}"


@dataclass(frozen=True)
class Quality(_Number):
    """The encoder's quality (``quality-85``), for JPEG and WebP."""

    name: ClassVar[str] = "quality"
    highest: ClassVar[int] = 100


@dataclass(frozen=True)
class BgColor(Operation):
    """Flatten transparency onto this colour (``bgcolor-ffffff``)."""

    rgb: tuple[int, int, int]
    name: ClassVar[str] = "bgcolor"

    @classmethod
    def construct(cls, args: list[str], spec: str) -> BgColor:
        if len(args) != 1 or not re.fullmatch(r"[0-9a-fA-F]{6}|[0-9a-fA-F]{3}", args[0]):
            raise _fail(spec, "bgcolor must be RRGGBB")
        value = args[0] if len(args[0]) == 6 else "".join(ch * 2 for ch in args[0])
        return cls((int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)))

    @property
    def canonical(self) -> str:
        return "bgcolor-{:02x}{:02x}{:02x}".format(*self.rgb)


@dataclass(frozen=True)
class Dpi(_Number):
    """The resolution a download declares (``dpi-300``); the pixels stay as they are."""

    name: ClassVar[str] = "dpi"
    highest: ClassVar[int] = 9600


_OPERATIONS: dict[str, type[Operation]] = {
    op.name: op for op in (Original, Max, Width, Height, Fill, Format, Quality, BgColor, Dpi)
}


@dataclass(frozen=True)
class RenditionSpec:
    """A parsed spec: one optional resize and the output options."""

    resize: Resize | None = None
    format: str | None = None
    quality: int | None = None
    bgcolor: tuple[int, int, int] | None = None
    dpi: int | None = None

    @property
    def canonical(self) -> str:
        parts = [self.resize.canonical] if self.resize else []
        parts += [f"format-{self.format}"] if self.format else []
        parts += [f"quality-{self.quality}"] if self.quality is not None else []
        if self.bgcolor is not None:
            parts.append(BgColor(self.bgcolor).canonical)
        parts += [f"dpi-{self.dpi}"] if self.dpi is not None else []
        return "|".join(parts) or "original"

    def __str__(self) -> str:
        return self.canonical

    def plan(self, width: float, height: float, scalable: bool) -> Plan:
        return (self.resize or Original()).plan(width, height, scalable)


def parse_spec(spec: str | RenditionSpec) -> RenditionSpec:
    """Parse a spec string; a ``RenditionSpec`` is returned as is."""
    if isinstance(spec, RenditionSpec):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise _fail(str(spec), "empty")
    if len(spec) > MAX_SPEC_LENGTH:
        raise _fail(spec, "too long")
    found: dict[str, Operation] = {}
    for token in spec.strip().lower().split("|"):
        name, *args = token.strip().split("-")
        op_class = _OPERATIONS.get(name)
        if op_class is None:
            raise _fail(spec, f"unknown operation: {name[:20]}")
        key = "resize" if issubclass(op_class, Resize) else name
        if key in found:
            raise _fail(spec, f"more than one {key}")
        found[key] = op_class.construct(args, spec)
    resize = found.get("resize")
    fmt, quality, bg = found.get("format"), found.get("quality"), found.get("bgcolor")
    dpi = found.get("dpi")
    return RenditionSpec(
        resize=resize if isinstance(resize, Resize) else None,
        format=fmt.format if isinstance(fmt, Format) else None,
        quality=quality.value if isinstance(quality, Quality) else None,
        bgcolor=bg.rgb if isinstance(bg, BgColor) else None,
        dpi=dpi.value if isinstance(dpi, Dpi) else None,
    )
