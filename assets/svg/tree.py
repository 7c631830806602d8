"""Parsing an SVG safely and rebuilding its tree from allowed parts only."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image

from assets.errors import DAMAGED, InvalidFile
from assets.media import TOO_LARGE
from assets.svg.css import clean_declarations, clean_stylesheet, keep_value
from assets.svg.rules import (
    ANIMATION,
    ATTRIBUTES,
    DATA_HREF_ELEMENTS,
    DATA_IMAGE,
    ELEMENTS,
    FORBIDDEN_XML,
    HREF_ELEMENTS,
    LOCAL_REF,
    MAX_ELEMENTS,
    MAX_EXPANDED_ELEMENTS,
    MAX_SVG_BYTES,
    SVG_NS,
    TEXT_ELEMENTS,
    XLINK_NS,
    XML_ATTRIBUTES,
    XML_NS,
    Findings,
)

# The conventional prefix, so output reads xlink:href rather than ns0:href.
ET.register_namespace("xlink", XLINK_NS)


def parse(data: bytes) -> ET.Element:
    """The XML tree, refusing entities, external references and DTD subsets."""
    if len(data) > MAX_SVG_BYTES:
        raise InvalidFile(TOO_LARGE, size=len(data), limit=MAX_SVG_BYTES)
    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.parser.StartDoctypeDeclHandler = _refuse_internal_subset
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
        return root
    except DefusedXmlException as exc:
        raise InvalidFile(FORBIDDEN_XML, reason=type(exc).__name__) from exc
    except (ET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        raise InvalidFile(DAMAGED, reason="xml", error=str(exc)[:200]) from exc


def _refuse_internal_subset(name: str, sysid: str, pubid: str, has_internal_subset: int) -> None:
    # A bare doctype declares nothing; an internal subset can declare
    # entities and default attributes, so it is refused like entities are.
    if has_internal_subset:
        raise _DtdSubset(name, sysid, pubid)


class _DtdSubset(DefusedXmlException):
    def __init__(self, name: str, sysid: str, pubid: str) -> None:
        super().__init__(name)


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def sanitize_tree(data: bytes, max_image_pixels: int) -> tuple[ET.Element, Findings]:
    src = parse(data)
    ns, local = _local(src.tag) if isinstance(src.tag, str) else (None, "")
    if local != "svg" or ns not in (SVG_NS, None):
        raise InvalidFile(DAMAGED, reason="not_svg", root=local[:50])
    p = Findings(max_image_pixels=max_image_pixels)
    try:
        root = _clean(src, p)
    except RecursionError as exc:
        raise InvalidFile(TOO_LARGE, reason="nesting") from exc
    assert root is not None
    root.set("xmlns", SVG_NS)
    _check_expansion(root)
    return root, p


def _clean(src: ET.Element, p: Findings) -> ET.Element | None:
    p.elements += 1
    if p.elements > MAX_ELEMENTS:
        raise InvalidFile(TOO_LARGE, reason="elements", limit=MAX_ELEMENTS)
    if not isinstance(src.tag, str):  # comments and processing instructions
        return None
    ns, name = _local(src.tag)
    if ns not in (SVG_NS, None):
        p.dropped_elements.add(name if ns != "http://www.w3.org/1999/xhtml" else f"html:{name}")
        if name.lower() == "script":
            p.scripts += 1
        return None
    if name == "a":
        name = "g"  # keep the drawing, lose the link
    elif name not in ELEMENTS:
        lowered = name.lower()
        if lowered == "script":
            p.scripts += 1
        elif lowered == "foreignobject":
            p.foreign_objects += 1
        elif name in ANIMATION:
            p.animations += 1
        p.dropped_elements.add(name)
        return None

    attrs = _clean_attributes(src, name, p)
    if attrs is None:
        return None
    # Tags are written unqualified under one xmlns on the root: ElementTree
    # cannot serialise a default namespace together with plain attributes.
    out = ET.Element(name, attrs)
    if name == "style":
        css = clean_stylesheet(src.text or "", p)
        if css is None:
            return None
        out.text = css
        return out
    out.text = src.text
    if name in TEXT_ELEMENTS and "".join(src.itertext()).strip():
        p.text_elements += 1
    for child in src:
        cleaned = _clean(child, p)
        if cleaned is not None:
            cleaned.tail = child.tail
            out.append(cleaned)
        elif child.tail:
            # Text after a dropped element belongs to the parent's flow.
            if len(out):
                out[-1].tail = (out[-1].tail or "") + child.tail
            else:
                out.text = (out.text or "") + child.tail
    return out


def _clean_attributes(src: ET.Element, name: str, p: Findings) -> dict[str, str] | None:
    attrs: dict[str, str] = {}
    for key, value in src.attrib.items():
        ns, attr = _local(key)
        if attr.lower().startswith("on"):
            p.event_handlers += 1
            continue
        if attr == "href" and ns in (None, XLINK_NS):
            href = _check_href(value, name, p)
            if href is None:
                if name in DATA_HREF_ELEMENTS or name == "use":
                    return None  # an image or use without a safe target draws nothing
                continue
            attrs[key if ns else "href"] = href
            continue
        if ns == XML_NS and key in XML_ATTRIBUTES:
            attrs[XML_ATTRIBUTES[key]] = value
            continue
        if ns is not None or attr not in ATTRIBUTES:
            p.dropped_attributes.add(attr if ns is None else f"{{{ns}}}{attr}")
            continue
        if attr == "style":
            value = clean_declarations(value, p)
            if not value:
                continue
        elif not keep_value(attr, value, p):
            continue
        attrs[attr] = value
    return attrs


def _check_href(value: str, name: str, p: Findings) -> str | None:
    """The href if it is safe for this element, counting what is not."""
    value = value.strip()
    if LOCAL_REF.fullmatch(value):
        if name in HREF_ELEMENTS:
            return value
        p.dropped_attributes.add("href")  # a link within the drawing: harmless, not kept
        return None
    if name in DATA_HREF_ELEMENTS:
        m = DATA_IMAGE.fullmatch(value)
        if m:
            if _embedded_image_ok(m.group(1), m.group(2), p):
                p.embedded_images += 1
                return value
            p.invalid_images += 1
            return None
    if value.lower().startswith(("javascript:", "vbscript:")):
        p.scripts += 1
    else:
        p.external_refs += 1
    return None


def _embedded_image_ok(kind: str, payload: str, p: Findings) -> bool:
    """An embedded raster must be the declared format and within the pixel limit."""
    try:
        raw = base64.b64decode("".join(payload.split()), validate=True)
        with Image.open(io.BytesIO(raw), formats=[_PIL_FORMAT[kind.lower()]]) as im:
            return 0 < im.width * im.height <= p.max_image_pixels
    except Exception:  # anything Pillow or base64 raise means "not a usable image"
        return False


_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}


_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*", re.I)
_UNIT_PX = {
    None: 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "mm": 96 / 25.4,
    "cm": 96 / 2.54,
    "in": 96.0,
}


def _length(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.fullmatch(value)
    if not m:
        return None  # percentages and font-relative units say nothing absolute
    number = float(m.group(1)) * _UNIT_PX[m.group(2).lower() if m.group(2) else None]
    return round(number, 3) if 0 < number < 1e6 else None


def size_of(
    root: ET.Element,
) -> tuple[float | None, float | None, tuple[float, float, float, float] | None]:
    viewbox = None
    raw = root.get("viewBox")
    if raw:
        try:
            parts = tuple(float(x) for x in raw.replace(",", " ").split())
        except ValueError:
            parts = ()
        if len(parts) == 4 and parts[2] > 0 and parts[3] > 0 and max(map(abs, parts)) < 1e9:
            viewbox = (parts[0], parts[1], parts[2], parts[3])
    return _length(root.get("width")), _length(root.get("height")), viewbox


def _check_expansion(root: ET.Element) -> None:
    """Refuse drawings whose <use> references expand past the element budget."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    weights: dict[int, int] = {}
    visiting: set[int] = set()

    def weight(el: ET.Element) -> int:
        key = id(el)
        if key in weights:
            return weights[key]
        if key in visiting:
            # A reference cycle: the renderer skips it, so it costs nothing.
            return 0
        visiting.add(key)
        total = 1 + sum(weight(child) for child in el)
        href = el.get("href") or el.get(f"{{{XLINK_NS}}}href")
        if el.tag == "use" and href and href.startswith("#"):
            target = by_id.get(href[1:])
            if target is not None:
                total += weight(target)
        visiting.discard(key)
        weights[key] = min(total, MAX_EXPANDED_ELEMENTS + 1)
        return weights[key]

    try:
        total = weight(root)
    except RecursionError as exc:
        raise InvalidFile(TOO_LARGE, reason="nesting") from exc
    if total > MAX_EXPANDED_ELEMENTS:
        raise InvalidFile(TOO_LARGE, reason="use_expansion", limit=MAX_EXPANDED_ELEMENTS)
