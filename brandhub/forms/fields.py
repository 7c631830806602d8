"""What the forms share: optional text fields cleaned on the way in, and their errors.

Most fields of BrandHub's forms are optional, limited in length and cleaned of
stray whitespace and control characters (``brandhub.text``); these factories
build them, so a form states only its label, limit and hint.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..text import clean_line, clean_text

#: The formats of a browser's datetime-local field.
WHEN = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def optional_line(label: Any, max_length: int, description: Any = "", *checks: Any) -> Any:
    """A one-line text field that may be empty, at most ``max_length`` characters."""
    return StringField(
        label,
        validators=[Optional(), Length(max=max_length), *checks],
        filters=[clean_line],
        description=description,
    )


def optional_text(label: Any, max_length: int, description: Any = "") -> Any:
    """A text area that may be empty, at most ``max_length`` characters."""
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=max_length)],
        filters=[clean_text],
        description=description,
    )


def credit_line_field() -> Any:
    """The credit as it must appear when a file is published (rights forms, bulk and coverage)."""
    return optional_line(
        _l("Credit line"),
        300,
        _l("As it must appear when published, e.g. Photo: Ana Pérez / Health"),
    )


def restrictions_field() -> Any:
    """What may not be done with a file (rights forms, bulk and coverage)."""
    return optional_text(
        _l("Restrictions"),
        5000,
        _l("What may not be done with it (e.g. not for political advertising)"),
    )


def form_errors(form: FlaskForm) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def first_error(form: FlaskForm) -> str:
    """The first message of an invalid form, for a toast."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Some fields are not valid.")
