"""The resumable SHA-256: its digests are hashlib's, its saved states are ``rehashes``'.

``hashlib`` (OpenSSL's EVP interface) gives the reference digests, and
``rehashes`` (a separate implementation, in Rust) the reference layout of a
saved state: states saved by one are resumed by the other, both ways, at cuts
on either side of the 64-byte block edges.
"""

from __future__ import annotations

import hashlib
import mmap
import os

import pytest
from rehashes import PySha256

from assets import midstate
from assets.midstate import STATE_SIZE, Sha256

DATA = os.urandom(200_003)
CUTS = [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 4096, 65_536, 199_999, 200_003]


@pytest.fixture(params=["openssl", "fallback"])
def implementation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "openssl":
        if not midstate._USE_OPENSSL:
            pytest.fail("libcrypto's SHA-256 did not load: Python's hashlib is built on it")
    else:
        monkeypatch.setattr(midstate, "_USE_OPENSSL", False)
    return str(request.param)


@pytest.mark.parametrize("cut", CUTS)
def test_saved_state_is_rehashes_layout_and_resumes_to_hashlib_digest(
    implementation: str, cut: int
) -> None:
    first = Sha256()
    first.update(DATA[:cut])
    state = first.serialize()
    reference = PySha256()
    reference.update(DATA[:cut])
    assert len(state) == STATE_SIZE
    assert state == bytes(reference.serialize())

    resumed = Sha256.deserialize(state)
    resumed.update(DATA[cut:])
    assert resumed.finalize() == hashlib.sha256(DATA).hexdigest()

    # A state this module saved is resumed by rehashes, and the other way round.
    other = PySha256.deserialize(state)
    other.update(DATA[cut:])
    assert other.finalize() == hashlib.sha256(DATA).hexdigest()
    back = Sha256.deserialize(bytes(reference.serialize()))
    back.update(DATA[cut:])
    assert back.finalize() == hashlib.sha256(DATA).hexdigest()


@pytest.mark.parametrize(
    "wrap",
    [
        bytes,
        bytearray,
        lambda b: memoryview(b),  # read-only view of bytes
        lambda b: memoryview(bytearray(b))[3:],  # writable view at an offset
    ],
    ids=["bytes", "bytearray", "readonly-view", "writable-view"],
)
def test_any_buffer_hashes_as_its_bytes(implementation: str, wrap: object) -> None:
    hasher = Sha256()
    data = wrap(DATA)  # type: ignore[operator]
    hasher.update(data)
    assert hasher.finalize() == hashlib.sha256(bytes(memoryview(data))).hexdigest()


def test_mapped_part_buffer_hashes_in_place(implementation: str) -> None:
    """What an S3 upload hashes: a view of the part's mapped buffer, filled in place."""
    buffer = mmap.mmap(-1, 1 << 20)
    buffer[: len(DATA)] = DATA
    hasher = Sha256()
    view = memoryview(buffer)
    hasher.update(view[:1000])
    hasher.update(view[1000 : len(DATA)])
    view.release()
    assert hasher.finalize() == hashlib.sha256(DATA).hexdigest()
    buffer.close()  # nothing still holds the buffer exported


def test_finalize_leaves_the_state_as_it_was(implementation: str) -> None:
    hasher = Sha256()
    hasher.update(b"abc")
    assert hasher.finalize() == hashlib.sha256(b"abc").hexdigest()
    hasher.update(b"def")
    assert hasher.finalize() == hashlib.sha256(b"abcdef").hexdigest()
    assert Sha256().finalize() == hashlib.sha256(b"").hexdigest()


def test_openssl_lets_other_threads_run() -> None:
    assert Sha256().releases_gil
    assert not Sha256(PySha256()).releases_gil


@pytest.mark.parametrize(
    "state",
    [b"", b"\0" * (STATE_SIZE - 1), b"\0" * (STATE_SIZE + 1), b"\0" * 40 + b"\x40" + b"\0" * 63],
    ids=["empty", "short", "long", "pending-64"],
)
def test_a_damaged_state_is_refused(implementation: str, state: bytes) -> None:
    with pytest.raises(ValueError):
        Sha256.deserialize(state)
