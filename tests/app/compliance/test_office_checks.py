"""An office document under a brand: LibreOffice converts it once per upload, and the
brand check reads the PDF the upload made."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from assets import office
from tests.assets.media_factory.office import make_pptx

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


def test_a_presentation_is_converted_once_for_its_preview_and_its_check(api, tmp_path):
    # The conversions run in budgeted children: each one leaves a mark in a file.
    marks = tmp_path / "conversions"
    marks.write_text("")
    real = office.to_pdf

    def counted(*args: Any, **kwargs: Any) -> bytes:
        with Path(marks).open("a") as fh:
            fh.write("x")
        return real(*args, **kwargs)

    with mock.patch.object(office, "to_pdf", counted):
        r = api.upload(make_pptx(), "campaña.pptx", category="graphic")
    assert marks.read_text() == "x"
    # Checked as a graphic piece of the provincial brand, which takes no PowerPoint files;
    # the first slide (from the upload's PDF) is measured all the same: its colours pass.
    assert r.status_code == 422
    checks = {c["rule"]: c for c in r.get_json()["error"]["report"]["checks"]}
    assert [rule for rule, c in checks.items() if c["status"] == "fail"] == ["pieza-formato"]
    assert checks["pieza-paleta"]["status"] == "pass"
    # Which typefaces a presentation uses is not read from it: said, not passed.
    assert checks["pieza-tipografias"]["status"] == "skip"
