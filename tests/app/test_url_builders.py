"""Apps made after the first build the same URLs as a fresh process would
(tests/plugins/url_builders.py compiles werkzeug's builders once per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from flask import Flask, url_for

ROOT = Path(__file__).resolve().parents[2]

_BUILD_ALL = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from brandhub import create_app
from tests.app.test_url_builders import built
from tests.factories import app_config
print(json.dumps(built(create_app(app_config(Path({folder!r}))))))
"""


def built(app: Flask) -> dict[str, str]:
    with app.test_request_context():
        return {
            f"{r.rule} {r.endpoint}": url_for(r.endpoint, **{a: 7 for a in r.arguments}, extra="q")
            for r in app.url_map.iter_rules()
        }


def test_every_rule_builds_the_url_a_fresh_process_builds(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    app_factory()  # an earlier app of this process compiled the builders
    here = built(app_factory())
    script = _BUILD_ALL.format(root=str(ROOT), folder=str(tmp_path / "fresh"))
    fresh = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
    )
    assert len(here) > 100
    assert here == fresh
