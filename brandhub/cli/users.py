"""``brandhub users …`` and ``brandhub tokens …``: the people who sign in and their API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.passwords import hash_password
from ..auth.tokens import create_token
from ..config import generate_password
from ..db import get_session
from ..models import ROLES, Agency, ApiToken, User, utcnow


@click.group("users")
def users_group() -> None:
    """Manage people."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--name", default="")
@click.option("--agency", "agency_slug", default=None, help="Agency slug (created if missing).")
@click.option("--agency-name", default=None)
@click.option("--password", default=None, help="Generated and printed if omitted.")
@with_appcontext
def users_create(
    email: str,
    role: str,
    name: str,
    agency_slug: str | None,
    agency_name: str | None,
    password: str | None,
) -> None:
    """Create a person who can sign in."""
    db = get_session()
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter(_("not an e-mail address"), param_hint="EMAIL")
    if db.scalar(select(User).where(User.email == email)):
        raise click.ClickException(_("%(email)s already exists", email=email))
    agency = None
    if agency_slug:
        agency = db.scalar(select(Agency).where(Agency.slug == agency_slug))
        if agency is None:
            agency = Agency(slug=agency_slug, name=agency_name or agency_slug)
            db.add(agency)
    shown = password is None
    password = password or generate_password()
    db.add(
        User(
            email=email, name=name, role=role, agency=agency, password_hash=hash_password(password)
        )
    )
    db.commit()
    click.echo(_("Created %(email)s (%(role)s)", email=email, role=role))
    if shown:
        click.echo(f"{_('Password')}: {password}")


@click.group("tokens")
def tokens_group() -> None:
    """Manage API tokens."""


def _user_or_fail(email: str) -> User:
    user = get_session().scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(_("There is no user %(email)s", email=email))
    return user


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="cli")
@click.option(
    "--read-only", is_flag=True, help="The token can read but not upload, change or delete."
)
@with_appcontext
def tokens_create(email: str, name: str, read_only: bool) -> None:
    """Create an API token for EMAIL and print it (shown only once)."""
    db = get_session()
    token = create_token(
        db, _user_or_fail(email), name=name, scopes="read" if read_only else "read write"
    )
    db.commit()
    click.echo(token)


@tokens_group.command("list")
@click.argument("email")
@with_appcontext
def tokens_list(email: str) -> None:
    """List EMAIL's tokens (their first characters, never the whole token)."""
    user = _user_or_fail(email)
    rows = get_session().scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for row in rows:
        state = _("revoked") if row.revoked_at else _("active")
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "-"
        click.echo(f"{row.prefix}…  {row.name:12} {row.scopes:12} {state:10} {used}")


@tokens_group.command("revoke")
@click.argument("prefix")
@with_appcontext
def tokens_revoke(prefix: str) -> None:
    """Revoke the token that starts with PREFIX (as shown by `tokens list`)."""
    db = get_session()
    rows = db.scalars(select(ApiToken).where(ApiToken.prefix == prefix.rstrip("…")[:10])).all()
    if len(rows) != 1:
        raise click.ClickException(_("No single token starts with %(prefix)s", prefix=prefix))
    rows[0].revoked_at = utcnow()
    db.commit()
    click.echo(_("Token revoked."))
