"""A SHA-256 whose running state can be saved between requests, hashed outside the GIL.

A resumable upload hashes its bytes as they arrive, across requests that
may land on different processes or hosts: after each request the hash's
midstate is saved with the upload and picked up by the next one.
``rehashes`` gives such a hasher, but holds the GIL while it hashes: in a web
process the threads that send the upload's parts on to S3 then wait for it
at each socket write (measured: a third of the parts' throughput lost).

:class:`Sha256` hashes with OpenSSL's SHA-256 (the ``libcrypto`` that
Python's own ``hashlib`` is built on, with the CPU's SHA instructions where
there are any) through ``ctypes``, which lets go of the GIL during each
call; the midstate is OpenSSL's public ``SHA256_CTX``. Where that library
or those functions cannot be loaded (or fail the self-check at import), it
falls back to ``rehashes``. Either way :meth:`Sha256.serialize` writes
``rehashes``' layout, so states saved before, or by a host on the fallback,
are read back by both::

    h[8], little-endian u32 | blocks hashed (64 bytes each), u64 LE
    | n, u8 | n buffered bytes, padded to 63
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import struct
from typing import Any

from rehashes import PySha256

__all__ = ["STATE_SIZE", "Sha256"]

_HEAD = struct.Struct("<8IQB")
_BUFFER = 63
#: Bytes of a serialized state.
STATE_SIZE = _HEAD.size + _BUFFER


class _Context(ctypes.Structure):
    """OpenSSL's ``SHA256_CTX`` (openssl/sha.h): ``SHA_LONG`` is a 32-bit unsigned int."""

    _fields_ = [
        ("h", ctypes.c_uint32 * 8),
        ("Nl", ctypes.c_uint32),
        ("Nh", ctypes.c_uint32),
        ("data", ctypes.c_uint8 * 64),
        ("num", ctypes.c_uint),
        ("md_len", ctypes.c_uint),
    ]


def _load() -> Any:
    """libcrypto's SHA-256 functions, or None where they cannot be used."""
    name = ctypes.util.find_library("crypto")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        functions = (lib.SHA256_Init, lib.SHA256_Update, lib.SHA256_Final)
    except (OSError, AttributeError):
        return None
    pointer = ctypes.POINTER(_Context)
    for function in functions:
        function.restype = ctypes.c_int
    functions[0].argtypes = [pointer]
    functions[1].argtypes = [pointer, ctypes.c_void_p, ctypes.c_size_t]
    functions[2].argtypes = [ctypes.c_char_p, pointer]
    return lib


_LIB = _load()


class _OpenSSL:
    """The OpenSSL midstate and its conversion to and from the serialized layout."""

    def __init__(self) -> None:
        self.ctx = _Context()
        if not _LIB.SHA256_Init(ctypes.byref(self.ctx)):
            raise RuntimeError("OpenSSL could not start a SHA-256.")

    def update(self, data: Any) -> None:
        view = memoryview(data).cast("B")
        if not view.nbytes:
            return
        if isinstance(data, bytes):
            pointer: Any = data  # ctypes passes a bytes object's own buffer
        elif view.readonly:
            pointer = view.tobytes()
        else:
            # Held until the call returns: the buffer stays exported (and alive) meanwhile.
            pointer = (ctypes.c_char * view.nbytes).from_buffer(view)
        if not _LIB.SHA256_Update(ctypes.byref(self.ctx), pointer, view.nbytes):
            raise RuntimeError("OpenSSL could not hash the bytes.")

    def finalize(self) -> str:
        digest = ctypes.create_string_buffer(32)
        state = _Context.from_buffer_copy(self.ctx)  # finishing spoils the midstate
        if not _LIB.SHA256_Final(digest, ctypes.byref(state)):
            raise RuntimeError("OpenSSL could not finish the SHA-256.")
        return digest.raw.hex()

    def serialize(self) -> bytes:
        ctx = self.ctx
        total = ((ctx.Nh << 32) | ctx.Nl) // 8
        pending = bytes(ctx.data[: ctx.num])
        head = _HEAD.pack(*ctx.h, (total - ctx.num) // 64, ctx.num)
        return head + pending.ljust(_BUFFER, b"\0")

    @classmethod
    def deserialize(cls, state: bytes) -> _OpenSSL:
        *h, blocks, pending = _HEAD.unpack_from(state)
        hasher = cls()
        ctx = hasher.ctx
        bits = (blocks * 64 + pending) * 8
        ctx.h[:] = h
        ctx.Nl, ctx.Nh = bits & 0xFFFFFFFF, bits >> 32
        ctx.data[:pending] = state[_HEAD.size : _HEAD.size + pending]
        ctx.num = pending
        return hasher


class Sha256:
    """A SHA-256 that can be saved (:meth:`serialize`) and resumed (:meth:`deserialize`).

    ``finalize`` gives the hex digest of everything hashed and leaves the
    state as it was.
    """

    def __init__(self, _impl: Any = None) -> None:
        self._impl = _impl if _impl is not None else (_OpenSSL() if _USE_OPENSSL else PySha256())

    @property
    def releases_gil(self) -> bool:
        """Whether hashing lets other threads run (OpenSSL), or holds the GIL (the fallback)."""
        return isinstance(self._impl, _OpenSSL)

    def update(self, data: Any) -> None:
        if not isinstance(data, bytes) and not isinstance(self._impl, _OpenSSL):
            data = bytes(data)  # rehashes takes bytes only
        self._impl.update(data)

    def finalize(self) -> str:
        return str(self._impl.finalize())

    def serialize(self) -> bytes:
        state = bytes(self._impl.serialize())
        if len(state) != STATE_SIZE:
            raise ValueError("The SHA-256 state has an unexpected size.")
        return state

    @classmethod
    def deserialize(cls, state: bytes) -> Sha256:
        if len(state) != STATE_SIZE or state[_HEAD.size - 1] > _BUFFER:
            raise ValueError("The saved SHA-256 state is not valid.")
        if _USE_OPENSSL:
            return cls(_OpenSSL.deserialize(state))
        return cls(PySha256.deserialize(state))


def _self_check() -> bool:
    """Whether the loaded OpenSSL hashes and resumes exactly as ``hashlib`` and ``rehashes``."""
    if _LIB is None:
        return False
    data = bytes(range(256)) * 5
    try:
        first = _OpenSSL()
        first.update(data[:321])
        state = first.serialize()
        reference = PySha256()
        reference.update(data[:321])
        if state != bytes(reference.serialize()):
            return False
        resumed = _OpenSSL.deserialize(state)
        resumed.update(memoryview(bytearray(data[321:])))
        return resumed.finalize() == hashlib.sha256(data).hexdigest()
    except (OSError, RuntimeError, ValueError, ctypes.ArgumentError):
        return False


_USE_OPENSSL = _self_check()
