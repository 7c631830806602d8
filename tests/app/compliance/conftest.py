"""Fixtures of the upload-check tests: an editor of an agency that has the example brand."""

from __future__ import annotations

import pytest

from tests.app.compliance.support import BRAND
from tests.factories import Api, add_token, add_user


@pytest.fixture
def editor(app, runner):
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "prensa", BRAND])
    return add_user(app, "editor", agency="prensa")


@pytest.fixture
def api(app, editor):
    return Api(app.test_client(), add_token(app, editor))
