"""A compliance result in the reader's language, and the plain words around it.

The engine (``guidelines``) writes each result in Spanish, the brand's own
words with the measured values filled in. It also says which check ran, the
``code`` of its own sentences (a skip reason, "ok" for a pass …), the
values, and the brand's English title and message when the brand file gives
them. For a Spanish reader the stored texts are shown as they are; for any
other language this module rebuilds title and message from those parts
through gettext, so a report is never half in Spanish. It also names
categories and colours, and says how much of a piece is off the palette in
words rather than a bare percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from guidelines import CATEGORIES, CHECKS, Logo, Rule

from .report_view import value_rows
from .rule_text import field_names, num, pct

CATEGORY_NAMES: dict[str, Any] = {
    "logo": _l("Logo"),
    "photo": _l("Photo"),
    "graphic": _l("Graphic piece (poster, flyer)"),
    "social": _l("Social network post"),
    "video": _l("Video"),
    "audio": _l("Audio"),
}
assert set(CATEGORY_NAMES) == set(CATEGORIES)

# The default title of each check, for rules whose brand file gives none.
CHECK_TITLES: dict[str, Any] = {
    "format": _l("File type"),
    "file_size": _l("File size"),
    "palette": _l("Palette colours"),
    "logo_colors": _l("Logo colours"),
    "clear_space": _l("Clear space around the logo"),
    "logo_aspect": _l("Logo not distorted"),
    "logo_version": _l("Official logo version"),
    "logo_min_size": _l("Minimum logo size"),
    "dimensions": _l("Size in pixels"),
    "allowed_sizes": _l("Allowed sizes"),
    "aspect_ratio": _l("Proportion"),
    "print_resolution": _l("Resolution for print"),
    "embedded_dpi": _l("Resolution written in the file"),
    "color_mode": _l("Colour mode"),
    "icc_profile": _l("Colour profile"),
    "transparency": _l("Transparent background"),
    "required_metadata": _l("File data"),
    "jpeg_quality": _l("Compression"),
    "sharpness": _l("Sharpness"),
    "frame_rate": _l("Frames per second"),
    "codec": _l("Codec"),
    "sample_rate": _l("Sample rate"),
    "loudness": _l("Loudness"),
    "duration": _l("Duration"),
    "svg_safe": _l("Safe SVG"),
    "svg_outlined_text": _l("SVG texts as outlines"),
    "svg_palette": _l("SVG colours"),
    "required_text": _l("Required texts"),
    "forbidden_text": _l("Forbidden texts"),
    "blackout": _l("Electoral blackout"),
    "print_preflight": _l("Print preflight of the PDF"),
    "vector_master": _l("Vector master"),
    "brand_fonts": _l("Typefaces of the piece"),
}

# The engine's own sentences, by code (skips, and failures a rule's message does not cover).
REASONS: dict[str, Any] = {
    "not_applicable": _l("Does not apply to this type of file."),
    "unreadable": _l("Not checked because the file cannot be read."),
    "no_mark": _l("No logo was found in the image: it is empty or all one colour."),
    "no_officials": _l("There are no official logo files to compare with."),
    "no_palette": _l("The brand has no official colours to compare with."),
    "no_frame_rate": _l("The video's frames per second could not be read."),
    "no_duration": _l("The file's duration could not be read."),
    "no_audio": _l("The file has no audio track."),
    "no_video": _l("The file has no video track."),
    "office_fonts": _l("Not checked: the typefaces of an office document are not read yet."),
    "not_a_master": _l("Does not apply: the file is made for use, not an original."),
    "not_jpeg": _l("Does not apply: the file is not a JPEG."),
    "no_tables": _l("The JPEG has no readable quantisation tables."),
    "too_small": _l("The image is too small to measure its sharpness."),
    "no_size": _l("The size in pixels of this file could not be read."),
    "text_pending": _l(
        "The text of this piece has not been read yet: it is read in the background after "
        "the upload, and the piece's report in the library will include this rule."
    ),
    "media_pending": _l(
        "This rule is checked once the file has been processed in the background (a long "
        "video or recording is read after its upload); the piece's report in the library "
        "will include it."
    ),
    "no_blackout": _l("There is no blackout period in force today."),
    "unsupported_type": _l(
        "The file is not of an accepted type. Upload an image (JPEG, PNG, WebP), an SVG, a PDF, "
        "a video (MP4) or audio (WAV, MP3)."
    ),
    "damaged": _l(
        "The file is damaged, incomplete or too large to check. Export or download it again "
        "and try again."
    ),
}

COLOR_WORDS: dict[str, Any] = {
    "white": _l("white"),
    "black": _l("black"),
    "grey": _l("grey"),
    "brown": _l("brown"),
    "pink": _l("pink"),
    "red": _l("red"),
    "orange": _l("orange"),
    "yellow": _l("yellow"),
    "green": _l("green"),
    "light_blue": _l("light blue"),
    "blue": _l("blue"),
    "purple": _l("purple"),
}

_COLOUR_CHECKS = ("palette", "logo_colors", "svg_palette")

# What a failure means and what to do, by check, with what was measured and what is allowed.
_FAILED: dict[str, Any] = {
    "logo_aspect": _l(
        "The logo is distorted: its proportion is %(measured)s and the official one is "
        "%(allowed)s. Resize it without stretching it (drag a corner holding Shift)."
    ),
    "clear_space": _l(
        "The logo needs more free space around it: %(measured)s, and %(allowed)s is asked."
    ),
    "logo_min_size": _l(
        "The logo is too small to read well (%(measured)s); it must be %(allowed)s."
    ),
    "file_size": _l("The file weighs %(measured)s; the maximum is %(allowed)s."),
    "dimensions": _l("The image is %(measured)s and must be %(allowed)s."),
    "format": _l("This type of file (%(measured)s) is not accepted here; accepted: %(allowed)s."),
}


def spanish() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "es"


def category_name(category: str) -> str:
    name = CATEGORY_NAMES.get(category)
    return str(name) if name is not None else category


def result_title(result: Mapping[str, Any]) -> str:
    """The rule's title in the reader's language."""
    title = str(result.get("title") or result.get("rule") or "")
    if spanish():
        return title
    if result.get("title_en"):
        return str(result["title_en"])
    check = str(result.get("check") or "")
    spec = CHECKS.get(check)
    if check in CHECK_TITLES and (spec is None or not title or title == spec.title):
        return str(CHECK_TITLES[check])
    return title  # the brand's own title, written only in Spanish


def rule_title(rule: Rule) -> str:
    """A brand rule's title in the reader's language (the guideline pages)."""
    return result_title(
        {"title": rule.title, "rule": rule.id, "check": rule.check, "title_en": rule.title_en}
    )


def logo_title(logo: Logo) -> str:
    """An official logo version's title in the reader's language (English when given)."""
    return brand_text(logo, "title")


def brand_text(part: Any, name: str) -> str:
    """A text of a brand (its description, a logo's usage, a colour's use …) in the
    reader's language: the ``<name>_en`` beside it for English readers, when given."""
    spanish_text = getattr(part, name, None) or ""
    english = getattr(part, f"{name}_en", None)
    return str(spanish_text if spanish() or not english else english)


def brand_list(brand: Any, name: str) -> tuple[str, ...]:
    """The brand's do's or don'ts in the reader's language; the English list only when it
    has an item for every Spanish one (a child brand may add Spanish items only)."""
    items: tuple[str, ...] = tuple(getattr(brand, name, ()) or ())
    english = getattr(brand, f"{name}_en", None)
    if spanish() or not english or len(english) != len(items):
        return items
    return tuple(english)


def result_message(result: Mapping[str, Any]) -> str:
    """What was found and what to do, in the reader's language."""
    if spanish() or not result.get("check"):
        # Reports stored before results named their check have only the Spanish text.
        return str(result.get("message") or "")
    status, code = result.get("status"), result.get("code")
    details: Mapping[str, Any] = result.get("details") or {}
    values: Mapping[str, str] = result.get("values") or {}
    if code == "recoloured":
        return _(
            "The form matches the official logo «%(version)s», but its colours are not those "
            "of any official version (see «Logo colours»). Use the official file without "
            "changing its colours.",
            version=details.get("best_title") or values.get("version", ""),
        )
    if code in REASONS:
        return str(REASONS[code])
    if status == "pass":
        return _passed(str(result["check"]), details)
    template = result.get("message_en")
    if template:
        return _fill(str(template), values, details)
    return _failed(str(result["check"]), details)


def _fill(template: str, values: Mapping[str, str], details: Mapping[str, Any]) -> str:
    """The brand's English message with its values; measured and allowed in the reader's
    number format where the details say them."""
    filled = dict(values)
    rows = value_rows(details)
    if rows:
        filled["measured"] = rows[0][1]
        if len(rows) > 1:
            filled["expected"] = rows[1][1]
    return template.format_map(_Dashes(filled))


class _Dashes(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _passed(check: str, details: Mapping[str, Any]) -> str:
    if check == "logo_version":
        return _(
            "The form matches the official logo «%(version)s».",
            version=details.get("best_title") or details.get("best", ""),
        )
    if check in _COLOUR_CHECKS:
        return _("The main colours are official colours.")
    if check == "required_text":
        return _("The piece carries the required texts.")
    if check == "print_preflight":
        return _("The PDF is ready for print: size, bleed, fonts, images and colours.")
    return _("Complies with the rule.")


def _quoted(items: Any) -> str:
    return ", ".join(f"«{item}»" for item in items or ()) or "—"


def _failed(check: str, details: Mapping[str, Any]) -> str:  # noqa: C901  (one per check)
    phrases = [f.get("phrase", "") for f in details.get("found") or ()]
    if check == "required_text":
        return _("The piece lacks %(missing)s.", missing=_quoted(details.get("absent")))
    if check == "forbidden_text":
        return _("The piece says %(terms)s, which is not allowed.", terms=_quoted(phrases))
    if check == "blackout":
        periods = ", ".join(p.get("name", "") for p in details.get("periods") or ())
        return _(
            "During %(period)s no piece may name these officials or use these slogans, and "
            "this one says %(terms)s.",
            period=periods,
            terms=_quoted(phrases),
        )
    if check == "print_preflight":
        return _(
            "The PDF is not ready for print: %(n)s problems, listed below with their pages.",
            n=len(details.get("problems") or ()),
        )
    if check == "logo_version":
        return _(
            "This logo does not match any official version: its form is %(measured)s alike to "
            "«%(version)s», and at least %(expected)s is asked. Do not redraw or change it: "
            "download the official version.",
            measured=pct(details.get("similarity", 0)),
            version=details.get("best_title") or details.get("best", ""),
            expected=pct(details.get("min_similarity", 0.8)),
        )
    if check in _COLOUR_CHECKS:
        return _("Some colours are not official colours: below, what each should be.")
    if check == "transparency":
        if details.get("required"):
            return _("The file must have a transparent background: export the PNG with it.")
        return _("The file must not have transparent areas: export it on a solid background.")
    if check == "required_metadata":
        missing = [field_names(f) for f in details.get("missing", [])]
        return _("The file's data lack: %(missing)s.", missing=", ".join(missing) or "—")
    rows = value_rows(details)
    if len(rows) < 2:
        return _("Does not meet the rule.")
    found, allowed = rows[0][1], rows[1][1]
    sentence = _FAILED.get(check)
    if sentence is not None:
        return str(sentence) % {"measured": found, "allowed": allowed}
    return _(
        "Does not meet the rule: measured %(measured)s, allowed %(allowed)s.",
        measured=found,
        allowed=allowed,
    )


def localized_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """A report whose results carry their title and message in the reader's language, for
    pages that draw it in the browser (a refused file in the drop zone)."""
    checks = [
        {**check, "title": result_title(check), "message": result_message(check)}
        for check in report.get("checks", [])
    ]
    return {**report, "checks": checks}


def off_palette_words(share: float) -> str:
    """How much of the piece is off the palette, in words."""
    if share >= 0.5:
        return _("Most of the piece uses colours that are not in the palette.")
    if share >= 0.2:
        return _("A large part of the piece uses colours that are not in the palette.")
    if share > 0:
        return _("A small part of the piece uses colours that are not in the palette.")
    return _("The piece uses only colours of the palette.")


def colour_word(code: str | None) -> str:
    word = COLOR_WORDS.get(code or "")
    return str(word) if word is not None else ""


_COLOUR_SPACES: dict[str, Any] = {
    "rgb": "RGB",
    "cmyk": "CMYK",
    "gray": _l("grayscale"),
    "spot": _l("spot inks"),
    "lab": "Lab",
}


def preflight_problem(problem: Mapping[str, Any]) -> str:
    """One problem of a print preflight, with its page, in the reader's language."""
    if spanish():
        return str(problem.get("text") or "")
    code, page = problem.get("code"), problem.get("page")
    if code == "page_size":
        size = problem.get("size_mm") or (0, 0)
        return _(
            "Page %(page)s: it measures %(size)s mm, which is not an allowed format.",
            page=page,
            size=f"{num(size[0])} × {num(size[1])}",
        )
    if code == "bleed":
        return _(
            "Page %(page)s: bleed of %(bleed)s mm; %(min)s mm per side are needed.",
            page=page,
            bleed=num(problem.get("bleed_mm", 0), 1),
            min=num(problem.get("min_mm", 3), 1),
        )
    if code == "font_not_embedded":
        return _(
            "Page %(page)s: the font %(font)s is not embedded.", page=page, font=problem["font"]
        )
    if code == "font_not_brand":
        return _(
            "Page %(page)s: the font %(font)s is not one of the brand's.",
            page=page,
            font=problem["font"],
        )
    if code == "low_ppi":
        return _(
            "Page %(page)s: an image is at %(ppi)s ppi at its printed size; %(min)s ppi are "
            "needed.",
            page=page,
            ppi=num(problem.get("ppi", 0), 0),
            min=num(problem.get("min_ppi", 300)),
        )
    if code in ("image_colour", "vector_colour"):
        space = _COLOUR_SPACES.get(str(problem.get("colour")), problem.get("colour"))
        if code == "image_colour":
            return _(
                "Page %(page)s: an image is in %(space)s; for print it must be in CMYK.",
                page=page,
                space=space,
            )
        return _(
            "Page %(page)s: there are texts or shapes in %(space)s; for print they must be in "
            "CMYK or spot inks.",
            page=page,
            space=space,
        )
    if code == "rich_black_text":
        return _(
            "Page %(page)s: there is text in rich black (black with cyan, magenta or yellow): "
            "texts go in pure black (K 100 %%).",
            page=page,
        )
    return str(problem.get("text") or "")
