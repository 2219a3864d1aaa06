"""The HTTP server of the map: the Dash app plus layer files, ``/export``, ``/ogc/``, ``/healthz``, caching and logging.

``create_app()`` is what the CLI's ``serve`` and ``app.serve.wsgi`` run.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from dash import Dash
from flask import Flask, Response, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app import audit, export, jobs, settings
from app.serve import access, accesslog, httpcache, layerfiles, security
from app.web import create_dash
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


def _register_data_routes(server: Flask) -> None:
    @server.route(f"{settings.LAYER_URL_PREFIX}/<layer_id>/<band>.geojson")
    def layer_geojson(layer_id: str, band: str) -> Response:
        """A layer as GeoJSON, gzip-compressed (once per layer and band) for browsers that accept it."""
        datum = request.args.get("datum", "wgs84")
        try:
            payload = webdata.layer_geojson(layer_id, band, datum)
        except KeyError as exc:
            return _not_found(exc)
        tag = layerfiles.etag(payload)  # names the uncompressed body
        if "gzip" in request.accept_encodings:
            return _cacheable(
                layerfiles.geojson_gzip(layer_id, band, datum), "application/geo+json", tag=tag, gzipped=True
            )
        return _cacheable(payload, "application/geo+json", tag=tag, gzipped=False)

    @server.route(f"{settings.LAYER_URL_PREFIX}/<layer_id>/<band>.pbf")
    def layer_geobuf(layer_id: str, band: str) -> Response:
        """The map's format: Geobuf, always gzip-compressed (every browser accepts gzip)."""
        try:
            payload = layerfiles.geobuf_gzip(layer_id, band, request.args.get("datum", "wgs84"))
        except KeyError as exc:
            return _not_found(exc)
        return _cacheable(payload, "application/x-protobuf", tag=layerfiles.etag(payload), gzipped=True)

    @server.route("/healthz")
    def healthz() -> Response:
        """Liveness and what is served: app version, hash of the data folder, this worker's pid."""
        return jsonify(status="ok", version=export.tool_version(), data=webdata.data_version(), pid=os.getpid())

    server.add_url_rule("/export", "export_file", export_file)


def export_file() -> Response:
    """The layers asked for as one file, as the map's Download button makes it (a heavy job).

    ``?layers=ID,ID|all&format=geojson|geojsonseq|gpkg|shp|csv&crs=wgs84|...&bbox=W,S,E,N&lang=zh|en``,
    and ``&indicator=ID[&scheme=&k=&palette=]`` for an indicator as a choropleth layer (then ``layers``
    defaults to none); every layer is styled (QML and SLD). 400 with the reason for a bad request,
    503 with ``Retry-After`` when the worker is busy, 507 when the server could not write it (disk full).
    """
    indicator, problem = _indicator_request(request.args)
    if problem:
        return _bad_request(problem)
    layers = request.args.get("layers", "" if indicator else "all")
    layer_ids = [i for i in layers.split(",") if i]
    bbox = None
    if request.args.get("bbox"):
        try:
            bbox = [float(v) for v in request.args["bbox"].split(",")]
        except ValueError:
            return _bad_request("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
    fmt = request.args.get("format", "geojson")
    try:
        packed = export.export_in_job(
            layer_ids,
            fmt,
            crs_choice=request.args.get("crs", "wgs84"),
            bbox=bbox,
            lang=request.args.get("lang", "zh"),
            indicator=indicator,
            route="/export",
        )
    except export.ExportWriteError as exc:  # the server's disk, not the request: 507 Insufficient Storage
        return _error(exc, 507)
    except export.ExportError as exc:
        return _bad_request(str(exc))
    except audit.AuditError as exc:  # no file without its record
        return _error(exc, 503)
    mimetype = "application/geopackage+sqlite3" if fmt == "gpkg" else "application/zip"
    return Response(
        packed.body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{packed.filename}"'},
    )


def _indicator_request(args: Any) -> tuple[export.IndicatorRequest | None, str | None]:
    """The indicator choropleth ``/export`` asks for (``indicator``, ``scheme``, ``k``, ``palette``), or the problem."""
    if not args.get("indicator"):
        return None, None
    defaults = export.IndicatorRequest(args["indicator"])
    k = args.get("k", str(defaults.k))
    if not k.isdigit():
        return None, "k must be a whole number of classes"
    request_ = export.IndicatorRequest(
        args["indicator"], args.get("scheme", defaults.scheme), int(k), args.get("palette", defaults.palette)
    )
    return request_, None


def _error(exc: Exception, status: int) -> Response:
    response = jsonify(error=str(exc))
    response.status_code = status
    return response


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


def ready_to_serve(app: Dash) -> None:
    """Last work before the server answers (the gunicorn master, or ``hubei-map serve``).

    The opening page's scripts are compressed (``httpcache.warm``), and everything built so far (the app,
    layer bytes, look-up tables) is moved out of the garbage collector's reach (``gc.freeze``): a full
    collection walked it all, about 40 ms that held every request, every few pages; in the gunicorn master it
    also keeps those pages shared with the workers.
    """
    httpcache.warm(app)
    gc.collect()
    gc.freeze()


def create_app() -> Dash:
    """Build the web map app with every route. The Flask server is ``create_app().server``."""
    app = create_dash()
    access.install(app.server)  # the access guard first, in front of every route but /healthz
    _register_data_routes(app.server)
    export.register_ogc(app.server)
    app.server.register_error_handler(jobs.Busy, _busy)
    httpcache.register(app.server)  # after flask-compress, so it runs before it
    security.register(app)  # security headers on every response; 4xx for malformed requests
    _wrap_wsgi(app.server)
    return app
