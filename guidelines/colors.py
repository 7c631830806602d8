"""Colour arithmetic for the checks: HEX parsing, sRGB to CIELAB and CIEDE2000.

Single pairs (a palette colour against another, a message) go through
coloraide, the reference. Per-pixel and per-cluster work goes through the
vectorised numpy version here, which uses the same white point and matrices as
coloraide (CIELAB D65, as coloraide's ΔE2000 does) so that both agree; the
tests check it against Sharma's published pairs and against coloraide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from coloraide import Color

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

# coloraide's sRGB → XYZ (D65) matrix and D65 white (xy 0.3127, 0.3290),
# so that the numpy path reproduces coloraide's ΔE2000 to the last decimals.
_RGB_TO_XYZ = np.array(
    [
        [0.4123907992659593, 0.357584339383878, 0.1804807884018343],
        [0.21263900587151024, 0.715168678767756, 0.07219231536073371],
        [0.01933081871559182, 0.11919477979462598, 0.9505321522496607],
    ]
)
_WHITE_D65 = np.array([0.3127 / 0.3290, 1.0, (1.0 - 0.3127 - 0.3290) / 0.3290])
_EPSILON = 216 / 24389
_KAPPA = 24389 / 27


def parse_hex(value: str) -> tuple[int, int, int]:
    """``"#1F4E8C"`` or ``"1f4e8c"`` or ``"#fff"`` → (31, 78, 140); ValueError otherwise."""
    match = _HEX.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"not a HEX colour: {value!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: Sequence[float]) -> str:
    """(31, 78, 140) → ``"#1F4E8C"``."""
    r, g, b = (int(round(max(0.0, min(255.0, float(c))))) for c in rgb[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """8-bit sRGB values, shape (..., 3) → CIELAB D65, shape (..., 3), float64."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > _EPSILON, np.cbrt(xyz), (_KAPPA * xyz + 16.0) / 116.0)
    lab: np.ndarray = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 between CIELAB arrays that broadcast against each other (kL = kC = kH = 1).

    Follows Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference
    formula: implementation notes", equations 2 to 22, including the hue
    rules for achromatic colours and for hue differences over 180°.
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]

    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0
    c7 = c_mean**7
    g = 0.5 * (1.0 - np.sqrt(c7 / (c7 + 25.0**7)))
    ap1, ap2 = (1.0 + g) * a1, (1.0 + g) * a2
    cp1, cp2 = np.hypot(ap1, b1), np.hypot(ap2, b2)
    hp1 = np.degrees(np.arctan2(b1, ap1)) % 360.0
    hp2 = np.degrees(np.arctan2(b2, ap2)) % 360.0
    hp1 = np.where((ap1 == 0) & (b1 == 0), 0.0, hp1)
    hp2 = np.where((ap2 == 0) & (b2 == 0), 0.0, hp2)

    d_l = l2 - l1
    d_c = cp2 - cp1
    chroma_product = cp1 * cp2
    dh = hp2 - hp1
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(chroma_product == 0, 0.0, dh)
    d_h = 2.0 * np.sqrt(chroma_product) * np.sin(np.radians(dh / 2.0))

    l_mean = (l1 + l2) / 2.0
    cp_mean = (cp1 + cp2) / 2.0
    h_sum = hp1 + hp2
    h_mean = np.where(
        np.abs(hp1 - hp2) <= 180.0,
        h_sum / 2.0,
        np.where(h_sum < 360.0, (h_sum + 360.0) / 2.0, (h_sum - 360.0) / 2.0),
    )
    h_mean = np.where(chroma_product == 0, h_sum, h_mean)

    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_mean - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_mean))
        + 0.32 * np.cos(np.radians(3.0 * h_mean + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_mean - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_mean - 275.0) / 25.0) ** 2))
    cp_mean7 = cp_mean**7
    r_c = 2.0 * np.sqrt(cp_mean7 / (cp_mean7 + 25.0**7))
    l50 = (l_mean - 50.0) ** 2
    s_l = 1.0 + 0.015 * l50 / np.sqrt(20.0 + l50)
    s_c = 1.0 + 0.045 * cp_mean
    s_h = 1.0 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c

    term_l = d_l / s_l
    term_c = d_c / s_c
    term_h = d_h / s_h
    delta_e: np.ndarray = np.sqrt(term_l**2 + term_c**2 + term_h**2 + r_t * term_c * term_h)
    return delta_e


def delta_e(hex1: str, hex2: str) -> float:
    """CIEDE2000 between two HEX colours, computed by coloraide."""
    return float(Color(_css_hex(hex1)).delta_e(Color(_css_hex(hex2)), method="2000"))


def nearest(lab: np.ndarray, palette_lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each colour in ``lab`` (N, 3): index of the nearest palette colour and its ΔE2000."""
    distances = ciede2000(lab[:, None, :], palette_lab[None, :, :])
    index = np.argmin(distances, axis=1)
    return index, distances[np.arange(len(lab)), index]


def chroma(lab: np.ndarray) -> np.ndarray:
    """CIELAB chroma C*: how far a colour is from the grey axis."""
    c_star: np.ndarray = np.hypot(lab[..., 1], lab[..., 2])
    return c_star


def _css_hex(value: str) -> str:
    return to_hex(parse_hex(value))
