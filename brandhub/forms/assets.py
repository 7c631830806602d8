"""The forms of an asset's file and fields, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from ..operations.assets import AssetFields
from ..text import clean_line, clean_text


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

    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)], filters=[clean_line])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)], filters=[clean_text]
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=2000)],
        filters=[clean_line],
        description=_l("Separated by commas, e.g. logo, campaign, health"),
    )
    credit = StringField(
        _l("Credit"), validators=[Optional(), Length(max=300)], filters=[clean_line]
    )
    caption = TextAreaField(
        _l("Caption"), validators=[Optional(), Length(max=5000)], filters=[clean_text]
    )
    copyright = StringField(
        _l("Copyright"), validators=[Optional(), Length(max=300)], filters=[clean_line]
    )
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


def form_errors(form: FlaskForm) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}
