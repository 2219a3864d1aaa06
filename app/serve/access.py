"""Who may use the map (``HUBEI_MAP_AUTH``): a guard in front of every route but ``/healthz``.

- ``users``: the user file (``HUBEI_MAP_USERS``, ``app/serve/users.py``); a browser signs in on
  ``/auth/sign-in`` (``app/serve/signin.py``) and carries a signed session cookie; HTTP basic auth
  against the same file is accepted on every route too (QGIS, scripts, ``curl``).
- ``proxy``: the organisation's single sign-on in front; the user comes in a header
  (``HUBEI_MAP_AUTH_HEADER``), believed only from the proxies in ``HUBEI_MAP_TRUSTED_PROXIES``.
- ``public``: anyone; the log and the page footer say the map is publicly reachable.
- unset: open, for the development server on one's own machine; ``serve --prod`` refuses it.

The user the guard established is ``flask.g.hubei_user`` (the audit trail reads it).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from app import settings
from app.i18n import t
from app.serve import users as userfile

MODES = ("users", "proxy", "public")
#: Routes answered without credentials: the health check, the sign-in page with its style sheet, and sign-out
#: (which needs the session's form token, and sends a browser whose session has ended to the sign-in page).
OPEN_PATHS = frozenset({"/healthz", "/auth/sign-in", "/auth/sign-in.css", "/auth/sign-out"})
#: How long a browser's sign-in lasts.
SESSION_HOURS = 12
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AccessConfigError(ValueError):
    """The access settings cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Access:
    """The access settings, read once when the app is built."""

    mode: str | None
    users_path: Path | None = None
    header: str = "X-Remote-User"
    trusted: tuple[Network, ...] = ()


def mode() -> str | None:
    """``HUBEI_MAP_AUTH``: ``users``, ``proxy``, ``public`` or None (open development server)."""
    raw = os.environ.get("HUBEI_MAP_AUTH", "").strip().lower()
    if not raw:
        return None
    if raw not in MODES:
        raise AccessConfigError(f"HUBEI_MAP_AUTH must be one of {', '.join(MODES)}, got {raw!r}")
    return raw


def _trusted_networks() -> tuple[Network, ...]:
    raw = settings.env_str("HUBEI_MAP_TRUSTED_PROXIES")
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise AccessConfigError(
                f"HUBEI_MAP_TRUSTED_PROXIES: {part!r} is not an address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return tuple(networks)


def load() -> Access:
    """The access settings from the environment; AccessConfigError names a variable that is wrong or missing."""
    chosen = mode()
    if chosen == "users":
        raw = os.environ.get("HUBEI_MAP_USERS", "").strip()
        if not raw:
            raise AccessConfigError("HUBEI_MAP_AUTH=users needs HUBEI_MAP_USERS, the user file (hubei-map users add)")
        path = Path(raw)
        try:
            found = userfile.read_users(path)
        except (userfile.UserFileError, OSError) as exc:
            raise AccessConfigError(f"HUBEI_MAP_USERS: {exc}") from exc
        if not found:
            raise AccessConfigError(f"HUBEI_MAP_USERS: {path} has no users yet (hubei-map users add NAME)")
        return Access(chosen, users_path=path)
    if chosen == "proxy":
        header = settings.env_str("HUBEI_MAP_AUTH_HEADER").strip()
        return Access(chosen, header=header, trusted=_trusted_networks())
    return Access(chosen)


def secret_key(users_path: Path) -> bytes:
    """``HUBEI_MAP_SECRET_KEY``, else a random key kept in ``<user file>.key`` (created 0600 on first use)."""
    given = os.environ.get("HUBEI_MAP_SECRET_KEY", "")
    if given:
        if len(given) < 16:
            raise AccessConfigError("HUBEI_MAP_SECRET_KEY must have at least 16 characters")
        return given.encode("utf-8")
    key_path = users_path.with_name(users_path.name + ".key")
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_path.read_bytes().strip()
    except OSError as exc:
        raise AccessConfigError(f"cannot create the session key {key_path}: {exc.strerror}") from exc
    key = secrets.token_hex(32).encode("ascii")
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class _SessionCookies(SecureCookieSessionInterface):
    """Signed session cookies, ``Secure`` whenever the request came over TLS (also through a trusted proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) or bool(app.config.get("SESSION_COOKIE_SECURE"))


_USERS_CACHE: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def current_users(path: Path) -> dict[str, str]:
    """The user file, read again only when it changed (so ``users remove`` takes effect at once)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _USERS_CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    found = userfile.read_users(path)
    _USERS_CACHE[path] = (stamp, found)
    return found


def hash_tag(stored: str) -> str:
    """A short tag of a user's stored hash, kept in the session: a new password signs the old sessions out."""
    import hashlib

    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:16]


def peer_address() -> str:
    """The address of the host that opened the connection (before ProxyFix put the client's address in its place)."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return str(original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR") or "")


def proxy_user(access: Access) -> str | None:
    """The user the trusted proxy names, or None (no header, a bad name, or a peer that is not a trusted proxy)."""
    try:
        peer = ipaddress.ip_address(peer_address())
    except ValueError:
        return None
    if not any(peer in network for network in access.trusted):
        return None
    name = request.headers.get(access.header, "").strip()
    if not name or len(name) > 256 or not name.isprintable():
        return None
    return name


def session_user(access: Access) -> str | None:
    """The user of the browser's signed session cookie, if the user still exists with the same password."""
    name = session.get("user")
    if not isinstance(name, str) or access.users_path is None:
        return None
    stored = current_users(access.users_path).get(name)
    if stored is None or session.get("tag") != hash_tag(stored):
        return None
    return name


def wants_page() -> bool:
    """A browser asking for a page (not a script, a callback or data): sent to the sign-in page."""
    path = request.path
    data = path.startswith(("/_dash-", "/assets/", "/ogc/", "/export", settings.LAYER_URL_PREFIX))
    return request.method == "GET" and not data and "text/html" in request.headers.get("Accept", "")


def refused(status: int, message_key: str, *, challenge: bool = False) -> Response:
    """A short refusal in both languages (401 with a basic-auth challenge for programs, 403, 429, 503)."""
    response = jsonify(error=f"{t(message_key, 'zh')} / {t(message_key, 'en')}")
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if challenge:
        response.headers["WWW-Authenticate"] = 'Basic realm="hubei-map", charset="UTF-8"'
    return response


def _guard(access: Access) -> Any:
    """Flask ``before_request``: establish ``g.hubei_user`` or refuse the request."""
    g.hubei_user = None
    if access.mode in (None, "public") or request.path in OPEN_PATHS:
        return None
    if access.mode == "proxy":
        g.hubei_user = proxy_user(access)
        return None if g.hubei_user else refused(403, "auth_proxy_missing")
    from app.serve import signin

    g.hubei_user = session_user(access)
    if g.hubei_user:
        return None
    if request.authorization is not None and request.authorization.type == "basic":
        return signin.basic_auth(access)
    if wants_page():
        return redirect(signin.sign_in_url(request.full_path.rstrip("?")))
    return refused(401, "auth_required", challenge=not request.path.startswith("/_dash-"))


def startup_problem(*, prod: bool) -> str | None:
    """Why a server must not start with these access and audit settings, or None.

    Production (``serve --prod``, gunicorn) needs ``HUBEI_MAP_AUTH`` (``users``, ``proxy``, or an explicit
    ``public``); a user file, key or audit file that cannot be used stops any server before it answers.
    """
    from app import audit

    try:
        found = load()
        if found.users_path is not None:
            secret_key(found.users_path)
        audit.check_writable()
    except (AccessConfigError, audit.AuditError) as exc:
        return str(exc)
    if prod and found.mode is None:
        return (
            "a production server answers everyone who can reach it: set HUBEI_MAP_AUTH=users (a user file), "
            "HUBEI_MAP_AUTH=proxy (single sign-on in front) or, knowingly, HUBEI_MAP_AUTH=public "
            "(see README, Deployment)"
        )
    return None


def install(server: Flask) -> Access:
    """Put the access guard in front of every route of ``server`` and, in ``users`` mode, the sign-in routes.

    Call it first, so the guard runs before every other ``before_request`` hook.
    """
    access = load()
    server.config["HUBEI_MAP_AUTH"] = access.mode
    if access.mode == "users" and access.users_path is not None:
        from app.serve import signin

        server.secret_key = secret_key(access.users_path)
        server.session_interface = _SessionCookies()
        server.config.update(
            SESSION_COOKIE_NAME="hubei_map_session",
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
            # The cookie is sent only when the session changes (sign-in, sign-out), never re-sent with
            # every response: a request still running when the user signs out would otherwise answer
            # with the old cookie and sign them back in.
            SESSION_REFRESH_EACH_REQUEST=False,
        )
        signin.register(server, access)
    if access.mode == "public":
        print(
            "hubei-map: HUBEI_MAP_AUTH=public: the map is publicly reachable by anyone who can reach this address",
            file=sys.stderr,
            flush=True,
        )
    # First in line, before Dash's and every other hook.
    server.before_request_funcs.setdefault(None, []).insert(0, lambda: _guard(access))
    return access
