"""The ingest pipeline: prepare (spool, hash, sniff, check, render) and store."""

from __future__ import annotations

import hashlib
import io
import random

import pytest

from assets.errors import (
    BrandHubError,
    FileTooLarge,
    InvalidFile,
    StorageError,
    UnsupportedMediaType,
)
from assets.ingest import PreparedFile, prepare, store
from assets.settings import IngestSettings
from assets.storage import LocalStorage
from tests.assets import media_factory as mf


@pytest.fixture
def settings(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    return IngestSettings(tmp_dir=spool)


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "store")


def spooled(settings):
    return list(settings.tmp_dir.iterdir())


def test_prepare_and_store_a_photo(settings, storage):
    data = mf.make_jpeg(2400, 1600, exif={"make": "Canon"}, iptc={"creator": "Ana Pérez"})
    with prepare(io.BytesIO(data), "../Acto Oficial.JPG", settings) as prepared:
        assert prepared.sha256 == hashlib.sha256(data).hexdigest()
        assert prepared.size == len(data)
        assert prepared.sniffed.mime == "image/jpeg"
        assert prepared.filename == "Acto Oficial.JPG"
        assert prepared.info.creator == "Ana Pérez"
        assert (prepared.info.width, prepared.info.height) == (2400, 1600)
        assert (
            prepared.original_key
            == f"originals/{data_hash(data)[:2]}/{data_hash(data)[2:4]}/{data_hash(data)}"
        )
        assert prepared.rendition_key("thumb") == f"renditions/{data_hash(data)}/thumb.webp"
        assert {n: (r.width, r.height) for n, r in prepared.renditions.items()} == {
            "thumb": (320, 213),
            "preview": (1600, 1067),
        }
        written = store(prepared, storage)
        assert written == [
            prepared.original_key,
            prepared.rendition_key("thumb"),
            prepared.rendition_key("preview"),
        ]
        assert storage.read_bytes(prepared.original_key) == data
        assert (
            storage.read_bytes(prepared.rendition_key("preview"))
            == prepared.renditions["preview"].data
        )
    assert spooled(settings) == []  # the context manager removed the temporary file


def data_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_same_bytes_are_stored_once(settings, storage):
    data = mf.make_png(300, 200)
    with prepare(io.BytesIO(data), "a.png", settings) as first:
        assert len(store(first, storage)) == 3
    with prepare(io.BytesIO(data), "copy of a.png", settings) as second:
        assert second.original_key == first.original_key
        assert store(second, storage) == []
    assert sorted(storage.iter_keys()) == sorted(
        [first.original_key, first.rendition_key("thumb"), first.rendition_key("preview")]
    )


def test_custom_renditions(settings):
    data = mf.make_jpeg(800, 600)
    specs = {"square": "fill-100x100|format-jpeg", "og": "fill-1200x630|format-jpeg"}
    with prepare(io.BytesIO(data), None, settings, renditions=specs) as prepared:
        assert prepared.filename == "file"
        assert prepared.rendition_key("square").endswith("/square.jpg")
        assert (prepared.renditions["og"].width, prepared.renditions["og"].height) == (800, 420)


class EndlessStream:
    """Zeros for ever, counting what was read: a client that never stops sending."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 1024 * 1024 if size is None or size < 0 else size
        self.read_bytes += size
        return b"\x00" * size


def test_too_large_stops_reading_and_leaves_nothing(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    settings = IngestSettings(max_upload_bytes=3 * 1024 * 1024, tmp_dir=spool)
    stream = EndlessStream()
    with pytest.raises(FileTooLarge):
        prepare(stream, "big.mp4", settings)
    assert stream.read_bytes <= 5 * 1024 * 1024
    assert list(spool.iterdir()) == []


def test_exactly_the_limit_is_accepted(tmp_path):
    data = mf.make_png(64, 64)
    settings = IngestSettings(max_upload_bytes=len(data), tmp_dir=tmp_path)
    with prepare(io.BytesIO(data), "x.png", settings) as prepared:
        assert prepared.size == len(data)


@pytest.mark.parametrize(
    ("data", "filename", "error", "message"),
    [
        (b"", "empty.jpg", InvalidFile, "The file is empty."),
        (b"<html><body>hi</body></html>", "logo.png", UnsupportedMediaType, "HTML page"),
        (b"PK\x03\x04" + b"\x00" * 100, "photos.zip", UnsupportedMediaType, "archive"),
        (mf.make_png(), "logo.jpg", UnsupportedMediaType, "does not match its name"),
        (mf.make_jpeg(300, 200, pattern="noise")[:2000], "cut.jpg", InvalidFile, "damaged"),
        (mf.make_png_header(100_000, 100_000), "bomb.png", InvalidFile, "too large"),
        (
            mf.make_svg(prologue='<!DOCTYPE svg [<!ENTITY a "b">]>'),
            "x.svg",
            InvalidFile,
            "not allowed",
        ),
    ],
    ids=["empty", "html", "zip", "lying-name", "truncated", "bomb", "svg-entities"],
)
def test_refusals_leave_nothing_behind(settings, data, filename, error, message):
    with pytest.raises(error) as info:
        prepare(io.BytesIO(data), filename, settings)
    assert message in info.value.message
    assert spooled(settings) == []


def test_svg_is_stored_sanitised_and_hashed_as_stored(settings, storage):
    data = mf.make_svg('<script>alert(1)</script><rect onclick="x()" width="5" height="5"/>')
    with prepare(io.BytesIO(data), "logo.svg", settings) as prepared:
        assert prepared.sanitized is True
        stored = prepared.path.read_bytes()
        assert b"script" not in stored and b"onclick" not in stored
        assert prepared.sha256 == hashlib.sha256(stored).hexdigest()
        assert prepared.size == len(stored)
        store(prepared, storage)
        assert storage.read_bytes(prepared.original_key) == stored
        assert prepared.renditions["thumb"].width == 320  # vectors are drawn at the size asked


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (mf.make_mp4(0.5, 320, 240, audio=True), "clip.mp4", "video"),
        (mf.make_mp3(0.5), "spot.mp3", "audio"),
        (mf.make_pdf(2), "manual.pdf", "document"),
        (mf.make_heic(), "IMG_0001.HEIC", "image"),
    ],
)
def test_other_kinds(settings, storage, data, filename, kind):
    with prepare(io.BytesIO(data), filename, settings) as prepared:
        assert prepared.sniffed.kind == kind
        assert set(prepared.renditions) == {"thumb", "preview"}
        assert len(store(prepared, storage)) == 3


@pytest.mark.parametrize(
    ("data", "mime"),
    [(mf.make_m4a(0.5, container="mp4"), "audio/mp4"), (mf.make_ogg(0.5), "audio/ogg")],
    ids=["mp4-of-sound", "opus"],
)
def test_a_video_container_holding_only_sound_is_filed_as_audio(settings, data, mime):
    with prepare(
        io.BytesIO(data), "voice.mp4" if "mp4" in mime else "a.opus", settings
    ) as prepared:
        assert (prepared.sniffed.kind, prepared.sniffed.mime) == ("audio", mime)
        assert prepared.info.metadata["audio"]["codec"] in ("aac", "opus")
        assert prepared.renditions["preview"].height == 800  # a waveform, not a poster


class FailingStorage(LocalStorage):
    """A real local store whose n-th write fails, as a full disk would."""

    def __init__(self, root, fail_on: int) -> None:
        super().__init__(root)
        self.puts = 0
        self.fail_on = fail_on

    def put(self, key, stream, *, content_type=None):
        self.puts += 1
        if self.puts == self.fail_on:
            raise StorageError("The file store failed; nothing was written.", key=key)
        return super().put(key, stream, content_type=content_type)


def test_a_failed_store_removes_what_it_wrote(settings, tmp_path):
    storage = FailingStorage(tmp_path / "store", fail_on=3)
    with prepare(io.BytesIO(mf.make_jpeg()), "a.jpg", settings) as prepared:
        with pytest.raises(StorageError):
            store(prepared, storage)
    assert list(storage.iter_keys()) == []


def test_a_failed_store_keeps_an_original_it_did_not_write(settings, tmp_path):
    data = mf.make_jpeg()
    storage = FailingStorage(tmp_path / "store", fail_on=2)
    with prepare(io.BytesIO(data), "a.jpg", settings) as prepared:
        storage.put(prepared.original_key, io.BytesIO(data))  # stored by an earlier upload
        with pytest.raises(StorageError):
            store(prepared, storage)
        assert list(storage.iter_keys()) == [prepared.original_key]


def test_cleanup_is_idempotent(settings):
    prepared = prepare(io.BytesIO(mf.make_gif()), "anim.gif", settings)
    assert isinstance(prepared, PreparedFile)
    assert prepared.path.exists()
    prepared.cleanup()
    prepared.cleanup()
    assert not prepared.path.exists()


DAMAGEABLE = {
    "jpeg": lambda: mf.make_jpeg(200, 150, exif={"make": "X", "gps": (1, 2)}, iptc={"city": "a"}),
    "png": lambda: mf.make_png(100, 80),
    "gif": mf.make_gif,
    "webp": lambda: mf.make_webp(64, 64),
    "tiff": lambda: mf.make_tiff(64, 64, exif={"make": "Y"}),
    "heic": lambda: mf.make_heic(64, 64),
    "svg": lambda: mf.make_svg("<text>x</text>"),
    "pdf": lambda: mf.make_pdf(width_pt=100, height_pt=100),
    "mp4": lambda: mf.make_mp4(0.3, 64, 48, audio=True),
    "webm": lambda: mf.make_webm(0.3, 64, 48),
    "mp3": lambda: mf.make_mp3(0.3),
    "ogg": lambda: mf.make_ogg(0.3),
}


@pytest.mark.parametrize("kind", sorted(DAMAGEABLE))
def test_damaged_files_never_escape_as_raw_decoder_errors(settings, kind):
    base = DAMAGEABLE[kind]()
    rng = random.Random(kind)
    for _ in range(12):
        data = bytearray(base)
        how = rng.choice(["flip", "cut", "insert"])
        if how == "flip":
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(8, len(data))] = rng.randrange(256)
        elif how == "cut":
            data = data[: rng.randrange(16, len(data))]
        else:
            at = rng.randrange(len(data))
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        try:
            prepare(io.BytesIO(bytes(data)), None, settings).cleanup()
        except BrandHubError:
            pass  # a clear refusal is the other acceptable outcome
        assert spooled(settings) == []
