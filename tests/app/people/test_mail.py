"""Invitations by e-mail: built in the reader's language, sent only when SMTP is set up,
and the link shown whether the mail went or not.

The server here is a few lines of SMTP over a socket on 127.0.0.1 (no TLS), enough
for ``smtplib`` to hand a message over as it would to a real relay.
"""

from __future__ import annotations

import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest

from brandhub.mail import link_message, mail_settings


class _Smtp(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        write = self.wfile.write
        write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                write(b"250 test\r\n")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                write(b"250 OK\r\n")
            elif verb == b"DATA":
                write(b"354 go on\r\n")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append(body)  # type: ignore[attr-defined]
                write(b"250 queued\r\n")
            elif verb == b"QUIT":
                write(b"221 bye\r\n")
                return
            else:
                write(b"502 no\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_mail_settings_no_mail(app):
    assert mail_settings(app.config) is None


def test_the_message_carries_the_link_in_spanish(app):
    settings = mail_settings({"MAIL_SERVER": "smtp.gob", "MAIL_FROM": "imagen@prensa.gob"})
    assert settings is not None and settings.security == "starttls" and settings.port == 587
    with app.test_request_context():
        message = link_message(
            settings,
            "nueva@prensa.gob",
            purpose="invite",
            url="https://imagen.gob/invitacion/abc",
            institution="Oficina de Prensa",
            days=7,
        )
    assert message["To"] == "nueva@prensa.gob"
    assert message["Subject"] == "Su acceso a Oficina de Prensa"
    assert "imagen@prensa.gob" in message["From"]
    body = message.get_content()
    assert "https://imagen.gob/invitacion/abc" in body and "7 días" in body


def test_an_invitation_is_mailed_when_smtp_is_set(app_factory, make_user, smtp_server):
    port, received = smtp_server
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
    from tests.factories import add_user

    admin = add_user(app, "admin", "prensa")
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": "correct horse battery staple"})
    r = client.post(
        "/admin/people/invite",
        data={"email": "nueva@prensa.gob", "role": "editor", "agency": "prensa"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Se envió por correo a nueva@prensa.gob" in page
    shown = re.search(r'value="(http://[^"]+/invitacion/[^"]+)"', page)
    assert shown and len(received) == 1
    mail = message_from_bytes(received[0], policy=policy.default)
    assert mail["To"] == "nueva@prensa.gob"
    assert shown.group(1) in mail.get_content()


def test_a_mail_server_that_is_away_still_shows_the_link(app_factory):
    app = app_factory(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_SECURITY="none", MAIL_TIMEOUT=2
    )
    from tests.factories import add_user

    admin = add_user(app, "admin", "prensa")
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": "correct horse battery staple"})
    r = client.post(
        "/admin/people/invite", data={"email": "x@prensa.gob", "role": "viewer", "agency": ""}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "No se pudo enviar el correo" in page
    assert "/invitacion/" in page
