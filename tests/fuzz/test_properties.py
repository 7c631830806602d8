"""Properties of the ingest boundary, checked on generated input (hypothesis).

- ``sniff`` raises nothing but ``UnsupportedMediaType``, whatever the bytes and name;
- ``check_extension`` likewise, for every accepted type and any name;
- ``safe_filename`` always gives a short, printable name with no path in it,
  and is idempotent;
- ``parse_xmp`` returns a dict for any bytes;
- bytes that start with a valid signature, then anything, and valid files with
  bytes flipped, go through ``prepare`` into a ``PreparedFile`` or a domain
  error (``InvalidFile``, ``UnsupportedMediaType``), and leave no temporary file.

Examples are few and deadlines off: the point is breadth within a few seconds.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assets.errors import InvalidFile, UnsupportedMediaType
from assets.ingest import prepare
from assets.metadata.xmp import parse_xmp
from assets.settings import IngestSettings
from assets.sniff import ACCEPTED, check_extension, safe_filename, sniff
from tests.assets import media_factory as mf

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

MAGIC = [
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"RIFF\x00\x10\x00\x00WAVEfmt ",
    b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1",
    b"\x1a\x45\xdf\xa3\x42\x82\x84webm",
    b"OggS\x00\x02",
    b"fLaC\x00\x00\x00\x22",
    b"ID3\x04\x00\x00",
    b"%PDF-1.7\n",
    b'<svg xmlns="http://www.w3.org/2000/svg">',
]

names = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.sampled_from(["foto.jpg", "logo.svg", "../../a.png", "x.exe", "CON", ".htaccess", "a.b.c"]),
)


@FAST
@given(head=st.binary(max_size=4096), filename=names)
@example(head=b"", filename=None)
@example(head=b"\x00\x00\x00\x08ftyp", filename="a.mp4")
@example(head=b"\xff\xfe<\x00s\x00v\x00g\x00", filename=None)
def test_sniff_raises_only_unsupported_media_type(head: bytes, filename: str | None) -> None:
    try:
        found = sniff(head, filename)
    except UnsupportedMediaType as exc:
        assert exc.message and isinstance(exc.details.get("seems"), str)
    else:
        assert found in ACCEPTED


@FAST
@given(prefix=st.sampled_from(MAGIC), tail=st.binary(max_size=2048))
def test_sniff_on_signatures_followed_by_anything(prefix: bytes, tail: bytes) -> None:
    try:
        sniff(prefix + tail)
    except UnsupportedMediaType:
        pass


@FAST
@given(sniffed=st.sampled_from(ACCEPTED), filename=names)
def test_check_extension_raises_only_unsupported_media_type(sniffed, filename) -> None:
    try:
        check_extension(sniffed, filename)
    except UnsupportedMediaType:
        pass


def _safe(name: str) -> bool:
    return (
        0 < len(name) <= 200
        and name == unicodedata.normalize("NFC", name)
        and not any(ch in name for ch in '/\\<>:"|?*')
        and not name.startswith((".", " "))
        and not name.endswith((".", " "))
        and all(unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name)
        and name.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
    )


@FAST
@given(
    name=st.one_of(
        st.none(),
        st.text(max_size=1200),
        st.binary(max_size=300).map(lambda b: b.decode("utf-8", "surrogateescape")),
    )
)
@example(name="\u202egnp.exe")
@example(name="a" * 1000 + ".png")
@example(name="../../etc/passwd")
@example(name="..\\..\\boot.ini")
@example(name="con.txt")
@example(name="\x00\x01.jpg")
@example(name=". . .")
@example(name="A\x08\u0300.png")  # a dropped character left a combining mark
@example(name="A" + "`" * 19 + "." * 160 + "`" * 13 + "." * 30 + "`" * 60)  # a cut name
def test_safe_filename_is_always_safe(name: str | None) -> None:
    out = safe_filename(name)
    assert _safe(out), repr(out)
    assert safe_filename(out) == out


@FAST
@given(raw=st.one_of(st.binary(max_size=4096), st.text(max_size=2048)))
@example(raw=b'<!DOCTYPE x [<!ENTITY a "b">]><x:xmpmeta>&a;</x:xmpmeta>')
@example(raw="<rdf:RDF>" * 2000)
def test_parse_xmp_never_raises(raw: bytes | str) -> None:
    assert isinstance(parse_xmp(raw), dict)


# -- through prepare -------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> list[tuple[bytes, str]]:
    """Small valid files of every family, to be damaged by the examples."""
    return [
        (mf.make_jpeg(48, 32, exif={"make": "Canon"}, orientation=6), "a.jpg"),
        (mf.make_png(40, 30), "a.png"),
        (mf.make_gif(16, 16, frames=2), "a.gif"),
        (mf.make_tiff(24, 24), "a.tif"),
        (mf.make_webp(32, 32), "a.webp"),
        (mf.make_svg('<circle r="4"/>'), "a.svg"),
        (mf.make_pdf(width_pt=60, height_pt=40), "a.pdf"),
        (mf.make_mp4(0.2, 32, 32, fps=10), "a.mp4"),
        (mf.make_wav(0.1), "a.wav"),
    ]


def _through_prepare(data: bytes, filename: str | None, tmp: Path) -> None:
    settings_ = IngestSettings(tmp_dir=tmp, max_image_pixels=4_000_000)
    try:
        with prepare(io.BytesIO(data), filename, settings_) as prepared:
            assert prepared.size > 0 and len(prepared.sha256) == 64
    except (InvalidFile, UnsupportedMediaType) as exc:
        assert exc.message
    assert list(tmp.iterdir()) == []


@SLOW
@given(prefix=st.sampled_from(MAGIC), tail=st.binary(max_size=1024))
def test_random_bytes_with_a_valid_signature_through_prepare(tmp_path, prefix, tail) -> None:
    _through_prepare(prefix + tail, None, tmp_path)


@SLOW
@given(data=st.data())
def test_damaged_valid_files_through_prepare(tmp_path, seeds, data) -> None:
    original, filename = data.draw(st.sampled_from(seeds))
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(damaged)))
    assume(cut > 0)
    _through_prepare(bytes(damaged[:cut]), filename, tmp_path)
