"""The brand-rule engine: brand files, the checks behind them, compliance reports.

No Flask here. A brand is a TOML file (``guidelines/brands/<slug>.toml``)
that may inherit from a parent brand; loading resolves the inheritance and
validates every rule against the catalogue of checks, so mistakes surface
when the file is loaded, with the file and rule named::

    from guidelines import load_brands_dir, check_piece

    brands = load_brands_dir(Path("guidelines/brands"))
    report = check_piece(Path("afiche.png"), brands["gobierno-provincial"], "graphic")
    report.status, report.exit_code, report.to_dict()

Parts: ``loader`` (files, inheritance), ``build`` (validated content →
Brand), ``brand`` (the resolved model, its canonical dict and fingerprint),
``registry`` (how checks declare their parameters), ``checks/`` (one module
per concern), ``piece`` (the file under check, measured lazily), ``engine``
(``check_piece``), ``report``, and the helpers ``colors`` (CIEDE2000),
``loudness`` (BS.1770), ``marks`` (logo comparison), ``officials`` (official
logo images), ``examples`` (drawn fictional logos) and ``fmt`` (Spanish
numbers).
"""

from __future__ import annotations

from pathlib import Path

from guidelines.brand import (
    CATEGORIES,
    CATEGORY_TITLES,
    SEVERITIES,
    Brand,
    Font,
    Logo,
    PaletteColor,
    Rule,
)
from guidelines.category import Guess, infer_category
from guidelines.engine import check_piece
from guidelines.errors import BrandError, ComplianceFailed
from guidelines.loader import load_brand_dict, load_brand_file, load_brand_text, load_brands_dir
from guidelines.registry import CHECKS
from guidelines.report import CheckResult, Report

SHIPPED_BRANDS = Path(__file__).parent / "brands"

__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "CHECKS",
    "SEVERITIES",
    "SHIPPED_BRANDS",
    "Brand",
    "BrandError",
    "CheckResult",
    "ComplianceFailed",
    "Font",
    "Guess",
    "Logo",
    "PaletteColor",
    "Report",
    "Rule",
    "check_piece",
    "infer_category",
    "load_brand_dict",
    "load_brand_file",
    "load_brand_text",
    "load_brands_dir",
]
