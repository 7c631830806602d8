"""``brandhub gc``, ``brandhub backup DIR`` and ``brandhub restore DIR`` (see ``maintenance``)."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from assets.errors import BrandHubError
from guidelines import SHIPPED_BRANDS

from . import maintenance
from .db import database, upgrade
from .i18n import filesize
from .maintenance.garbage import sweep_spool
from .services import ingest_settings, storage

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_grace(value: str) -> timedelta:
    """``0``, ``90``, ``90s``, ``30m``, ``1h``, ``2d``."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
    if not found:
        raise click.BadParameter(_("use a number of seconds, or 30m, 1h, 2d"))
    return timedelta(seconds=float(found.group(1)) * _UNITS[found.group(2)])


def _fail(exc: BrandHubError) -> click.ClickException:
    return click.ClickException(_(exc.message))


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
    try:
        found = maintenance.collect_garbage(
            database().engine, storage(), grace=period, dry_run=dry_run
        )
    except BrandHubError as exc:
        raise _fail(exc) from exc
    spool = ingest_settings().tmp_dir or Path(tempfile.gettempdir())
    found.partial += sweep_spool(spool, grace=period, dry_run=dry_run)
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
    try:
        manifest = maintenance.backup(
            database().engine,
            storage(),
            directory,
            instance_path=Path(current_app.instance_path),
            brand_dirs=[SHIPPED_BRANDS],
            portable=portable,
        )
    except BrandHubError as exc:
        raise _fail(exc) from exc
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
@click.pass_context
@with_appcontext
def restore_command(ctx: click.Context, directory: Path, force: bool) -> None:
    """Restore a backup made by ``brandhub backup`` into this instance, then reindex."""
    from .cli_search import reindex_command

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        done = maintenance.restore(
            database().engine,
            storage(),
            directory,
            instance_path=Path(app.instance_path),
            force=force,
            upgrade=lambda: upgrade(app),
        )
    except BrandHubError as exc:
        raise _fail(exc) from exc
    click.echo(
        _(
            "Restored %(rows)s rows and %(files)s files.",
            rows=sum(done["tables"].values()),
            files=done["objects"],
        )
    )
    ctx.invoke(reindex_command)
