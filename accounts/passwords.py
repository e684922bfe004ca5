"""Password hashing with argon2."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that timing does not reveal accounts.
_dummy_hash = _hasher.hash("not-a-real-password")


def use_fast_hashing() -> None:
    """Switch to cheap argon2 parameters; for the test suite only (PASSWORD_HASH_FAST)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _dummy_hash = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Return an argon2 hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; spends the same effort for unknown users."""
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# No 0/O, 1/l/I: a generated password is read off the screen and typed in by hand.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 14) -> str:
    """Return a random password that is easy to read aloud and type."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _n in range(length))
