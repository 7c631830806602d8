"""SVG checks: active content, live text, colours."""

from __future__ import annotations

import pytest

from tests.assets.media_factory import make_svg

CLEAN = make_svg(fill="#1F4E8C")


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ("<script>alert(1)</script>", {"scripts": 1}),
        ('<rect width="5" height="5" fill="#1F4E8C" onclick="robar()"/>', {"event_handlers": 1}),
        ('<image href="https://example.org/a.png" width="5" height="5"/>', {"external_refs": 1}),
        (
            '<rect width="5" height="5" style="fill:url(http://x.org/p.svg#a)"/>',
            {"external_refs": 1},
        ),
    ],
)
def test_svg_with_active_content_fails(run_rule, extra: str, found: dict[str, int]) -> None:
    result = run_rule(make_svg(extra, fill="#1F4E8C"), "svg_safe", suffix=".svg", category="logo")
    assert result.status == "fail"
    assert result.details["found"] == found


def test_svg_with_a_script_says_so_in_spanish(run_rule) -> None:
    data = make_svg('<script>alert(1)</script><rect onload="x()" width="1" height="1"/>')
    result = run_rule(data, "svg_safe", suffix=".svg", category="logo")
    assert result.message.startswith(
        "medido un script y un manejador de eventos (onclick, onload…)"
    )


def test_clean_svg_passes(run_rule) -> None:
    assert run_rule(CLEAN, "svg_safe", suffix=".svg", category="logo").status == "pass"
    assert run_rule(CLEAN, "svg_outlined_text", suffix=".svg", category="logo").status == "pass"


def test_live_text_fails_outlined_text(run_rule) -> None:
    data = make_svg('<text x="10" y="50" font-family="Arial">Provincia</text>')
    result = run_rule(data, "svg_outlined_text", suffix=".svg", category="logo")
    assert result.status == "fail"
    assert result.details == {"text_elements": 1, "fonts": ["Arial"]}
    assert result.message.startswith("medido un texto en Arial")


def test_svg_fill_colours_against_the_palette(run_rule) -> None:
    assert run_rule(CLEAN, "svg_palette", suffix=".svg", category="logo").status == "pass"
    red = make_svg('<circle cx="5" cy="5" r="4" fill="#d62828"/>', fill="#1F4E8C")
    result = run_rule(red, "svg_palette", suffix=".svg", category="logo")
    assert result.status == "fail"
    assert [r["hex"] for r in result.details["colors"] if not r["ok"]] == ["#D62828"]
    near = make_svg(fill="#204f8d")  # a rounding of the official blue
    assert run_rule(near, "svg_palette", suffix=".svg", category="logo").status == "pass"


def test_svg_checks_skip_raster_files(run_rule) -> None:
    from tests.assets.media_factory import make_png

    result = run_rule(make_png(8, 8), "svg_safe", category="logo")
    assert result.status == "skip" and result.message == "No aplica a una imagen PNG."
