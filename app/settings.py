"""App settings: defaults and URLs, in one place. Environment variables override them.

Every environment variable the app reads is listed in ``ENV_VARS`` (name, default,
meaning); the README's configuration table is ``env_table()`` and a test keeps the two
equal, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: its name, its default as text, what it sets."""

    name: str
    default: str
    meaning: str


def _cores() -> int:
    return os.cpu_count() or 1


#: Every environment variable read by the app, the CLI and the gunicorn configuration.
ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar("HUBEI_MAP_DATA", "the repository's `data/`", "data folder every command reads (geo/paths.py)"),
    EnvVar("HUBEI_MAP_HOST", "127.0.0.1", "address `hubei-map serve` binds (`--host` overrides)"),
    EnvVar("HUBEI_MAP_PORT", "8050", "port `hubei-map serve` binds (`--port` overrides)"),
    EnvVar("HUBEI_MAP_WORKERS", "number of CPU cores, at least 2", "`serve --prod`: gunicorn worker processes"),
    EnvVar("HUBEI_MAP_THREADS", "4", "`serve --prod`: threads per worker (gthread)"),
    EnvVar("HUBEI_MAP_TIMEOUT", "120", "`serve --prod`: seconds before a silent worker is killed and replaced"),
    EnvVar(
        "HUBEI_MAP_GRACEFUL_TIMEOUT", "60", "`serve --prod`: seconds a worker may finish its requests on restart/stop"
    ),
    EnvVar(
        "HUBEI_MAP_MAX_REQUESTS",
        "2000",
        "`serve --prod`: a worker is replaced after about this many requests (0: never)",
    ),
    EnvVar(
        "HUBEI_MAP_HEAVY_JOBS",
        "1",
        "exports and snapshots running at once per worker; more get 'busy, try again' (HTTP 503)",
    ),
    EnvVar(
        "HUBEI_MAP_HEAVY_ISOLATION",
        "process",
        "`process`: exports and snapshots run in a separate job process per worker at lower CPU priority, so "
        "browsing keeps its CPU; `thread`: in the worker itself",
    ),
    EnvVar("HUBEI_MAP_HEAVY_NICE", "10", "CPU niceness of the job processes (0-19; higher yields more to browsing)"),
    EnvVar("HUBEI_MAP_RETRY_AFTER", "10", "seconds in the `Retry-After` header of a busy answer"),
    EnvVar(
        "HUBEI_MAP_WORK_DIR",
        "the system temp folder",
        "scratch folder of exports (a killed worker's leftovers are removed by the gunicorn master)",
    ),
    EnvVar("HUBEI_MAP_ACCESS_LOG", "json", "`json`: one JSON line per request on stderr; `off`: none"),
    EnvVar(
        "HUBEI_MAP_PROXY_HOPS",
        "0",
        "reverse proxies in front of the app whose `X-Forwarded-For/-Proto/-Host` are trusted (1 behind nginx)",
    ),
    EnvVar(
        "HUBEI_MAP_AUTH",
        "(none: open, for the development server)",
        "who may use the map: `users` (the user file), `proxy` (single sign-on in front), `public` (anyone); "
        "`serve --prod` refuses to start without it",
    ),
    EnvVar("HUBEI_MAP_USERS", "(none)", "`users` mode: the user file (`hubei-map users add`, `remove`, `list`)"),
    EnvVar(
        "HUBEI_MAP_SECRET_KEY",
        "a key generated into `<user file>.key`",
        "`users` mode: the key that signs session cookies (the same on every host behind a load balancer)",
    ),
    EnvVar("HUBEI_MAP_LOCKOUT_ATTEMPTS", "5", "`users` mode: failed sign-ins per user or address before a lockout"),
    EnvVar("HUBEI_MAP_LOCKOUT_SECONDS", "900", "`users` mode: how long failures count and a lockout lasts"),
    EnvVar("HUBEI_MAP_AUTH_HEADER", "X-Remote-User", "`proxy` mode: the header the proxy puts the user name in"),
    EnvVar(
        "HUBEI_MAP_TRUSTED_PROXIES",
        "127.0.0.1,::1",
        "`proxy` mode: addresses or networks (CIDR) of the proxies whose user header is believed",
    ),
    EnvVar(
        "HUBEI_MAP_AUDIT_LOG",
        "(none: no audit trail)",
        "file of the audit trail: a JSON line per export, OGC features read, snapshot, briefing, upload and sign-in",
    ),
    EnvVar("HUBEI_MAP_AUDIT_MAX_BYTES", "10000000", "the audit file is rotated (renamed with its time) at this size"),
)
_BY_NAME = {var.name: var for var in ENV_VARS}


def env_str(name: str) -> str:
    """The value of the registered variable ``name`` (its default if unset or empty)."""
    return os.environ.get(name) or _BY_NAME[name].default


def env_int(name: str, default: int | None = None, *, minimum: int = 0) -> int:
    """The registered variable ``name`` as an integer >= ``minimum``; ValueError names the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return int(_BY_NAME[name].default) if default is None else default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {raw!r}")
    return value


def env_table() -> str:
    """The configuration table of the README (markdown), generated from ``ENV_VARS``."""
    rows = [f"| `{v.name}` | {v.default} | {v.meaning} |" for v in ENV_VARS]
    return "\n".join(["| variable | default | what it sets |", "|---|---|---|", *rows]) + "\n"


#: Default address of ``hubei-map serve`` (overridden by --host/--port or env).
DEFAULT_HOST = env_str("HUBEI_MAP_HOST")
DEFAULT_PORT = env_int("HUBEI_MAP_PORT", minimum=1)
#: Default number of gunicorn workers: the CPU cores (the work is CPU-bound), at least 2.
DEFAULT_WORKERS = max(2, _cores())
#: URL under which layer data is served: {prefix}/{layer_id}/{band}.geojson
LAYER_URL_PREFIX = "/data/layers"
#: Initial view: Hubei's bounding box, [[south, west], [north, east]] in degrees (WGS-84).
HUBEI_BOUNDS = [[29.0, 108.3], [33.3, 116.2]]
HUBEI_CENTER = [31.15, 112.25]
MIN_ZOOM = 5
MAX_ZOOM = 13
#: Seconds browsers and proxies may cache a layer response. Layer URLs carry a hash of the
#: data folder (``?v=``), so a data change is a new URL and old responses never go stale.
LAYER_MAX_AGE_S = 7 * 24 * 3600
#: Seconds a response whose URL names its content (a fingerprint or ``?v=``/``?m=``) may be cached.
IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600
APP_TITLE_ZH = "湖北省数字经济发展布局图"
APP_TITLE_EN = "Hubei Digital Economy Map"
