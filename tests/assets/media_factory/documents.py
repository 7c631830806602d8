"""Vector and document files: SVG markup and PDF pages."""

from __future__ import annotations

import io

from tests.assets.media_factory.raster import Color, make_image


def make_svg(
    extra: str = "",
    *,
    width: str | None = "200",
    height: str | None = "100",
    viewbox: str | None = "0 0 200 100",
    fill: str = "#0033a0",
    prologue: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
) -> bytes:
    """A small SVG logo: a filled rectangle plus ``extra`` markup inside the root."""
    attrs = ['xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"']
    if width is not None:
        attrs.append(f'width="{width}"')
    if height is not None:
        attrs.append(f'height="{height}"')
    if viewbox is not None:
        attrs.append(f'viewBox="{viewbox}"')
    body = f'<rect x="0" y="0" width="200" height="100" fill="{fill}"/>{extra}'
    return f"{prologue}<svg {' '.join(attrs)}>{body}</svg>\n".encode()


def make_pdf(
    pages: int = 1,
    *,
    width_pt: int = 595,
    height_pt: int = 842,
    color: Color = (0, 51, 160),
    pattern: str | None = None,
) -> bytes:
    """A PDF whose pages are plain images of ``width_pt`` x ``height_pt`` points."""
    images = [make_image(width_pt, height_pt, color=color, pattern=pattern) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=72.0, save_all=True, append_images=images[1:])
    return buf.getvalue()
