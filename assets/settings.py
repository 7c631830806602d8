"""Limits and sizes for ingest and renditions, in one frozen settings object.

The web app builds one from its configuration; workers, the command line and
tests build their own. Domain code never reads configuration anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assets.budget import Budget

GIB = 1024**3

# Pillow's own default, restated on purpose: the opener sets
# ``Image.MAX_IMAGE_PIXELS`` from this value instead of relying on a global.
PILLOW_MAX_IMAGE_PIXELS = 178_956_970


@dataclass(frozen=True)
class IngestSettings:
    """How big an upload may be and what renditions are made from it."""

    max_upload_bytes: int = 2 * GIB
    max_image_pixels: int = PILLOW_MAX_IMAGE_PIXELS
    thumb_size: int = 320
    preview_size: int = 1600
    max_video_seconds: float = 6 * 3600
    max_video_pixels: int = 8192 * 8192
    tmp_dir: Path | None = None
    # Files larger than this get their renditions (and, for video and audio, their
    # probe) later, from a background job; None does everything during ingest.
    background_bytes: int | None = None
    # Limits for decoding and rendering one file (assets.budget): the domain's default is
    # a signed-in user's; the web application gives anonymous requests a smaller one.
    budget: Budget = Budget()
    # The IANA zone a camera clock without an offset is read in when nothing
    # closer (the event's, the agency's) says one; None leaves it floating.
    time_zone: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "max_upload_bytes",
            "max_image_pixels",
            "thumb_size",
            "preview_size",
            "max_video_seconds",
            "max_video_pixels",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"IngestSettings.{name} must be positive")
