"""``brandhub users …`` and ``brandhub tokens …``: the people who sign in and their API tokens.

``users list``, ``set-role``, ``set-agency``, ``disable``, ``enable`` and
``reset-password`` follow the same rules as the pages under ``/admin``
(``operations/people.py``): there is always an active administrator, and a
lost administrator password is recovered with ``users reset-password EMAIL``
(a one-time link, or ``--password-stdin`` to set it here).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from assets.errors import BrandHubError

from ..auth.passwords import hash_password
from ..auth.tokens import create_token
from ..config import generate_password
from ..db import get_session
from ..models import ROLES, Agency, ApiToken, User, utcnow
from ..operations import people


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
        raise click.ClickException(
            _(
                "%(email)s already exists; for a lost password use "
                "`brandhub users reset-password %(email)s`.",
                email=email,
            )
        )
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


@contextmanager
def _refusals() -> Iterator[None]:
    """A refused change ends the command with its reason (exit status 1), nothing saved."""
    try:
        yield
    except BrandHubError as exc:
        get_session().rollback()
        raise click.ClickException(_(exc.message)) from exc


@users_group.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None, help="Only this role.")
@click.option("--agency", "agency_slug", default=None, help="Only this agency (slug; none).")
@click.option("--disabled", "state", flag_value="disabled", default=None, help="Only disabled.")
@click.option("--active", "state", flag_value="active", help="Only active people.")
@with_appcontext
def users_list(role: str | None, agency_slug: str | None, state: str | None) -> None:
    """List people: e-mail, name, role, agency, active, last sign-in."""
    db = get_session()
    with _refusals():
        if agency_slug and agency_slug != "none":
            people.agency_by_slug(db, agency_slug)
    wanted = people.PeopleFilter(role=role or "", agency=agency_slug or "", state=state or "")
    rows: list[tuple[str, ...]] = []
    page = 1
    while True:
        found = people.list_people(db, wanted, page, per_page=500)
        for p in found.rows:
            rows.append(
                (
                    p.email,
                    p.name or "-",
                    p.role,
                    p.agency.slug if p.agency else "-",
                    _("yes") if p.active else _("no"),
                    p.last_login_at.strftime("%Y-%m-%d %H:%M") if p.last_login_at else "-",
                )
            )
        if page >= found.pages:
            break
        page += 1
    if not rows:
        click.echo(_("Nobody matches."))
        return
    head = (_("E-mail"), _("Name"), _("Role"), _("Agency"), _("Active"), _("Last sign-in"))
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@users_group.command("set-role")
@click.argument("email")
@click.argument("role")
@with_appcontext
def users_set_role(email: str, role: str) -> None:
    """Give EMAIL the role ROLE (admin, brand_manager, editor, photographer, viewer)."""
    db = get_session()
    with _refusals():
        person = people.person_by_email(db, email)
        people.set_role(db, person, role)
        db.commit()
    click.echo(_("%(email)s is now %(role)s", email=person.email, role=role))


@users_group.command("set-agency")
@click.argument("email")
@click.argument("slug")
@with_appcontext
def users_set_agency(email: str, slug: str) -> None:
    """Put EMAIL in the agency SLUG (``none`` for no agency)."""
    db = get_session()
    with _refusals():
        person = people.person_by_email(db, email)
        agency = None if slug == "none" else people.agency_by_slug(db, slug)
        people.set_agency(db, person, agency)
        db.commit()
    click.echo(_("%(email)s now belongs to %(agency)s", email=person.email, agency=slug))


def _set_active(email: str, active: bool) -> User:
    db = get_session()
    with _refusals():
        person = people.person_by_email(db, email)
        people.set_active(db, person, active)
        db.commit()
    return person


@users_group.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email: str) -> None:
    """Stop EMAIL from signing in: their sessions and API tokens stop working."""
    person = _set_active(email, False)
    click.echo(_("%(email)s is disabled.", email=person.email))


@users_group.command("enable")
@click.argument("email")
@with_appcontext
def users_enable(email: str) -> None:
    """Let a disabled EMAIL sign in again."""
    person = _set_active(email, True)
    click.echo(_("%(email)s can sign in again.", email=person.email))


@users_group.command("reset-password")
@click.argument("email")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The instance's address for the link (default: the PUBLIC_URL setting).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from standard input and set it now (no link).",
)
@with_appcontext
def users_reset_password(email: str, base_url: str | None, password_stdin: bool) -> None:
    """Print a one-time link for EMAIL to choose a new password, or set it with --password-stdin.

    Either way the person's old sessions end. This is how a lost administrator
    password is recovered.
    """
    db = get_session()
    with _refusals():
        person = people.person_by_email(db, email)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            people.set_password(db, person, password)
            db.commit()
            click.echo(_("New password set for %(email)s.", email=person.email))
            return
        base = base_url or str(current_app.config.get("PUBLIC_URL") or "")
        if not base.startswith(("http://", "https://")):
            raise click.UsageError(
                _("Give the instance's address: --base-url https://… (or set BRANDHUB_PUBLIC_URL).")
            )
        if not person.active:
            raise click.ClickException(
                _("%(email)s is disabled: enable the account first.", email=person.email)
            )
        days = int(current_app.config.get("ACCESS_LINK_DAYS") or people.LINK_DAYS)
        _link, token = people.reset_link(db, person, by=None, days=days)
        db.commit()
    click.echo(people.link_url(base, "reset", token))
    click.echo(_("The link works once, for %(days)s days.", days=days), err=True)


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
