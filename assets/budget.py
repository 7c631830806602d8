"""Budgets for work one request can cause: run it in a child process with limits.

A small file can cost minutes (an SVG whose every shape carries a turbulence
filter, a FLAC of ten hours of silence) or gigabytes (a flat PNG of 13000 ×
13000 pixels compresses to half a megabyte). Counting elements or bytes in
advance cannot see that cost, so the work itself runs under limits:

- :func:`run_within` calls a function in a child forked from this process
  (everything is imported already, so a fork costs a few milliseconds on
  Linux, not an interpreter start). The child sets ``RLIMIT_CPU`` (seconds
  of processor time) and ``RLIMIT_AS`` (its address space may grow by the
  memory budget and no more) before it starts, and the parent waits at most
  ``wall_seconds``. Past any of them the child is gone and the caller gets
  :class:`BudgetExceeded`; otherwise it gets the function's return value, or
  the domain error the function raised. The result travels back pickled
  through a pipe, so it must be picklable (reports, renditions, plain values).
- :func:`check_decode` refuses before decoding an image whose pixels alone
  would not fit in the memory budget (a decompression bomb under Pillow's own
  pixel limit), so the common case is a clear refusal, not a killed child.
- ``audio_seconds`` bounds how much of a track is decoded to measure it.

A :class:`Budget` travels inside :class:`assets.settings.IngestSettings`;
the web application gives anonymous requests a smaller one than signed-in
users, uploads and the worker.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import importlib
import os
import resource
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from assets.errors import DAMAGED, N_, BrandHubError, InvalidFile, InvalidInput

T = TypeVar("T")
MIB = 1024 * 1024

TOO_COSTLY = N_(
    "The piece is too costly to process: it needs more time or memory than this service "
    "gives one request. Send a simpler or smaller version of it."
)
#: Bytes Pillow keeps for one pixel of each mode (RGB is stored in 4 bytes).
_PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "LA": 4, "La": 4}


class BudgetExceeded(InvalidInput):
    """The piece is too costly to process."""

    code = "too_costly"

    def __init__(self, message: str = TOO_COSTLY, **details: object) -> None:
        super().__init__(message, **details)


@dataclass(frozen=True)
class Budget:
    """Limits for the work of one request; ``enabled=False`` runs it in-process, unlimited."""

    cpu_seconds: float = 60.0
    memory_mb: int = 2048
    wall_seconds: float = 180.0
    audio_seconds: float = 3600.0
    enabled: bool = True

    def __post_init__(self) -> None:
        for name in ("cpu_seconds", "memory_mb", "wall_seconds", "audio_seconds"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Budget.{name} must be positive")

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_mb) * MIB


def check_decode(width: int, height: int, mode: str, budget: Budget) -> None:
    """BudgetExceeded when decoding ``width`` × ``height`` pixels cannot fit the budget.

    A decode needs its pixels and one working copy (a conversion, a resize):
    twice the pixel bytes is the least it takes.
    """
    needed = 2 * width * height * _PIXEL_BYTES.get(mode, 4)
    if needed > budget.memory_bytes:
        raise BudgetExceeded(
            TOO_COSTLY, reason="memory", width=width, height=height, needed_mb=needed // MIB
        )


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when /proc cannot say)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit(budget: Budget) -> None:
    cpu = max(1, int(budget.cpu_seconds + 0.999))
    # SIGXCPU at the soft limit (its default action ends the process), SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    grown = _address_space() + budget.memory_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or grown < hard:
        resource.setrlimit(resource.RLIMIT_AS, (grown, hard))


def _child(write_fd: int, budget: Budget, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
    """The forked child's whole life: limit itself, run, send the outcome, exit."""
    import pickle

    code = 0
    try:
        faulthandler.disable()  # a crash is the parent's to report, as a damaged file
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _limit(budget)
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            outcome = ("err", BudgetExceeded(TOO_COSTLY, reason="memory"))
        except BrandHubError as exc:
            outcome = ("err", exc)
        except Exception as exc:  # noqa: BLE001  (re-raised in the parent, same type)
            exc.add_note(f"in the budgeted child:\n{traceback.format_exc()}")
            outcome = ("err", exc)
        imported = _imported()  # what the parent imports before its next fork
        try:
            data = pickle.dumps((*outcome, imported), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("err", BudgetExceeded(TOO_COSTLY, reason="memory"), imported))
        except Exception as exc:  # noqa: BLE001  (an error or a result pickle cannot carry)
            text = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
            data = pickle.dumps(("crash", text, imported))
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)
    except BaseException:  # noqa: BLE001  (nothing may escape a forked child)
        code = 70
    finally:
        os._exit(code)


def _read_all(fd: int, deadline: float) -> bytearray | None:
    """Everything the child writes until it closes the pipe; None past ``deadline``."""
    import select

    # One growing buffer, unpickled in place: a large rendition is held twice at most.
    data = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _w, _x = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return data
        data += chunk


def _fork() -> int:
    # Objects the child inherits are frozen out of its garbage collector: a collection
    # would touch every one of them and copy every page they live on (copy-on-write).
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() in a process with threads; the child
            # calls no code that takes a lock another thread may hold (pure decoding).
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except BaseException:
        gc.unfreeze()
        raise
    if pid != 0:
        gc.unfreeze()
    return pid


#: Modules the budgeted work imports lazily. Once a child of this process has needed
#: one, it is imported here before the next fork, or every child would import it again
#: (and find every cache it fills empty). Only those: a web process that never sees a
#: Photoshop file or a font does not carry psd_tools or fontTools (7 and 2 MiB of its
#: resident memory; all of them together about 15 MiB).
PRELOAD = (
    "resvg_py",
    "mutagen",
    "rawpy",
    "assets.raw",
    "assets.metadata.raw",
    "assets.svg",
    "assets.pdf",
    "assets.renditions",
    "assets.metadata",
    "assets.metadata.image",
    "assets.metadata.streams",
    "assets.metadata.documents",
    "assets.metadata.masters",
    "assets.postscript",
    "assets.fonts",
    "assets.psd",
    "assets.pdf_design",
    "pikepdf",
    "psd_tools",
    "fontTools.ttLib",
)


#: The modules of :data:`PRELOAD` that children of this process imported.
_needed: set[str] = set()


def preload() -> None:
    """Import the modules of :data:`PRELOAD` that children of this process needed.

    OpenMP runtimes (LibRaw's libgomp in rawpy) are not fork-safe: a child forked
    after the parent ran a parallel region waits for ever on pool threads it did
    not inherit. They read ``OMP_NUM_THREADS`` when they load, so it is set to one
    thread (no pool) before the first import, here or in a child; each budgeted
    child is one process on one core anyway.
    """
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in sorted(_needed.difference(sys.modules)):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _imported() -> list[str]:
    """The modules of :data:`PRELOAD` this process has imported."""
    return [name for name in PRELOAD if name in sys.modules]


def run_within(budget: Budget, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a forked child held to ``budget`` (see module doc).

    Raises BudgetExceeded past the CPU, memory or wall-clock limit, the
    domain error ``fn`` raised, or InvalidFile when a decoder crashed the child.
    """
    if not budget.enabled:
        return fn(*args, **kwargs)
    import pickle

    preload()

    read_fd, write_fd = os.pipe()
    pid = _fork()
    if pid == 0:  # pragma: no cover  (the child; coverage does not follow it)
        os.close(read_fd)
        _child(write_fd, budget, fn, args, kwargs)
    os.close(write_fd)
    started = time.monotonic()
    try:
        data = _read_all(read_fd, started + budget.wall_seconds)
    finally:
        os.close(read_fd)
    if data is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    if data is None:
        raise BudgetExceeded(TOO_COSTLY, reason="time", seconds=round(budget.wall_seconds, 1))
    if not data:
        raise _death(status, budget)
    kind, value, imported = pickle.loads(data)  # noqa: S301  (our own child wrote it)
    _needed.update(imported)
    if kind == "ok":
        return cast(T, value)
    if kind == "err":
        raise value
    raise RuntimeError(f"budgeted work failed in its child: {value}")


def _death(status: int, budget: Budget) -> BrandHubError:
    """The error for a child that ended without an answer."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return BudgetExceeded(TOO_COSTLY, reason="cpu", seconds=budget.cpu_seconds)
        if sig == signal.SIGABRT:
            # Native code that cannot allocate aborts (Rust's resvg does): the memory limit.
            return BudgetExceeded(TOO_COSTLY, reason="memory", signal=sig)
        return InvalidFile(DAMAGED, reason="crash", signal=sig)
    return InvalidFile(DAMAGED, reason="crash", status=os.WEXITSTATUS(status))
