"""Every kind of file BrandHub hands out, read as the world reads it: ExifTool and exiv2.

Each preset, each free-size format, ZIP entries, share-link and press-kit
downloads are fetched, written to disk and read by ExifTool (one process,
``-validate -warning -a -json``) and exiv2 (one process): no warning or
error, and the EXIF Artist and Copyright, IPTC By-line and Credit and XMP
creator equal to what the asset says (IPTC cut at a character boundary to
its IIM limit). ``make test`` installs both (Debian's
``libimage-exiftool-perl`` and ``exiv2``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image, ImageDraw

from brandhub.presets import presets
from tests.factories import approve, change, encode, scene

HAVE_TOOLS = bool(shutil.which("exiftool") and shutil.which("exiv2"))
pytestmark = pytest.mark.skipif(
    not HAVE_TOOLS and os.geteuid() != 0,
    reason="exiftool and exiv2 are not installed (make test installs them as root)",
)

_BASE = "Dirección de Prensa y Difusión Institucional — Fotografía: María José Núñez 📷 "
CREATOR = (_BASE * 3)[:200]
CREDIT = "Dirección de Prensa y Difusión Institucional"  # 45 bytes: past IPTC's 32
RIGHTS = "© 2026 Gobierno de la Provincia — Señalética, diseño y ñandú 🇦🇷 " * 2
RIGHTS = RIGHTS.strip()
TITLE = "Inauguración del puente sobre el río Paraná"
CAPTION = ("Vista aérea de la obra; el gobernador saluda a los vecinos de Añatuya. 🌉 " * 30)[:2100]


def iptc(text: str, limit: int) -> str:
    """What IPTC holds of ``text``: its first ``limit`` UTF-8 bytes, whole characters only."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _logo() -> bytes:
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 50, 500, 350), fill=(0, 90, 170, 255))
    return encode(image, "PNG")


def _post(api, path, payload):
    return api.post(path, json=payload)


@pytest.fixture
def archive(app, api_for):
    """A photo (240 ppi) and a transparent logo with long, accented credits; approved, public,
    in a public event (the press kit) and behind a share link."""
    assert CREATOR[-1] != " " and len(CREATOR) == 200
    editor = api_for("editor", "salud")
    source = encode(scene(7, (1700, 1150)), "JPEG", quality=90, dpi=(240, 240))
    photo = editor.upload(source, "puente.jpg", title="Puente").get_json()
    logo = editor.upload(_logo(), "logo.png", title="Logo").get_json()
    for asset in (photo, logo):
        approve(app, asset["id"], public=True)
        change(app, asset["id"], creator=CREATOR, credit=CREDIT, copyright=RIGHTS)
    change(app, photo["id"], title=TITLE, caption=CAPTION)
    event = _post(editor, "/events", {"title": "Puente", "public": True}).get_json()
    _post(editor, f"/events/{event['id']}/assets", {"asset_ids": [photo["id"], logo["id"]]})
    link = _post(editor, "/share-links", {"asset_id": photo["id"]}).get_json()
    share = "/s/" + link["url"].rsplit("/s/", 1)[1]
    return editor, photo, logo, source, event, share


def _exiftool(paths: list[Path]) -> dict[str, dict]:
    tags = ["-IFD0:Artist", "-IFD0:Copyright", "-IPTC:By-line", "-IPTC:Credit"]
    tags += ["-IPTC:CopyrightNotice", "-IPTC:Headline", "-IPTC:Caption-Abstract"]
    tags += ["-XMP-dc:Creator", "-XMP-dc:Description", "-XResolution", "-ICC_Profile:all"]
    out = subprocess.run(
        ["exiftool", "-json", "-a", "-G1", "-validate", "-warning", *tags, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return {Path(item["SourceFile"]).name: item for item in json.loads(out.stdout)}


def _exiv2(paths: list[Path]) -> dict[str, dict[str, str]]:
    keys = ["Exif.Image.Artist", "Exif.Image.Copyright", "Iptc.Application2.Byline"]
    keys += ["Iptc.Application2.Credit", "Xmp.dc.creator"]
    out = subprocess.run(
        ["exiv2", "-PEIXkt", *(f"-g{k}" for k in keys), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Error" not in out.stderr and "Warning" not in out.stderr, out.stderr
    found: dict[str, dict[str, str]] = {path.name: {} for path in paths}
    for line in out.stdout.splitlines():
        name, key, value = line.split(None, 2)
        found[Path(name).name][key] = value
    return found


def test_every_download_reads_right_in_exiftool_and_exiv2(app, api_for, archive, tmp_path):
    editor, photo, logo, source, event, share = archive
    files: dict[str, bytes] = {}

    def fetch(name: str, response) -> None:
        assert response.status_code == 200, (name, response.get_data()[:300])
        files[name] = response.data

    get = editor.get
    for preset in presets(app.config):
        fetch(f"preset-{preset}", get(f"/assets/{photo['id']}/download?preset={preset}"))
    for fmt in ("jpeg", "png", "webp", "tiff"):
        fetch(f"free-{fmt}", get(f"/assets/{photo['id']}/download?width=640&format={fmt}"))
        fetch(f"logo-{fmt}", get(f"/assets/{logo['id']}/download?width=300&format={fmt}"))
    ids = f"{photo['id']},{logo['id']}"
    for preset in ("web", "print-tiff"):
        archive_zip = get(f"/assets/zip?ids={ids}&preset={preset}")
        assert archive_zip.status_code == 200
        with zipfile.ZipFile(io.BytesIO(archive_zip.data)) as opened:
            for info in opened.infolist():
                files[f"zip-{preset}-{info.filename.rsplit('.', 1)[0]}"] = opened.read(info)
    anon = app.test_client()
    fetch("share-square", anon.get(f"{share}/a/{photo['id']}/download?preset=instagram-square"))
    fetch("share-webp", anon.get(f"{share}/a/{photo['id']}/download?width=500&format=webp"))
    kit = anon.get(f"/prensa/evento-{event['id']}").headers["Location"]
    fetch("kit-print", anon.get(f"{kit}/a/{photo['id']}/download?preset=print"))
    fetch("kit-logo-png", anon.get(f"{kit}/a/{logo['id']}/download?format=png"))
    assert len(files) >= len(presets(app.config)) + 8 + 4 + 4

    paths = []
    kinds = {b"\xff\xd8": "jpg", b"\x89P": "png", b"RI": "webp", b"II": "tiff", b"MM": "tiff"}
    for name, data in files.items():
        path = tmp_path / f"{name}.{kinds[data[:2]]}"
        path.write_bytes(data)
        paths.append(path)

    read = _exiftool(paths)
    seen = _exiv2(paths)
    for path in paths:
        tags, found = read[path.name], seen[path.name]
        fmt = path.suffix
        assert tags.get("ExifTool:Validate") == "OK", (path.name, tags)
        assert not [k for k in tags if k.startswith(("ExifTool:Warning", "ExifTool:Error"))]
        assert tags["IFD0:Artist"] == CREATOR, path.name
        assert tags["IFD0:Copyright"] == RIGHTS, path.name
        assert tags["XMP-dc:Creator"] == CREATOR, path.name
        assert tags["ICC_Profile:ProfileDescription"], path.name
        assert found["Exif.Image.Artist"] == CREATOR, path.name
        assert found["Exif.Image.Copyright"] == RIGHTS, path.name
        assert found["Xmp.dc.creator"] == CREATOR, path.name
        if fmt == ".webp":  # WebP has no place for IPTC IIM (neither reader looks for one)
            continue
        assert tags["IPTC:By-line"] == iptc(CREATOR, 32) == found["Iptc.Application2.Byline"]
        assert tags["IPTC:Credit"] == iptc(CREDIT, 32) == found["Iptc.Application2.Credit"]
        assert tags["IPTC:CopyrightNotice"] == iptc(RIGHTS, 128), path.name
        assert len(tags["IPTC:By-line"].encode()) <= 32 and "Difusi" in tags["IPTC:By-line"]

    # The title and caption: the full caption in XMP, IPTC cut to 2,000 bytes.
    web = read["preset-web.jpg"]
    assert web["IPTC:Headline"] == TITLE and web["XMP-dc:Description"] == CAPTION
    assert web["IPTC:Caption-Abstract"] == iptc(CAPTION, 2000)
    # Print declares 300 ppi; other sizes keep the source's 240.
    for name in ("preset-print.jpg", "preset-print-tiff.tiff", "kit-print.jpg"):
        assert read[name]["IFD0:XResolution"] == 300, name
    assert read["preset-web.jpg"]["IFD0:XResolution"] == 240
    assert read["free-png.png"]["IFD0:XResolution"] == 240


def test_exiftool_reports_one_validate_line_per_file(archive, tmp_path):
    """The plain text report a person would run: ``exiftool -validate -warning -a``."""
    editor, photo, *_ = archive
    paths = []
    for fmt in ("jpeg", "png", "webp", "tiff"):
        path = tmp_path / f"x.{fmt}"
        path.write_bytes(editor.get(f"/assets/{photo['id']}/download?width=320&format={fmt}").data)
        paths.append(str(path))
    out = subprocess.run(
        ["exiftool", "-validate", "-warning", "-a", *paths],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    lines = [line for line in out.stdout.splitlines() if not line.startswith("========")]
    assert lines == ["Validate                        : OK"] * 4 + ["    4 image files read"]
    assert out.stderr == ""


def test_the_original_is_the_stored_file(app, archive):
    editor, photo, logo, source, event, share = archive
    stored = editor.get(f"/assets/{photo['id']}/file").data
    assert stored == source
    for query in ("", "?preset=original"):
        r = editor.get(f"/assets/{photo['id']}/download{query}")
        assert r.status_code == 200 and r.data == source, query
        assert r.headers["Content-Disposition"].startswith('attachment; filename="puente.jpg"')
    anon = app.test_client()
    assert anon.get(f"{share}/a/{photo['id']}/download").data == source
    assert anon.get(f"{share}/a/{photo['id']}/download?preset=original").data == source
    kit = anon.get(f"/prensa/evento-{event['id']}").headers["Location"]
    assert anon.get(f"{kit}/a/{photo['id']}/download").data == source
    # A derivative only by preset or size.
    assert editor.get(f"/assets/{photo['id']}/download?format=jpeg").data != source


def test_a_transparent_logo_as_jpeg_says_it_is_flattened(app, archive, client, login):
    editor, photo, logo, *_ = archive
    jpeg = editor.get(f"/assets/{logo['id']}/download?preset=web")
    assert jpeg.status_code == 200 and jpeg.mimetype == "image/jpeg"
    notice = unquote(jpeg.headers["X-BrandHub-Notice"])
    assert "JPEG" in notice and "PNG" in notice
    assert Image.open(io.BytesIO(jpeg.data)).getpixel((2, 2)) == (255, 255, 255)
    png = editor.get(f"/assets/{logo['id']}/download?width=300&format=png")
    assert "X-BrandHub-Notice" not in png.headers
    assert Image.open(io.BytesIO(png.data)).getpixel((2, 2))[3] == 0
    assert (
        "X-BrandHub-Notice" not in editor.get(f"/assets/{photo['id']}/download?preset=web").headers
    )
    login(editor.user)
    page = client.get(f"/assets/{logo['id']}").get_data(as_text=True)
    assert "Las zonas transparentes" in page
    assert "Las zonas transparentes" not in client.get(f"/assets/{photo['id']}").get_data(True)
