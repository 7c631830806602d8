"""Real camera photographs read by BrandHub as ExifTool reads them.

The corpus (``camera_corpus.py``) is fetched from Debian's wallpaper packages
once and cached; the tests skip with the reason where it cannot be had. For
each photograph, ExifTool (``exiftool -json -n -G``) is the oracle: the camera
clock, its offset, make and model, exposure, description and credits. No
placeholder ever becomes a caption, a title or a rights statement.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from assets.metadata import MediaInfo, clean, extract
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from tests.assets.camera_corpus import Unavailable, corpus

EXIFTOOL = shutil.which("exiftool")
ZONE = "America/Argentina/Buenos_Aires"
# Written here, not taken from BrandHub's own list: what must never be a record.
JUNK = {"", "x-default", "olympus digital camera", "konica minolta digital camera", "sony dsc"}


@pytest.fixture(scope="module")
def photos() -> dict[str, tuple[Path, dict[str, Any], MediaInfo]]:
    if EXIFTOOL is None:
        pytest.skip("exiftool is not installed (apt-get install libimage-exiftool-perl)")
    try:
        paths = corpus()
    except Unavailable as exc:
        pytest.skip(f"camera photographs unavailable: {exc}")
    out = subprocess.run(
        [EXIFTOOL, "-json", "-n", "-G", *map(str, paths)],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    theirs = {Path(d["SourceFile"]).name: d for d in json.loads(out)}
    settings = IngestSettings(time_zone=ZONE)
    found = {}
    for path in paths:
        info = extract(path, sniff(path.read_bytes()[:HEAD_BYTES]), settings)
        found[path.name] = (path, theirs[path.name], info)
    return found


def _clock(exif: dict[str, Any]) -> datetime:
    """ExifTool's DateTimeOriginal plus SubSecTimeOriginal, as a naive clock time."""
    value = datetime.strptime(str(exif["EXIF:DateTimeOriginal"]), "%Y:%m:%d %H:%M:%S")
    subsec = re.match(r"\d+", str(exif.get("EXIF:SubSecTimeOriginal", "")))
    if subsec:
        value = value.replace(microsecond=int((subsec.group() + "000000")[:6]))
    return value


def test_the_corpus_has_the_cameras_it_promises(photos) -> None:
    makes = {t.get("EXIF:Make") for _p, t, _i in photos.values()}
    assert {"SONY", "KONICA MINOLTA", "OLYMPUS IMAGING CORP.", "Nokia", "Canon"} <= makes


def test_capture_time_is_the_camera_clock(photos) -> None:
    for name, (_path, theirs, info) in photos.items():
        assert info.capture is not None, name
        assert info.capture.local == _clock(theirs), name
        offset = theirs.get("EXIF:OffsetTimeOriginal")
        if offset:
            assert clean.offset_tz(offset).utcoffset(None).total_seconds() == (  # type: ignore[union-attr]
                info.capture.offset * 60  # type: ignore[operator]
            ), name
        else:  # the camera's clock, read in the instance's zone: never shifted
            assert info.capture.zone_source == "instance" and info.capture.zone == ZONE, name
            # Seen in that zone (Argentina had DST in the summers of 2007-2009), the
            # instant gives the camera's clock back.
            assert info.captured_at is not None
            seen = info.captured_at.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
            assert seen == _clock(theirs), name


def test_camera_make_model_and_exposure(photos) -> None:
    for name, (_path, theirs, info) in photos.items():
        exif = info.metadata["exif"]
        assert exif["make"] == theirs["EXIF:Make"].strip(), name
        assert exif["model"] == theirs["EXIF:Model"].strip(), name
        assert exif["exposure_time"] == pytest.approx(theirs["EXIF:ExposureTime"]), name
    # As photographers (and ExifTool without -n) write it.
    paths = [str(p) for p, _t, _i in photos.values()]
    printed = json.loads(
        subprocess.run(
            [EXIFTOOL, "-json", "-ExposureTime", *paths], check=True, capture_output=True
        ).stdout
    )
    for item in printed:
        info = photos[Path(item["SourceFile"]).name][2]
        shown = clean.exposure(info.metadata["exif"]["exposure_time"])
        assert shown == str(item["ExposureTime"]), item["SourceFile"]


def _mwg(theirs: dict[str, Any], *tags: str) -> str | None:
    """The first of ``tags`` (in MWG order) whose ExifTool value is not junk."""
    for tag in tags:
        value = " ".join(str(theirs.get(tag, "")).split())
        if value.casefold() not in JUNK:
            return value
    return None


def test_description_and_credits_match_exiftool(photos) -> None:
    for name, (_path, theirs, info) in photos.items():
        assert info.caption == _mwg(
            theirs, "EXIF:ImageDescription", "XMP:Description", "IPTC:Caption-Abstract"
        ), name
        assert info.creator == _mwg(theirs, "EXIF:Artist", "XMP:Creator", "IPTC:By-line"), name
        assert info.copyright == _mwg(
            theirs, "EXIF:Copyright", "XMP:Rights", "IPTC:CopyrightNotice"
        ), name
        for value in (info.caption, info.copyright, info.creator, info.title, info.credit):
            assert value is None or value.casefold() not in JUNK, (name, value)


def test_the_known_traps(photos) -> None:
    cups = photos["plasma-workspace-wallpapers--ColorfulCups--2560x1600.jpg"][2]
    assert cups.caption.startswith("Colorful cups. Aarhus, Denmark.")  # type: ignore[union-attr]
    assert cups.metadata["reconciled"]["caption"] == "exif"
    assert cups.metadata["xmp"]["description"] == "x-default"  # the raw value is kept
    assert clean.exposure(cups.metadata["exif"]["exposure_time"]) == "1/640"
    path = photos["plasma-workspace-wallpapers--Path--2560x1600.jpg"][2]
    assert path.caption is None and path.copyright is None
    assert photos["mate-backgrounds--Wood.jpg"][2].caption is None  # KONICA MINOLTA DIGITAL CAMERA
    nokia = photos["plasma-workspace-wallpapers--BytheWater--2560x1600.jpg"][2]
    assert nokia.metadata["exif"]["make"] == "Nokia"
    elephants = photos["mate-backgrounds--Elephants_3840x2160.jpg"][2]
    assert elephants.capture is not None
    assert elephants.capture.local == datetime(2020, 2, 19, 16, 35, 5)


def test_the_asset_page_shows_the_camera_clock(photos, api_for, client, login) -> None:
    api = api_for("photographer", agency="prensa")
    login(api.user)
    names = (
        "mate-backgrounds--Elephants_3840x2160.jpg",
        "plasma-workspace-wallpapers--ColorfulCups--2560x1600.jpg",
        "plasma-workspace-wallpapers--FallenLeaf--2560x1600.jpg",
    )
    for name in names:
        path, theirs, _info = photos[name]
        r = api.upload(path.read_bytes(), name)
        assert r.status_code == 201, r.get_json()
        asset = r.get_json()
        clock = _clock(theirs)
        assert asset["captured_local"] == clock.isoformat()
        assert "EXIF:OffsetTimeOriginal" not in theirs
        assert asset["capture_time_zone_source"] == "instance"
        html = client.get(f"/assets/{asset['id']}?lang=es").get_data(True)
        # "19 feb 2020, 16:35:05": the camera's own clock, not moved by the zone.
        assert f"{clock:%H:%M:%S}" in html, name
        assert "x-default" not in html and "OLYMPUS DIGITAL CAMERA" not in html
    cups = client.get(f"/assets/{asset['id'] - 1}?lang=es").get_data(True)
    assert "1/640 s" in cups and "Colorful cups. Aarhus, Denmark." in cups
