"""What the SVG sanitiser allows, and what one pass over a drawing found.

The allow-lists are the static subset of SVG 1.1/2 that logos and graphic
pieces use: shapes, text, paint servers, clipping, masking, markers and
filters. Everything else (scripts, ``foreignObject``, animation, editor
namespaces) is dropped and counted in ``Findings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assets.errors import N_

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_SVG_BYTES = 32 * 1024 * 1024
MAX_ELEMENTS = 200_000
# Nested <use> can multiply a few elements into billions (the "billion laughs"
# of SVG); this bounds the drawing once every reference is expanded.
MAX_EXPANDED_ELEMENTS = 500_000
FORBIDDEN_XML = N_("The SVG file uses XML features that are not allowed.")

ELEMENTS = frozenset(
    """svg g defs symbol use title desc switch style path rect circle ellipse line polyline
    polygon text tspan textPath linearGradient radialGradient stop pattern clipPath mask marker
    image filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence""".split()
)
ANIMATION = frozenset(
    "animate animateMotion animateTransform animateColor set mpath discard".split()
)
HREF_ELEMENTS = frozenset(
    "use image feImage textPath linearGradient radialGradient pattern filter".split()
)
DATA_HREF_ELEMENTS = frozenset({"image", "feImage"})
ATTRIBUTES = frozenset(
    """id class style transform x y width height viewBox preserveAspectRatio version lang
    fill fill-opacity fill-rule stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width opacity d cx cy r rx ry x1 y1
    x2 y2 points pathLength offset stop-color stop-opacity gradientUnits gradientTransform
    spreadMethod fx fy fr patternUnits patternContentUnits patternTransform clip-path clip-rule
    clipPathUnits mask maskUnits maskContentUnits marker-start marker-mid marker-end markerWidth
    markerHeight markerUnits refX refY orient font font-family font-size font-size-adjust
    font-weight font-style font-variant font-stretch text-anchor dominant-baseline
    alignment-baseline baseline-shift letter-spacing word-spacing text-decoration writing-mode
    direction unicode-bidi dx dy rotate textLength lengthAdjust startOffset method spacing side
    display visibility overflow color color-interpolation color-interpolation-filters
    color-rendering shape-rendering text-rendering image-rendering mix-blend-mode isolation
    paint-order vector-effect filter filterUnits primitiveUnits in in2 result stdDeviation mode
    type values tableValues slope intercept amplitude exponent offset operator k1 k2 k3 k4
    flood-color flood-opacity lighting-color baseFrequency numOctaves seed stitchTiles scale
    xChannelSelector yChannelSelector radius order kernelMatrix divisor bias targetX targetY
    edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent
    kernelUnitLength azimuth elevation z pointsAtX pointsAtY pointsAtZ specularExponent
    limitingConeAngle systemLanguage href""".split()
)
XML_ATTRIBUTES = {f"{{{XML_NS}}}space": f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang": "lang"}
COLOR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
TEXT_ELEMENTS = frozenset({"text"})

LOCAL_REF = re.compile(r"#[A-Za-z_][\w.\-:]*")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=\s]*)", re.I)


@dataclass
class Findings:
    """Counters and findings of one sanitising pass (what ``svg_report`` returns)."""

    max_image_pixels: int
    scripts: int = 0
    event_handlers: int = 0
    external_refs: int = 0
    foreign_objects: int = 0
    animations: int = 0
    unsafe_styles: int = 0
    invalid_images: int = 0
    dropped_elements: set[str] = field(default_factory=set)
    dropped_attributes: set[str] = field(default_factory=set)
    fill: set[str] = field(default_factory=set)
    stroke: set[str] = field(default_factory=set)
    colors: set[str] = field(default_factory=set)
    fonts: set[str] = field(default_factory=set)
    text_elements: int = 0
    embedded_images: int = 0
    elements: int = 0
