"""Minimal ICC colour profiles, written byte by byte."""

from __future__ import annotations

import struct
from collections.abc import Iterable

# sRGB primaries adapted to D50, as ICC profiles store them.
SRGB_D50 = {
    "r": (0.4360747, 0.2225045, 0.0139322),
    "g": (0.3850649, 0.7168786, 0.0971045),
    "b": (0.1430804, 0.0606169, 0.7141733),
}


def make_icc_rgb(
    description: str = "Test RGB",
    *,
    primaries: dict[str, tuple[float, float, float]] | None = None,
    gamma: float = 2.2,
) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile.

    ``primaries`` maps ``r``/``g``/``b`` to D50 XYZ colourants; swapping
    sRGB's red and blue makes a profile whose effect on colour is obvious.
    """
    prim = primaries or SRGB_D50

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(values: Iterable[float]) -> bytes:
        return b"XYZ \x00\x00\x00\x00" + b"".join(s15(v) for v in values)

    ascii_ = description.encode("ascii", "replace") + b"\x00"
    desc = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(ascii_)) + ascii_
    desc += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\x00" * 67
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256))
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"cprt", b"text\x00\x00\x00\x00" + b"No copyright\x00"),
        (b"rXYZ", xyz(prim["r"])),
        (b"gXYZ", xyz(prim["g"])),
        (b"bXYZ", xyz(prim["b"])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    return _icc(b"mntr", b"RGB ", b"XYZ ", tags)


def _icc(device_class: bytes, space: bytes, pcs: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    body = b""
    for sig, data in tags:
        pad = (-len(data)) % 4
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\x00" * pad
    size = 128 + table_size + len(body)
    header = struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000)
    header += device_class + space + pcs + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
    header += b"acsp" + b"\x00" * 24 + struct.pack(">I", 0)
    header += struct.pack(">iii", round(0.9642 * 65536), 65536, round(0.8249 * 65536))
    header += b"\x00" * (128 - len(header))
    return header + table + body
