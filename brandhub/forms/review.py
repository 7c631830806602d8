"""Forms of an asset's review: status changes, new versions, usage rights.

Dates and times are typed in the institution's time zone and stored in UTC
(``brandhub.dates``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, SelectChoice, SelectField
from wtforms.validators import Optional

from ..dates import to_local, to_utc
from ..models import STATUSES
from ..operations.rights import LICENCES, RightsFields
from .fields import WHEN, credit_line_field, optional_line, optional_text, restrictions_field


class StatusForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        choices=[SelectChoice(s, s) for s in STATUSES],
        validate_choice=True,
    )
    comment = optional_text(
        _l("Comment"), 2000, _l("Why: what to change, who asked for it (optional)")
    )


class VersionForm(FlaskForm):
    file = FileField(_l("New file"), validators=[FileRequired(_l("Choose a file to upload."))])
    comment = optional_line(
        _l("What changed"), 2000, _l("For example: corrected colours, new logo of the ministry")
    )


class RightsForm(FlaskForm):
    licence = SelectField(
        _l("Licence"),
        choices=[SelectChoice("", _l("Not stated"))]
        + [SelectChoice(code, label) for code, label in LICENCES.items()],
        validators=[Optional()],
        validate_choice=True,
    )
    credit = credit_line_field()
    restrictions = restrictions_field()
    embargo_until = DateTimeLocalField(
        _l("Not public before"), format=WHEN, validators=[Optional()]
    )
    expires_at = DateTimeLocalField(
        _l("Rights expire on"),
        format=WHEN,
        validators=[Optional()],
        description=_l("After this moment it is marked expired and leaves public pages"),
    )
    public = BooleanField(_l("Public: the press kit and visitors may see it once approved"))

    def fill(self, asset: Any) -> RightsForm:
        """The form showing ``asset``'s rights, with local times."""
        self.licence.data = asset.licence or ""
        self.credit.data = asset.credit
        self.restrictions.data = asset.restrictions
        self.embargo_until.data = to_local(asset.embargo_until)
        self.expires_at.data = to_local(asset.expires_at)
        self.public.data = asset.public
        return self

    def to_fields(self) -> RightsFields:
        return RightsFields(
            licence=self.licence.data or "",
            credit=self.credit.data or "",
            restrictions=self.restrictions.data or "",
            expires_at=to_utc(self.expires_at.data),
            embargo_until=to_utc(self.embargo_until.data),
            public=bool(self.public.data),
        )
