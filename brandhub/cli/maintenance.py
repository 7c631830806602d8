"""The instance as a whole: ``brandhub init``, ``gc``, ``backup DIR`` and ``restore DIR``.

``init`` prepares an instance (folders, database migrated to head, storage,
the shipped brands, a first administrator); the others are in ``maintenance``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from assets.errors import BrandHubError, StorageError
from assets.storage import Storage, s3_errors
from guidelines import SHIPPED_BRANDS

from .. import maintenance
from ..auth.passwords import hash_password
from ..config import generate_password
from ..db import database, get_session, upgrade
from ..i18n import filesize
from ..maintenance.garbage import sweep_spool
from ..models import User
from ..operations import people
from ..operations.brands import load_brands
from ..operations.uploads import remove_expired
from ..services import ingest_settings, storage, upload_staging
from .search import rebuild_outdated_index, reindex

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_grace(value: str) -> timedelta:
    """``0``, ``90``, ``90s``, ``30m``, ``1h``, ``2d``."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
    if not found:
        raise click.BadParameter(_("use a number of seconds, or 30m, 1h, 2d"))
    return timedelta(seconds=float(found.group(1)) * _UNITS[found.group(2)])


@contextmanager
def _errors_as_messages() -> Iterator[None]:
    """A domain error ends the command with its message, not a traceback."""
    try:
        yield
    except BrandHubError as exc:
        raise click.ClickException(_(exc.message)) from exc


def _store_failure(store: Storage, exc: OSError) -> str:
    """One sentence for a store that cannot be used: what failed, where, what to check."""
    where = store.location
    message = exc.message if isinstance(exc, StorageError) else ""
    if store.name == "local":
        return _(
            "The file store folder %(where)s cannot be written; check that it exists, "
            "has free space and that this user may write to it.",
            where=where,
        )
    if message == s3_errors.UNREACHABLE:
        return _(
            "The file store at %(where)s cannot be reached; check its address and that it "
            "is running.",
            where=where,
        )
    if message == s3_errors.TIMEOUT:
        return _(
            "The file store at %(where)s did not answer in time; check that it is running "
            "and not overloaded.",
            where=where,
        )
    if message == s3_errors.DENIED:
        return _(
            "The file store at %(where)s refused to store a test file; check its credentials "
            "and the bucket's permissions.",
            where=where,
        )
    if message == s3_errors.NO_CREDENTIALS:
        return _(
            "The file store at %(where)s needs credentials; set BRANDHUB_S3_ACCESS_KEY_ID and "
            "BRANDHUB_S3_SECRET_ACCESS_KEY.",
            where=where,
        )
    code = str(exc.details.get("code") or "") if isinstance(exc, StorageError) else ""
    return _(
        "The file store at %(where)s could not store a test file%(code)s; check that it is "
        "running and has free space and writable volumes.",
        where=where,
        code=f" ({code})" if code else "",
    )


@contextmanager
def _store_ready(store: Storage) -> Iterator[None]:
    """A store that fails inside the block ends the command with one sentence."""
    try:
        yield
    except OSError as exc:  # StorageError is one; a local folder that cannot be made too
        raise click.ClickException(_store_failure(store, exc)) from exc


@click.command("init")
@click.option("--admin-email", default="admin@brandhub.local", show_default=True)
@with_appcontext
def init_command(admin_email: str) -> None:
    """Create the instance: folders, database, storage and a first administrator."""
    app = current_app
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["INDEX_PATH"]).mkdir(parents=True, exist_ok=True)
    store = storage()
    with _store_ready(store):
        ensure = getattr(store, "ensure_bucket", None)
        if callable(ensure):
            ensure()
        else:
            Path(app.config["STORAGE_PATH"]).mkdir(parents=True, exist_ok=True)
        store.check_writable()
    upgrade(app)
    db = get_session()
    with _store_ready(store):
        load_brands(db, store, only_missing=True)  # a brand edited on the web stays as it is
    rebuild_outdated_index()
    has_admin = db.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
    click.echo(_("Instance ready in %(path)s", path=app.instance_path))
    if not has_admin:
        password = generate_password()
        agency, _made = people.default_agency(
            db, str(app.config["INSTITUTION_NAME"]), str(app.config.get("DEFAULT_BRAND") or "")
        )
        db.add(
            User(
                email=admin_email.lower(),
                name="Administrador",
                role="admin",
                agency=agency,
                password_hash=hash_password(password),
            )
        )
        db.commit()
        click.echo("")
        click.echo("  " + _("First administrator created (the password is shown only now):"))
        click.echo(f"    {_('E-mail')}: {admin_email.lower()}")
        click.echo(f"    {_('Password')}: {password}")
        if agency is not None:
            click.echo(f"    {_('Agency')}: {agency.name} ({agency.slug})")
        click.echo("")
    else:
        _give_admins_an_agency()


def _give_admins_an_agency() -> None:
    """Administrators made before agencies were given (by an older ``init``) join the
    default agency, so what they upload belongs to one and is checked against its brand."""
    app = current_app
    db = get_session()
    lost = db.scalars(select(User).where(User.role == "admin", User.agency_id.is_(None))).all()
    if not lost:
        return
    agency, _made = people.default_agency(
        db, str(app.config["INSTITUTION_NAME"]), str(app.config.get("DEFAULT_BRAND") or "")
    )
    if agency is None:
        click.echo(
            _(
                "Some administrators belong to no agency: give them one with "
                "`brandhub users set-agency EMAIL SLUG` or at /admin/people."
            )
        )
        return
    for admin in lost:
        admin.agency = agency
    db.commit()
    for admin in lost:
        click.echo(_("%(email)s now belongs to %(agency)s", email=admin.email, agency=agency.slug))


@click.command("gc")
@click.option(
    "--grace",
    default="1h",
    show_default=True,
    metavar="TIME",
    help="Keep unreferenced files younger than this (uploads in flight): 0, 90s, 30m, 1h, 2d.",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def gc_command(grace: str, dry_run: bool) -> None:
    """Remove stored files that no asset, rendition or version refers to."""
    period = parse_grace(grace)
    with _errors_as_messages():
        found = maintenance.collect_garbage(
            database().engine, storage(), grace=period, dry_run=dry_run
        )
    spool = ingest_settings().tmp_dir or Path(tempfile.gettempdir())
    found.partial += sweep_spool(spool, grace=period, dry_run=dry_run)
    expired = remove_expired(get_session(), upload_staging(), grace=period, dry_run=dry_run)
    for obj in (*found.removed, *found.partial):
        click.echo(f"{obj.key}\t{filesize(obj.size)}")
    count, size = len(found.removed) + len(found.partial), filesize(found.bytes_freed)
    if dry_run:
        click.echo(
            ngettext(
                "%(num)s file would be removed, %(size)s.",
                "%(num)s files would be removed, %(size)s.",
                count,
                size=size,
            )
        )
    else:
        click.echo(
            ngettext(
                "%(num)s file removed, %(size)s freed.",
                "%(num)s files removed, %(size)s freed.",
                count,
                size=size,
            )
        )
    if expired:
        click.echo(
            ngettext(
                "%(num)s expired resumable upload removed.",
                "%(num)s expired resumable uploads removed.",
                len(expired),
            )
            if not dry_run
            else ngettext(
                "%(num)s expired resumable upload would be removed.",
                "%(num)s expired resumable uploads would be removed.",
                len(expired),
            )
        )
    if found.young:
        click.echo(
            ngettext(
                "%(num)s unreferenced file is younger than the grace period and was kept.",
                "%(num)s unreferenced files are younger than the grace period and were kept.",
                len(found.young),
            )
        )
    if found.failed:
        for key in found.failed:
            click.echo(_("Could not remove %(key)s", key=key), err=True)
        raise SystemExit(1)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--portable",
    is_flag=True,
    help="Dump a SQLite database as JSON lines (to restore it into PostgreSQL).",
)
@with_appcontext
def backup_command(directory: Path, portable: bool) -> None:
    """Back up the database, the stored files and the secret key into DIRECTORY."""
    with _errors_as_messages():
        manifest = maintenance.backup(
            database().engine,
            storage(),
            directory,
            instance_path=Path(current_app.instance_path),
            brand_dirs=[SHIPPED_BRANDS],
            portable=portable,
        )
    rows = sum(manifest["database"]["tables"].values())
    objects = manifest["objects"]
    click.echo(
        _(
            "Backup written to %(path)s: %(rows)s rows, %(files)s files (%(size)s).",
            path=str(directory),
            rows=rows,
            files=objects["count"],
            size=filesize(objects["bytes"]),
        )
    )
    if manifest["missing"]:
        for key in manifest["missing"]:
            click.echo(_("Missing from the store: %(key)s", key=key), err=True)
        raise click.ClickException(_("Some files the database refers to were not in the store."))


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace what this instance already holds.")
@with_appcontext
def restore_command(directory: Path, force: bool) -> None:
    """Restore a backup made by ``brandhub backup`` into this instance, then reindex."""
    app = current_app
    with _errors_as_messages():
        done = maintenance.restore(
            database().engine,
            storage(),
            directory,
            instance_path=Path(app.instance_path),
            force=force,
            upgrade=lambda: upgrade(app),
        )
    click.echo(
        _(
            "Restored %(rows)s rows and %(files)s files.",
            rows=sum(done["tables"].values()),
            files=done["objects"],
        )
    )
    reindex()
