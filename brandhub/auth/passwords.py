"""Password hashing with Argon2id (argon2-cffi); plain passwords are never stored."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's default: RFC 9106's second recommendation (3 passes over 64 MiB, 4 lanes).
_hasher = PasswordHasher()
_stand_in: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    """A hash to verify against when there is no account, so that a login with an
    unknown e-mail costs what a known one costs: made by the hasher in use, with its
    parameters, the first time it is needed (not at import, which every process of the
    app and every command line would pay)."""
    global _stand_in
    hasher = _hasher
    if _stand_in is None or _stand_in[0] is not hasher:
        _stand_in = (hasher, hasher.hash("brandhub-dummy-password"))
    return _stand_in[1]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
