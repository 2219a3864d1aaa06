"""Structured access log: one JSON line per request on stderr.

``AccessLog`` wraps the WSGI app (the Dash/Flask server), so it sees every request the
same way under ``hubei-map serve`` and under gunicorn: time (UTC, ISO 8601), method,
path, status, bytes of the body sent, duration in milliseconds until the last byte,
the worker's pid and the client's address (the proxy's ``X-Forwarded-For`` when
``HUBEI_MAP_PROXY_HOPS`` trusts it). ``HUBEI_MAP_ACCESS_LOG=off`` turns it off.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
#: Values of ``HUBEI_MAP_ACCESS_LOG``.
MODES = ("json", "off")


def log_mode() -> str:
    """``json`` or ``off`` from ``HUBEI_MAP_ACCESS_LOG``; ValueError names a wrong value."""
    from app import settings

    mode = settings.env_str("HUBEI_MAP_ACCESS_LOG").strip().lower()
    if mode not in MODES:
        raise ValueError(f"HUBEI_MAP_ACCESS_LOG must be one of {MODES}, got {mode!r}")
    return mode


def record(environ: Environ, status: int, sent: int, started: float) -> dict[str, Any]:
    """The log record of one request (what one line holds)."""
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "status": status,
        "bytes": sent,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "pid": os.getpid(),
        "remote": environ.get("REMOTE_ADDR", ""),
    }


class _Body:
    """The response body, counted as it is sent; the line is written when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]):
        self._body, self._done, self._sent = body, done, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done(self._sent)


class AccessLog:
    """WSGI middleware writing one JSON line per request to ``stream`` (stderr by default)."""

    def __init__(self, app: WsgiApp, stream: IO[str] | None = None):
        self.app = app
        self.stream = stream

    def _write(self, line: dict[str, Any]) -> None:
        stream = self.stream or sys.stderr
        try:
            stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            stream.flush()
        except (OSError, ValueError):  # a closed or full log must never fail a request
            pass

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Serve the request through the wrapped app and log it once its body is sent."""
        started = time.perf_counter()
        status = [500]

        def start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        try:
            body = self.app(environ, start)
        except BaseException:
            self._write(record(environ, 500, 0, started))
            raise
        return _Body(body, lambda sent: self._write(record(environ, status[0], sent, started)))
