"""``brandhub import PATH``: archive a whole folder of coverage in one go.

Walks the folder (recursively), skips what is not media with a note, uploads
each file through the same path as the web (sniffing, metadata, renditions,
brand checks), shows a progress bar with rate and ETA, and ends with a summary.
Files already in the library (same bytes) count as duplicates, so an
interrupted import can simply be run again.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from assets.errors import BrandHubError, DuplicateAsset
from assets.sniff import HEAD_BYTES, sniff

from . import search
from .db import get_session
from .models import User
from .operations.assets import AssetFields, create_asset
from .services import ingest_settings, storage


def _media_files(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    files, skipped = [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]:
        if path.name.startswith("."):
            continue
        try:
            with path.open("rb") as fh:
                sniff(fh.read(HEAD_BYTES), path.name)
        except BrandHubError as exc:
            skipped.append((path, _(exc.message)))
            continue
        except OSError as exc:
            skipped.append((path, str(exc)))
            continue
        files.append(path)
    return files, skipped


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--user", "email", help="Whose rights apply (default: the first administrator).")
@click.option("--agency", help="Agency slug the files belong to.")
@click.option("--credit", help="Credit line for every file (else read from each file).")
@click.option("--caption", help="Caption for every file.")
@click.option("--tags", help="Comma-separated tags for every file.")
@click.option("--category", help="Brand piece category (default: by file type).")
@with_appcontext
def import_command(
    path: Path,
    email: str | None,
    agency: str | None,
    credit: str | None,
    caption: str | None,
    tags: str | None,
    category: str | None,
) -> None:
    """Import every media file under PATH; safe to run again after an interruption."""
    db = get_session()
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == "admin")
    user = db.scalar(query.order_by(User.id))
    if user is None:
        raise click.ClickException(_("There is no user to import as."))
    files, skipped = _media_files(path)
    for skipped_path, why in skipped:
        click.echo(_("Skipped %(file)s: %(why)s", file=skipped_path, why=why), err=True)
    imported = duplicates = 0
    rejected: list[tuple[Path, str]] = []
    started = time.monotonic()
    fields = dict(credit=credit, caption=caption, tags=tags, agency=agency, category=category)
    with click.progressbar(
        files,
        label=_("Importing"),
        show_eta=True,
        show_pos=True,
        item_show_func=lambda p: p.name if p else "",
    ) as bar:
        for file in bar:
            try:
                with file.open("rb") as fh:
                    create_asset(
                        db,
                        storage(),
                        ingest_settings(),
                        user,
                        fh,
                        file.name,
                        AssetFields(**fields),
                        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
                    )
                imported += 1
            except DuplicateAsset:
                db.rollback()
                duplicates += 1
            except BrandHubError as exc:
                db.rollback()
                rejected.append((file, _(exc.message)))
    search.drain()
    elapsed = max(time.monotonic() - started, 1e-6)
    click.echo(
        _(
            "Imported: %(imported)s · already in the library: %(dup)s · rejected: %(rej)s"
            " · not media: %(skip)s · %(rate)s files/min",
            imported=imported,
            dup=duplicates,
            rej=len(rejected),
            skip=len(skipped),
            rate=round((imported + duplicates) * 60 / elapsed),
        )
    )
    for file, why in rejected:
        click.echo(f"  ✗ {file}: {why}")
    if rejected:
        raise SystemExit(1)
