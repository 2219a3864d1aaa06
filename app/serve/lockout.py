"""Failed sign-ins per key (``user:NAME``, ``addr:IP``) within a time window, and whether a key is locked.

``HUBEI_MAP_LOCKOUT_ATTEMPTS`` failures within ``HUBEI_MAP_LOCKOUT_SECONDS`` lock a key until the oldest of
them ages out. ``SharedLockout`` keeps the failures in a small SQLite file, so every gunicorn worker counts
the same failures (otherwise N workers would allow N times the attempts); ``Lockout`` keeps them in memory
(tests, or when the file cannot be made).
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from app import settings


def limits() -> tuple[int, int]:
    """(attempts, seconds) from ``HUBEI_MAP_LOCKOUT_ATTEMPTS`` and ``HUBEI_MAP_LOCKOUT_SECONDS``."""
    attempts = settings.env_int("HUBEI_MAP_LOCKOUT_ATTEMPTS", minimum=1)
    return attempts, settings.env_int("HUBEI_MAP_LOCKOUT_SECONDS", minimum=1)


class Lockout:
    """The failures in this process's memory (thread-safe)."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        """Seconds until ``keys`` may try again (0: not locked)."""
        attempts, window = limits()
        now = time.time()
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                while times and times[0] <= now - window:
                    times.popleft()
                if times and len(times) >= attempts:
                    longest = max(longest, times[-attempts] + window - now)
        return longest

    def fail(self, keys: list[str]) -> None:
        """Count a failure for each key."""
        attempts, _ = limits()
        now = time.time()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque(maxlen=attempts * 2)).append(now)
            if len(self._failures) > 100_000:  # a flood of distinct names: forget the oldest half
                for key in list(self._failures)[: len(self._failures) // 2]:
                    del self._failures[key]

    def clear(self, keys: list[str]) -> None:
        """Forget the failures of ``keys`` (after a successful sign-in)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class SharedLockout:
    """The failures in a SQLite file every worker process shares (one connection per call: safe across forks)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")
        path.chmod(0o600)

    @classmethod
    def or_memory(cls, path: Path) -> SharedLockout | Lockout:
        """A shared lockout in ``path``, or one in memory (saying so on stderr) if the file cannot be made."""
        try:
            return cls(path)
        except (sqlite3.Error, OSError) as exc:
            print(f"hubei-map: lockout counts kept per worker: cannot use {path}: {exc}", file=sys.stderr, flush=True)
            return Lockout()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode, closed after the block."""
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            yield db

    def wait(self, keys: list[str]) -> float:
        """Seconds until ``keys`` may try again (0: not locked)."""
        attempts, window = limits()
        now = time.time()
        longest = 0.0
        with self._connect() as db:
            for key in keys:
                rows = db.execute(
                    "SELECT at FROM failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                    (key, now - window, attempts),
                ).fetchall()
                if len(rows) >= attempts:
                    longest = max(longest, rows[-1][0] + window - now)
        return longest

    def fail(self, keys: list[str]) -> None:
        """Count a failure for each key (and forget failures older than the window)."""
        _, window = limits()
        now = time.time()
        with self._connect() as db:
            db.executemany("INSERT INTO failures (key, at) VALUES (?, ?)", [(key, now) for key in keys])
            db.execute("DELETE FROM failures WHERE at <= ?", (now - window,))

    def clear(self, keys: list[str]) -> None:
        """Forget the failures of ``keys`` (after a successful sign-in)."""
        with self._connect() as db:
            db.executemany("DELETE FROM failures WHERE key = ?", [(key,) for key in keys])
