"""The official logo versions a piece is compared with, loaded only when a check needs them.

Their images come, in this order, from the files the caller passes (the app
keeps the uploaded official logos in its storage), from files named in the
brand file, or from the example drawings of the shipped brands. Analysed
marks are cached by file identity (path, size, modification time) or by
drawing and palette, so a batch of uploads does not re-read the same logos.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from core.errors import BrandHubError
from guidelines.brand import canonical_json
from guidelines.examples import draw_png
from guidelines.marks import Mark, find_mark
from guidelines.piece import Piece

if TYPE_CHECKING:
    from guidelines.brand import Brand

ANALYSIS_SIDE = 512


@dataclass(frozen=True)
class Official:
    name: str
    title: str
    mark: Mark


class OfficialLogos:
    """Name → official mark, analysed lazily."""

    def __init__(self, sources: Mapping[str, tuple[str, Callable[[], Mark | None]]]) -> None:
        self._sources = dict(sources)
        self._marks: dict[str, Official | None] = {}

    @classmethod
    def for_brand(cls, brand: Brand, paths: Mapping[str, Path] | None = None) -> OfficialLogos:
        titles = {logo.name: logo.title for logo in brand.logos}
        sources: dict[str, tuple[str, Callable[[], Mark | None]]] = {}
        if paths:
            for name, path in paths.items():
                sources[name] = (titles.get(name, name), _file_loader(Path(path)))
            return cls(sources)
        for logo in brand.logos:
            if logo.path is not None:
                sources[logo.name] = (logo.title, _file_loader(logo.path))
            elif logo.drawing is not None:
                sources[logo.name] = (logo.title, _drawing_loader(brand, logo.name))
        return cls(sources)

    def __bool__(self) -> bool:
        return bool(self._sources)

    def names(self) -> list[str]:
        return list(self._sources)

    def __iter__(self) -> Iterator[Official]:
        for name in self._sources:
            official = self.get(name)
            if official is not None:
                yield official

    def get(self, name: str) -> Official | None:
        if name not in self._marks:
            title, load = self._sources[name]
            mark = load()
            self._marks[name] = Official(name, title, mark) if mark is not None else None
        return self._marks[name]


def _file_loader(path: Path) -> Callable[[], Mark | None]:
    def load() -> Mark | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return _file_mark(str(path), stat.st_mtime_ns, stat.st_size)

    return load


@lru_cache(maxsize=64)
def _file_mark(path: str, mtime_ns: int, size: int) -> Mark | None:
    # Official files go through the same guarded path as pieces (sniffing, size
    # limits, SVG sanitising); one that cannot be read is left out of the comparison.
    try:
        with Piece(Path(path)) as piece:
            piece.open()
            return find_mark(piece.array(ANALYSIS_SIDE))
    except (BrandHubError, OSError):
        return None


def _drawing_loader(brand: Brand, name: str) -> Callable[[], Mark | None]:
    drawing = brand.logo(name).drawing or {}
    colors = tuple(sorted((c.name, c.hex) for c in brand.palette))
    key = canonical_json(drawing)
    return lambda: _drawing_mark(key, colors)


@lru_cache(maxsize=64)
def _drawing_mark(drawing_json: str, colors: tuple[tuple[str, str], ...]) -> Mark | None:
    im = draw_png(json.loads(drawing_json), dict(colors), height=ANALYSIS_SIDE // 2)
    im.thumbnail((ANALYSIS_SIDE, ANALYSIS_SIDE), Image.Resampling.BOX)
    return find_mark(np.asarray(im))
