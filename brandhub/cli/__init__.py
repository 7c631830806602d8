"""The ``brandhub`` command line: a Flask CLI group, one module per kind of command.

``brandhub init`` prepares an instance (folders, database migrated to head,
storage, a first administrator); ``brandhub run`` serves it. The commands
live by what they handle:

==================  =========================================================
``users.py``        ``users``, ``tokens``: people and their API tokens
``brands.py``       ``brands``, ``check``: brand files and compliance
``imports.py``      ``import``: a whole folder archived in one go
``jobs.py``         ``jobs``: list, retry and queue background work
``maintenance.py``  ``init``, ``gc``, ``backup``, ``restore``: the instance
``search.py``       ``reindex``, ``check-index``: the search index
``similar.py``      ``similar``: near-duplicate hashes
``capture.py``      ``agencies zone``: the time zone of an agency's cameras
``doctor.py``       ``doctor``: every part of the instance checked, with what to do
==================  =========================================================

The commands that run the worker (``worker``, ``run-all``) belong to
:mod:`brandhub.jobs`, which adds them itself.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from .. import create_app
from .brands import brands_group, check_command
from .capture import agencies_group
from .doctor import doctor_command
from .imports import import_command
from .jobs import jobs_group
from .maintenance import backup_command, gc_command, init_command, restore_command
from .search import check_index_command, reindex_command
from .similar import similar_command
from .users import tokens_group, users_group


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """BrandHub: digital assets and brand guidelines."""


def register_commands(app: Flask) -> None:
    """Add the commands of this package to ``app.cli``."""
    for command in (
        import_command,
        brands_group,
        check_command,
        reindex_command,
        check_index_command,
        init_command,
        users_group,
        agencies_group,
        tokens_group,
        jobs_group,
        similar_command,
        gc_command,
        backup_command,
        restore_command,
        doctor_command,
    ):
        app.cli.add_command(command)
