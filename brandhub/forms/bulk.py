"""Forms of bulk actions: the library's selection bar and an event's "publish the coverage".

The action comes from the button pressed (``name="action"``); the fields an
action does not use are ignored. A licence left as "leave as it is" changes no
asset's licence.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Optional, Regexp

from ..operations.bulk_actions import ACTIONS, ActionParams
from ..operations.rights import LICENCES
from .fields import credit_line_field, restrictions_field
from .sets import BulkForm

#: The action that is not one of operations/bulk_actions.py's: the ZIP of the selection.
ZIP = "zip"
_ID = Regexp(r"^\d{1,12}$", message=_l("Must be a whole number."))


def licence_choices(keep: Any) -> list[SelectChoice]:
    return [SelectChoice("", keep)] + [SelectChoice(c, label) for c, label in LICENCES.items()]


def _id(raw: str | None) -> int | None:
    return int(raw) if raw else None


class ActionForm(BulkForm):
    """The library's selection bar: which action, and what it needs."""

    action = StringField(validators=[DataRequired(), AnyOf([*ACTIONS, ZIP])])
    licence = SelectField(
        _l("Licence"),
        choices=licence_choices(_l("Leave as it is")),
        validators=[Optional()],
        validate_choice=True,
    )
    restrictions = restrictions_field()
    event_id = StringField(_l("Event"), validators=[Optional(), _ID])
    collection_id = StringField(_l("Collection"), validators=[Optional(), _ID])
    confirm = BooleanField(_l("Yes, delete them"))
    scope = StringField(validators=[Optional(), AnyOf(["ids", "all"])])

    def to_params(self) -> ActionParams:
        return ActionParams(
            licence=self.licence.data or None,
            credit=self.credit.data or None,
            restrictions=self.restrictions.data or None,
            changes=self.to_changes(),
            event_id=_id(self.event_id.data),
            collection_id=_id(self.collection_id.data),
            confirm=bool(self.confirm.data),
        )


class PublishForm(FlaskForm):
    """An event's coverage to the press kit: the rights every photo gets, then publish."""

    licence = SelectField(
        _l("Licence"),
        choices=licence_choices(_l("Leave each file's as it is")),
        validators=[Optional()],
        validate_choice=True,
    )
    credit = credit_line_field()
    restrictions = restrictions_field()

    def to_params(self) -> ActionParams:
        return ActionParams(
            licence=self.licence.data or None,
            credit=self.credit.data or None,
            restrictions=self.restrictions.data or None,
        )
