"""Keeping an instance healthy: collecting orphaned bytes, backing up and restoring.

``garbage`` finds stored objects no row refers to and removes them after a
grace period (``brandhub gc``); ``backup`` writes a folder with the database,
every stored object and the secret key, and restores one into an empty instance
(``brandhub backup DIR``, ``brandhub restore DIR``); ``rows`` turns database
rows into JSON and back for the portable dump. The commands are in
``brandhub.cli.maintenance``.
"""

from __future__ import annotations

from .backup import backup, read_manifest, restore
from .garbage import DEFAULT_GRACE, GC_PREFIXES, Garbage, collect_garbage, referenced_keys

__all__ = [
    "DEFAULT_GRACE",
    "GC_PREFIXES",
    "Garbage",
    "backup",
    "collect_garbage",
    "read_manifest",
    "referenced_keys",
    "restore",
]
