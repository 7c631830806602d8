"""``brandhub brands …`` and ``brandhub check``: brand files and compliance from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from assets.errors import BrandHubError
from assets.sniff import HEAD_BYTES, sniff
from guidelines import CATEGORIES, CATEGORY_TITLES, SHIPPED_BRANDS, Report, infer_category

from ..db import get_session
from ..models import Agency
from ..operations.brands import history, latest_brands, load_brands
from ..operations.compliance import check_file
from ..services import ingest_settings, storage

MARKS = {"pass": "✓", "warn": "!", "fail": "✗", "skip": "–"}


def _words() -> dict[str, str]:
    return {
        "pass": _("Complies"),
        "warn": _("Warning"),
        "fail": _("Does not comply"),
        "skip": _("Not applicable"),
    }


@click.group("brands")
def brands_group() -> None:
    """Brand guidelines: load files, list versions, assign to agencies."""


@brands_group.command("load")
@click.argument(
    "directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@with_appcontext
def brands_load(directory: Path | None) -> None:
    """Load the brand files of DIRECTORY (default: the shipped example brands).

    A brand whose content changed gets a new version; an unchanged one is left alone.
    """
    try:
        loaded = load_brands(
            get_session(), storage(), directory or SHIPPED_BRANDS, settings=ingest_settings()
        )
    except BrandHubError as exc:
        raise click.ClickException(
            _("The brand file is not valid: %(why)s", why=exc.message)
        ) from exc
    for slug, created in loaded:
        click.echo(f"{slug}: " + (_("new version") if created else _("unchanged")))


@brands_group.command("list")
@click.option("--versions", is_flag=True, help="Every version, newest first.")
@with_appcontext
def brands_list(versions: bool) -> None:
    """The brands and their latest versions."""
    db = get_session()
    for slug, (version, brand) in latest_brands(db).items():
        click.echo(f"{slug:24} {brand.name:40} {version.version:10} {version.fingerprint[:12]}")
        if versions:
            for old in history(db, slug):
                when = old.created_at.strftime("%Y-%m-%d %H:%M")
                click.echo(f"    {old.version:10} {old.fingerprint[:12]}  {when} UTC")


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
@click.option("--brand", "slug", required=True, help="The brand's slug (brandhub brands list).")
@click.option(
    "--category",
    type=click.Choice(CATEGORIES),
    help="What the piece is (default: judged from the file).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def check_command(file: Path, slug: str, category: str | None, as_json: bool) -> None:
    """Check FILE against a brand's rules. Exit status: 0 complies, 1 warnings, 2 fails."""
    brands = latest_brands(get_session())
    if slug not in brands:
        raise click.ClickException(_("There is no brand %(slug)s", slug=slug))
    if category is None:
        category = _judged_category(file)
    report = check_file(
        storage(), file, brands[slug][1], category, filename=file.name, settings=ingest_settings()
    )
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_readable(report, brands[slug][1].name, file.name))
    raise SystemExit(report.exit_code)


def _judged_category(file: Path) -> str:
    """The category the file's content shows (a file that is no media: checked as graphic)."""
    try:
        with file.open("rb") as fh:
            sniffed = sniff(fh.read(HEAD_BYTES), file.name)
    except (BrandHubError, OSError):
        return "graphic"  # the report says what is wrong with the file
    return infer_category(file, sniffed.kind, sniffed.mime).category


def _readable(report: Report, brand_name: str, filename: str) -> str:
    verdicts = {
        "pass": _("The piece complies with the brand."),
        "warn": _("The piece can be published, but check the warnings."),
        "fail": _("The piece does not comply: fix what is marked before publishing it."),
    }
    words = _words()
    lines = [
        filename,
        f"{brand_name} · {_('version')} {report.version} · "
        f"{CATEGORY_TITLES.get(report.category, report.category)}",
        f"{MARKS[report.status]} {verdicts[report.status]}",
        "",
    ]
    order = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}
    for check in sorted(report.checks, key=lambda c: order.get(c.status, 4)):
        if check.status == "skip":
            continue
        severity = _("Required") if check.severity == "error" else _("Recommended")
        lines.append(f"{MARKS[check.status]} {words[check.status]:16} {check.title} ({severity})")
        lines.append(f"    {check.message}")
        measured, expected = check.details.get("measured"), check.details.get("expected")
        if check.status != "pass" and measured is not None and expected is not None:
            lines.append(
                f"    {_('Measured')}: {_plain(measured)} · {_('Allowed')}: {_plain(expected)}"
            )
    skipped = sum(1 for c in report.checks if c.status == "skip")
    if skipped:
        lines.append("")
        lines.append(
            ngettext(
                "%(num)s rule does not apply to this file.",
                "%(num)s rules do not apply to this file.",
                skipped,
            )
        )
    return "\n".join(lines)


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, float):
        return format_decimal(round(value, 2))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
