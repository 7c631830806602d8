"""What a piece is, for people looking for it: Logo, Photo, Graphic piece, Video, Audio, Document,
Design master, Font, Template.

An asset carries two codes: its file type (``kind``: image, vector, video, audio,
document) and the brand-rule category it was checked as (``category``: logo, photo,
graphic, social, video, audio; chosen with the upload or judged from the file).
Neither alone says what a designer or a journalist looks for: every raster file is
an "image", and a social-network post is a graphic piece to them. :func:`shown_category`
folds both into one of :data:`search_index.CATEGORIES`, which the search facet
counts and every card shows. A person's category wins; a PDF is a document unless
it was called a logo or a photo; an asset with no category (uploaded before they
existed) goes by its file type. Office templates (``.potx``, ``.dotx``, ``.xltx``,
``.ott``, ``.otp``, ``.ots``: a template by the content type its own bytes
declare) are Templates, and so is any office document a person tagged
"plantilla" (or "template").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from assets.sniff.office import DOTX, OFFICE_MIMES, OTP, OTS, OTT, POTX, XLTX

#: Brand-rule category -> shown category.
_BY_CATEGORY = {
    "logo": "logo",
    "photo": "photo",
    "graphic": "graphic",
    "social": "graphic",
    "video": "video",
    "audio": "audio",
}
#: File type -> shown category, when the asset has no brand-rule category.
_BY_KIND = {
    "image": "photo",
    "vector": "graphic",
    "video": "video",
    "audio": "audio",
    "document": "document",
    "font": "font",
}
#: Designer masters (Photoshop, Illustrator, EPS): shown as such whatever they were checked as.
MASTER_MIMES = frozenset(
    {"image/vnd.adobe.photoshop", "application/illustrator", "application/postscript"}
)
#: Office templates by the content type their bytes declare.
TEMPLATE_MIMES = frozenset(t.mime for t in (DOTX, POTX, XLTX, OTT, OTP, OTS))
#: Tags (lower case) by which a person marks an office document as a template.
TEMPLATE_TAGS = frozenset({"plantilla", "plantillas", "template", "templates"})

#: Shown category -> its label (in the reader's language).
LABELS: dict[str, Any] = {
    "logo": _l("Logo"),
    "photo": _l("Photo"),
    "graphic": _l("Graphic piece"),
    "video": _l("Video"),
    "audio": _l("Audio"),
    "document": _l("Document"),
    "master": _l("Design master"),
    "font": _l("Font"),
    "template": _l("Template"),
}
#: Shown category -> the icon of the sprite that stands for it.
ICONS = {
    "logo": "vector",
    "photo": "camera",
    "graphic": "image",
    "video": "video",
    "audio": "audio",
    "document": "document",
    "master": "master",
    "font": "font",
    "template": "template",
}


def shown_category(
    category: str | None, kind: str, mime: str | None = None, tags: Iterable[str] = ()
) -> str:
    """The category people see for a piece of brand-rule ``category`` and file type ``kind``.

    Designer masters (by ``mime``), fonts and office templates (by ``mime``, or an office
    document with one of :data:`TEMPLATE_TAGS` among its ``tags``) are always shown as such.
    """
    if mime in TEMPLATE_MIMES:
        return "template"
    if mime in OFFICE_MIMES and any(t.strip().lower() in TEMPLATE_TAGS for t in tags):
        return "template"
    if mime in MASTER_MIMES:
        return "master"
    if kind == "font":
        return "font"
    if kind == "document" and category not in ("logo", "photo"):
        return "document"
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category]
    return _BY_KIND.get(kind, "document")


def asset_category(asset: Any) -> str:
    """:func:`shown_category` of an asset row."""
    return shown_category(
        getattr(asset, "category", None),
        asset.kind,
        getattr(asset, "mime", None),
        getattr(asset, "tag_names", None) or (),
    )


def category_label(code: str) -> str:
    """The label of a shown category (the code itself if unknown)."""
    return str(LABELS.get(code, code))
