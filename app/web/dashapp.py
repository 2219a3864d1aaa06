"""The web map: ``create_app()`` builds the Dash app and exposes ``server`` for gunicorn."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

from dash import Dash
from flask import Flask, Response, has_request_context, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app import jobs, settings
from app.export import files as export
from app.export import ogc
from app.serve import accesslog, httpcache
from app.web import callbacks, first_view, layout, viewstate
from layers import webdata


def _not_found(exc: KeyError) -> Response:
    response = jsonify(error=str(exc.args[0]) if exc.args else "not found")
    response.status_code = 404
    return response


def _cacheable(body: bytes, mimetype: str, *, tag: str, gzipped: bool) -> Response:
    """A long-cacheable response with its ETag (304 when the browser already has it)."""
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={settings.LAYER_MAX_AGE_S}", "Vary": "Accept-Encoding"}
    if request.if_none_match.contains(tag.strip('"')):
        return Response(status=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(body, mimetype=mimetype, headers=headers)


def _register_data_routes(server) -> None:  # type: ignore[no-untyped-def]
    @server.route(f"{settings.LAYER_URL_PREFIX}/<layer_id>/<band>.geojson")
    def layer_geojson(layer_id: str, band: str) -> Response:
        """A layer as GeoJSON, gzip-compressed (once per layer and band) for browsers that accept it."""
        datum = request.args.get("datum", "wgs84")
        try:
            payload = webdata.layer_geojson(layer_id, band, datum)
        except KeyError as exc:
            return _not_found(exc)
        tag = webdata.etag(payload)  # names the uncompressed body
        if "gzip" in request.accept_encodings:
            return _cacheable(
                webdata.layer_geojson_gzip(layer_id, band, datum), "application/geo+json", tag=tag, gzipped=True
            )
        return _cacheable(payload, "application/geo+json", tag=tag, gzipped=False)

    @server.route(f"{settings.LAYER_URL_PREFIX}/<layer_id>/<band>.pbf")
    def layer_geobuf(layer_id: str, band: str) -> Response:
        """The map's format: Geobuf, always gzip-compressed (every browser accepts gzip)."""
        try:
            payload = webdata.layer_geobuf(layer_id, band, request.args.get("datum", "wgs84"))
        except KeyError as exc:
            return _not_found(exc)
        return _cacheable(payload, "application/x-protobuf", tag=webdata.etag(payload), gzipped=True)

    @server.route("/healthz")
    def healthz() -> Response:
        """Liveness and what is served: app version, hash of the data folder, this worker's pid."""
        return jsonify(status="ok", version=export.tool_version(), data=webdata.data_version(), pid=os.getpid())

    @server.route("/export")
    def export_file() -> Response:
        """The layers asked for as one file, as the map's Download button makes it (a heavy job).

        ``?layers=ID,ID|all&format=geojson|geojsonseq|gpkg|shp|csv&crs=wgs84|...&bbox=W,S,E,N``;
        400 with the reason for a bad request, 503 with ``Retry-After`` when the worker is busy,
        507 when the server could not write it (disk full).
        """
        layer_ids = [i for i in request.args.get("layers", "all").split(",") if i]
        bbox = None
        if request.args.get("bbox"):
            try:
                bbox = [float(v) for v in request.args["bbox"].split(",")]
            except ValueError:
                return _bad_request("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
        fmt = request.args.get("format", "geojson")
        try:
            with jobs.slot("export") as job:
                packed = job.call(
                    export.download, layer_ids, fmt, job.scratch, crs_choice=request.args.get("crs", "wgs84"), bbox=bbox
                )
        except export.ExportWriteError as exc:  # the server's disk, not the request: 507 Insufficient Storage
            response = jsonify(error=str(exc))
            response.status_code = 507
            return response
        except export.ExportError as exc:
            return _bad_request(str(exc))
        mimetype = "application/geopackage+sqlite3" if fmt == "gpkg" else "application/zip"
        return Response(
            packed.body,
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="{packed.filename}"'},
        )


def _bad_request(message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = 400
    return response


def _busy(exc: jobs.Busy) -> Response:
    """HTTP 503 with ``Retry-After`` for a heavy job that found every place taken."""
    response = jsonify(error=str(exc))
    response.status_code = 503
    response.headers["Retry-After"] = str(settings.env_int("HUBEI_MAP_RETRY_AFTER", minimum=1))
    return response


def _wrap_wsgi(server: Flask) -> None:
    """Access log around the app; trusted proxy headers (``HUBEI_MAP_PROXY_HOPS``) outermost."""
    wsgi: Any = server.wsgi_app
    if accesslog.log_mode() == "json":
        wsgi = accesslog.AccessLog(wsgi)
    hops = settings.env_int("HUBEI_MAP_PROXY_HOPS")
    if hops:
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    server.wsgi_app = wsgi  # type: ignore[method-assign]


#: Script chunks Dash loads only once the page's layout is known (the map's GeoJSON and
#: Geobuf decoder, the dropdowns, sliders and upload box): fetched early, they are ready
#: when the layout arrives instead of one round trip after it.
LAZY_CHUNKS = (
    "dash_leaflet/async-GeoJSON.js",
    "dash_leaflet/async-geobuf.js",
    "dash/dcc/async-dropdown.js",
    "dash/dcc/async-upload.js",
)


class MapDash(Dash):
    """Dash with the page's first layers and lazy script chunks preloaded."""

    def interpolate_index(self, **kwargs: str) -> str:
        """The index page, with ``<link rel=preload>`` for the layers the address's view opens with."""
        state = viewstate.parse(request.query_string.decode("utf-8", "replace"))
        prefix = f"{self.config.requests_pathname_prefix}_dash-component-suites/"
        chunks = "".join(f'<link rel="preload" href="{prefix}{chunk}" as="script">' for chunk in LAZY_CHUNKS)
        # The layout and callback graph the renderer asks for once its scripts have run.
        root = self.config.requests_pathname_prefix
        dash_json = "".join(
            f'<link rel="preload" href="{root}{name}" as="fetch" crossorigin="anonymous">'
            for name in ("_dash-layout", "_dash-dependencies")
        )
        kwargs["metas"] = kwargs.get("metas", "") + layout.preload_links(state) + chunks + dash_json
        # A static picture of the opening view, shown until the interactive map has painted.
        kwargs["app_entry"] = first_view.html_for(state) + kwargs.get("app_entry", "")
        return str(super().interpolate_index(**kwargs))


def serve_layout() -> Any:
    """The app's layout, drawn for the address the page was opened with (its referrer), if known."""
    referrer = request.referrer if has_request_context() else None
    return layout.shell(urlparse(referrer).query if referrer else None)


def create_app() -> Dash:
    """Build the web map app. The Flask server is ``create_app().server``."""
    app = MapDash(
        __name__,
        title=f"{settings.APP_TITLE_ZH} · {settings.APP_TITLE_EN}",
        update_title=None,
        compress=True,
        # The page is drawn by a callback from the URL, and the comparison map exists only
        # in comparisons; tests/test_web.py checks every callback id against a full page.
        suppress_callback_exceptions=True,  # flask-compress: gzip/br for Dash's scripts, layout and callback responses
    )
    app.layout = serve_layout
    callbacks.register(app)
    _register_data_routes(app.server)
    ogc.register(app.server)
    app.server.register_error_handler(jobs.Busy, _busy)
    httpcache.register(app.server)  # after flask-compress, so it runs before it
    _wrap_wsgi(app.server)
    return app
