"""Designer masters and brand fonts through the three doors: the API, the upload page and
``brandhub import``; their asset page, downloads and the brand page's font files; and the
hostile ones refused with a 4xx that leaves no row and no stored object behind."""

from __future__ import annotations

import io
import shutil
import time

import pytest

from brandhub.categories import asset_category
from tests.assets.media_factory import masters as mm
from tests.factories import PASSWORD, Api, add_token, add_user, photo, read, upload_page
from tests.security.support import State

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="needs Ghostscript")


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {
        "logo.ai": mm.make_ai_pdf(),
        "viejo.ai": mm.make_ai_ps(),
        "marca.eps": mm.make_eps(),
        "pieza.psd": mm.make_psd(),
        "grande.psb": mm.make_psd(large=True, layers=("Fondo", "Logo", "Texto")),
        "marca.ttf": mm.font_bytes("ttf"),
        "marca.otf": mm.font_bytes("otf"),
        "marca.woff2": mm.font_bytes("woff2"),
    }


EXPECTED = {
    "logo.ai": ("vector", "application/illustrator", "master"),
    "viejo.ai": ("vector", "application/postscript", "master"),
    "marca.eps": ("vector", "application/postscript", "master"),
    "pieza.psd": ("image", "image/vnd.adobe.photoshop", "master"),
    "grande.psb": ("image", "image/vnd.adobe.photoshop", "master"),
    "marca.ttf": ("font", "font/ttf", "font"),
    "marca.otf": ("font", "font/otf", "font"),
    "marca.woff2": ("font", "font/woff2", "font"),
}


def test_every_kind_uploads_through_the_api_with_its_page_and_downloads(app, files):
    user = add_user(app, "admin", agency=None)
    api = Api(app.test_client(), add_token(app, user))
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for name, data in files.items():
        r = api.upload(data, name)
        assert r.status_code == 201, (name, r.get_json())
        body = r.get_json()
        kind, mime, category = EXPECTED[name]
        assert (body["kind"], body["mime"]) == (kind, mime), name
        asset = read(app, body["id"])
        assert asset_category(asset) == category
        assert asset.rendition("preview") is not None, name
        page = client.get(f"/assets/{body['id']}").get_data(True)
        if category == "font":
            assert "Tipografía" in page and "Letras del castellano" in page
            assert "Todas (á é í ó ú ü ñ ¿ ¡ y mayúsculas)" in page
        else:
            assert "Original de diseño" in page
        original = api.get(f"/assets/{body['id']}/file")
        assert original.status_code == 200 and original.data == data
        if kind != "font":
            png = client.get(f"/assets/{body['id']}/download?format=png&width=300")
            assert png.status_code == 200 and png.data.startswith(b"\x89PNG"), name
    logo = client.get("/assets/1").get_data(True)
    assert "AtkinsonHyperlegible-Bold" in logo and "PANTONE 7416 C" in logo
    eps = client.get("/assets/3").get_data(True)  # its bounding box: 160 × 80 points
    assert "Tamaño de la mesa de trabajo" in eps and "56,4 × 28,2 mm · 160 × 80 pt" in eps
    # A master is never cropped for social networks: no focal point to set.
    assert "data-focal-form" not in eps


def test_the_upload_page_and_the_import_command_take_them_too(app, files, tmp_path):
    user = add_user(app, "admin", agency=None)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    r = upload_page(client, files["marca.eps"], "marca.eps", as_json=True)
    assert r.status_code in (200, 201), r.get_data(True)
    folder = tmp_path / "originales"
    folder.mkdir()
    for name in ("viejo.ai", "pieza.psd", "marca.otf"):
        (folder / name).write_bytes(files[name])
    result = app.test_cli_runner().invoke(args=["import", str(folder), "--user", user.email])
    assert result.exit_code == 0, result.output
    kinds = sorted(read(app, i).mime for i in (2, 3, 4))
    assert kinds == ["application/postscript", "font/otf", "image/vnd.adobe.photoshop"]


def test_the_brand_page_offers_the_brands_font_files(app, files):
    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    user = add_user(app, "admin", agency=None)
    api = Api(app.test_client(), add_token(app, user))
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    # DejaVu is not the municipality's typeface: nothing offered.
    assert api.upload(files["marca.ttf"], "marca.ttf").status_code == 201
    page = client.get("/marca/municipalidad").get_data(True)
    assert "Tipografías de la marca" not in page
    # A file of its family, Atkinson Hyperlegible, is offered for download.
    bold = api.upload(mm.renamed_font("Atkinson Hyperlegible", "Bold"), "atkinson-bold.ttf")
    assert bold.status_code == 201, bold.get_json()
    page = client.get("/marca/municipalidad").get_data(True)
    assert "Tipografías de la marca" in page
    assert "Descargar Bold (TTF)" in page
    # Someone who may not see the file (another agency's editor) is not offered it.
    other = add_user(app, "editor", "salud")
    stranger = app.test_client()
    stranger.post("/login", data={"email": other.email, "password": PASSWORD})
    seen = stranger.get("/marca/municipalidad")
    assert seen.status_code == 200 and "Atkinson Hyperlegible" in seen.get_data(True)
    assert "Descargar Bold (TTF)" not in seen.get_data(True)


# The rest of the hostile masters are in the corpus (tests/security/corpus.py); a PostScript
# loop needs a small budget to be stopped quickly, so it is here.
HOSTILE = [
    (
        "bucle.eps",
        lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n{} loop\n",
        422,
        "too_costly",
    ),
]


@pytest.mark.parametrize(("name", "build", "status", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_masters_get_a_4xx_and_leave_nothing(
    app_factory, tmp_path, name, build, status, code
):
    spool = tmp_path / "spool"
    spool.mkdir()
    app = app_factory(
        UPLOAD_TMP_DIR=str(spool), MEMBER_BUDGET_CPU_SECONDS=1, MEMBER_BUDGET_WALL_SECONDS=4
    )
    api = Api(app.test_client(), add_token(app, add_user(app, "admin", agency=None)))
    before = State.of(app)
    started = time.monotonic()
    r = api.upload(build(), name)
    assert time.monotonic() - started < 6  # the CPU budget (1 s) stopped Ghostscript
    assert r.status_code == status, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert State.of(app) == before
    assert list(spool.iterdir()) == []


def test_a_logo_master_downloads_as_a_png_and_a_vector_pdf(app, files):
    user = add_user(app, "admin", agency=None)
    api = Api(app.test_client(), add_token(app, user))
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    eps = api.upload(files["marca.eps"], "marca.eps").get_json()["id"]
    ai = api.upload(files["logo.ai"], "logo.ai").get_json()["id"]
    psd = api.upload(files["pieza.psd"], "pieza.psd").get_json()["id"]
    jpeg = api.upload(photo(5), "foto.jpg").get_json()["id"]
    page = client.get(f"/assets/{eps}").get_data(True)
    assert "PDF vectorial" in page and "PNG con transparencia (2000 px)" in page
    assert "Instagram" not in page  # a logo master is not a social post
    assert "PNG con transparencia" in client.get(f"/assets/{psd}").get_data(True)
    pdf = api.get(f"/assets/{eps}/download?preset=master-pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf.data)) as doc:
        box = [float(v) for v in doc.pages[0].mediabox]
        assert box[2] - box[0] == pytest.approx(160, abs=1)
        assert box[3] - box[1] == pytest.approx(80, abs=1)
        assert b"Do" not in doc.pages[0].Contents.read_bytes()  # drawn, not an image
    same = api.get(f"/assets/{ai}/download?preset=master-pdf")
    assert same.status_code == 200 and same.data == files["logo.ai"]
    png = api.get(f"/assets/{ai}/download?preset=master-png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    refused = api.get(f"/assets/{jpeg}/download?preset=master-pdf")
    assert refused.status_code == 415
    assert "vector" in refused.get_json()["error"]["message"]


def test_in_a_branded_agency_masters_are_checked_and_fonts_are_not(app, files):
    from sqlalchemy import select

    from brandhub.models import Agency, ComplianceReport
    from tests.factories import session

    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    user = add_user(app, "admin", "municipalidad")
    with session(app) as db:
        db.query(Agency).filter_by(slug="municipalidad").one().brand_slug = "municipalidad"
        db.commit()
    api = Api(app.test_client(), add_token(app, user))
    # The municipality takes a logo's original in vectors: an Illustrator logo in its typeface
    # is accepted, named as the Illustrator file it is (not as the PDF inside it).
    ai = api.upload(files["logo.ai"], "logo.ai")
    assert ai.status_code == 201, ai.get_json()
    with session(app) as db:
        row = db.scalar(
            select(ComplianceReport).where(ComplianceReport.asset_id == ai.get_json()["id"])
        )
        assert row is not None
        report = row.report
    assert report["category"] == "logo"
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["format"]["status"] == "pass" and checks["format"]["details"]["measured"] == "ai"
    assert "original de Adobe Illustrator" in checks["format"]["message"]
    assert checks["vector_master"]["status"] == "pass"
    assert checks["brand_fonts"]["details"]["fonts"] == ["AtkinsonHyperlegible-Bold"]
    # A Photoshop piece is checked on its composite, as the graphic piece it is.
    psd = api.upload(files["pieza.psd"], "pieza.psd")
    checks = psd.get_json()["error"]["report"]["checks"]
    assert all(c["details"].get("reason") != "damaged" for c in checks), checks
    # A font is a brand resource, not a piece: stored without a report.
    font = api.upload(files["marca.otf"], "marca.otf")
    assert font.status_code == 201, font.get_json()
    assert read(app, font.get_json()["id"]).compliance == "unchecked"
