"""Office documents: sniffed from inside the ZIP, described from their XML, drawn by LibreOffice."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from assets import office
from assets.budget import Budget
from assets.errors import InvalidFile, UnsupportedMediaType
from assets.ingest import prepare
from assets.metadata import extract
from assets.office import to_pdf
from assets.pdf import pdf_info
from assets.settings import IngestSettings
from assets.sniff import check_extension, sniff
from assets.sniff.office import DOCX, ODT, POTX, PPTX, XLSX, match_office
from tests.assets.media_factory.office import make_docx, make_odt, make_pptx, make_xlsx

SETTINGS = IngestSettings(budget=Budget(enabled=False))
needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    made = {"pptx": make_pptx(), "docx": make_docx(), "xlsx": make_xlsx(), "odt": make_odt()}
    out = {}
    for name, data in made.items():
        out[name] = folder / f"doc.{name}"
        out[name].write_bytes(data)
    return out


@pytest.mark.parametrize(
    ("name", "expected"), [("pptx", PPTX), ("docx", DOCX), ("xlsx", XLSX), ("odt", ODT)]
)
def test_sniffed_from_what_is_inside_the_zip(documents, name, expected):
    assert sniff(documents[name].read_bytes()[:4096], "sin-nombre") == expected
    check_extension(expected, f"plantilla.{name}")


def test_a_template_is_told_from_its_content_types():
    # The content types are compressed: rebuild the first entry instead of patching bytes.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(make_pptx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"presentationml.presentation.main", b"presentationml.template.main"
                )
            out.writestr(item.filename, body)
    assert match_office(buf.getvalue()[:4096]) == POTX


def test_a_plain_zip_is_still_refused():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("fotos/plaza.txt", "hola")
    with pytest.raises(UnsupportedMediaType):
        sniff(buf.getvalue())


def test_a_presentation_named_docx_is_refused(documents):
    with pytest.raises(UnsupportedMediaType):
        check_extension(PPTX, "informe.docx")


@pytest.mark.parametrize(
    ("name", "sniffed", "expected"),
    [
        ("pptx", PPTX, {"title": "Campaña de vacunación", "slides": 2}),
        ("docx", DOCX, {"title": "Comunicado de prensa", "author": "Prensa"}),
        ("xlsx", XLSX, {"title": "Presupuesto", "author": "Finanzas", "sheets": 2}),
        ("odt", ODT, {"title": "Plantilla de gacetilla", "author": "Comunicación", "pages": 1}),
    ],
)
def test_title_author_and_counts_from_the_documents_properties(documents, name, sniffed, expected):
    info = extract(documents[name], sniffed, SETTINGS)
    document = info.metadata["document"]
    assert {key: document.get(key) for key in expected} == expected
    assert info.title == expected["title"]


def test_properties_with_an_entity_bomb_are_ignored_not_expanded(tmp_path):
    import zipfile

    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>&b;</dc:title></cp:coreProperties>"
    )
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    path = tmp_path / "bomba.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            body = source.read(item)
            out.writestr(item.filename, bomb if item.filename == "docProps/core.xml" else body)
    assert "title" not in extract(path, DOCX, SETTINGS).metadata["document"]


@needs_libreoffice
def test_first_slide_drawn_through_the_pdf_path(documents):
    prepared = prepare(io.BytesIO(documents["pptx"].read_bytes()), "campaña.pptx", IngestSettings())
    with prepared:
        assert prepared.sniffed == PPTX
        preview = Image.open(io.BytesIO(prepared.renditions["preview"].data))
        assert preview.size == (1600, 1200)  # a 4:3 slide
        pdf = prepared.renditions["pdf"]
        assert pdf.mime == "application/pdf" and pdf.data.startswith(b"%PDF-")
        # The slide is white with dark title text in its middle.
        middle = preview.convert("L").crop((200, 450, 1400, 560))
        assert middle.getextrema()[0] < 80 and preview.convert("L").getpixel((20, 20)) > 240


#: The weakest macro settings LibreOffice has: macros enabled, security "low" (run every
#: macro of every document without asking).
WEAKEST = (
    (office.SCRIPTING, "DisableMacrosExecution", "boolean", "false"),
    (office.SCRIPTING, "MacroSecurityLevel", "int", "0"),
    ("org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
)


def _open_in_libreoffice(
    document: Path, profile: tuple[office.Setting, ...], marker: Path, seconds: float
) -> float | None:
    """Open ``document`` as a person would (not converted) in headless LibreOffice with a
    throwaway ``profile``; the seconds until ``marker`` appeared, or None within ``seconds``."""
    with tempfile.TemporaryDirectory() as folder:
        office.write_profile(Path(folder) / "profile", profile)
        env = {"PATH": "/usr/bin:/bin", "HOME": folder, "SAL_USE_VCLPLUGIN": "svp"}
        command = [
            "soffice",
            f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            str(document),
        ]
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while time.monotonic() - started < seconds:
                if marker.exists():
                    return time.monotonic() - started
                time.sleep(0.1)
            return None
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@needs_libreoffice
def test_a_documents_macro_runs_where_allowed_and_never_in_a_conversion(tmp_path):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    marker = tmp_path / "macro-ran"
    url = f"http://127.0.0.1:{server.server_address[1]}/logo.png"
    path = tmp_path / "gacetilla.odt"
    path.write_bytes(make_odt(macro_writes=str(marker), linked_image=url))
    try:
        # The macro is real: opened with the weakest settings, LibreOffice runs it on load.
        took = _open_in_libreoffice(path, WEAKEST, marker, 30)
        assert took is not None, "the document's macro did not run with the weakest settings"
        marker.unlink()
        # With BrandHub's profile the same opening does not run it (waited half as long again).
        assert _open_in_libreoffice(path, office.PROFILE, marker, max(5.0, 1.5 * took)) is None
        # The headless conversion never runs a document's macros, even with the weakest
        # settings: what BrandHub runs is a conversion, with its own profile on top.
        to_pdf(path, ODT, SETTINGS, profile=WEAKEST)
        assert not marker.exists()
        hits.clear()
        pdf = tmp_path / "out.pdf"
        pdf.write_bytes(to_pdf(path, ODT, IngestSettings()))
        assert pdf_info(pdf)["pages"] == 1
    finally:
        server.shutdown()
        server.server_close()
    assert not marker.exists() and hits == []  # nor is the linked image ever fetched


@needs_libreoffice
@pytest.mark.parametrize("cut", [0.5, 0.05])
def test_a_truncated_document_is_refused(documents, cut):
    data = documents["docx"].read_bytes()
    with pytest.raises(InvalidFile):
        prepare(io.BytesIO(data[: int(len(data) * cut)]), "roto.docx", IngestSettings())
