"""A pytest plugin: werkzeug compiles each URL rule's builders once per test process.

Every test makes its own app, and every app registers the same 140 URL rules. For
each rule werkzeug writes, parses and compiles two small Python functions (the
builders behind ``url_for``): 35 of the 45 ms an app takes to make, and thousands
of calls to ``ast.parse``, whose Python 3.11 version may fail when another thread
parses at the same moment. A builder depends only on the rule's text, its parts
and the defaults it folds in, so the one compiled for the first app serves every
later app with the same rule (bound to each app's own rule, whose converters it
calls). The URLs built are the same (tests/app/test_url_builders.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import rules

_compile: Callable[..., Any] = rules.Rule._compile_builder
_compiled: dict[tuple[object, ...], Any] = {}


def _compile_once(self: rules.Rule, append_unknown: bool = True) -> Any:
    defaults = self.defaults or {}
    key = (
        self.rule,
        append_unknown,
        tuple(self._trace),
        tuple(sorted((name, repr(value)) for name, value in defaults.items())),
        # A default for a part of the rule is folded into the builder as text.
        tuple(
            (name, self._converters[name].to_url(defaults[name]))
            for dynamic, name in self._trace
            if dynamic and name in defaults
        ),
    )
    builder = _compiled.get(key)
    if builder is None:
        builder = _compiled[key] = _compile(self, append_unknown)
    return builder


rules.Rule._compile_builder = _compile_once  # type: ignore[method-assign]
