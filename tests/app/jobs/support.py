"""Helpers for the job tests: running a memory queue by hand, reading job rows."""

from __future__ import annotations

import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from brandhub.job_queue import job_queue
from brandhub.models import Job
from tests.factories import session


def run_queued(app: Flask) -> int:
    """Run every task waiting in a ``memory`` queue (and those they queue); how many ran."""
    huey = job_queue(app).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def run_scheduled(app: Flask, after: float = 10**6) -> list[Any]:
    """Run the tasks scheduled for the next ``after`` seconds (retries); returns them."""
    huey = job_queue(app).huey
    when = huey._get_timestamp() + datetime.timedelta(seconds=after)
    due = huey.read_schedule(when)
    for task in due:
        huey.execute(task, when)
    return due


def jobs(app: Flask, **where: Any) -> list[Job]:
    with session(app) as db:
        query = select(Job).order_by(Job.id)
        for name, value in where.items():
            query = query.where(getattr(Job, name) == value)
        rows = list(db.scalars(query))
        db.expunge_all()
        return rows
