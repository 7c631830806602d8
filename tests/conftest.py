"""Shared fixtures: the app, its client and runner, auth helpers and factories."""

from __future__ import annotations

pytest_plugins = ["tests.plugins.s3"]
