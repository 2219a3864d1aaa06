"""The user file of ``HUBEI_MAP_AUTH=users``: one ``name:argon2 hash`` line per user.

Passwords are hashed with argon2id (``argon2-cffi``: a random salt per hash, the library's
recommended cost), never stored or logged in plain. The file is rewritten atomically (a
temporary file in the same folder, then a rename) with mode 0600. ``hubei-map users`` manages it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

#: A user name: letters, digits and ``. _ @ -``, at most 64 characters (no ``:``, which separates the hash).
NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
#: Shortest password ``users add`` accepts.
MIN_PASSWORD = 8


class UserFileError(ValueError):
    """A user file or a user name that cannot be used; the message names the file, line or name."""


def _hasher() -> object:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh random salt."""
    return str(_hasher().hash(password))  # type: ignore[attr-defined]


def check_name(name: str) -> str:
    """``name`` if it is a valid user name, else UserFileError saying what is allowed."""
    if not NAME.fullmatch(name):
        raise UserFileError(f"user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
    return name


def read_users(path: Path) -> dict[str, str]:
    """The user file as name -> hash (empty if the file does not exist); UserFileError names a bad line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not NAME.fullmatch(name) or not stored.startswith("$argon2"):
            raise UserFileError(f"{path}, line {number}: expected 'name:$argon2id$...' (see hubei-map users)")
        users[name] = stored
    return users


def write_users(path: Path, users: dict[str, str]) -> None:
    """Write the user file atomically, readable by its owner only (0600)."""
    body = "".join(f"{name}:{stored}\n" for name, stored in sorted(users.items()))
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_user(path: Path, name: str, password: str, *, replace: bool = False) -> None:
    """Add ``name`` with ``password`` (hashed); UserFileError if it exists (unless ``replace``) or is too short."""
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise UserFileError(f"the password must have at least {MIN_PASSWORD} characters")
    users = read_users(path)
    if name in users and not replace:
        raise UserFileError(f"user {name!r} exists already in {path} (--replace sets a new password)")
    users[name] = hash_password(password)
    write_users(path, users)


def remove_user(path: Path, name: str) -> None:
    """Remove ``name``; UserFileError if there is no such user."""
    users = read_users(path)
    if name not in users:
        raise UserFileError(f"no user {name!r} in {path}")
    del users[name]
    write_users(path, users)


#: Credentials verified in this process: keyed by an HMAC of name, password and stored hash under a
#: per-process random key, so repeated basic-auth requests (QGIS, scripts) do not pay argon2 each time
#: and a changed hash (new password, removed user) no longer matches.
_VERIFIED: set[bytes] = set()
_CACHE_KEY = secrets.token_bytes(32)
_DUMMY_HASH: list[str] = []


def verify(users: dict[str, str], name: str, password: str) -> bool:
    """True when ``password`` is ``name``'s; as slow for an unknown name as for a wrong password."""
    from argon2.exceptions import InvalidHashError, VerificationError

    stored = users.get(name)
    if stored is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
        stored, known = _DUMMY_HASH[0], False
    else:
        known = True
    token = hmac.new(_CACHE_KEY, f"{name}\0{password}\0{stored}".encode(), hashlib.sha256).digest()
    if known and token in _VERIFIED:
        return True
    try:
        _hasher().verify(stored, password)  # type: ignore[attr-defined]
    except (VerificationError, InvalidHashError):
        return False
    if not known:
        return False
    if len(_VERIFIED) > 10_000:
        _VERIFIED.clear()
    _VERIFIED.add(token)
    return True
