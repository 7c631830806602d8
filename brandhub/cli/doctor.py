"""``brandhub doctor``: is every part of this instance there, working, and in agreement?

It checks, one line each: the configuration, the database (and that its
schema is the one this version needs), the file store (a write, read back and
removed), the search index (it opens, and was built by this version), the job
queue and the worker (queued work that nobody picks up), the search outbox,
the external programs each feature needs, that the credit and rights written
into downloads read back right (ExifTool, an independent reader, reads a test
picture BrandHub wrote; BrandHub itself never needs it), the free space of the
instance folder, and, on a sample of assets, that the database, the store and the
index agree. Every problem comes with what to do about it. The exit code is 0
when nothing is wrong and 1 otherwise, for scripts and monitoring.
"""

from __future__ import annotations

import functools
import importlib
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from assets.errors import StorageError

from .. import health, indexing
from ..db import alembic_config, database
from ..models import Asset, Job, utcnow
from ..search import service
from .maintenance import _store_failure

#: Below this much free space (MiB) in the instance folder, uploads and renditions fail soon.
MIN_FREE_MB = 1024
#: Jobs queued longer than this (minutes) with nothing running them: no worker is taking work.
STUCK_MINUTES = 15


@dataclass(frozen=True)
class Finding:
    """One line of the report: the part, whether it is fine, what was seen, what to do."""

    part: str
    ok: bool
    seen: str
    todo: str = ""


Check = Callable[[Flask], Iterator[Finding]]


def _config(app: Flask) -> Iterator[Finding]:
    config = app.config
    public = str(config.get("PUBLIC_URL") or "")
    if public.startswith("https://") and not config.get("SESSION_COOKIE_SECURE"):
        yield Finding(
            _("configuration"),
            False,
            _("The instance is served over HTTPS but its cookies may travel without it."),
            _("Set BRANDHUB_SESSION_COOKIE_SECURE=true and BRANDHUB_REMEMBER_COOKIE_SECURE=true."),
        )
        return
    token = str(config.get("METRICS_TOKEN") or "")
    if token and len(token) < 16:
        yield Finding(
            _("configuration"),
            False,
            _("BRANDHUB_METRICS_TOKEN is too short to keep /metrics private."),
            _("Use at least 16 random characters (for example: openssl rand -hex 24)."),
        )
        return
    yield Finding(_("configuration"), True, _("The settings are valid."))


def _database(app: Flask) -> Iterator[Finding]:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = database(app).engine
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        yield Finding(
            _("database"),
            False,
            _("The database does not answer (%(error)s).", error=type(exc).__name__),
            _("Check BRANDHUB_DATABASE_URL, that the server runs and that this user may connect."),
        )
        return
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    if current != heads:
        yield Finding(
            _("database"),
            False,
            _(
                "The database schema is at %(current)s; this version needs %(heads)s.",
                current=", ".join(sorted(current)) or "—",
                heads=", ".join(sorted(heads)),
            ),
            _("Back up, then run 'brandhub init' to apply the migrations (see README, Upgrades)."),
        )
        return
    yield Finding(
        _("database"), True, _("%(backend)s, schema up to date.", backend=engine.dialect.name)
    )


def _store(app: Flask) -> Iterator[Finding]:
    store = health.probe_storage(app)
    try:
        health.check_store(app, force_write=True)
    except health.Problem as exc:
        cause = exc.__cause__
        if isinstance(cause, OSError):
            seen = _store_failure(store, cause)
        elif exc.reason == "missing":
            seen = _("The file store folder %(where)s does not exist.", where=store.location)
        else:
            seen = _("The file store at %(where)s cannot be written.", where=store.location)
        todo = (
            _("Run 'brandhub init' to create it, or mount the volume that holds it.")
            if exc.reason in ("missing", "no_bucket")
            else _("Fix the store, then run 'brandhub doctor' again.")
        )
        yield Finding(_("store"), False, seen, todo)
        return
    yield Finding(
        _("store"), True, _("%(where)s: written, read back and removed.", where=store.location)
    )


def _index(app: Flask) -> Iterator[Finding]:
    where = app.config["INDEX_PATH"]
    if not health.index_exists(app):
        yield Finding(
            _("index"),
            False,
            _("There is no search index in %(where)s.", where=where),
            _("Mount the index volume if it lives elsewhere, or run 'brandhub reindex'."),
        )
        return
    try:
        index = service(app).index()
        count = index.doc_count()
        outdated = index.schema_outdated()
    except Exception as exc:
        yield Finding(
            _("index"),
            False,
            _("The search index cannot be read (%(error)s).", error=type(exc).__name__),
            _("Run 'brandhub reindex' to rebuild it from the database."),
        )
        return
    if outdated:
        yield Finding(
            _("index"),
            False,
            _("The search index was built by an older version."),
            _("Run 'brandhub reindex' (or 'brandhub init', which rebuilds it when needed)."),
        )
        return
    yield Finding(_("index"), True, _("%(count)s documents.", count=count))


def _queue(app: Flask) -> Iterator[Finding]:
    found = health.run_check(app, "queue")
    if not found.ok:
        yield Finding(
            _("queue"),
            False,
            _("The job queue (%(backend)s) cannot be reached.", backend=app.config["JOBS_BACKEND"]),
            _("Check BRANDHUB_REDIS_URL and that Redis runs, or the instance folder's jobs file."),
        )
        return
    backend = str(app.config["JOBS_BACKEND"])
    yield Finding(_("queue"), True, _("%(backend)s queue.", backend=backend))
    if backend in ("immediate", "memory"):
        return
    since = utcnow() - timedelta(minutes=STUCK_MINUTES)
    with database(app).sessionmaker() as db:
        waiting = db.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.state == "queued", Job.created_at < since)
        )
        running = db.scalar(select(func.count()).select_from(Job).where(Job.state == "running"))
    if waiting and not running:
        yield Finding(
            _("worker"),
            False,
            _(
                "%(count)s jobs have waited more than %(minutes)s minutes and none is running.",
                count=waiting,
                minutes=STUCK_MINUTES,
            ),
            _("Start the worker: 'brandhub worker' (systemd: brandhub-worker.service)."),
        )
    else:
        yield Finding(_("worker"), True, _("No work is waiting for a worker."))


def _outbox(app: Flask) -> Iterator[Finding]:
    lag = health.outbox_lag(app)
    limit = float(app.config.get("READY_OUTBOX_LAG_SECONDS", 600))
    if lag > limit:
        yield Finding(
            _("outbox"),
            False,
            _("Search index changes have waited %(seconds)s seconds.", seconds=round(lag)),
            _("Start the worker, which writes the index, or run 'brandhub check-index --repair'."),
        )
        return
    yield Finding(_("outbox"), True, _("Search index changes are applied."))


@dataclass(frozen=True)
class Tool:
    """An external program (or module) a feature needs, and how to install it."""

    name: str
    feature: LazyString
    probe: Callable[[], str | None]  # its version, or None when it is missing
    install: str
    needed: Callable[[Flask], bool] = lambda _app: True


@functools.lru_cache(maxsize=64)
def _version(found: str, args: tuple[str, ...]) -> str | None:
    """The first line ``found args`` prints (asked once per program and process)."""
    try:
        done = subprocess.run(
            [found, *args], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if done.returncode == 0 and lines else None


def _program(command: str, *args: str) -> Callable[[], str | None]:
    def probe() -> str | None:
        found = shutil.which(command)
        if found is None:
            return None
        return _version(found, args) if args else found

    return probe


def _module(name: str) -> Callable[[], str | None]:
    def probe() -> str | None:
        try:
            module = importlib.import_module(name)
        except ImportError:
            return None
        return str(getattr(module, "__version__", "") or name)

    return probe


def _reads_text(app: Flask) -> bool:
    """The words inside pieces are read (TEXT_EXTRACTION, on by default): OCR needs Tesseract."""
    return bool(app.config.get("TEXT_EXTRACTION"))


TOOLS = (
    Tool(
        "ExifTool",
        _l("checking that downloads carry their credit and rights (this command reads one back)"),
        _program("exiftool", "-ver"),
        "apt-get install libimage-exiftool-perl",
    ),
    Tool(
        "Ghostscript",
        _l("previews and checks of EPS and Illustrator files"),
        _program("gs", "--version"),
        "apt-get install ghostscript",
    ),
    Tool(
        "LibreOffice",
        _l("previews of office documents"),
        _program("soffice"),
        "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui",
    ),
    Tool("PyAV (FFmpeg)", _l("video and audio"), _module("av"), "pip install av"),
    Tool(
        "Tesseract",
        _l("text recognition in pictures (OCR)"),
        _program("tesseract", "--version"),
        "apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng",
        needed=_reads_text,
    ),
)


def _tools(app: Flask) -> Iterator[Finding]:
    for tool in TOOLS:
        if not tool.needed(app):
            continue
        version = tool.probe()
        if version is None:
            yield Finding(
                tool.name,
                False,
                _(
                    "%(tool)s is missing: %(feature)s will not work.",
                    tool=tool.name,
                    feature=tool.feature,
                ),
                _("Install it: %(command)s", command=tool.install),
            )
        else:
            yield Finding(tool.name, True, version)


#: What the metadata check writes into its test picture and expects ExifTool to read back.
_PROBE_EMBEDDING = {
    "creator": "Oficina de Prensa — prueba",
    "credit": "Gobierno — prueba",
    "rights": "© prueba",
}


def _written_metadata(app: Flask) -> Iterator[Finding]:
    """Downloads carry their credit and rights: written here, read back by ExifTool."""
    import io
    import json
    import tempfile

    from PIL import Image

    from assets.embed import Embedding, write_metadata

    exiftool = shutil.which("exiftool")
    if exiftool is None:
        return  # the tools' lines say it is missing
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (11, 92, 173)).save(buffer, "JPEG")
    probe = Embedding(
        creator=_PROBE_EMBEDDING["creator"],
        credit=_PROBE_EMBEDDING["credit"],
        rights=_PROBE_EMBEDDING["rights"],
    )
    data = write_metadata(buffer.getvalue(), "image/jpeg", probe, (32, 24))
    with tempfile.NamedTemporaryFile(suffix=".jpg", prefix="brandhub-doctor-") as picture:
        picture.write(data)
        picture.flush()
        tags = ["-IFD0:Artist", "-IFD0:Copyright", "-IPTC:Credit", "-XMP-dc:Creator"]
        done = subprocess.run(
            [exiftool, "-json", "-a", "-G1", "-validate", "-warning", *tags, picture.name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    try:
        read = json.loads(done.stdout)[0]
    except (ValueError, IndexError):
        read = {}
    expected = {
        "ExifTool:Validate": "OK",
        "IFD0:Artist": _PROBE_EMBEDDING["creator"],
        "IFD0:Copyright": _PROBE_EMBEDDING["rights"],
        "IPTC:Credit": _PROBE_EMBEDDING["credit"],
        "XMP-dc:Creator": _PROBE_EMBEDDING["creator"],
    }
    wrong = sorted(tag for tag, value in expected.items() if str(read.get(tag)) != value)
    if wrong:
        yield Finding(
            _("metadata"),
            False,
            _(
                "The credit written into downloads does not read back right: %(tags)s.",
                tags=", ".join(wrong),
            ),
            _("Reinstall BrandHub from a clean copy; if it persists, report it with this output."),
        )
        return
    yield Finding(
        _("metadata"), True, _("Credit and rights written into downloads read back right.")
    )


def _disk(app: Flask) -> Iterator[Finding]:
    folder = Path(app.instance_path)
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        yield Finding(
            _("disk"),
            False,
            _("The instance folder %(where)s cannot be read.", where=folder),
            _("Check that it exists and that this user may read it."),
        )
        return
    free_mb = usage.free // (1024 * 1024)
    share = usage.free / usage.total if usage.total else 0.0
    seen = _(
        "%(free)s MiB free of %(total)s MiB in %(where)s.",
        free=free_mb,
        total=usage.total // (1024 * 1024),
        where=folder,
    )
    if free_mb < MIN_FREE_MB or share < 0.05:
        yield Finding(
            _("disk"),
            False,
            seen,
            _("Free some space or grow the volume: uploads, renditions and backups need room."),
        )
    else:
        yield Finding(_("disk"), True, seen)


def _agreement(app: Flask, sample: int) -> Iterator[Finding]:
    """On a sample of assets: the original is in the store, and the index says the same."""
    store = current_store(app)
    with database(app).sessionmaker() as db:
        ids = list(db.scalars(select(Asset.id)))
        chosen = sorted(random.sample(ids, min(sample, len(ids))))
        missing: list[int] = []
        stale: list[int] = []
        try:
            for start in range(0, len(chosen), 200):
                rows = list(
                    db.scalars(select(Asset).where(Asset.id.in_(chosen[start : start + 200])))
                )
                missing += [a.id for a in rows if not store.exists(a.storage_key)]
                if health.index_exists(app):
                    stale += service(app).index().stale(indexing.document_for(a) for a in rows)
                db.expunge_all()
            in_index = service(app).index().doc_count() if health.index_exists(app) else 0
        except (StorageError, OSError):
            return  # the store's own line says why
        except Exception:
            return  # the index's own line says why
        pending = indexing.pending(db)
    if missing:
        yield Finding(
            _("agreement"),
            False,
            _(
                "%(count)s of %(checked)s sampled assets have no original in the store "
                "(ids %(ids)s).",
                count=len(missing),
                checked=len(chosen),
                ids=", ".join(map(str, missing[:10])),
            ),
            _(
                "Restore the store from the last backup ('brandhub restore'), or check that "
                "BRANDHUB_STORAGE_PATH / BRANDHUB_S3_BUCKET name the right place."
            ),
        )
    # Without an index, or with changes still queued, the index's own lines say enough.
    indexed = health.index_exists(app)
    index_differs = indexed and not pending and (bool(stale) or in_index != len(ids))
    if index_differs:
        yield Finding(
            _("agreement"),
            False,
            _(
                "The index holds %(index)s documents for %(db)s assets; %(stale)s of "
                "%(checked)s sampled differ from the database.",
                index=in_index,
                db=len(ids),
                stale=len(stale),
                checked=len(chosen),
            ),
            _("Run 'brandhub check-index --repair', or 'brandhub reindex' to rebuild it."),
        )
    if not missing and not index_differs:
        yield Finding(
            _("agreement"),
            True,
            _(
                "%(checked)s sampled assets agree in database, store and index.",
                checked=len(chosen),
            ),
        )


def current_store(app: Flask) -> Any:
    return app.extensions["brandhub.storage"]


def run_doctor(app: Flask, sample: int) -> list[Finding]:
    findings = list(_config(app))
    base = list(_database(app))
    findings += base
    for check in (_store, _index, _queue, _outbox, _tools, _written_metadata, _disk):
        findings += list(check(app))
    if all(f.ok for f in base):
        findings += list(_agreement(app, sample))
    return findings


@click.command("doctor")
@click.option(
    "--sample",
    default=50,
    show_default=True,
    help="Assets whose store and index entries are compared with the database.",
)
@with_appcontext
def doctor_command(sample: int) -> None:
    """Check every part of the instance and say what to do about each problem."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    findings = run_doctor(app, sample)
    width = max(len(f.part) for f in findings)
    for finding in findings:
        mark = _("ok") if finding.ok else _("PROBLEM")
        click.echo(f"{mark:8} {finding.part:{width}}  {finding.seen}")
        if not finding.ok and finding.todo:
            click.echo(f"{'':8} {'':{width}}  → {finding.todo}")
    problems = [f for f in findings if not f.ok]
    if problems:
        click.echo(ngettext("%(num)s problem found.", "%(num)s problems found.", len(problems)))
        raise SystemExit(1)
    click.echo(_("Everything is in order."))
