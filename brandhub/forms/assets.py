"""The forms of an asset's file and fields, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from ..operations.assets import AssetFields
from .fields import optional_line, optional_text


class AssetMetaForm(FlaskForm):
    """Descriptive fields of an asset (used for upload, edit and PATCH)."""

    #: The fields an upload or a PATCH may send (anything else is refused by the API).
    FIELD_NAMES = (
        "title",
        "description",
        "tags",
        "credit",
        "caption",
        "copyright",
        "agency",
        "category",
    )

    title = optional_line(_l("Title"), 300)
    description = optional_text(_l("Description"), 10000)
    tags = optional_line(_l("Tags"), 2000, _l("Separated by commas, e.g. logo, campaign, health"))
    credit = optional_line(_l("Credit"), 300)
    caption = optional_text(_l("Caption"), 5000)
    copyright = optional_line(_l("Copyright"), 300)
    category = SelectField(
        _l("Piece category"),
        choices=[
            SelectChoice("", _l("Automatic (judged from the file)")),
            SelectChoice("logo", _l("Logo")),
            SelectChoice("photo", _l("Photo")),
            SelectChoice("graphic", _l("Graphic piece (poster, flyer)")),
            SelectChoice("social", _l("Social network post")),
            SelectChoice("video", _l("Video")),
            SelectChoice("audio", _l("Audio")),
        ],
        validators=[Optional()],
        validate_choice=True,
    )
    agency = StringField(
        _l("Agency"), validators=[Optional(), Length(max=80), Regexp(r"^[a-z0-9-]*$")]
    )

    def to_fields(self, present: set[str] | None = None) -> AssetFields:
        """Only the fields that were sent (PATCH semantics) when ``present`` is given."""
        values: dict[str, Any] = {}
        for name in self.FIELD_NAMES:
            if present is not None and name not in present:
                continue
            value = getattr(self, name).data
            values[name] = value if value is not None else ("" if present is not None else None)
        return AssetFields(**values)


class UploadForm(AssetMetaForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
