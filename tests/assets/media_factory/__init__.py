"""Media files generated in memory for tests across the project.

Every generator returns the bytes of a small, valid file made with Pillow,
pillow-heif, PyAV or numpy, so no binary fixture is ever committed. Metadata
(EXIF, IPTC, XMP, ICC) is written the way cameras and Photoshop write it, so
the readers are tested against the real structures::

    from tests.assets.media_factory import make_jpeg, make_mp4

    data = make_jpeg(400, 200, orientation=6, exif={"make": "Canon", "gps": (-34.6, -58.4)})

``raster`` makes images, ``documents`` SVG and PDF, ``icc`` colour
profiles, ``av`` video and audio; everything is importable from here.
"""

from __future__ import annotations

from tests.assets.media_factory.av import (
    make_flac,
    make_m4a,
    make_mov,
    make_mp3,
    make_mp4,
    make_ogg,
    make_wav,
    make_webm,
    video_codec,
)
from tests.assets.media_factory.documents import (
    make_pdf,
    make_svg,
)
from tests.assets.media_factory.icc import (
    SRGB_D50,
    make_icc_rgb,
)
from tests.assets.media_factory.raster import (
    IPTC_DATASETS,
    Color,
    iptc_block,
    make_avif,
    make_exif,
    make_gif,
    make_heic,
    make_image,
    make_jpeg,
    make_png,
    make_png_header,
    make_tiff,
    make_webp,
    splice_app13,
)

__all__ = [
    "Color",
    "IPTC_DATASETS",
    "SRGB_D50",
    "iptc_block",
    "make_avif",
    "make_exif",
    "make_flac",
    "make_gif",
    "make_heic",
    "make_icc_rgb",
    "make_image",
    "make_jpeg",
    "make_m4a",
    "make_mov",
    "make_mp3",
    "make_mp4",
    "make_ogg",
    "make_pdf",
    "make_png",
    "make_png_header",
    "make_svg",
    "make_tiff",
    "make_wav",
    "make_webm",
    "make_webp",
    "splice_app13",
    "video_codec",
]
