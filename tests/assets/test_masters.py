"""Designer masters and brand fonts through the ingest pipeline (assets/ only).

Each file is made by a real tool (psd-tools, pikepdf, Ghostscript, Debian's
font packages, fontTools) once per session; each is sniffed from its bytes
whatever its name, read (size, colour mode, layers, fonts, spot colours,
embedding rights, Spanish coverage) and previewed; the hostile ones are
refused within a small work budget, leaving nothing in the temporary folder.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assets.budget import Budget, BudgetExceeded
from assets.errors import InvalidFile, UnsupportedMediaType
from assets.fonts import embedding_rights
from assets.ingest import prepare
from assets.settings import IngestSettings
from assets.sniff import sniff
from tests.assets.media_factory import masters as mm

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="needs Ghostscript")

SMALL = Budget(cpu_seconds=2, memory_mb=512, wall_seconds=6)
#: For hostile files: a PostScript loop is stopped after one second of processor time.
TINY = Budget(cpu_seconds=1, memory_mb=512, wall_seconds=4)


@pytest.fixture(scope="session")
def files() -> dict[str, bytes]:
    return {
        "psd": mm.make_psd(),
        "psb": mm.make_psd(large=True),
        "ai_pdf": mm.make_ai_pdf(),
        "ai_ps": mm.make_ai_ps(),
        "eps": mm.make_eps(),
        "ttf": mm.font_bytes("ttf"),
        "otf": mm.font_bytes("otf"),
        "woff2": mm.font_bytes("woff2"),
    }


@pytest.fixture
def settings(tmp_path: Path) -> IngestSettings:
    return IngestSettings(tmp_dir=tmp_path, budget=SMALL)


def _prepare(data: bytes, name: str, settings: IngestSettings):
    return prepare(io.BytesIO(data), name, settings)


def _preview(prepared) -> Image.Image:
    return Image.open(io.BytesIO(prepared.renditions["preview"].data)).convert("RGBA")


@pytest.mark.parametrize(
    ("key", "mime", "ext", "kind"),
    [
        ("psd", "image/vnd.adobe.photoshop", "psd", "image"),
        ("psb", "image/vnd.adobe.photoshop", "psb", "image"),
        ("ai_ps", "application/postscript", "ai", "vector"),
        ("eps", "application/postscript", "eps", "vector"),
        ("ttf", "font/ttf", "ttf", "font"),
        ("otf", "font/otf", "otf", "font"),
        ("woff2", "font/woff2", "woff2", "font"),
    ],
)
def test_each_kind_is_sniffed_from_its_bytes(files, key, mime, ext, kind):
    sniffed = sniff(files[key][:4096], "whatever.bin")
    assert (sniffed.mime, sniffed.ext, sniffed.kind) == (mime, ext, kind)


def test_an_illustrator_pdf_is_told_from_a_plain_pdf(files, settings):
    with _prepare(files["ai_pdf"], "logo.ai", settings) as ai:
        assert (ai.sniffed.mime, ai.sniffed.ext, ai.sniffed.kind) == (
            "application/illustrator",
            "ai",
            "vector",
        )
        design = ai.info.metadata["design"]
        assert design["format"] == "ai"
        assert design["fonts"] == ["AtkinsonHyperlegible-Bold"]
        assert design["spot_colors"] == ["PANTONE 7416 C"]
        assert design["color_mode"] == "cmyk"
        assert ai.info.metadata["document"]["width_mm"] == 70.6
        pixels = np.asarray(_preview(ai))
        # The spot-colour band is drawn in its CMYK alternate (orange) by the PDF renderer.
        r, g, b, _a = pixels[pixels.shape[0] // 4, pixels.shape[1] // 2]
        assert r > 200 and 80 < g < 140 and b < 120
    plain = mm.make_ai_pdf(illustrator=False)
    with _prepare(plain, "pieza.pdf", settings) as pdf:
        assert pdf.sniffed.mime == "application/pdf"
        assert pdf.info.metadata["design"]["fonts"] == ["AtkinsonHyperlegible-Bold"]


def test_a_pdfx_piece_says_its_version_and_output_condition(settings):
    with _prepare(mm.make_pdfx(), "afiche-imprenta.pdf", settings) as pdf:
        assert pdf.sniffed.mime == "application/pdf"
        design = pdf.info.metadata["design"]
        assert design["format"] == "pdfx" and design["pdfx"] == "PDF/X-4"
        assert design["output_condition"] == "FOGRA39" and design["color_mode"] == "cmyk"
        assert design["spot_colors"] == ["PANTONE 7416 C"]


def test_postscript_illustrator_and_eps_are_drawn_by_ghostscript(files, settings):
    with _prepare(files["ai_ps"], "viejo.ai", settings) as ai:
        design, document = ai.info.metadata["design"], ai.info.metadata["document"]
        assert design["fonts"] == ["Helvetica"]
        assert design["spot_colors"] == ["PANTONE 185 C"]
        assert design["color_mode"] == "cmyk"
        assert design["illustrator"] == "8.0.1"
        assert document["width_pt"] == 200 and document["author"] == "Estudio de diseño"
        assert ai.info.title == "logo-municipal.ai"
        preview = _preview(ai)
        assert preview.size == (1600, 960)
        assert preview.getpixel((800, 80))[:3][0] > 200  # the red-orange band, edge to edge
    with _prepare(files["eps"], "marca.eps", settings) as eps:
        assert eps.info.metadata["document"]["width_pt"] == 160
        preview = _preview(eps)
        assert preview.size == (1600, 800)
        # The green circle in the middle of the orange rectangle.
        assert preview.getpixel((800, 400))[:3] == pytest.approx((42, 127, 98), abs=12)
        assert preview.getpixel((100, 100))[:3] == pytest.approx((231, 111, 81), abs=12)


def test_photoshop_documents_show_their_composite_and_layers(files, settings):
    for key in ("psd", "psb"):
        with _prepare(files[key], f"pieza.{key}", settings) as psd:
            design = psd.info.metadata["design"]
            assert design["format"] == key
            assert design["layers"] == 2 and design["layer_names"] == ["Logo", "Fondo"]
            assert design["color_mode"] == "rgb" and design["bit_depth"] == 8
            assert (psd.info.width, psd.info.height) == (120, 80)
            preview = _preview(psd)
            assert preview.getpixel((10, 10))[:3] == pytest.approx((42, 127, 98), abs=6)
            assert preview.getpixel((110, 70))[:3] == pytest.approx((231, 111, 81), abs=6)


@pytest.mark.parametrize("key", ["ttf", "otf", "woff2"])
def test_fonts_say_who_made_them_and_what_they_allow(files, settings, key):
    with _prepare(files[key], f"marca.{key}", settings) as font:
        facts = font.info.metadata["font"]
        assert facts["spanish"] is True and facts["missing"] == []
        assert facts["version"].startswith("Version")
        if key == "otf":
            assert facts["family"] == "Nimbus Sans" and facts["outlines"] == "cff"
            assert facts["embedding"]["code"] == "preview_print"
        else:
            assert facts["family"] == "DejaVu Sans"
            assert facts["embedding"]["code"] == "installable"
        assert font.info.title
        specimen = np.asarray(_preview(font).convert("L"))
        assert specimen.shape == (900, 1600)
        # Dark letters drawn on white, across the width.
        inked = (specimen < 100).any(axis=0)
        assert inked.sum() > 400 and specimen.mean() > 200


def test_a_font_missing_spanish_letters_names_them(tmp_path, settings):
    from fontTools import subset

    out = tmp_path / "ascii.ttf"
    subset.main([str(mm.DEJAVU), "--unicodes=U+0020-007E", f"--output-file={out}"])
    with _prepare(out.read_bytes(), "ascii.ttf", settings) as font:
        facts = font.info.metadata["font"]
        assert facts["spanish"] is False
        assert "ñ" in facts["missing"] and "¿" in facts["missing"]


def test_embedding_rights_in_words():
    assert embedding_rights(0)["code"] == "installable"
    assert embedding_rights(2)["code"] == "restricted"
    assert embedding_rights(4)["code"] == "preview_print"
    assert embedding_rights(8)["code"] == "editable"
    assert embedding_rights(0x0302) == {
        "code": "restricted",
        "fs_type": 0x0302,
        "no_subsetting": True,
        "bitmap_only": True,
    }


def _giant_psd(version: int) -> bytes:
    header = b"8BPS" + version.to_bytes(2, "big") + bytes(6) + (3).to_bytes(2, "big")
    header += (300_000).to_bytes(4, "big") * 2 + (8).to_bytes(2, "big") + (3).to_bytes(2, "big")
    return header + bytes(4) * 3 + b"\x00\x00" + bytes(64)


def _eps(body: str) -> bytes:
    return f"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\n{body}\n".encode()


HOSTILE = {
    "psd-300000-square": (lambda f: _giant_psd(1), InvalidFile),
    "psb-300000-square": (lambda f: _giant_psd(2), InvalidFile),
    "psd-truncated": (lambda f: f["psd"][:300], InvalidFile),
    "psd-lying-depth": (lambda f: f["psd"][:22] + b"\x00\x07" + f["psd"][24:], InvalidFile),
    "eps-infinite-loop": (lambda f: _eps("{} loop"), BudgetExceeded),
    "ai-ps-infinite-loop": (lambda f: mm.make_ai_ps(body="{1 pop} loop\n"), BudgetExceeded),
    "eps-reads-passwd": (
        lambda f: _eps("(/etc/passwd) (r) file 100 string readstring"),
        InvalidFile,
    ),
    "eps-without-bounding-box": (lambda f: b"%!PS-Adobe-3.0 EPSF-3.0\n0 0 moveto\n", InvalidFile),
    "eps-truncated": (lambda f: f["eps"][:5000], InvalidFile),
    "ai-pdf-truncated": (lambda f: f["ai_pdf"][:500], InvalidFile),
    "ttf-truncated": (lambda f: f["ttf"][:4000], InvalidFile),
    "otf-lying-tables": (lambda f: f["otf"][:300] + b"\xff" * 4000, InvalidFile),
    "woff2-truncated": (lambda f: f["woff2"][:3000], InvalidFile),
    "dos-eps-lying-offset": (
        lambda f: (
            b"\xc5\xd0\xd3\xc6"
            + (32).to_bytes(4, "little")
            + (10**9).to_bytes(4, "little")
            + bytes(18)
            + b"\xff\xff"
            + b"%!PS-Adobe-3.0 EPSF-3.0\n"
            + bytes(100)
        ),
        InvalidFile,
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_masters_are_refused_within_the_budget(files, tmp_path, name):
    build, error = HOSTILE[name]
    settings = IngestSettings(tmp_dir=tmp_path, budget=TINY)
    started = time.monotonic()
    with pytest.raises((error, UnsupportedMediaType)) as caught:
        _prepare(build(files), name, settings)
    assert isinstance(caught.value, error), caught.value
    assert time.monotonic() - started < TINY.wall_seconds + 1
    assert list(tmp_path.iterdir()) == []  # no spooled upload left behind
