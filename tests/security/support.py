"""What the hostile-input tests check after every request.

``answered(fn, seconds)`` runs a request in a worker thread and fails the test
if it has not answered in time (a hang is a failure, not a stuck suite).
``State.of(app)`` snapshots what a request could leave behind: every stored key
and the number of rows of every table; two snapshots compare equal when a
rejected upload left nothing. ``safe_name`` is the test of a stored file name.
"""

from __future__ import annotations

import concurrent.futures
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import func, inspect, select

from brandhub.db import database
from brandhub.models.base import Base
from brandhub.services import storage

T = TypeVar("T")

LIMIT_SECONDS = 10.0
# Tables a rejected request may still write to: the token's last use.
VOLATILE_TABLES = {"api_tokens"}

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="hostile")


def answered(fn: Callable[[], T], seconds: float = LIMIT_SECONDS) -> tuple[T, float]:
    """``fn()`` and how long it took; fails if it takes longer than ``seconds``."""
    started = time.monotonic()
    future = _pool.submit(fn)
    try:
        result = future.result(timeout=seconds)
    except concurrent.futures.TimeoutError:
        raise AssertionError(f"no answer within {seconds:.0f} s") from None
    return result, time.monotonic() - started


@dataclass(frozen=True)
class State:
    keys: frozenset[str]
    rows: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, app: Flask) -> State:
        with app.app_context():
            keys = frozenset(storage().iter_keys())
        engine = database(app).engine
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            rows = tuple(
                (table.name, conn.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables
                if table.name in present and table.name not in VOLATILE_TABLES
            )
        return cls(keys, rows)


def leftovers(folder: Path) -> list[str]:
    """Files left in a temporary folder (names only)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def safe_name(name: str) -> bool:
    """A stored name a browser, a shell and Windows all take as one harmless file name."""
    return (
        0 < len(name) <= 200
        and not any(ch in name for ch in '/\\<>:"|?*')
        and not name.startswith(".")
        and all(unicodedata.category(ch)[0] != "C" for ch in name)
    )


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), response.data[:300]
    error = body["error"]
    assert isinstance(error.get("message"), str) and error["message"].strip(), error
    return error
