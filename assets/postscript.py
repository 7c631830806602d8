"""EPS and PostScript Illustrator artwork: what its comments say, and drawing it with Ghostscript.

PostScript is a programming language, so a file can loop for ever, fill the
disk or try to open other files. It is only ever run by Ghostscript with
``-dSAFER`` (no file access outside what it is given, no pipes, no device
changes), in its own process with a CPU-time, memory and output-size limit,
a wall-clock timeout, a private temporary folder as its working directory
and home, an empty environment and, where the kernel lets it, a network
namespace of its own (no network at all). Past a limit the caller gets
:class:`assets.budget.BudgetExceeded`; a file Ghostscript cannot draw is
:class:`assets.errors.InvalidFile`.

What the file says about itself is read from its DSC comments (the
``%%``-lines Illustrator and every EPS writer put in its header and trailer)
without running it: the bounding box (the artwork's size), title, creator,
fonts, process and spot colours.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from assets.budget import MIB, TOO_COSTLY, Budget, BudgetExceeded
from assets.errors import DAMAGED, N_, InvalidFile

NO_GHOSTSCRIPT = N_("This server cannot draw PostScript artwork: Ghostscript is not installed.")
#: How much of each end of the PostScript section the comments are read from.
COMMENT_WINDOW = 256 * 1024
#: Ghostscript itself (its binary, fonts, resources) beside the drawing's budget.
_GS_BASE_BYTES = 256 * MIB
_MAX_OUTPUT_BYTES = 512 * MIB
_CLONE_NEWNET = 0x40000000
_PROCESS_COLORS = {"cyan", "magenta", "yellow", "black"}


@dataclass
class PostScriptInfo:
    """The DSC facts of an EPS or PostScript Illustrator file."""

    bbox: tuple[float, float, float, float]
    title: str | None = None
    creator: str | None = None
    author: str | None = None
    created: str | None = None
    fonts: list[str] = field(default_factory=list)
    process_colors: list[str] = field(default_factory=list)
    spot_colors: list[str] = field(default_factory=list)
    illustrator: str | None = None
    language_level: int | None = None

    @property
    def width_pt(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height_pt(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def color_mode(self) -> str | None:
        """``cmyk``, ``grayscale`` or None (not said) from the process colours used."""
        used = {c.lower() for c in self.process_colors}
        if used & {"cyan", "magenta", "yellow"}:
            return "cmyk"
        if used == {"black"}:
            return "grayscale"
        return None


def postscript_section(path: Path) -> tuple[int, int]:
    """Where the PostScript program starts and how long it is (a DOS EPS has a binary header)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(30)
    if head.startswith(b"\xc5\xd0\xd3\xc6") and len(head) == 30:
        start = int.from_bytes(head[4:8], "little")
        length = int.from_bytes(head[8:12], "little")
        if start < 30 or start + length > size or length <= 0:
            raise InvalidFile(DAMAGED, reason="eps_header")
        return start, length
    return 0, size


def _comments(path: Path) -> list[str]:
    """The comment lines of both ends of the PostScript section, as text."""
    start, length = postscript_section(path)
    with path.open("rb") as fh:
        fh.seek(start)
        head = fh.read(min(length, COMMENT_WINDOW))
        tail = b""
        if length > COMMENT_WINDOW:
            fh.seek(start + max(COMMENT_WINDOW, length - COMMENT_WINDOW))
            tail = fh.read(min(COMMENT_WINDOW, length - COMMENT_WINDOW))
    text = (head + b"\n" + tail).decode("latin-1")
    return [line for line in re.split(r"\r\n|\r|\n", text) if line.startswith("%")]


def _values(lines: list[str], key: str) -> list[str]:
    """Every value of a DSC comment, continuation lines (``%%+``) included."""
    found: list[str] = []
    taking = False
    for line in lines:
        if line.startswith(key):
            value = line[len(key) :].strip()
            taking = value != "(atend)"
            if taking and value:
                found.append(value)
        elif taking and line.startswith("%%+"):
            found.append(line[3:].strip())
        else:
            taking = False
    return found


def _last(lines: list[str], key: str) -> str | None:
    values = _values(lines, key)
    return _text(values[-1]) if values else None


def _text(value: str) -> str | None:
    value = value.strip()
    if value.startswith("("):
        value = value[1:].split(")", 1)[0]  # the first PostScript string: "(name) (org)"
    return value.strip()[:200] or None


def _names(values: list[str]) -> list[str]:
    """Names from DSC lists: ``font A B``, ``(PANTONE 185 C)`` or bare words."""
    names: list[str] = []
    for value in values:
        value = re.sub(r"^(?:font|procset|file)\s+", "", value.strip())
        for name in re.findall(r"\(([^)]*)\)|(\S+)", value):
            text = (name[0] or name[1]).strip()
            if text and text not in names and text not in ("font", "(atend)"):
                names.append(text[:120])
    return names[:100]


def ps_info(path: Path) -> PostScriptInfo:
    """The DSC facts of the file; InvalidFile when it has no usable bounding box."""
    lines = _comments(path)
    bbox = None
    for key in ("%%HiResBoundingBox:", "%%BoundingBox:"):
        for value in reversed(_values(lines, key)):
            try:
                numbers = tuple(float(v) for v in value.split()[:4])
            except ValueError:
                continue
            if len(numbers) == 4 and numbers[2] > numbers[0] and numbers[3] > numbers[1]:
                bbox = numbers
                break
        if bbox:
            break
    if bbox is None:
        raise InvalidFile(DAMAGED, reason="no_bounding_box")
    fonts = _names(
        _values(lines, "%%DocumentFonts:")
        + _values(lines, "%%DocumentNeededFonts:")
        + [v for v in _values(lines, "%%DocumentNeededResources:") if v.startswith("font")]
        + [v for v in _values(lines, "%%DocumentSuppliedResources:") if v.startswith("font")]
    )
    spots = _names(_values(lines, "%%DocumentCustomColors:"))
    for value in _values(lines, "%%CMYKCustomColor:") + _values(lines, "%%RGBCustomColor:"):
        named = re.search(r"\(([^)]*)\)", value)
        if named and named.group(1) not in spots:
            spots.append(named.group(1)[:120])
    process = [c for c in _names(_values(lines, "%%DocumentProcessColors:"))]
    level = _last(lines, "%%LanguageLevel:")
    return PostScriptInfo(
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
        title=_last(lines, "%%Title:"),
        creator=_last(lines, "%%Creator:"),
        author=_last(lines, "%%For:"),
        created=_last(lines, "%%CreationDate:"),
        fonts=fonts,
        process_colors=[c for c in process if c.lower() in _PROCESS_COLORS],
        spot_colors=spots[:100],
        illustrator=_last(lines, "%%AI8_CreatorVersion:") or _ai_version(lines),
        language_level=int(level) if level and level.isdigit() else None,
    )


def _ai_version(lines: list[str]) -> str | None:
    creator = _last(lines, "%%Creator:") or ""
    if creator.startswith("Adobe Illustrator"):
        return creator.removeprefix("Adobe Illustrator").strip(" ()") or "?"
    return None


# --- running Ghostscript -------------------------------------------------------


def ghostscript() -> str:
    found = shutil.which("gs")
    if found is None:
        raise InvalidFile(NO_GHOSTSCRIPT, reason="no_ghostscript")
    return found


def _confine(budget: Budget) -> None:
    """In the child before exec: the limits, its own session, and no network if allowed."""
    os.setsid()
    cpu = max(1, int(budget.cpu_seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = _GS_BASE_BYTES + budget.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_MAX_OUTPUT_BYTES, _MAX_OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.unshare(_CLONE_NEWNET)  # fails without the privilege: -dSAFER still applies
    except (OSError, AttributeError):
        pass


def run_ghostscript(args: list[str], budget: Budget, workdir: Path) -> None:
    """Ghostscript with ``args`` in ``workdir`` under ``budget``; BudgetExceeded past it."""
    command = [
        ghostscript(),
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-dNOPROMPT",
        "-dNOINTERPOLATE",
        *args,
    ]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir), "LC_ALL": "C"}
    try:
        done = subprocess.run(  # noqa: S603  (a fixed program, arguments we built)
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=budget.wall_seconds,
            preexec_fn=lambda: _confine(budget),  # noqa: PLW1509  (no threads in the child)
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BudgetExceeded(TOO_COSTLY, reason="time", seconds=budget.wall_seconds) from exc
    if done.returncode < 0 and -done.returncode in (signal.SIGXCPU, signal.SIGKILL):
        raise BudgetExceeded(TOO_COSTLY, reason="cpu", seconds=budget.cpu_seconds)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace")[-300:] or done.stdout.decode()[-300:]
        if "VMerror" in error or "limitcheck" in error:
            raise BudgetExceeded(TOO_COSTLY, reason="memory")
        raise InvalidFile(DAMAGED, reason="ghostscript", status=done.returncode, error=error)


def render_postscript(
    path: Path, info: PostScriptInfo, *, width: int, height: int, budget: Budget
) -> Image.Image:
    """The artwork drawn within its bounding box, RGBA, fitting ``width`` × ``height``."""
    scale = min(width / info.width_pt, height / info.height_pt)
    dpi = max(1.0, 72.0 * scale)
    with tempfile.TemporaryDirectory(prefix="brandhub-gs-") as tmp:
        workdir = Path(tmp)
        out = workdir / "page.png"
        llx, lly = info.bbox[0], info.bbox[1]
        run_ghostscript(
            [
                # The page is the bounding box, whatever the file asks (EPS or not).
                f"-dDEVICEWIDTHPOINTS={info.width_pt:.3f}",
                f"-dDEVICEHEIGHTPOINTS={info.height_pt:.3f}",
                "-dFIXEDMEDIA",
                "-dFirstPage=1",
                "-dLastPage=1",
                "-dTextAlphaBits=4",
                "-dGraphicsAlphaBits=4",
                "-sDEVICE=pngalpha",
                f"-r{dpi:.4f}",
                f"-sOutputFile={out}",
                "-c",
                f"<</BeginPage {{pop {-llx:.3f} {-lly:.3f} translate}}>> setpagedevice",
                "-f",
                str(path),
            ],
            budget,
            workdir,
        )
        if not out.exists() or out.stat().st_size == 0:
            raise InvalidFile(DAMAGED, reason="ghostscript_no_page")
        try:
            with Image.open(out, formats=["PNG"]) as im:
                im.load()
                return im.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise InvalidFile(DAMAGED, reason="ghostscript_output") from exc
