"""E-mail with the one-time links that let people in (invitations and password resets).

Mail is optional: without ``MAIL_SERVER`` nothing is sent and the page shows the
link for the administrator to pass on. With it, :func:`send` hands the message to
that SMTP server (STARTTLS, SSL or plain, as ``MAIL_SECURITY`` says) within
``MAIL_TIMEOUT`` seconds; a server that is away or refuses the message raises
:class:`MailNotSent`, and the caller still shows the link, so a person is never
left without a way in because mail failed.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask_babel import gettext as _

from core.errors import BrandHubError


class MailNotSent(BrandHubError):
    """The e-mail could not be sent; copy the link and send it yourself."""

    code = "mail_not_sent"
    transient = True


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    username: str
    password: str
    security: str  # "starttls", "ssl" or "none"
    sender: str
    timeout: float


def mail_settings(config: dict[str, Any]) -> MailSettings | None:
    """The SMTP settings, or None when ``MAIL_SERVER`` is not set (no e-mail is sent)."""
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    sender = str(config.get("MAIL_FROM") or "").strip() or f"brandhub@{server}"
    return MailSettings(
        server=server,
        port=int(config.get("MAIL_PORT") or 587),
        username=str(config.get("MAIL_USERNAME") or ""),
        password=str(config.get("MAIL_PASSWORD") or ""),
        security=str(config.get("MAIL_SECURITY") or "starttls"),
        sender=sender,
        timeout=float(config.get("MAIL_TIMEOUT") or 10),
    )


def link_message(
    settings: MailSettings,
    to: str,
    *,
    purpose: str,
    url: str,
    institution: str,
    days: int,
) -> EmailMessage:
    """The e-mail that carries an invitation (``purpose`` "invite") or a reset link."""
    message = EmailMessage()
    message["From"] = formataddr((institution, settings.sender))
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    if purpose == "invite":
        message["Subject"] = _("Your access to %(name)s", name=institution)
        intro = _(
            "You have been invited to %(name)s, where the institution's logos, photos "
            "and graphic pieces are kept.",
            name=institution,
        )
        action = _("Open this link to choose your password and sign in:")
    else:
        message["Subject"] = _("A new password for %(name)s", name=institution)
        intro = _("An administrator made a link for you to choose a new password.")
        action = _("Open this link to choose it:")
    note = _(
        "The link works once and for %(days)s days. If you did not expect it, ignore this message.",
        days=days,
    )
    message.set_content(f"{intro}\n\n{action}\n{url}\n\n{note}\n")
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server; :class:`MailNotSent` if it cannot be."""
    try:
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.server,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(detail=str(exc)) from exc
