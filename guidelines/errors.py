"""The error the rule engine raises for a brand file it cannot accept."""

from __future__ import annotations

from assets.errors import InvalidInput


class BrandError(InvalidInput):
    """The brand file is not valid."""

    code = "invalid_brand"
