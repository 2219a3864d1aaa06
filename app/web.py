"""The web map: ``create_app()`` builds the Dash app and exposes ``server`` for gunicorn."""

from __future__ import annotations

from dash import Dash
from flask import Response, jsonify, request

from app import callbacks, layout, ogc, settings
from layers import webdata


def _register_data_routes(server) -> None:  # type: ignore[no-untyped-def]
    @server.route(f"{settings.LAYER_URL_PREFIX}/<layer_id>/<band>.geojson")
    def layer_geojson(layer_id: str, band: str) -> Response:
        try:
            datum = request.args.get("datum", "wgs84")
            payload = webdata.layer_geojson(layer_id, band, datum)
        except KeyError as exc:
            response = jsonify(error=str(exc.args[0]) if exc.args else "not found")
            response.status_code = 404
            return response
        tag = webdata.etag(payload)
        headers = {
            "ETag": tag,
            "Cache-Control": f"public, max-age={settings.LAYER_MAX_AGE_S}",
            "Vary": "Accept-Encoding",
        }
        if request.if_none_match.contains(tag.strip('"')):
            return Response(status=304, headers=headers)
        if "gzip" in request.accept_encodings:
            # Pre-compressed once per layer and band (the ETag names the uncompressed body).
            headers["Content-Encoding"] = "gzip"
            payload = webdata.layer_geojson_gzip(layer_id, band, datum)
        return Response(payload, mimetype="application/geo+json", headers=headers)

    @server.route("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")


def create_app() -> Dash:
    """Build the web map app. The Flask server is ``create_app().server``."""
    app = Dash(
        __name__,
        title=f"{settings.APP_TITLE_ZH} · {settings.APP_TITLE_EN}",
        update_title=None,
        compress=True,
        # The page is drawn by a callback from the URL, and the comparison map exists only
        # in comparisons; tests/test_web.py checks every callback id against a full page.
        suppress_callback_exceptions=True,  # flask-compress: gzip/br for Dash's scripts, layout and callback responses
    )
    app.layout = layout.shell()
    callbacks.register(app)
    _register_data_routes(app.server)
    ogc.register(app.server)
    return app
