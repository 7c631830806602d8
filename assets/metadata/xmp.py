"""Reading the few XMP properties BrandHub uses from a raw XMP packet.

XMP is RDF/XML: a property may be an attribute of ``rdf:Description`` or a
child element, and its value plain text, an ``rdf:Alt`` of languages, or an
``rdf:Seq``/``rdf:Bag`` list. The packet is parsed with defusedxml (no DTDs or
entities) and read with namespaces, so ``dc:rights`` is never confused with
another schema's ``rights``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from assets.metadata import clean

MAX_XMP_BYTES = 2 * 1024 * 1024

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "http://purl.org/dc/elements/1.1/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
XMP = "http://ns.adobe.com/xap/1.0/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
IPTC_CORE = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
EXIF = "http://ns.adobe.com/exif/1.0/"

# name in our "xmp" group -> (namespace, property, cleaned length or "list")
PROPERTIES: dict[str, tuple[str, str, int | str]] = {
    "creator": (DC, "creator", clean.SHORT),
    "rights": (DC, "rights", clean.LONG),
    "description": (DC, "description", clean.LONG),
    "title": (DC, "title", clean.SHORT),
    "subject": (DC, "subject", "list"),
    "credit": (PHOTOSHOP, "Credit", clean.SHORT),
    "headline": (PHOTOSHOP, "Headline", clean.SHORT),
    "city": (PHOTOSHOP, "City", clean.SHORT),
    "country": (PHOTOSHOP, "Country", clean.SHORT),
    "source": (PHOTOSHOP, "Source", clean.SHORT),
    "date_created": (PHOTOSHOP, "DateCreated", 64),
    "create_date": (XMP, "CreateDate", 64),
    "datetime_original": (EXIF, "DateTimeOriginal", 64),
    "creator_tool": (XMP, "CreatorTool", clean.SHORT),
    "usage_terms": (XMP_RIGHTS, "UsageTerms", clean.LONG),
    "location": (IPTC_CORE, "Location", clean.SHORT),
}


def parse_xmp(raw: bytes | str | None) -> dict[str, Any]:
    """The XMP properties of ``PROPERTIES`` found in a packet; {} if unreadable."""
    if not raw:
        return {}
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > MAX_XMP_BYTES:
        return {}
    starts = (data.find(b"<x:xmpmeta"), data.find(b"<rdf:RDF"))
    start = min((i for i in starts if i >= 0), default=0)
    end = data.rfind(b">")
    try:
        root = fromstring(data[start : end + 1], forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError, LookupError):
        # LookupError: a declaration naming an encoding Python does not know ("UTF-9").
        return {}
    descriptions = list(root.iter(f"{{{RDF}}}Description"))
    out: dict[str, Any] = {}
    for name, (ns, prop, kind) in PROPERTIES.items():
        values = _values(descriptions, f"{{{ns}}}{prop}")
        if not values:
            continue
        if kind == "list":
            items = clean.text_list(values)
            if items:
                out[name] = items
        else:
            value = clean.text(values if len(values) > 1 else values[0], int(kind))
            if value:
                out[name] = value
    return out


def _values(descriptions: list[ET.Element], tag: str) -> list[str]:
    for desc in descriptions:
        if tag in desc.attrib:
            return [desc.attrib[tag]]
        element = desc.find(tag)
        if element is not None:
            return _element_values(element)
    return []


def _element_values(element: ET.Element) -> list[str]:
    container = next(iter(element), None)
    if container is None:
        return [element.text or ""]
    items = container.findall(f"{{{RDF}}}li")
    if container.tag == f"{{{RDF}}}Alt":
        # A language alternative: the default language, else the first one.
        for li in items:
            if li.get(XML_LANG) == "x-default":
                return [li.text or ""]
        return [items[0].text or ""] if items else []
    return [li.text or "" for li in items]
