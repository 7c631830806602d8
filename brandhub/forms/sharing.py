"""Forms of share links: making one, and the password a visitor types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, PasswordField
from wtforms.validators import Length, Optional

from ..dates import to_utc
from ..operations.sharing import ShareFields
from .fields import WHEN, optional_line


class ShareForm(FlaskForm):
    label = optional_line(
        _l("Who is it for"), 200, _l("A note for you, e.g. Diario El Sur (optional)")
    )
    expires_at = DateTimeLocalField(
        _l("Expires"),
        format=WHEN,
        validators=[Optional()],
        description=_l("Empty: it works until it is revoked"),
    )
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=6, max=200)],
        description=_l("Optional; at least 6 characters. Send it by another channel."),
    )
    allow_download = BooleanField(_l("Allow downloads"), default=True)

    def to_fields(self) -> ShareFields:
        return ShareFields(
            expires_at=to_utc(self.expires_at.data),
            password=self.password.data or None,
            allow_download=bool(self.allow_download.data),
            label=self.label.data or "",
        )


class SharePasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[Length(min=1, max=200)])
