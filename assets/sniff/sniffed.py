"""The answer of sniffing: what a file really is (the package's ``sniff`` returns it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sniffed:
    """The real type of a file: MIME type, kind, canonical extension, human label."""

    mime: str
    kind: str
    ext: str
    label: str
