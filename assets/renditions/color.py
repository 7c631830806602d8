"""Colour management for renditions: every rendition is 8-bit sRGB (plus alpha).

An embedded ICC profile (Adobe RGB, Display P3, a press CMYK) is honoured
through ImageCms (LittleCMS). CMYK without a profile goes through a generic
press profile built here at first use from typical process-ink colours: a
bare ``convert("RGB")`` would treat ink percentages as light and print
cyan as (0, 255, 255) instead of the familiar (0, 174, 239). Exotic modes
(16-bit, float, palette, Lab) are brought to 8-bit first.
"""

from __future__ import annotations

import functools
import io
import itertools
import struct

import numpy as np
from PIL import Image, ImageCms

# Process inks printed solid on white paper, as sRGB: what a SWOP/FOGRA
# profile makes of 100% C, M, Y and K.
PRESS_INKS = {
    "c": (0, 174, 239),
    "m": (236, 0, 140),
    "y": (255, 242, 0),
    "k": (35, 31, 32),
}
DOT_GAIN = 0.12  # extra coverage at 50%, as halftone dots spread on paper
_GRID = 9


@functools.cache
def srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.cache
def press_cmyk_profile() -> bytes:
    """The generic CMYK profile (ICC v2, CMYK -> Lab lut16) used when none is embedded."""
    return cmyk_profile(PRESS_INKS, description="BrandHub generic press CMYK")


def to_srgb(im: Image.Image) -> Image.Image:
    """The image as sRGB ``RGB``, or ``RGBA`` when it has transparency."""
    icc = im.info.get("icc_profile")
    im = _eight_bit(im)
    alpha = None
    if im.mode in ("RGBA", "LA"):
        alpha = im.getchannel("A")
        im = im.convert("RGB" if im.mode == "RGBA" else "L")
    if im.mode == "CMYK":
        im = _apply(im, icc, fallback=press_cmyk_profile())
    elif im.mode in ("RGB", "L"):
        im = _apply(im, icc, fallback=None)
    else:
        im = im.convert("RGB")
    if alpha is not None:
        im.putalpha(alpha)
    return im


def _eight_bit(im: Image.Image) -> Image.Image:
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return im
    if mode == "1":
        return im.convert("L")
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in im.info
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode in ("RGBa", "La"):
        return im.convert("RGBA" if mode == "RGBa" else "LA")
    if mode.startswith("I;16") or mode == "I":
        arr = np.asarray(im).astype(np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
        return Image.fromarray(np.clip(arr / top * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    if mode == "F":
        arr = np.nan_to_num(np.asarray(im), nan=0.0)
        top = 1.0 if arr.max(initial=0) <= 1.0 else 255.0
        return Image.fromarray(np.clip(arr / top * 255, 0, 255).astype(np.uint8), "L")
    if mode == "LAB":
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        out = ImageCms.profileToProfile(im, lab, srgb_profile(), outputMode="RGB")
        return out if out is not None else im.convert("RGB")
    return im.convert("RGB")


def _apply(im: Image.Image, icc: bytes | None, fallback: bytes | None) -> Image.Image:
    out_mode = "RGB"
    for profile in (icc, fallback):
        if not profile or _is_srgb(profile):
            continue
        try:
            return _transform(profile, im.mode, out_mode).apply(im)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            continue  # a profile for another colour space, or a broken one
    return im if im.mode == out_mode else im.convert(out_mode)


@functools.lru_cache(maxsize=32)
def _transform(profile: bytes, in_mode: str, out_mode: str) -> ImageCms.ImageCmsTransform:
    src = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    # NOCACHE: LittleCMS otherwise keeps a one-pixel cache inside the
    # transform, which threads sharing this cached transform would race on.
    return ImageCms.buildTransform(
        src,
        srgb_profile(),
        in_mode,
        out_mode,
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.NOCACHE,
    )


@functools.lru_cache(maxsize=64)
def _is_srgb(profile: bytes) -> bool:
    """True for the common sRGB profiles, whose conversion would be a no-op."""
    try:
        desc = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return False
    return desc.strip().lower().startswith(("srgb", "s rgb"))


# --- a small ICC writer for the generic CMYK profile -----------------------------

_D50 = np.array([0.9642, 1.0, 0.8249])
_SRGB_TO_XYZ_D65 = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_BRADFORD_D65_TO_D50 = np.array(
    [
        [1.0478112, 0.0228866, -0.0501270],
        [0.0295424, 0.9904844, -0.0170491],
        [-0.0092345, 0.0150436, 0.7521316],
    ]
)


def _linear(srgb: np.ndarray) -> np.ndarray:
    c = srgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab_d50(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = linear_rgb @ _SRGB_TO_XYZ_D65.T @ _BRADFORD_D65_TO_D50.T
    t = xyz / _D50
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def cmyk_profile(inks: dict[str, tuple[int, int, int]], *, description: str) -> bytes:
    """An ICC v2 output profile (CMYK -> Lab, lut16) from the sRGB colour of four inks.

    Overprints multiply the inks' transmittance in linear light (the
    Neugebauer model with Demichel weights factorises to exactly that), with
    a simple dot-gain curve: close enough to a press for previews.
    """
    steps = np.linspace(0.0, 1.0, _GRID)
    coverage = steps + DOT_GAIN * 4 * steps * (1 - steps)
    transmit = {name: _linear(np.array(rgb, dtype=np.float64)) for name, rgb in inks.items()}
    grid = np.array(list(itertools.product(range(_GRID), repeat=4)))  # C slowest, K fastest
    light = np.ones((len(grid), 3))
    for axis, ink in enumerate("cmyk"):
        amount = coverage[grid[:, axis]][:, None]
        light *= 1 - amount * (1 - transmit[ink])
    lab = _lab_d50(light)
    encoded = np.stack(
        [lab[:, 0] / 100 * 0xFF00, (lab[:, 1] + 128) * 256, (lab[:, 2] + 128) * 256], axis=-1
    )
    clut = np.clip(np.round(encoded), 0, 0xFFFF).astype(">u2").tobytes()

    identity = b"".join(struct.pack(">i", 65536 if i % 4 == 0 else 0) for i in range(9))
    ramp = struct.pack(">HH", 0, 0xFFFF)
    lut = b"mft2\x00\x00\x00\x00" + struct.pack(">BBBB", 4, 3, _GRID, 0) + identity
    lut += struct.pack(">HH", 2, 2) + ramp * 4 + clut + ramp * 3
    tags = [(b"desc", _desc(description)), (b"wtpt", _xyz(_D50)), (b"A2B0", lut)]
    return _icc_file(b"prtr", b"CMYK", b"Lab ", tags)


def _xyz(values: np.ndarray) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii", "replace") + b"\x00"
    body = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(ascii_)) + ascii_
    return body + struct.pack(">IIHB", 0, 0, 0, 0) + b"\x00" * 67


def _icc_file(cls: bytes, space: bytes, pcs: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\x00" * (-len(data) % 4)
    header = struct.pack(">I4sI", offset + len(body), b"lcms", 0x02100000) + cls + space + pcs
    header += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"\x00" * 28
    header += b"".join(struct.pack(">i", round(v * 65536)) for v in _D50)
    return header + b"\x00" * (128 - len(header)) + table + body
