"""Office documents: converted to PDF by LibreOffice headless, described from their own XML.

LibreOffice is a large parser with a history of security bugs, so
:func:`to_pdf` runs it as a separate process (in its own process group,
killed whole at the deadline) from inside the budgeted child
(``assets.budget.run_within``: it inherits the CPU-time and memory limits),
with a private profile in a private temporary folder, and a profile that
disables every macro (``DisableMacrosExecution``, security level "very
high"), never updates links to other files or to the web (Writer, Calc and
charts), and blocks images linked from outside the document. Its environment
holds nothing but a path, a home inside the temporary folder and proxies that
point nowhere, so a fetch it still tried would fail. LibreOffice 7.4's
``--convert-to`` itself never runs a document's macros, even with the weakest
settings, while opening the same document with them does (the tests show
both); the profile stops them on any path that would. The first page of the
PDF is then drawn through the PDF path (``assets.pdf``).

:func:`office_info` reads title, author, dates and page or slide counts from
the document's own properties (``docProps/core.xml`` and ``docProps/app.xml``,
or OpenDocument's ``meta.xml``) with defusedxml, reading at most
``MAX_XML_BYTES`` of each part.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from assets.budget import TOO_COSTLY, BudgetExceeded
from assets.errors import DAMAGED, N_, InvalidFile
from assets.settings import IngestSettings
from assets.sniff.sniffed import Sniffed

PROTECTED = N_("The document is protected by a password.")
MAX_XML_BYTES = 1024 * 1024
MAX_PDF_BYTES = 512 * 1024 * 1024

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
SCRIPTING = "org.openoffice.Office.Common/Security/Scripting"
#: One profile setting: (configuration path, property, type, value).
Setting = tuple[str, str, str, str]
#: The profile every conversion runs with (see the module doc).
PROFILE: tuple[Setting, ...] = (
    (SCRIPTING, "DisableMacrosExecution", "boolean", "true"),
    (SCRIPTING, "MacroSecurityLevel", "int", "3"),
    (SCRIPTING, "BlockUntrustedRefererLinks", "boolean", "true"),
    ("org.openoffice.Office.Common/Misc", "UseLocking", "boolean", "false"),
    ("org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
    ("org.openoffice.Office.Writer/Content/Update", "Link", "int", "1"),
    ("org.openoffice.Office.Calc/Content/Update", "Link", "int", "1"),
    ("org.openoffice.Office.Common/Load", "UpdateDocMode", "int", "0"),
    ("org.openoffice.Office.Linguistic/General", "IsSpellAuto", "boolean", "false"),
)


def available() -> bool:
    """Whether LibreOffice is installed (``soffice`` on the path)."""
    return shutil.which("soffice") is not None


def write_profile(folder: Path, settings: tuple[Setting, ...] = PROFILE) -> None:
    """A LibreOffice user profile in ``folder`` holding ``settings`` (its registry)."""
    items = "\n".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, _kind, value in settings
    )
    user = folder / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE.format(items=items), "utf-8")


def to_pdf(
    path: Path,
    sniffed: Sniffed,
    settings: IngestSettings,
    *,
    profile: tuple[Setting, ...] = PROFILE,
) -> bytes:
    """The document as PDF bytes, converted by LibreOffice (see the module doc).

    ``profile`` is :data:`PROFILE` for every upload; the tests give weaker ones to show
    what the conversion does without it.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        raise InvalidFile(DAMAGED, reason="no_converter")
    with tempfile.TemporaryDirectory(prefix="brandhub-office-", dir=settings.tmp_dir) as tmp:
        folder = Path(tmp)
        write_profile(folder / "profile", profile)
        source = folder / f"document.{sniffed.ext}"  # LibreOffice picks its filter by name
        shutil.copyfile(path, source)
        out = folder / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ]
        nowhere = "http://127.0.0.1:9"
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(folder),
            "TMPDIR": str(folder),
            "LANG": "C.UTF-8",
            "SAL_USE_VCLPLUGIN": "svp",
            "http_proxy": nowhere,
            "https_proxy": nowhere,
            "ftp_proxy": nowhere,
            "no_proxy": "",
        }
        _run(command, env, folder, settings.budget.wall_seconds * 0.9)
        pdf = out / "document.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise InvalidFile(DAMAGED, reason="conversion")
        if pdf.stat().st_size > MAX_PDF_BYTES:
            raise BudgetExceeded(TOO_COSTLY, reason="pdf_size")
        return pdf.read_bytes()


def _run(command: list[str], env: dict[str, str], cwd: Path, seconds: float) -> None:
    """Run the converter in its own process group; the whole group dies at the deadline."""
    process = subprocess.Popen(  # noqa: S603  (a fixed command; the file is ours)
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=max(1.0, seconds))
    except subprocess.TimeoutExpired:
        raise BudgetExceeded(TOO_COSTLY, reason="time", seconds=round(seconds, 1)) from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if process.returncode < 0 and -process.returncode in (signal.SIGXCPU, signal.SIGKILL):
        raise BudgetExceeded(TOO_COSTLY, reason="cpu")


# --- properties --------------------------------------------------------------------

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _part(archive: zipfile.ZipFile, name: str) -> Any | None:
    """A small XML part parsed safely; None when absent, too big or malformed."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        return None
    with archive.open(info) as fh:
        data = fh.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        return None
    try:
        return ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:  # noqa: BLE001  (defusedxml and expat raise several types)
        return None


def _text(root: Any | None, path: str) -> str | None:
    if root is None:
        return None
    found = root.find(path, _NS)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def office_info(path: Path) -> dict[str, Any]:
    """Title, subject, author, keywords, dates, application and pages/slides/sheets."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidFile(DAMAGED, error=str(exc)[:200]) from exc
    with archive:
        names = set(archive.namelist())
        if "EncryptedPackage" in names:
            raise InvalidFile(PROTECTED)
        if "meta.xml" in names or "content.xml" in names:
            return _odf(archive)
        return _ooxml(archive, names)


def _ooxml(archive: zipfile.ZipFile, names: set[str]) -> dict[str, Any]:
    core, app = _part(archive, "docProps/core.xml"), _part(archive, "docProps/app.xml")
    out: dict[str, Any] = {
        "title": _text(core, "dc:title"),
        "subject": _text(core, "dc:subject"),
        "author": _text(core, "dc:creator"),
        "keywords": _text(core, "cp:keywords"),
        "description": _text(core, "dc:description"),
        "created": _text(core, "dcterms:created"),
        "modified": _text(core, "dcterms:modified"),
        "application": _text(app, "ep:Application"),
        "pages": _count(_text(app, "ep:Pages")),
        "slides": _count(_text(app, "ep:Slides")),
    }
    if out["slides"] is None and any(n.startswith("ppt/slides/slide") for n in names):
        out["slides"] = sum(1 for n in names if n.startswith("ppt/slides/slide"))
    sheets = sum(1 for n in names if n.startswith("xl/worksheets/sheet"))
    out["sheets"] = sheets or None
    out["macros"] = any(n.endswith("vbaProject.bin") for n in names) or None
    out["external_links"] = any(n.startswith("xl/externalLinks/") for n in names) or None
    return out


def _odf(archive: zipfile.ZipFile) -> dict[str, Any]:
    meta = _part(archive, "meta.xml")
    stats = None if meta is None else meta.find("office:meta/meta:document-statistic", _NS)
    attr = (lambda name: stats.get(f"{{{_NS['meta']}}}{name}")) if stats is not None else None
    names = set(archive.namelist())
    return {
        "title": _text(meta, "office:meta/dc:title"),
        "subject": _text(meta, "office:meta/dc:subject"),
        "author": _text(meta, "office:meta/meta:initial-creator")
        or _text(meta, "office:meta/dc:creator"),
        "description": _text(meta, "office:meta/dc:description"),
        "created": _text(meta, "office:meta/meta:creation-date"),
        "modified": _text(meta, "office:meta/dc:date"),
        "application": _text(meta, "office:meta/meta:generator"),
        "pages": _count(attr("page-count")) if attr else None,
        "sheets": _count(attr("table-count")) if attr else None,
        "macros": any(n.startswith("Basic/") or n.startswith("Scripts/") for n in names) or None,
    }


def _count(value: str | None) -> int | None:
    if value and value.isdigit() and 0 < int(value) < 1_000_000:
        return int(value)
    return None
