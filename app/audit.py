"""The audit trail (规划全过程留痕): a JSON line per export, OGC features read, snapshot, briefing, upload, sign-in.

Lines go to the file ``HUBEI_MAP_AUDIT_LOG`` names (no trail when it is unset), appended under an
exclusive lock (several gunicorn workers write to one file) and rotated by size: the full file is
renamed ``<file>.<UTC time>`` and a new one begun; rotated files are never deleted by the app.
A line names who (the user the access layer established, or the OS user for the CLI), from which
address, when, and what (layers, indicator, format, CRS, extent, size): nothing personal beyond the
user name and address. A line that cannot be written raises ``AuditError``; callers stop the action
(the file is not handed out) rather than lose the record.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app import settings

#: The kinds of action recorded.
ACTIONS = ("export", "ogc", "snapshot", "briefing", "html", "upload", "sign-in")


class AuditError(RuntimeError):
    """The audit file could not be written: the action must stop."""


def log_path() -> Path | None:
    """The audit file (``HUBEI_MAP_AUDIT_LOG``), or None when no trail is kept."""
    raw = os.environ.get("HUBEI_MAP_AUDIT_LOG", "").strip()
    return Path(raw) if raw else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def actor() -> tuple[str | None, str | None, str]:
    """Who acts, from where, through what: the web user and address in a request, else the OS user."""
    try:
        from flask import g, has_request_context, request
    except ImportError:  # pragma: no cover - flask is a dependency of the app
        has_request_context = None  # type: ignore[assignment]
    if has_request_context is not None and has_request_context():
        return g.get("hubei_user"), request.remote_addr, "web"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return user, None, "cli"


def check_writable() -> None:
    """Raise ``AuditError`` now if a record could not be written (the CLI checks before long work)."""
    path = log_path()
    if path is None:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    except OSError as exc:
        raise AuditError(_message(path, exc)) from exc
    os.close(fd)


def _message(path: Path, exc: OSError) -> str:
    return (
        f"the audit trail {path} (HUBEI_MAP_AUDIT_LOG) cannot be written ({exc.strerror or exc}); "
        "the action was stopped so that it is not left unrecorded"
    )


def record(action: str, *, outcome: str = "ok", as_user: str | None = None, **what: Any) -> dict[str, Any] | None:
    """Append one line for ``action`` with ``what`` was done; the record, or None without a trail.

    ``as_user`` names the user when the access layer has not established one (a sign-in attempt).
    Raises ``AuditError`` when the line cannot be written.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    path = log_path()
    if path is None:
        return None
    user, address, via = actor()
    user = as_user if as_user is not None else user
    entry: dict[str, Any] = {"time": _now(), "action": action, "outcome": outcome, "user": user}
    entry.update({"address": address, "via": via})
    entry.update({key: value for key, value in what.items() if value is not None})
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")
    try:
        _append(path, line)
    except OSError as exc:
        raise AuditError(_message(path, exc)) from exc
    return entry


def _open_locked(path: Path) -> int:
    """The current audit file, open for appending and exclusively locked (reopened if rotated meanwhile)."""
    import fcntl

    while True:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # another process rotated it while this one waited for the lock


def _append(path: Path, line: bytes) -> None:
    """Append ``line`` under an exclusive lock, rotating the file first when it has grown too big."""
    limit = settings.env_int("HUBEI_MAP_AUDIT_MAX_BYTES", minimum=1024)
    fd = _open_locked(path)
    try:
        size = os.fstat(fd).st_size
        if size and size + len(line) > limit:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            os.rename(path, path.with_name(f"{path.name}.{stamp}"))
            os.close(fd)
            fd = _open_locked(path)
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f"only {written} of {len(line)} bytes written")
        os.fsync(fd)
    finally:
        os.close(fd)


def files(path: Path) -> list[Path]:
    """The audit file and its rotated predecessors, oldest first."""
    rotated = sorted(p for p in path.parent.glob(f"{path.name}.*") if p.name[len(path.name) + 1 :][:1].isdigit())
    return [*rotated, *([path] if path.exists() else [])]


def read(path: Path, *, since: dt.datetime | None = None, user: str | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``path`` and its rotated files, oldest first, filtered by time and user.

    A line that is not a JSON object is given as ``{"unreadable": file:line}`` rather than skipped.
    """
    for file in files(path):
        with file.open(encoding="utf-8", errors="replace") as lines:
            for number, text in enumerate(lines, start=1):
                try:
                    entry = json.loads(text)
                except json.JSONDecodeError:
                    entry = None
                if not isinstance(entry, dict):
                    yield {"unreadable": f"{file}:{number}"}
                    continue
                if user is not None and entry.get("user") != user:
                    continue
                if since is not None and _time(entry) < since:
                    continue
                yield entry


def _time(entry: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(entry.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
