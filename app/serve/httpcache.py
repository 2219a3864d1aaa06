"""Caching and compression headers for every response the server sends.

One ``after_request`` hook gives each kind of response its ``Cache-Control``:

=====================================  ===============================================
kind                                    policy
=====================================  ===============================================
URL names its content (Dash's           ``public, max-age=<1 year>, immutable``; the
fingerprinted scripts, ``/assets/?m=``, compressed body is kept per worker, so a
``/data/layers/...?v=<data hash>``)     script is compressed once, not per request
other static or data (Dash's lazy       ``public`` with the route's max-age (or
chunks, ``/assets/`` without ``?m=``,   ``no-cache``), always an ``ETag`` and 304 on
``/data/layers/`` without ``?v=``,      ``If-None-Match``
``/ogc/``)
the page, ``_dash-layout``,             ``no-cache`` + ``ETag``: revalidated each time,
``_dash-dependencies``                  304 when unchanged
callbacks, errors, ``/healthz``,        ``no-store``
exports
=====================================  ===============================================

flask-compress (``Dash(compress=True)``) then compresses what is not compressed yet
with brotli or gzip; the hook runs before it (Flask runs ``after_request`` hooks in
reverse order of registration), so ETags name the uncompressed body and
flask-compress adds ``:br``/``:gzip`` to them.
"""

from __future__ import annotations

import gzip
import re
import threading
from typing import TYPE_CHECKING

import brotli
from flask import Flask, Response, request

if TYPE_CHECKING:
    from dash import Dash

from app import settings
from layers import webdata

IMMUTABLE = f"public, max-age={settings.IMMUTABLE_MAX_AGE_S}, immutable"
REVALIDATE = "no-cache"
NO_STORE = "no-store"
#: Dash's routes of the page itself (they depend on the address, so they are revalidated).
PAGE_PATHS = ("/", "/_dash-layout", "/_dash-dependencies")
#: Media types worth compressing (the others are images or already compressed).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/geo+json")
#: Bodies smaller than this are sent as they are.
MIN_COMPRESS_BYTES = 500
_COMPRESSED: dict[tuple[str, str], bytes] = {}
_COMPRESSED_LOCK = threading.Lock()


def _fingerprinted_suite(path: str) -> bool:
    """Dash's component-suite files whose name carries the package version and mtime (``.v4_4_1m123.js``)."""
    return path.startswith("/_dash-component-suites/") and ".v" in path.rsplit("/", 1)[-1] and "m1" in path


def immutable(path: str, args: dict[str, str]) -> bool:
    """Whether the URL names its content, so a response for it never changes."""
    if _fingerprinted_suite(path):
        return True
    if path.startswith("/assets/") and "m" in args:
        return True
    return path.startswith(settings.LAYER_URL_PREFIX + "/") and args.get("v") == webdata.data_version()


def cache_control(path: str, args: dict[str, str], method: str, status: int, current: str | None) -> str:
    """The ``Cache-Control`` for a response to ``method path?args`` with ``status``."""
    if method not in ("GET", "HEAD") or status not in (200, 304) or path == "/healthz":
        return NO_STORE
    if immutable(path, args):
        return IMMUTABLE
    if path in PAGE_PATHS:
        return REVALIDATE
    if current and "max-age" in current:
        return current if current.startswith("public") else f"public, {current}"
    if path.startswith(("/_dash-component-suites/", "/assets/", "/_favicon.ico")):
        return f"public, {REVALIDATE}"
    return current or REVALIDATE


def _encoding() -> str | None:
    accepted = request.accept_encodings
    return "br" if "br" in accepted else "gzip" if "gzip" in accepted else None


def _compressed(key: str | None, body: bytes, encoding: str) -> bytes:
    """``body`` compressed with ``encoding``; with a ``key`` (an immutable URL) once per worker at the best level."""
    if key is None:
        return brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, 6, mtime=0)
    with _COMPRESSED_LOCK:
        found = _COMPRESSED.get((key, encoding))
    if found is None:
        found = brotli.compress(body, quality=11) if encoding == "br" else gzip.compress(body, 9, mtime=0)
        with _COMPRESSED_LOCK:
            _COMPRESSED[(key, encoding)] = found
    return found


def _compress_static(response: Response, *, keep: bool) -> None:
    """Compress a static text response here (so its ETag and 304 work); ``keep`` caches the result per URL.

    Only for responses whose body is bounded (static files and scripts), never for data.
    """
    encoding = _encoding()
    if (
        encoding is None
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return
    response.direct_passthrough = False
    original = response.response
    body = response.get_data()  # reads a file response into memory; the file is then closed here
    close = getattr(original, "close", None)
    if close is not None:
        close()
    if len(body) < MIN_COMPRESS_BYTES:
        return
    response.set_data(_compressed(request.full_path if keep else None, body, encoding))
    response.headers["Content-Encoding"] = encoding
    vary = response.headers.get("Vary")
    response.headers["Vary"] = (
        f"{vary}, Accept-Encoding" if vary and "accept-encoding" not in vary.lower() else "Accept-Encoding"
    )
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{encoding}")


def apply(response: Response) -> Response:
    """Set the cache policy of ``response`` (the ``after_request`` hook)."""
    args = request.args.to_dict()
    status = response.status_code
    response.headers["Cache-Control"] = cache_control(
        request.path, args, request.method, status, response.headers.get("Cache-Control")
    )
    if request.method not in ("GET", "HEAD") or status != 200:
        return response
    if immutable(request.path, args) or request.path.startswith("/assets/"):
        _compress_static(response, keep=immutable(request.path, args))
    if response.get_etag()[0] is None and not response.is_streamed:
        response.add_etag()
    response.make_conditional(request)  # updates the response in place (304 when the ETag matches)
    return response


#: The opening page's scripts and stylesheet, as its HTML names them.
_PAGE_FILES = re.compile(r'<script[^>]* src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"')


def warm(app: Dash) -> int:
    """Compress the opening page's scripts and stylesheet now (brotli, best level), as their first request would.

    A file whose URL names its content is compressed once per worker and kept (``_compressed``); done before the
    server answers (the gunicorn master, ``wsgi.py``, or ``hubei-map serve``), the first page after a start does
    not wait for it (about 2 s on the 2-core machine). Returns the number of compressed bytes kept.
    """
    server = app.server
    server.test_client().get("/healthz")  # Dash registers the app's assets on its first request
    with server.test_request_context("/"):
        page = str(app.index())
    kept = 0
    for url in (a or b for a, b in _PAGE_FILES.findall(page)):
        with server.test_request_context(url, headers={"Accept-Encoding": "br"}):
            if not immutable(request.path, request.args.to_dict()):
                continue
            response = server.make_response(server.dispatch_request())
            if response.status_code == 200:
                _compress_static(response, keep=True)
                kept += len(_COMPRESSED.get((request.full_path, "br"), b""))
            response.close()
    return kept


def register(server: Flask) -> None:
    """Install the hook on ``server`` (after ``Dash(compress=True)`` registered flask-compress)."""
    server.after_request(apply)
