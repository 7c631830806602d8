"""What each rule asks for, in one plain sentence, for the guideline pages.

A rule's ``title`` and ``message`` are the brand's own words (the message
explains a failure); readers of the manual also need to know what passes.
This turns a rule's parameters into that sentence, per check, in the
reader's language: "Accepted file types: PNG or SVG." A check without a
sentence here falls back to the rule's title.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from babel.lists import format_list
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from guidelines import CHECKS, Brand, Rule
from guidelines.checks.files import type_name
from guidelines.checks.media import CODEC_NAMES


def num(value: Any, decimals: int = 2) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(round(value, decimals))
    return format_decimal(int(value))


def pct(share: Any) -> str:
    """A share as the locale writes percentages, with up to one decimal: 2,5 % in Spanish."""
    locale = get_locale()
    pattern = locale.percent_formats[None].pattern if locale is not None else "#,##0%"
    return format_percent(float(share), format=pattern.replace("0", "0.#", 1))


def _either(items: Iterable[str]) -> str:
    return format_list(list(items), style="or", locale=str(get_locale() or "es"))


def _size(pair: Any) -> str:
    return f"{round(pair[0])} × {round(pair[1])}"


def _seconds(value: Any) -> str:
    value = float(value)
    if value >= 120 and value % 60 == 0:
        return _("%(n)s minutes", n=num(value / 60))
    return _("%(n)s seconds", n=num(value))


def field_names(requirement: str) -> str:
    """A metadata requirement in the reader's words: creator|credit → author or credit."""
    names = {
        "creator": _("author"),
        "credit": _("credit"),
        "copyright": _("copyright"),
        "caption": _("caption"),
        "keywords": _("keywords"),
        "title": _("title"),
        "date": _("date"),
        "location": _("place"),
    }
    return _either(names.get(n, n) for n in requirement.split("|"))


def _format(p: Mapping[str, Any], brand: Brand) -> str:
    names = list(dict.fromkeys(type_name(a) for a in p.get("allowed", [])))
    return _("Accepted file types: %(types)s.", types=_either(names))


def _file_size(p: Mapping[str, Any], brand: Brand) -> str:
    return _("At most %(mb)s MB.", mb=num(p["max_mb"]))


def _colour_limits(p: Mapping[str, Any], tolerance: float, off_palette: float) -> dict[str, str]:
    """A colour check's two limits (with the check's defaults): how far from an official
    colour a colour may be (ΔE), and the share of other colours allowed."""
    return {
        "tolerance": num(p.get("tolerance", tolerance)),
        "share": pct(p.get("max_off_palette", off_palette)),
    }


def _palette(p: Mapping[str, Any], brand: Brand) -> str:
    return _(
        "Colours of the official palette (ΔE up to %(tolerance)s); other colours at most "
        "%(share)s of the surface.",
        **_colour_limits(p, 6, 0.05),
    )


def _logo_colors(p: Mapping[str, Any], brand: Brand) -> str:
    return _(
        "Only official colours in the logo (ΔE up to %(tolerance)s; at most %(share)s in "
        "other colours).",
        **_colour_limits(p, 5, 0.02),
    )


def _clear_space(p: Mapping[str, Any], brand: Brand) -> str:
    reference = {
        "height": _("of its height"),
        "width": _("of its width"),
        "shorter": _("of its shorter side"),
    }.get(p.get("relative_to", "shorter"), "")
    return _(
        "Free space around the logo of at least %(share)s %(reference)s.",
        share=pct(p["min_ratio"]),
        reference=reference,
    )


def _logo_aspect(p: Mapping[str, Any], brand: Brand) -> str:
    return _(
        "The official proportions, without stretching (within %(share)s).",
        share=pct(p.get("tolerance", 0.03)),
    )


def _logo_version(p: Mapping[str, Any], brand: Brand) -> str:
    titles = {logo.name: logo.title for logo in brand.logos}
    versions = p.get("versions") or list(titles)
    return _(
        "One of the official versions (%(versions)s), at least %(share)s alike.",
        versions=_either(f"«{titles.get(v, v)}»" for v in versions),
        share=pct(p.get("min_similarity", 0.8)),
    )


def _logo_min_size(p: Mapping[str, Any], brand: Brand) -> str:
    parts = []
    if p.get("min_width"):
        parts.append(_("%(n)s px wide", n=round(p["min_width"])))
    if p.get("min_height"):
        parts.append(_("%(n)s px tall", n=round(p["min_height"])))
    return _("At least %(size)s.", size=format_list(parts, locale=str(get_locale() or "es")))


def _dimensions(p: Mapping[str, Any], brand: Brand) -> str:
    sentences = []
    if p.get("min_width") or p.get("min_height"):
        size = _size((p.get("min_width") or 0, p.get("min_height") or 0))
        sentences.append(_("At least %(size)s px.", size=size))
    if p.get("max_width") or p.get("max_height"):
        size = _size((p.get("max_width") or 0, p.get("max_height") or 0))
        sentences.append(_("At most %(size)s px.", size=size))
    if p.get("any_orientation"):
        sentences.append(_("Horizontal or vertical."))
    return " ".join(sentences)


def _allowed_sizes(p: Mapping[str, Any], brand: Brand) -> str:
    return _(
        "Exactly one of these sizes: %(sizes)s px.", sizes=_either(_size(s) for s in p["sizes"])
    )


def _aspect_ratio(p: Mapping[str, Any], brand: Brand) -> str:
    ratios = [r if isinstance(r, str) else num(r) for r in p["ratios"]]
    return _("Proportion %(ratios)s.", ratios=_either(ratios))


def _print_resolution(p: Mapping[str, Any], brand: Brand) -> str:
    size = p["size"] if isinstance(p["size"], str) else f"{_size(p['size'])} mm"
    return _("Enough pixels to print at %(size)s at %(dpi)s dpi.", size=size, dpi=p.get("dpi", 300))


def _embedded_dpi(p: Mapping[str, Any], brand: Brand) -> str:
    return _("The file says at least %(dpi)s dpi.", dpi=num(p["min_dpi"]))


def _color_mode(p: Mapping[str, Any], brand: Brand) -> str:
    names = {"rgb": _("RGB (screens)"), "cmyk": _("CMYK (print)"), "grayscale": _("grayscale")}
    return _("Colour mode: %(modes)s.", modes=_either(names.get(m, m) for m in p["allowed"]))


def _icc_profile(p: Mapping[str, Any], brand: Brand) -> str:
    profiles = p["profile"] if isinstance(p["profile"], list) else [p["profile"]]
    if p.get("required"):
        return _("Colour profile %(profiles)s, embedded in the file.", profiles=_either(profiles))
    return _("Colour profile %(profiles)s.", profiles=_either(profiles))


def _transparency(p: Mapping[str, Any], brand: Brand) -> str:
    return _("Transparent background.") if p.get("required") else _("A solid background.")


def _required_metadata(p: Mapping[str, Any], brand: Brand) -> str:
    fields = format_list([field_names(f) for f in p["fields"]], locale=str(get_locale() or "es"))
    return _("The file carries: %(fields)s.", fields=fields)


def _jpeg_quality(p: Mapping[str, Any], brand: Brand) -> str:
    return _("JPEG quality of at least %(q)s out of 100.", q=num(p["min_quality"]))


def _sharpness(p: Mapping[str, Any], brand: Brand) -> str:
    return _("In focus (sharpness of at least %(n)s).", n=num(p["min_sharpness"]))


def _frame_rate(p: Mapping[str, Any], brand: Brand) -> str:
    return _("%(rates)s frames per second.", rates=_either(num(r) for r in p["allowed"]))


def _codec(p: Mapping[str, Any], brand: Brand) -> str:
    names = [CODEC_NAMES.get(c, c.upper()) for c in p["allowed"]]
    return _("Codec %(codecs)s.", codecs=_either(names))


def _sample_rate(p: Mapping[str, Any], brand: Brand) -> str:
    rates = [f"{num(r / 1000, 1)} kHz" for r in p["allowed"]]
    return _("Sample rate %(rates)s.", rates=_either(rates))


def _loudness(p: Mapping[str, Any], brand: Brand) -> str:
    return _(
        "Loudness of %(target)s LUFS (± %(tolerance)s LU).",
        target=num(p["target"]),
        tolerance=num(p.get("tolerance", 2)),
    )


def _duration(p: Mapping[str, Any], brand: Brand) -> str:
    low, high = p.get("min_seconds"), p.get("max_seconds")
    if low and high:
        return _("Between %(low)s and %(high)s.", low=_seconds(low), high=_seconds(high))
    if high:
        return _("At most %(high)s.", high=_seconds(high))
    return _("At least %(low)s.", low=_seconds(low or 0))


def _svg_safe(p: Mapping[str, Any], brand: Brand) -> str:
    return _("An SVG without scripts, events or external references.")


def _svg_outlined_text(p: Mapping[str, Any], brand: Brand) -> str:
    return _("SVG texts converted to outlines.")


def _svg_palette(p: Mapping[str, Any], brand: Brand) -> str:
    return _("Every SVG colour from the official palette.")


def _vector_master(p: Mapping[str, Any], brand: Brand) -> str:
    if p.get("masters_only"):
        return _(
            "An original sent as the master is in vectors (Illustrator, EPS, SVG or PDF); "
            "a PNG or JPEG for use is not held to this."
        )
    return _("A vector master: Illustrator, EPS, SVG or PDF.")


def _brand_fonts(p: Mapping[str, Any], brand: Brand) -> str:
    return _("Only the brand's typefaces in the piece's text.")


def _quoted(items: Iterable[str]) -> str:
    return format_list([f"«{i}»" for i in items], locale=str(get_locale() or "es"))


def _required_text(p: Mapping[str, Any], brand: Brand) -> str:
    return _("The piece says %(phrases)s.", phrases=_quoted(p["phrases"]))


def _forbidden_text(p: Mapping[str, Any], brand: Brand) -> str:
    return _("The piece never says %(terms)s.", terms=_quoted(p["terms"]))


def _blackout(p: Mapping[str, Any], brand: Brand) -> str:
    periods = [
        _(
            "%(name)s, from %(start)s to %(end)s",
            name=period["name"],
            start=format_date(date.fromisoformat(period["start"])),
            end=format_date(date.fromisoformat(period["end"])),
        )
        for period in p["periods"]
    ]
    return _(
        "During the blackout periods (%(periods)s) no piece names the listed officials or "
        "uses their slogans.",
        periods="; ".join(periods),
    )


_PREFLIGHT = "print_preflight"


def _print_preflight(p: Mapping[str, Any], brand: Brand) -> str:
    p = {name: p.get(name, param.default) for name, param in CHECKS[_PREFLIGHT].params.items()}
    formats = [f if isinstance(f, str) else f"{_size(f)} mm" for f in p["formats"]]
    return _(
        "A print PDF of %(formats)s with %(bleed)s mm of bleed, fonts embedded, images at "
        "%(ppi)s ppi or more and colours in CMYK or spot inks.",
        formats=_either(formats),
        bleed=num(p["bleed_mm"]),
        ppi=num(p["min_ppi"]),
    )


SENTENCES: dict[str, Callable[[Mapping[str, Any], Brand], str]] = {
    "format": _format,
    "file_size": _file_size,
    "palette": _palette,
    "logo_colors": _logo_colors,
    "clear_space": _clear_space,
    "logo_aspect": _logo_aspect,
    "logo_version": _logo_version,
    "logo_min_size": _logo_min_size,
    "dimensions": _dimensions,
    "allowed_sizes": _allowed_sizes,
    "aspect_ratio": _aspect_ratio,
    "print_resolution": _print_resolution,
    "embedded_dpi": _embedded_dpi,
    "color_mode": _color_mode,
    "icc_profile": _icc_profile,
    "transparency": _transparency,
    "required_metadata": _required_metadata,
    "jpeg_quality": _jpeg_quality,
    "sharpness": _sharpness,
    "frame_rate": _frame_rate,
    "codec": _codec,
    "sample_rate": _sample_rate,
    "loudness": _loudness,
    "duration": _duration,
    "svg_safe": _svg_safe,
    "svg_outlined_text": _svg_outlined_text,
    "svg_palette": _svg_palette,
    "vector_master": _vector_master,
    "brand_fonts": _brand_fonts,
    "required_text": _required_text,
    "forbidden_text": _forbidden_text,
    "blackout": _blackout,
    "print_preflight": _print_preflight,
}


def describe(rule: Rule, brand: Brand) -> str:
    """What ``rule`` asks for, in one sentence ('' when only its title can say it)."""
    sentence = SENTENCES.get(rule.check)
    if sentence is None:
        return ""
    try:
        return sentence(rule.params, brand)
    except (KeyError, TypeError, ValueError, IndexError):
        return ""  # parameters this sentence does not know how to read: the title says enough
