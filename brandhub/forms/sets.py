"""Forms of sets of assets: events, collections and bulk edits of a selection (pages and API).

Dates and times are typed in the institution's time zone (``TIMEZONE``) and
stored in UTC; the API also takes ISO 8601 with an offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from assets.metadata.capture import zone_info

from ..dates import to_local, to_utc
from ..models import Agency
from ..operations.bulk import BulkChanges
from ..operations.sets import EventFields, SetFields
from ..text import clean_line, clean_text

_LINK = Regexp(r"^https?://\S+$", message=_l("Use a full address starting with https://"))
_SLUG = Regexp(r"^[a-z0-9-]*$")


class AgencyField(StringField):
    """An agency's slug; filled from a set, it shows the slug of the set's agency."""

    def process_data(self, value: Any) -> None:
        self.data = value.slug if isinstance(value, Agency) else value


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in the institution's zone; filled from a set, its UTC moment
    shown in that zone."""

    def process_data(self, value: Any) -> None:
        self.data = to_local(value) if isinstance(value, datetime) else value


class SetForm(FlaskForm):
    """What every set has: a collection's form, and the start of an event's."""

    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=300)], filters=[clean_line]
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)], filters=[clean_text]
    )
    public = BooleanField(_l("Visible to every agency"))
    agency = AgencyField(_l("Agency"), validators=[Optional(), Length(max=80), _SLUG])

    def _set_fields(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "public": bool(self.public.data),
            "agency": self.agency.data or None,
        }

    def to_fields(self) -> SetFields:
        return SetFields(**self._set_fields())


class EventForm(SetForm):
    """A set's fields, and when, where and by whom the event was photographed."""

    starts_at = LocalDateTimeField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)], filters=[clean_line])
    photographers = StringField(
        _l("Photographers"),
        validators=[Optional(), Length(max=500)],
        filters=[clean_line],
        description=_l("Names separated by commas"),
    )
    press_release_url = StringField(
        _l("Press release"),
        validators=[Optional(), Length(max=1000), _LINK],
        filters=[clean_line],
        description=_l("Link to the press release on the institution's site"),
    )
    time_zone = StringField(
        _l("Time zone of the cameras"),
        validators=[Optional(), Length(max=64)],
        filters=[clean_line],
        description=_l(
            "Where the photos were taken, e.g. America/Santiago; empty: the agency's or the"
            " institution's zone. Camera clocks without a zone are read in it."
        ),
    )

    def validate_time_zone(self, field: StringField) -> None:
        if field.data and zone_info(field.data) is None:
            raise ValidationError(_l("Unknown time zone; write it as America/Santiago."))

    def to_fields(self) -> EventFields:
        return EventFields(
            **self._set_fields(),
            starts_at=to_utc(self.starts_at.data),
            place=self.place.data or "",
            photographers=self.photographers.data or "",
            press_release_url=self.press_release_url.data or "",
            time_zone=self.time_zone.data or "",
        )


class BulkForm(FlaskForm):
    """What to set on every selected asset; empty fields change nothing."""

    credit = StringField(
        _l("Credit"), validators=[Optional(), Length(max=300)], filters=[clean_line]
    )
    copyright = StringField(
        _l("Copyright"), validators=[Optional(), Length(max=300)], filters=[clean_line]
    )
    caption = TextAreaField(
        _l("Caption"), validators=[Optional(), Length(max=5000)], filters=[clean_text]
    )
    tags = StringField(
        _l("Add tags"),
        validators=[Optional(), Length(max=2000)],
        filters=[clean_line],
        description=_l("Separated by commas; the tags each asset has stay"),
    )
    title_prefix = StringField(
        _l("Title prefix"),
        validators=[Optional(), Length(max=100)],
        filters=[clean_line],
        description=_l("Written before each title, e.g. “Acto 25 de Mayo —”"),
    )

    def to_changes(self) -> BulkChanges:
        return BulkChanges(
            credit=self.credit.data or None,
            copyright=self.copyright.data or None,
            caption=self.caption.data or None,
            add_tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
            title_prefix=self.title_prefix.data or None,
        )
