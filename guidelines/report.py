"""Compliance reports: one result per rule, and the verdict for the whole piece.

A failing rule of severity ``error`` fails the piece; a failing ``warning``
only warns. The result status says which of the two it was (``fail`` or
``warn``), so that a reader of one line does not need to look up the rule.
``exit_code`` is what ``brandhub check`` returns: 0 pass, 1 warn, 2 fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("pass", "warn", "fail", "skip")
_EXIT = {"pass": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one rule on one piece; ``message`` is Spanish, ready to show.

    For readers of other languages the result also says which ``check`` ran
    and, when the message is one of the engine's own sentences, its ``code``
    (``ok``, ``not_applicable``, ``no_mark`` …); the brand's English title
    and message template (``title_en``, ``message_en``) come with the
    ``values`` that fill it. The app turns these into the reader's language.
    """

    rule: str
    severity: str
    status: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    check: str = ""
    code: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    title_en: str | None = None
    message_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "message": self.message,
            "details": dict(self.details),
            "check": self.check,
            "code": self.code,
            "values": dict(self.values),
        }
        if self.title_en:
            out["title_en"] = self.title_en
        if self.message_en:
            out["message_en"] = self.message_en
        return out


@dataclass(frozen=True)
class Report:
    """Every rule of a category applied to one piece."""

    brand: str
    version: str
    category: str
    checks: tuple[CheckResult, ...]
    fingerprint: str = ""

    @property
    def status(self) -> str:
        """``fail`` if an error rule failed, ``warn`` if only warnings did, else ``pass``."""
        statuses = {check.status for check in self.checks}
        if "fail" in statuses:
            return "fail"
        if "warn" in statuses:
            return "warn"
        return "pass"

    @property
    def exit_code(self) -> int:
        return _EXIT[self.status]

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The results that did not pass (failed or warned), errors first."""
        bad = [c for c in self.checks if c.status in ("fail", "warn")]
        return tuple(sorted(bad, key=lambda c: c.status != "fail"))

    def check(self, rule: str) -> CheckResult:
        for result in self.checks:
            if result.rule == rule:
                return result
        raise KeyError(rule)

    def to_dict(self) -> dict[str, Any]:
        return {
            "brand": self.brand,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "category": self.category,
            "status": self.status,
            "checks": [check.to_dict() for check in self.checks],
        }
