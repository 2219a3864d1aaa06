"""Security headers on every response, and clean 4xx answers (one log line each) to malformed or unknown requests.

Headers (one ``after_request`` hook: the page, Dash's routes, ``/data/layers/``, ``/export``, ``/ogc/``, errors):

- ``Content-Security-Policy`` (``content_security_policy``, on HTML pages; every other answer gets ``NOT_A_PAGE``,
  which a browser applies only if it is opened as a page): scripts only from this server, plus the page's inline
  scripts by their sha256 (Dash's renderer start-up line and the first view's fitting script, hashed once at
  start-up by ``MapDash.csp_hashes``); no ``unsafe-eval``. Styles from this server and ``<style>`` elements (the
  bundles of Dash, dcc and dash-leaflet insert their CSS so), never ``style`` attributes (React and Leaflet set
  styles through the CSSOM, which CSP allows). Images from this server, ``data:`` URIs and the online basemaps' tile
  servers; requests only to this server; no plugins, no ``<base>``, forms only to this server, and framed only by
  this site (``frame-ancestors 'self'``).
- ``X-Content-Type-Options: nosniff`` on every answer; on pages ``Referrer-Policy: same-origin`` and
  ``X-Frame-Options: SAMEORIGIN`` (``frame-ancestors`` for browsers without CSP 2).
- ``Strict-Transport-Security`` only on a request that came over TLS (``request.is_secure``). Behind a reverse
  proxy that ends TLS, that is the proxy's ``X-Forwarded-Proto: https``, believed only when
  ``HUBEI_MAP_PROXY_HOPS`` trusts the proxy (``server._wrap_wsgi``'s ProxyFix sets the scheme).

Refusals, checked before Dash sees the request (``before_request``), each a 4xx with a short JSON
``{"error": ...}`` and one warning line in the log (never a traceback):

- ``/_dash-component-suites/<package>/<path>`` for a package or file Dash has not registered: 404
  (Dash raised ``DependencyException``, a 500 with a traceback listing every file).
- ``/_dash-update-component`` whose body is not a JSON object, names an output no callback has, or
  whose inputs, state or outputs do not match that callback's declaration: 400 (415 when not JSON).
- any other path Dash's catch-all route would answer with the page (the page lives at ``/``): 404.
- a body over ``MAX_REQUEST_BYTES``: 413.

Every other ``HTTPException`` gets the same short JSON; any other exception is a server fault: a 500 and one
log line naming the exception and where it was raised. In debug mode (``serve --debug``) Dash's own
handler replaces this last one, so the dev tools still show tracebacks.
"""

from __future__ import annotations

import os
import traceback
import weakref
from typing import Any

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from app import web
from app.messages import shown
from app.serve import callback_requests
from app.serve.callback_requests import Refused
from layers import user_indicators

#: Largest request body accepted: an upload (base64, a third bigger than the file) with the session's
#: uploaded indicators beside it, with room to spare. Anything bigger is refused with 413 unread.
MAX_REQUEST_BYTES = 3 * user_indicators.MAX_BYTES
#: One year, the usual HSTS lifetime; sub-domains are the organisation's business, not the map's.
HSTS = "max-age=31536000"
#: Headers every response carries (the CSP is built per app).
FIXED_HEADERS = {"X-Content-Type-Options": "nosniff"}
#: Headers only a page needs: a browser takes the referrer policy and framing rule from the document.
PAGE_HEADERS = {"Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN"}
#: The Content-Security-Policy of an answer that is not a page (a script, data, a callback's JSON).
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'self'"

#: Endpoints of Dash's routes (Dash names them by their rule).
SUITES_ENDPOINT = "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"
CALLBACK_ENDPOINT = "/_dash-update-component"
CATCHALL_ENDPOINT = "/<path:path>"


def content_security_policy(script_hashes: list[str], tile_origins: tuple[str, ...]) -> str:
    """The page's CSP: own scripts (and the inline ones by ``script_hashes``), own styles, tiles as images."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        # Dash's, dcc's and dash-leaflet's bundles add their CSS (Leaflet's too) as <style> elements at run
        # time (webpack style-loader); style attributes are never needed (React and Leaflet use the CSSOM).
        # ``style-src`` is the fallback of browsers without CSP 3's -elem/-attr.
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'", "'unsafe-inline'"],
        "style-src-attr": ["'none'"],
        "img-src": ["'self'", "data:", *tile_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _refuse(status: int, message: str) -> Response:
    """The short JSON answer of a refused request, logged as one line."""
    from flask import current_app

    current_app.logger.warning("refused %s %s %s: %s", status, request.method, shown(request.path, 120), message)
    response = jsonify(error=message)
    response.status_code = status
    return response


_INVENTORY: weakref.WeakKeyDictionary[Dash, tuple[dict[str, set[type]], dict[str, set[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def inventory(dash_app: Dash) -> tuple[dict[str, set[type]], dict[str, set[Any]]]:
    """The app's components by id and the fixed choices of its choice components (``callback_requests.check``).

    Built from the pages' layouts on the first callback request (the targets view's layout computes the
    scorecard, which the map's page never needs), or by ``app.serve.wsgi`` before gunicorn forks.
    """
    found = _INVENTORY.get(dash_app)
    if found is None:
        components, choices = web.component_classes()
        found = components, callback_requests.fixed_choices(choices, dash_app.callback_map)
        _INVENTORY[dash_app] = found
    return found


def _check_request(dash_app: Dash) -> None:
    """The ``before_request`` check of Dash's routes; raises ``Refused``."""
    endpoint, args = request.endpoint, request.view_args or {}
    if endpoint == SUITES_ENDPOINT:
        path, _ = check_fingerprint(args["fingerprinted_path"])
        if path not in dash_app.registered_paths.get(args["package_name"], ()):
            raise Refused(404, f"no script {shown(args['package_name'] + '/' + path)}")
    elif endpoint == CATCHALL_ENDPOINT:
        raise Refused(404, f"no page {shown(request.path)}; the map is at /")
    elif endpoint == CALLBACK_ENDPOINT:
        if not request.is_json:
            raise Refused(415, "a callback request must be application/json")
        body = request.get_json(silent=True)
        if body is None:
            raise Refused(400, "the callback request is not valid JSON")
        callback_requests.check(body, dash_app.callback_map, *inventory(dash_app))


def _http_refusal(exc: HTTPException) -> Response:
    """Werkzeug's refusals (no route, wrong method, body too large, bad JSON) as a short JSON answer."""
    status = exc.code or 400
    custom = exc.description if exc.description != type(exc).description else None
    if status == 413:
        custom = f"the request body is over {MAX_REQUEST_BYTES:,} bytes"
    response = _refuse(status, custom or f"{exc.name.lower()}: {request.method} {shown(request.path, 120)}")
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _where(exc: BaseException) -> str:
    """``file:line`` of the innermost frame of ``exc``'s traceback (for the one log line)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    path = os.path.relpath(last.filename)
    return f"{last.filename if path.startswith('..') else path}:{last.lineno}"


def register(dash_app: Dash) -> None:
    """Install the headers, the request checks and the error handlers on ``dash_app``'s server."""
    server: Flask = dash_app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    policy = content_security_policy(list(dash_app.csp_hashes()), web.tile_origins())

    @server.before_request
    def _check() -> Response | None:
        try:
            _check_request(dash_app)
        except Refused as refused:
            return _refuse(refused.status, refused.message)
        return None

    @server.after_request
    def _headers(response: Response) -> Response:
        # The whole policy where a browser applies it (documents); other answers (scripts, data, callbacks)
        # get the shortest one that still stops them being shown or framed as a page (about 0.6 kB less
        # on each of the dozen callback answers of an opening view).
        page = response.mimetype == "text/html"
        response.headers["Content-Security-Policy"] = policy if page else NOT_A_PAGE
        response.headers.update(FIXED_HEADERS)
        if page:
            response.headers.update(PAGE_HEADERS)
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return _http_refusal(exc)

    @server.errorhandler(Exception)
    def _server_fault(exc: Exception) -> Response:
        server.logger.error(
            "500 %s %s: %s: %s (at %s)",
            request.method,
            shown(request.path, 120),
            type(exc).__name__,
            shown(str(exc), 200),
            _where(exc),
        )
        response = jsonify(error="internal server error")
        response.status_code = 500
        return response
