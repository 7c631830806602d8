"""The forms of people and agencies: invitations, a person's role and agency, passwords
chosen through a one-time link, and an agency's name, brand and time zone."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..models import ROLES
from ..operations.people import MAX_PASSWORD, MIN_PASSWORD, AgencyFields
from .fields import optional_line

#: Each role as people read it.
ROLE_LABELS: dict[str, Any] = {
    "admin": _l("Administrator"),
    "brand_manager": _l("Brand manager"),
    "editor": _l("Editor"),
    "photographer": _l("Photographer"),
    "viewer": _l("Viewer"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


def agency_choices(agencies: list[tuple[str, str]], none_label: Any) -> list[SelectChoice]:
    """An agency select's options: "none" first, then each (slug, name)."""
    return [SelectChoice("", none_label), *(SelectChoice(s, n) for s, n in agencies)]


def _email_field() -> Any:
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address.")),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )


class InviteForm(FlaskForm):
    email = _email_field()
    role = SelectField(_l("Role"), choices=role_choices(), default="viewer")
    agency = SelectField(_l("Agency"), choices=[], validators=[Optional()])


class PersonForm(FlaskForm):
    """A person's role and agency, changed together."""

    role = SelectField(_l("Role"), choices=role_choices())
    agency = SelectField(_l("Agency"), choices=[], validators=[Optional()])


def _new_password() -> Any:
    return PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=_l("The password must have at least 10 characters."),
            ),
        ],
        description=_l("At least 10 characters; a few words you remember are a good password."),
    )


def _repeat() -> Any:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class PasswordForm(FlaskForm):
    """A new password chosen through a reset link."""

    password = _new_password()
    confirm = _repeat()


class JoinForm(FlaskForm):
    """What an invited person writes to open their account."""

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Write your name.")), Length(max=200)],
        description=_l("As colleagues will see it beside your uploads."),
    )
    password = _new_password()
    confirm = _repeat()


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = optional_line(
        _l("Short name"),
        80,
        _l(
            "Lower-case letters, digits and hyphens, for addresses and the command line "
            "(e.g. salud). Made from the name when empty."
        ),
    )
    brand_slug = SelectField(_l("Brand"), choices=[], validators=[Optional()])
    time_zone = optional_line(
        _l("Time zone of its cameras"),
        64,
        _l("As America/Argentina/Buenos_Aires; empty: the instance's time zone."),
    )

    def to_fields(self) -> AgencyFields:
        return AgencyFields(
            name=self.name.data or "",
            slug=self.slug.data or "",
            brand_slug=self.brand_slug.data or "",
            time_zone=self.time_zone.data or "",
        )
