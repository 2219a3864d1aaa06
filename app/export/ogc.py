"""A read-only OGC API - Features service (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS by reference).

Each catalogue layer with features is a collection; its items are the layer's features, stored
in WGS-84 longitude/latitude (CRS84) and served in CRS84, EPSG:4326, EPSG:4490 (CGCS2000) or
EPSG:3857 (``ogc_crs``), with the ids of ``layers.features.feature_ids``. The query parameters
are defined once in ``ogc_params``: the OpenAPI document is written from them and anything else
is refused. The layers are built once (``layers.features``) and indexed once here; a request only filters and pages.
A read of features (``items``, one ``item``) is an export: it writes one ``ogc`` audit line and is refused (503)
when the line cannot be written; the service's descriptions (landing page, API, conformance, collections) do not.
See https://docs.ogc.org/is/17-069r4/17-069r4.html and https://docs.ogc.org/is/18-058r1/18-058r1.html.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import threading
from typing import Any, NamedTuple
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import shapely
from flask import Blueprint, Flask, Response, request, url_for

from app import audit, settings
from app.export import ogc_crs, ogc_params
from app.export.ogc_crs import CRS84
from app.export.ogc_params import DEFAULT_LIMIT, FORMATS, LIMIT_MAX, PAGE_MAX
from app.messages import shown
from geo import datafiles
from layers import catalogue, features

OGC_PREFIX = "/ogc"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
#: Seconds browsers and proxies may cache a successful response.
MAX_AGE_S = 3600
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

blueprint = Blueprint("ogc", __name__, url_prefix=OGC_PREFIX)
_LOCK = threading.Lock()


class OgcError(Exception):
    """A request the service refuses: an HTTP status, an OGC exception code and a message."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


class Collection(NamedTuple):
    """A layer as served: its spec, features (with a built spatial index) and feature ids."""

    spec: catalogue.LayerSpec
    frame: gpd.GeoDataFrame
    ids: np.ndarray


@functools.cache
def _collection(layer_id: str) -> Collection:
    frame = features.layer_data(layer_id)
    frame.sindex  # noqa: B018  (build the spatial index once, not per request)
    return Collection(catalogue.layer(layer_id), frame, features.feature_ids(layer_id, frame).to_numpy())


def collection(layer_id: str) -> Collection:
    """The served layer ``layer_id`` (built once); OgcError 404 for an unknown or empty layer."""
    if layer_id not in catalogue.catalogue():
        raise OgcError(404, "NotFound", f"no collection {shown(layer_id)}; known: {sorted(catalogue.catalogue())}")
    with _LOCK:
        found = _collection(layer_id)
    if found.frame.empty:
        raise OgcError(404, "NotFound", f"collection {shown(layer_id)} has no features")
    return found


def collection_ids() -> list[str]:
    """Ids of the catalogue layers that have features, in catalogue order."""
    with _LOCK:
        return [i for i in catalogue.catalogue() if not _collection(i).frame.empty]


def _json(body: Any, mimetype: str = JSON, status: int = 200, content_crs: str | None = None) -> Response:
    headers = {"Cache-Control": f"public, max-age={MAX_AGE_S}"} if status == 200 else {}
    if content_crs is not None:
        headers["Content-Crs"] = ogc_crs.header(content_crs)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=mimetype, headers=headers)


def _link(href: str, rel: str, mimetype: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": mimetype, "title": title}


def _int_param(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value: int | None = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise OgcError(400, "InvalidParameterValue", f"{name} must be an integer {bounds}, got {shown(raw)}")
    return value


def crs_param(name: str) -> str:
    """The CRS URI given as query parameter ``name`` (CRS84 when absent); OgcError 400 lists those offered."""
    raw = request.args.get(name, CRS84)
    if raw not in ogc_crs.SERVED:
        raise OgcError(400, "InvalidParameterValue", f"{name} must be one of {list(ogc_crs.SERVED)}, got {shown(raw)}")
    return raw


def parse_bbox(raw: str, bbox_crs: str = CRS84) -> tuple[float, float, float, float]:
    """Parse a ``bbox`` given in ``bbox_crs`` (its axis order) into CRS84 ``minLon,minLat,maxLon,maxLat``.

    OgcError 400 says what must be true.
    """
    axes = "minLon,minLat,maxLon,maxLat" if bbox_crs == CRS84 else "the lower-left and upper-right corners"
    message = f"bbox must be 4 numbers {axes} in the axis order of {bbox_crs} (min <= max), got {shown(raw)}"
    try:
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise OgcError(400, "InvalidParameterValue", message) from None
    if len(values) != 4 or not ogc_crs.in_range(values, bbox_crs):
        raise OgcError(400, "InvalidParameterValue", message)
    return ogc_crs.bbox_to_storage(values, bbox_crs)


def extent_bbox(frame: gpd.GeoDataFrame) -> list[float] | None:
    """The features' bounds (missing geometries ignored), widened to whole millionths of a degree.

    None if no feature has a geometry.
    """
    x0, y0, x1, y1 = frame.geometry.values[~frame.geometry.isna().to_numpy()].total_bounds
    if math.isnan(x0):
        return None
    return [
        math.floor(x0 * 1e6) / 1e6,
        math.floor(y0 * 1e6) / 1e6,
        math.ceil(x1 * 1e6) / 1e6,
        math.ceil(y1 * 1e6) / 1e6,
    ]


def to_features(frame: gpd.GeoDataFrame, ids: np.ndarray, crs: str = CRS84) -> list[dict[str, Any]]:
    """GeoJSON Features of ``frame`` carrying ``ids``; a missing geometry is null.

    In CRS84: RFC 7946, 6 decimals. In another served CRS (``ogc_crs.SERVED``): coordinates in
    that CRS's axis order, rounded to its decimals (6 for degrees, 2 for metres).
    """
    written = json.loads(datafiles.to_geojson_bytes(frame))["features"]
    geometries = [f["geometry"] for f in written]
    if crs != CRS84:
        moved = shapely.transform(frame.geometry.values, lambda c: ogc_crs.transform_coords(c, CRS84, crs))
        geometries = [None if g is None else json.loads(g) for g in shapely.to_geojson(moved).tolist()]
    return [
        {"type": "Feature", "id": fid, "geometry": geometry, "properties": f["properties"]}
        for fid, geometry, f in zip(ids.tolist(), geometries, written, strict=True)
    ]


def _url(endpoint: str, query: dict[str, str] | None = None, **values: str) -> str:
    base = url_for(endpoint, _external=True, **values)
    return f"{base}?{urlencode(query)}" if query else base


def _collection_json(found: Collection) -> dict[str, Any]:
    spec, bbox = found.spec, extent_bbox(found.frame)
    return {
        "id": spec.id,
        "title": f"{spec.title_zh} · {spec.title_en}",
        "description": f"{spec.description_en}\n\n{spec.description_zh}",
        **({"extent": {"spatial": {"bbox": [bbox], "crs": CRS84}}} if bbox else {}),
        "itemType": "feature",
        "crs": list(ogc_crs.SERVED),
        "storageCrs": ogc_crs.STORAGE_CRS,
        "links": [
            _link(_url("ogc.collection_page", collection_id=spec.id), "self", JSON, "this collection"),
            _link(_url("ogc.items", collection_id=spec.id), "items", GEOJSON, f"features of {spec.title_en}"),
        ],
    }


@blueprint.errorhandler(OgcError)
def _refuse(error: OgcError) -> Response:
    return _json({"code": error.code, "description": error.description}, status=error.status)


@blueprint.errorhandler(audit.AuditError)
def _unrecorded(error: audit.AuditError) -> Response:
    return _json({"code": "ServiceUnavailable", "description": str(error)}, status=503)


def _audited(response: Response, collection_id: str, crs: str, **what: Any) -> Response:
    """Write the ``ogc`` audit line of a features read (``audit.AuditError``: nothing is sent).

    With a trail the response may not be kept by shared caches or reused unasked, so every read reaches the server.
    """
    if audit.log_path() is None:
        return response
    body = response.get_data()
    audit.record("ogc", route=request.path, collection=collection_id, crs=crs, **what, bytes=len(body))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.before_request
def _check_parameters() -> None:
    wrong = ogc_params.check_query(request.endpoint, [key for key, _ in request.args.items(multi=True)])
    if wrong:
        raise OgcError(400, "InvalidParameterValue", wrong)
    fmt = request.args.get("f")
    if fmt is not None and fmt not in FORMATS:
        raise OgcError(
            400, "InvalidParameterValue", f"only JSON is offered: f must be one of {FORMATS}, got {shown(fmt)}"
        )


@blueprint.route("/")
def landing() -> Response:
    """Landing page: the service's title and links to conformance and collections."""
    return _json(
        {
            "title": f"{settings.APP_TITLE_ZH} · {settings.APP_TITLE_EN}",
            "description": "OGC API - Features (read-only) serving the layers of the Hubei digital-economy map "
            "in WGS-84 longitude/latitude. 湖北省数字经济发展布局图的图层要素服务。",
            "links": [
                _link(_url("ogc.landing"), "self", JSON, "this document"),
                _link(_url("ogc.conformance"), "conformance", JSON, "conformance classes implemented"),
                _link(_url("ogc.collections"), "data", JSON, "feature collections"),
                _link(_url("ogc.api"), "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
            ],
        }
    )


SUMMARIES = {
    "ogc.landing": "landing page",
    "ogc.api": "this API definition",
    "ogc.conformance": "conformance classes",
    "ogc.collections": "feature collections",
    "ogc.collection_page": "one collection",
    "ogc.items": "features of a collection, in pages",
    "ogc.item": "one feature",
}


def _path_parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document: every path with exactly the parameters the server accepts."""
    path_params = {
        "collectionId": _path_parameter("collectionId", "a layer id", {"type": "string", "enum": collection_ids()}),
        "featureId": _path_parameter("featureId", "a feature id", {"type": "string"}),
    }
    error = {"description": "an OGC exception", "content": {JSON: {"schema": {"type": "object"}}}}
    paths: dict[str, Any] = {}
    for endpoint, (path, params) in ogc_params.ENDPOINTS.items():
        in_path = [path_params[name] for name in ("collectionId", "featureId") if "{" + name + "}" in path]
        mimetype = {"ogc.items": GEOJSON, "ogc.item": GEOJSON, "ogc.api": OPENAPI}.get(endpoint, JSON)
        responses: dict[str, Any] = {
            "200": {"description": "OK", "content": {mimetype: {"schema": {"type": "object"}}}},
            "400": {**error, "description": "a parameter the path does not take, or a value it refuses"},
        }
        if in_path:
            responses["404"] = {**error, "description": "no such collection or feature"}
        if endpoint in ("ogc.items", "ogc.item"):
            responses["200"]["headers"] = {
                "Content-Crs": {
                    "description": "the CRS of the coordinates, in angle brackets",
                    "schema": {"type": "string"},
                }
            }
        operation = {
            "summary": SUMMARIES[endpoint],
            "operationId": endpoint.removeprefix("ogc."),
            "parameters": [*in_path, *(p.openapi() for p in params)],
            "responses": responses,
        }
        paths[path] = {"get": operation}
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{settings.APP_TITLE_ZH} · {settings.APP_TITLE_EN}", "version": "1.1"},
        "servers": [{"url": url_for("ogc.landing", _external=True).rstrip("/")}],
        "paths": paths,
    }


@blueprint.route("/api")
def api() -> Response:
    """The API definition (OpenAPI 3.0): the paths and parameters this service answers."""
    return _json(openapi_document(), mimetype=OPENAPI)


@blueprint.route("/conformance")
def conformance() -> Response:
    """The conformance classes implemented."""
    return _json({"conformsTo": list(CONFORMANCE)})


@blueprint.route("/collections")
def collections() -> Response:
    """Every catalogue layer that has features, as a collection."""
    return _json(
        {
            "links": [_link(_url("ogc.collections"), "self", JSON, "feature collections")],
            "collections": [_collection_json(collection(i)) for i in collection_ids()],
        }
    )


@blueprint.route("/collections/<collection_id>")
def collection_page(collection_id: str) -> Response:
    """One collection's description."""
    return _json(_collection_json(collection(collection_id)))


@blueprint.route("/collections/<collection_id>/items")
def items(collection_id: str) -> Response:
    """A page of a collection's features, optionally those intersecting ``bbox``."""
    found = collection(collection_id)
    limit = min(_int_param("limit", DEFAULT_LIMIT, 1, LIMIT_MAX), PAGE_MAX)
    offset = _int_param("offset", 0, 0)
    crs, bbox_crs, bbox = crs_param("crs"), crs_param("bbox-crs"), request.args.get("bbox")
    extent = None
    if bbox is None:
        matched = np.arange(len(found.frame))
    else:
        extent = parse_bbox(bbox, bbox_crs)
        box = shapely.box(*extent)
        matched = np.sort(found.frame.sindex.query(box, predicate="intersects"))
    page = matched[offset : offset + limit]
    query = request.args.to_dict()
    links = [_link(_url("ogc.items", query, collection_id=collection_id), "self", GEOJSON, "this page")]
    if offset + limit < len(matched):
        query_next = {**query, "limit": str(limit), "offset": str(offset + limit)}
        links.append(_link(_url("ogc.items", query_next, collection_id=collection_id), "next", GEOJSON, "next page"))
    if offset > 0:
        query_prev = {**query, "limit": str(limit), "offset": str(max(offset - limit, 0))}
        links.append(_link(_url("ogc.items", query_prev, collection_id=collection_id), "prev", GEOJSON, "previous"))
    links.append(_link(_url("ogc.collection_page", collection_id=collection_id), "collection", JSON, "collection"))
    body = {
        "type": "FeatureCollection",
        "features": to_features(found.frame.iloc[page], found.ids[page], crs),
        "numberMatched": len(matched),
        "numberReturned": len(page),
        "timeStamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }
    response = _json(body, GEOJSON, content_crs=crs)
    return _audited(
        response,
        collection_id,
        crs,
        extent=list(extent) if extent else None,
        limit=limit,
        offset=offset,
        matched=len(matched),
        features=len(page),
    )


@blueprint.route("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str) -> Response:
    """One feature by its id."""
    found = collection(collection_id)
    crs = crs_param("crs")
    position = np.flatnonzero(found.ids == feature_id)
    if position.size == 0:
        raise OgcError(404, "NotFound", f"no feature {shown(feature_id)} in collection {shown(collection_id)}")
    feature = to_features(found.frame.iloc[position], found.ids[position], crs)[0]
    feature["links"] = [
        _link(_url("ogc.item", collection_id=collection_id, feature_id=feature_id), "self", GEOJSON, "this feature"),
        _link(_url("ogc.collection_page", collection_id=collection_id), "collection", JSON, "collection"),
    ]
    return _audited(_json(feature, GEOJSON, content_crs=crs), collection_id, crs, feature=feature_id, features=1)


@blueprint.route("/<path:rest>")
def unknown(rest: str) -> Response:
    """Any other path under the prefix: a JSON 404 (not the map page's catch-all)."""
    raise OgcError(404, "NotFound", f"no resource {OGC_PREFIX}/{rest}; start at {OGC_PREFIX}/")


def register(server: Flask) -> None:
    """Mount the service on ``server`` under ``OGC_PREFIX``."""
    server.register_blueprint(blueprint)
