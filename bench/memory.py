"""Peak resident memory of a process and its descendants, sampled from /proc in a thread.

Linux only, like the benchmarks' machine. ``RssSampler(pid)`` is a context
manager: while it is open, a thread reads ``VmRSS`` of ``pid`` and of every
descendant every ``interval`` seconds and keeps each one's peak.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Collection
from pathlib import Path


def rss(pid: int | str = "self") -> int:
    """Resident bytes of ``pid`` now (0 when it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class RssSampler:
    """Peak RSS of each of a process's descendants (and itself), sampled in a thread."""

    def __init__(self, root_pid: int | None = None, interval: float = 0.02) -> None:
        self.root = root_pid if root_pid is not None else os.getpid()
        self.interval = interval
        self.base = rss(self.root)
        self.peak: dict[int, int] = {}
        self.own_cpu = 0.0  # the sampling thread's own CPU time
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _pids(self) -> list[int]:
        pids, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            with contextlib.suppress(OSError):
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                todo.extend(int(c) for c in children)
        return pids

    def _sample(self) -> None:
        for pid in self._pids():
            self.peak[pid] = max(self.peak.get(pid, 0), rss(pid))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
        self.own_cpu = time.thread_time()

    def worst(self, exclude: Collection[int] = frozenset()) -> int:
        """The largest peak among the sampled processes not in ``exclude``."""
        return max((v for k, v in self.peak.items() if k not in exclude), default=0)

    @property
    def root_peak(self) -> int:
        return self.peak.get(self.root, self.base)

    @property
    def children_peak(self) -> int:
        """The largest peak of any descendant (0 when none ran)."""
        return self.worst(exclude={self.root})
