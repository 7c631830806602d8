"""Forms of sets of assets: events, collections and bulk edits of a selection (pages and API).

Dates and times are typed in the institution's time zone (``TIMEZONE``) and
stored in UTC; the API also takes ISO 8601 with an offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from assets.metadata.capture import zone_info

from ..dates import to_local, to_utc
from ..models import Agency
from ..operations.bulk import BulkChanges
from ..operations.sets import EventFields, SetFields
from ..text import clean_line
from .fields import WHEN, optional_line, optional_text

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
    description = optional_text(_l("Description"), 10000)
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
        format=WHEN,
        validators=[Optional()],
    )
    place = optional_line(_l("Place"), 300)
    photographers = optional_line(_l("Photographers"), 500, _l("Names separated by commas"))
    press_release_url = optional_line(
        _l("Press release"),
        1000,
        _l("Link to the press release on the institution's site"),
        _LINK,
    )
    time_zone = optional_line(
        _l("Time zone of the cameras"),
        64,
        _l(
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

    credit = optional_line(_l("Credit"), 300)
    copyright = optional_line(_l("Copyright"), 300)
    caption = optional_text(_l("Caption"), 5000)
    tags = optional_line(
        _l("Add tags"), 2000, _l("Separated by commas; the tags each asset has stay")
    )
    title_prefix = optional_line(
        _l("Title prefix"), 100, _l("Written before each title, e.g. “Acto 25 de Mayo —”")
    )

    def to_changes(self) -> BulkChanges:
        return BulkChanges(
            credit=self.credit.data or None,
            copyright=self.copyright.data or None,
            caption=self.caption.data or None,
            add_tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
            title_prefix=self.title_prefix.data or None,
        )
