"""The error the rule engine raises for a brand file it cannot accept."""

from __future__ import annotations

from typing import Any

from core.errors import InvalidInput


class BrandError(InvalidInput):
    """The brand file is not valid."""

    code = "invalid_brand"


class ComplianceFailed(InvalidInput):
    """The piece does not comply with the brand's rules."""

    code = "compliance_failed"

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("The piece does not comply with the brand's rules.", report=report)
        self.report = report
