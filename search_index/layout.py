"""The index folder on disk: generations, the CURRENT pointer, the rebuild marker and journal.

::

    <root>/
      CURRENT          one line: the name of the generation in use, e.g. "gen-0003"
      gen-0003/        a complete Whoosh index (its own MAIN_WRITELOCK inside)
      gen-0004/        being built by a rebuild, or the previous one kept for readers
      REBUILD          while a rebuild runs: {"target": "gen-0004", "pid": ..., "host": ...}
      gen-0004.journal changes applied while gen-0004 was being built, replayed before the swap
      LAYOUT           lock held while creating generations and swapping CURRENT
      gen-0003/BRANDHUB_SCHEMA  the schema version its documents were built with
                       (missing: version 1, before versions were recorded)

Swapping is ``os.replace`` of CURRENT, which is atomic; readers open
whatever CURRENT names and keep their open generation until they notice the
change. Locks are Whoosh's file locks (fcntl or msvcrt), valid across
processes.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from .documents import AssetDocument
from .errors import IndexBusy, IndexUnavailable

__all__ = ["Layout", "RebuildMarker"]

_GEN = re.compile(r"^gen-(\d{4,})$")
WRITELOCK = "MAIN_WRITELOCK"  # the name Whoosh's own writer locks
SCHEMA_FILE = "BRANDHUB_SCHEMA"


@dataclass(frozen=True)
class RebuildMarker:
    target: str
    pid: int
    host: str
    started: float

    def alive(self) -> bool:
        """Whether the rebuilding process still runs (assumed, for another host)."""
        if self.host != socket.gethostname():
            return time.time() - self.started < 86400
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


JournalEntry = tuple[list[AssetDocument], list[int]]


class Layout:
    """Names and files of one index root folder (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # Generations

    def path(self, gen: str) -> Path:
        return self.root / gen

    def storage(self, gen: str) -> FileStorage:
        return FileStorage(str(self.path(gen)))

    def current(self, repair: bool = False) -> str | None:
        """The generation in use, or ``None`` for a new, empty root.

        With ``repair`` (a rebuild is about to replace it), a damaged pointer
        or a missing generation folder also give ``None`` instead of raising.
        """
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexUnavailable("The search index folder cannot be read.") from exc
        valid = bool(_GEN.match(name)) and (not repair or self.path(name).is_dir())
        if not valid:
            if repair:
                return None
            raise IndexUnavailable("The search index folder is damaged; rebuild the index.")
        return name

    def schema_version(self, gen: str) -> int:
        """The schema version ``gen`` was built with (1 when not recorded)."""
        try:
            return int((self.path(gen) / SCHEMA_FILE).read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            return 1
        except (OSError, ValueError):
            return 0

    def write_schema_version(self, gen: str, version: int) -> None:
        (self.path(gen) / SCHEMA_FILE).write_text(f"{version}\n", encoding="utf-8")

    def generations(self) -> list[str]:
        if not self.root.is_dir():
            return []
        names = [p.name for p in self.root.iterdir() if p.is_dir() and _GEN.match(p.name)]
        return sorted(names, key=lambda n: int(n[4:]))

    def new_generation(self) -> str:
        """Create the folder of the next generation and return its name."""
        existing = self.generations()
        number = int(existing[-1][4:]) + 1 if existing else 1
        name = f"gen-{number:04d}"
        self.path(name).mkdir(parents=True)
        return name

    def set_current(self, gen: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(gen + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")

    def remove_generations(self, keep: set[str]) -> None:
        """Delete generation folders not in ``keep`` (old ones and abandoned builds)."""
        for name in self.generations():
            if name not in keep:
                shutil.rmtree(self.path(name), ignore_errors=True)
        for journal in self.root.glob("gen-*.journal"):
            if journal.stem not in keep:
                journal.unlink(missing_ok=True)

    # Locks

    @contextmanager
    def layout_lock(self) -> Iterator[None]:
        """Serialise creating generations and swapping CURRENT across processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(self.root)).lock("LAYOUT")
        lock.acquire(blocking=True)
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def write_lock(self, gen: str, timeout: float) -> Iterator[None]:
        """Hold the write lock of a generation, the same one Whoosh's writer takes."""
        lock = self.storage(gen).lock(WRITELOCK)
        if not try_for(lock.acquire, timeout=timeout, delay=0.01):
            raise IndexBusy("The search index is busy; try again in a moment.")
        try:
            yield
        finally:
            lock.release()

    # Rebuild marker and journal

    def marker(self) -> RebuildMarker | None:
        """The running rebuild, if any; a marker left by a dead process is removed."""
        try:
            data: dict[str, Any] = json.loads((self.root / "REBUILD").read_text("utf-8"))
            marker = RebuildMarker(
                str(data["target"]), int(data["pid"]), str(data["host"]), float(data["started"])
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self.clear_marker()
            return None
        if not marker.alive():
            self.clear_marker()
            return None
        return marker

    def write_marker(self, target: str) -> None:
        data = {
            "target": target,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.time(),
        }
        tmp = self.root / f"REBUILD.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.root / "REBUILD")

    def clear_marker(self) -> None:
        (self.root / "REBUILD").unlink(missing_ok=True)

    def journal_path(self, target: str) -> Path:
        return self.root / f"{target}.journal"

    def journal_append(self, target: str, upserts: list[AssetDocument], deletes: list[int]) -> None:
        """Record a change for the generation being built (caller holds the write lock)."""
        with open(self.journal_path(target), "ab") as fh:
            pickle.dump((upserts, deletes), fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())

    def journal_read(self, target: str) -> list[JournalEntry]:
        entries: list[JournalEntry] = []
        try:
            with open(self.journal_path(target), "rb") as fh:
                while True:
                    try:
                        entries.append(pickle.load(fh))
                    except EOFError:
                        break
        except FileNotFoundError:
            pass
        return entries
