"""The checks a rule can name, one module per concern; importing the package registers them.

| module | checks |
| --- | --- |
| files | format, file_size |
| raster | dimensions, allowed_sizes, aspect_ratio, print_resolution, embedded_dpi, |
|  | color_mode, icc_profile, transparency |
| palette | palette |
| logo | clear_space, logo_aspect, logo_colors, logo_version, logo_min_size |
| quality | jpeg_quality, sharpness |
| metadata | required_metadata |
| vector | svg_safe, svg_outlined_text, svg_palette |
| media | frame_rate, duration, codec, sample_rate, loudness |
| masters | vector_master, brand_fonts |
| text | required_text, forbidden_text, blackout |
| preflight | print_preflight |
"""

from guidelines.checks import (  # noqa: F401
    files,
    logo,
    masters,
    media,
    metadata,
    palette,
    preflight,
    quality,
    raster,
    text,
    vector,
)
