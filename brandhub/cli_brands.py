"""``brandhub brands …`` and ``brandhub check``: brand files and compliance from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from guidelines import CATEGORIES, SHIPPED_BRANDS, check_piece

from .db import get_session
from .models import Agency
from .operations.brands import latest_brands, load_brands

MARKS = {"pass": "✓", "warn": "!", "fail": "✗", "skip": "–"}


@click.group("brands")
def brands_group() -> None:
    """Brand guidelines: load files, list versions, assign to agencies."""


@brands_group.command("load")
@click.argument(
    "directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@with_appcontext
def brands_load(directory: Path | None) -> None:
    """Load the brand files of DIRECTORY (default: the shipped example brands)."""
    for slug, created in load_brands(get_session(), directory or SHIPPED_BRANDS):
        click.echo(f"{slug}: " + (_("new version") if created else _("unchanged")))


@brands_group.command("list")
@with_appcontext
def brands_list() -> None:
    """The brands and their latest versions."""
    for slug, (version, brand) in latest_brands(get_session()).items():
        click.echo(f"{slug:24} {brand.name:40} {version.version:10} {version.fingerprint[:12]}")


@brands_group.command("assign")
@click.argument("agency")
@click.argument("brand")
@with_appcontext
def brands_assign(agency: str, brand: str) -> None:
    """Check AGENCY's uploads against BRAND (both slugs); the agency is created if new."""
    db = get_session()
    if brand not in latest_brands(db):
        raise click.ClickException(_("There is no brand %(slug)s", slug=brand))
    row = db.scalar(select(Agency).where(Agency.slug == agency))
    if row is None:
        row = Agency(slug=agency, name=agency)
        db.add(row)
    row.brand_slug = brand
    db.commit()
    click.echo(_("%(agency)s now follows %(brand)s", agency=agency, brand=brand))


@click.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--brand", "slug", required=True)
@click.option("--category", type=click.Choice(CATEGORIES), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def check_command(file: Path, slug: str, category: str, as_json: bool) -> None:
    """Check FILE against a brand's rules. Exit status: 0 complies, 1 warnings, 2 fails."""
    brands = latest_brands(get_session())
    if slug not in brands:
        raise click.ClickException(_("There is no brand %(slug)s", slug=slug))
    report = check_piece(file, brands[slug][1], category, filename=file.name)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{report.brand} {report.version} · {category} · {report.status.upper()}")
        for check in report.checks:
            if check.status == "skip":
                continue
            click.echo(f"  {MARKS.get(check.status, '?')} [{check.severity}] {check.message}")
    raise SystemExit(report.exit_code)
