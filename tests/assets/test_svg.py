"""The SVG sanitiser: hostile input removed or refused, drawings kept, the report."""

from __future__ import annotations

import base64
import io
import time
import xml.etree.ElementTree as ET

import pytest
import resvg_py
from PIL import Image

from assets.errors import InvalidFile
from assets.svg import normalize_color, sanitize_svg, svg_report, svg_size
from tests.assets import media_factory as mf

PNG_1PX = base64.b64encode(mf.make_png(1, 1)).decode()

# (markup added inside the root, text that must be gone, report counter that must be > 0)
HOSTILE = [
    ("<script>alert(1)</script>", "alert", "scripts"),
    ('<script xlink:href="https://evil.example/x.js"/>', "evil", "scripts"),
    ('<rect onclick="alert(1)" width="5" height="5"/>', "onclick", "event_handlers"),
    ('<g onmouseover="steal()"><rect width="1" height="1"/></g>', "steal", "event_handlers"),
    ('<a xlink:href="javascript:alert(1)"><text>x</text></a>', "javascript", "scripts"),
    ('<a href="https://phish.example/"><rect width="1" height="1"/></a>', "phish", "external_refs"),
    (
        '<image href="https://tracker.example/p.png" width="1" height="1"/>',
        "tracker",
        "external_refs",
    ),
    ('<image xlink:href="file:///etc/passwd" width="1" height="1"/>', "passwd", "external_refs"),
    ('<use href="https://evil.example/sprite.svg#icon"/>', "evil", "external_refs"),
    ('<feImage href="http://intranet.local/secret.png"/>', "intranet", "external_refs"),
    (
        "<foreignObject><body><iframe src='https://x.example'/></body></foreignObject>",
        "iframe",
        "foreign_objects",
    ),
    ('<animate attributeName="href" to="javascript:alert(1)"/>', "javascript", "animations"),
    ('<set attributeName="onclick" to="alert(1)"/>', "alert", "animations"),
    (
        '<rect fill="url(https://evil.example/p.svg#g)" width="1" height="1"/>',
        "evil",
        "external_refs",
    ),
    (
        '<rect style="fill:url(http://evil.example/x);stroke:red" width="1"/>',
        "evil",
        "external_refs",
    ),
    (
        "<style>@import url('https://fonts.example/x.css'); rect{fill:red}</style>",
        "fonts.example",
        "external_refs",
    ),
    ("<style>rect{background:url(http://evil.example/a.png)}</style>", "evil", "external_refs"),
    ("<style>rect{fill:expression(alert(1))}</style>", "expression", "unsafe_styles"),
    (r"<style>rect{fill:u\72l(http://evil.example)}</style>", "evil", "unsafe_styles"),
    ('<rect style="behavior:url(#x);fill:red" width="1"/>', "behavior", "unsafe_styles"),
    (
        '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="1" height="1"/>',
        "svg+xml",
        "external_refs",
    ),
    (
        '<image href="data:image/png;base64,bm90IGEgcG5n" width="1" height="1"/>',
        "bm90",
        "invalid_images",
    ),
]


@pytest.mark.parametrize(("extra", "gone", "counter"), HOSTILE)
def test_hostile_content_is_removed_and_reported(extra, gone, counter):
    data = mf.make_svg(extra)
    clean = sanitize_svg(data)
    assert gone not in clean.decode()
    report = svg_report(data)
    assert report["removed"][counter] >= 1
    assert report["active_content"] is True
    # What remains is still a drawing resvg can render.
    assert resvg_py.svg_to_bytes(svg_string=clean.decode(), width=20)


def test_svg_root_event_handler_is_removed():
    data = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10"/>'
    assert b"onload" not in sanitize_svg(data)
    assert svg_report(data)["removed"]["event_handlers"] == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""
ATTLIST_DEFAULT = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, ATTLIST_DEFAULT],
    ids=["billion-laughs", "external-entity", "parameter-entity", "attlist-default"],
)
def test_entities_and_dtd_subsets_are_refused(data):
    started = time.perf_counter()
    with pytest.raises(InvalidFile) as info:
        sanitize_svg(data)
    assert info.value.message == "The SVG file uses XML features that are not allowed."
    assert time.perf_counter() - started < 1.0


def test_plain_doctype_is_tolerated_and_dropped():
    data = mf.make_svg(
        prologue='<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    )
    clean = sanitize_svg(data)
    assert b"DOCTYPE" not in clean
    assert b"<rect" in clean


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<svg",
        b"not xml at all",
        b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
        b"<svg xmlns='http://example.com/not-svg'/>",
        b"<?xml version='1.0' encoding='klingon-8'?><svg/>",
    ],
)
def test_malformed_or_foreign_xml_is_invalid(data):
    with pytest.raises(InvalidFile):
        sanitize_svg(data)


def test_use_expansion_bomb_is_refused():
    # Each level uses the previous one ten times: 10**7 elements once expanded.
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    for i in range(1, 8):
        uses = "".join(f'<use href="#l{i - 1}"/>' for _ in range(10))
        levels.append(f'<g id="l{i}">{uses}</g>')
    data = mf.make_svg("<defs>" + "".join(levels) + '</defs><use href="#l7"/>')
    with pytest.raises(InvalidFile) as info:
        sanitize_svg(data)
    assert info.value.details["reason"] == "use_expansion"


def test_self_referencing_use_does_not_hang():
    clean = sanitize_svg(mf.make_svg('<g id="a"><use href="#a"/></g>'))
    assert b'href="#a"' in clean


def test_deep_nesting_is_refused_cleanly():
    data = mf.make_svg("<g>" * 5000 + "</g>" * 5000)
    with pytest.raises(InvalidFile):
        sanitize_svg(data)


def test_legitimate_drawing_survives():
    extra = f"""
    <defs>
      <linearGradient id="grad" x1="0" x2="1"><stop offset="0" stop-color="#009639"/>
        <stop offset="1" stop-color="rgb(255,255,255)"/></linearGradient>
      <clipPath id="clip"><circle cx="50" cy="50" r="40"/></clipPath>
      <symbol id="star"><path d="M0 0L10 10Z" fill="gold"/></symbol>
    </defs>
    <g clip-path="url(#clip)" transform="translate(1 2)">
      <rect width="100" height="100" fill="url(#grad)" stroke="#CE1126" stroke-width="2"/>
    </g>
    <use xlink:href="#star" x="5"/>
    <image width="1" height="1" href="data:image/png;base64,{PNG_1PX}"/>
    <text x="10" y="90" font-family="Montserrat, sans-serif" xml:space="preserve">Gobierno</text>
    <a href="#star"><circle r="2" fill="#abc"/></a>
    """
    clean = sanitize_svg(mf.make_svg(extra)).decode()
    for kept in (
        'fill="url(#grad)"',
        'clip-path="url(#clip)"',
        'xlink:href="#star"',
        "data:image/png;base64,",
        ">Gobierno</text>",
        'xml:space="preserve"',
        'stop-color="#009639"',
        "<symbol",
    ):
        assert kept in clean, kept
    assert "<a" not in clean  # the link element is unwrapped into a group
    root = ET.fromstring(clean)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"

    report = svg_report(mf.make_svg(extra))
    assert report["active_content"] is False
    assert report["text_elements"] == 1
    assert report["fonts"] == ["Montserrat", "sans-serif"]
    assert report["embedded_images"] == 1
    assert "#ce1126" in report["stroke_colors"]
    assert {"#0033a0", "#ffd700", "#aabbcc"} <= set(report["fill_colors"])
    assert {"#009639", "#ffffff"} <= set(report["colors"])


def test_editor_namespaces_and_metadata_are_dropped_quietly():
    data = (
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        b'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
        b'width="10" height="10"><sodipodi:namedview/><metadata><x/></metadata>'
        b'<g inkscape:label="Layer 1"><rect width="10" height="10"/></g></svg>'
    )
    clean = sanitize_svg(data)
    assert b"inkscape" not in clean and b"namedview" not in clean and b"metadata" not in clean
    report = svg_report(data)
    assert report["active_content"] is False
    assert "namedview" in report["dropped_elements"]


def test_svg_without_namespace_is_accepted():
    clean = sanitize_svg(b'<svg width="4" height="2"><rect width="4" height="2"/></svg>')
    assert b'xmlns="http://www.w3.org/2000/svg"' in clean


def test_sanitising_is_idempotent():
    data = mf.make_svg('<script>x</script><rect style="fill:red;stroke:url(http://x)"/>')
    once = sanitize_svg(data)
    assert sanitize_svg(once) == once


def test_text_in_report_and_text_tails_are_kept():
    data = mf.make_svg("<text>Hola <tspan>mundo</tspan><script>x</script> y más</text>")
    clean = sanitize_svg(data).decode()
    assert "Hola <tspan>mundo</tspan> y más</text>" in clean
    assert svg_report(data)["text_elements"] == 1


def test_rendered_sanitised_svg_has_the_drawing_colour():
    png = resvg_py.svg_to_bytes(svg_string=sanitize_svg(mf.make_svg(fill="#009639")).decode())
    with Image.open(io.BytesIO(bytes(png))) as im:
        assert im.convert("RGB").getpixel((50, 50)) == (0, 150, 57)


SIZES = [
    ({"width": "200", "height": "100", "viewbox": "0 0 200 100"}, (200, 100), (200, 100)),
    ({"width": "2in", "height": "1in", "viewbox": None}, (192, 96), (192, 96)),
    ({"width": "30mm", "height": None, "viewbox": "0 0 300 150"}, (113.386, None), (113.4, 56.7)),
    ({"width": "100%", "height": "100%", "viewbox": "0 0 64 32"}, (None, None), (64, 32)),
    ({"width": None, "height": None, "viewbox": None}, (None, None), (300, 150)),
]


@pytest.mark.parametrize(("attrs", "declared", "pixels"), SIZES)
def test_svg_size(attrs, declared, pixels):
    size = svg_size(sanitize_svg(mf.make_svg(**attrs)))
    assert (size.width, size.height) == pytest.approx(declared)
    assert size.pixels() == pytest.approx(pixels, abs=0.1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#F00", "#ff0000"),
        ("#0033A0", "#0033a0"),
        ("rgb(0, 150, 57)", "#009639"),
        ("rebeccapurple", "#663399"),
        ("hsl(0 100% 50%)", "#ff0000"),
        ("#11223344", "#112233"),
        ("none", None),
        ("currentColor", None),
        ("transparent", None),
        ("url(#grad)", None),
        ("nonsense", None),
    ],
)
def test_normalize_color(value, expected):
    assert normalize_color(value) == expected
