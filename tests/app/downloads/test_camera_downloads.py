"""Downloads of real camera photographs, read by ExifTool and exiv2.

The photographs come from Debian's wallpaper packages (``camera_corpus.py``):
cameras wrote their EXIF, editors their XMP and IPTC, so what BrandHub splices
in meets what others left. Each photo is uploaded, given a creator, credit and
rights, and downloaded as the print preset (JPEG at 300 ppi), a PNG and a WebP;
every file must pass ``exiftool -validate`` without a warning, and both readers
must print the credits as set.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.app.downloads.test_written_metadata import (
    CREATOR,
    CREDIT,
    RIGHTS,
    _exiftool,
    _exiv2,
    iptc,
)
from tests.assets.camera_corpus import Unavailable, corpus
from tests.factories import change

pytestmark = pytest.mark.skipif(
    not (shutil.which("exiftool") and shutil.which("exiv2")) and os.geteuid() != 0,
    reason="exiftool and exiv2 are not installed (make test installs them as root)",
)

DOWNLOADS = {
    "print": "preset=print",
    "png": "width=800&format=png",
    "webp": "width=800&format=webp",
}


@pytest.mark.one_database
def test_real_photos_download_with_credits_every_reader_reads(app, api_for, tmp_path):
    try:
        photos = corpus()
    except Unavailable as exc:
        pytest.skip(f"camera photographs unavailable: {exc}")
    api = api_for("photographer", agency="prensa")
    paths = []
    for photo in photos:
        r = api.upload(photo.read_bytes(), photo.name)
        assert r.status_code == 201, (photo.name, r.get_json())
        asset = r.get_json()
        change(app, asset["id"], creator=CREATOR, credit=CREDIT, copyright=RIGHTS)
        original = api.get(f"/assets/{asset['id']}/download")
        assert original.status_code == 200 and original.data == photo.read_bytes(), photo.name
        for name, query in DOWNLOADS.items():
            r = api.get(f"/assets/{asset['id']}/download?{query}")
            assert r.status_code == 200, (photo.name, name, r.get_data()[:300])
            path = tmp_path / f"{photo.stem}-{name}.{'jpg' if name == 'print' else name}"
            path.write_bytes(r.data)
            paths.append(path)
    assert len(paths) == 3 * len(photos) >= 30

    read, seen = _exiftool(paths), _exiv2(paths)
    for path in paths:
        tags, found = read[path.name], seen[path.name]
        assert tags.get("ExifTool:Validate") == "OK", (path.name, tags)
        assert not [k for k in tags if k.startswith(("ExifTool:Warning", "ExifTool:Error"))]
        assert tags["IFD0:Artist"] == CREATOR == found["Exif.Image.Artist"], path.name
        assert tags["IFD0:Copyright"] == RIGHTS == found["Exif.Image.Copyright"], path.name
        assert tags["XMP-dc:Creator"] == CREATOR == found["Xmp.dc.creator"], path.name
        if path.suffix == ".webp":  # WebP has no place for IPTC IIM
            continue
        assert tags["IPTC:By-line"] == iptc(CREATOR, 32) == found["Iptc.Application2.Byline"]
        assert tags["IPTC:Credit"] == iptc(CREDIT, 32) == found["Iptc.Application2.Credit"]
        if path.suffix == ".jpg":
            assert tags["IFD0:XResolution"] == 300, path.name
