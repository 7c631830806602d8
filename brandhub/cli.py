"""The ``brandhub`` command line: a Flask CLI group.

``brandhub init`` prepares an instance (folders, database migrated to head,
storage, a first administrator); ``brandhub run`` serves it; the other commands
manage people and tokens. Later subsystems add their own commands here.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from search_index import IndexUnavailable

from .auth.passwords import hash_password
from .auth.tokens import create_token
from .config import generate_password
from .db import get_session, upgrade
from .models import ROLES, Agency, ApiToken, User, utcnow
from .services import storage


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """BrandHub: digital assets and brand guidelines."""


@click.command("init")
@click.option("--admin-email", default="admin@brandhub.local", show_default=True)
@with_appcontext
def init_command(admin_email: str) -> None:
    """Create the instance: folders, database, storage and a first administrator."""
    app = current_app
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["INDEX_PATH"]).mkdir(parents=True, exist_ok=True)
    store = storage()
    ensure = getattr(store, "ensure_bucket", None)
    if callable(ensure):
        ensure()
    else:
        Path(app.config["STORAGE_PATH"]).mkdir(parents=True, exist_ok=True)
    upgrade(app)
    db = get_session()
    from .operations.brands import load_brands

    load_brands(db, store, only_missing=True)  # a brand edited on the web stays as it is
    _rebuild_outdated_index()
    has_admin = db.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
    click.echo(_("Instance ready in %(path)s", path=app.instance_path))
    if not has_admin:
        password = generate_password()
        db.add(
            User(
                email=admin_email.lower(),
                name="Administrador",
                role="admin",
                password_hash=hash_password(password),
            )
        )
        db.commit()
        click.echo("")
        click.echo("  " + _("First administrator created (the password is shown only now):"))
        click.echo(f"    {_('E-mail')}: {admin_email.lower()}")
        click.echo(f"    {_('Password')}: {password}")
        click.echo("")


def _rebuild_outdated_index() -> None:
    """Rebuild a search index built with an older schema (new fields, changed facets)."""
    from .cli_search import reindex_command
    from .search import service

    svc = service()
    try:
        outdated = svc.index().schema_outdated()
    except IndexUnavailable:
        return  # damaged: the library says so and ``brandhub reindex`` repairs it
    if outdated:
        click.echo(_("The search index was built by an older version; rebuilding it."))
        click.get_current_context().invoke(reindex_command)


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


def register_commands(app: Flask) -> None:
    from .cli_brands import brands_group, check_command
    from .cli_capture import agencies_group
    from .cli_import import import_command
    from .cli_jobs import jobs_group, run_all_command, worker_command
    from .cli_maintenance import backup_command, gc_command, restore_command
    from .cli_search import check_index_command, reindex_command
    from .cli_workflow import similar_command

    app.cli.add_command(import_command)
    app.cli.add_command(brands_group)
    app.cli.add_command(check_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(check_index_command)
    app.cli.add_command(init_command)
    app.cli.add_command(users_group)
    app.cli.add_command(agencies_group)
    app.cli.add_command(tokens_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(run_all_command)
    app.cli.add_command(jobs_group)
    app.cli.add_command(similar_command)
    app.cli.add_command(gc_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
