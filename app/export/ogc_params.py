"""The OGC API's query parameters, defined once.

The OpenAPI document is written from them, and the server refuses (400) any query parameter a
path does not list, and any parameter given twice.

Each parameter is described as the server parses it; ``bbox`` uses the OGC form (one value of
comma-separated numbers: ``style: form``, ``explode: false``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from app.export import ogc_crs
from app.messages import shown

DEFAULT_LIMIT = 100
#: The largest ``limit`` accepted (the value OGC API - Features Part 1 defines); pages hold at most ``PAGE_MAX``.
LIMIT_MAX = 10000
PAGE_MAX = 1000
#: Values of the ``f`` parameter this service answers.
FORMATS = ("json", "geojson")


class Param(NamedTuple):
    """One query parameter: name, description and its OpenAPI schema (plus style/explode when not the default)."""

    name: str
    description: str
    schema: dict[str, Any]
    style: tuple[tuple[str, Any], ...] = ()

    def openapi(self) -> dict[str, Any]:
        """The parameter object of OpenAPI 3.0."""
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": self.schema,
            **dict(self.style),
        }


_CRS_ENUM = {"type": "string", "format": "uri", "enum": list(ogc_crs.SERVED)}
F = Param("f", "the encoding of the response: JSON only", {"type": "string", "enum": list(FORMATS)})
LIMIT = Param(
    "limit",
    f"features per page; a page holds at most {PAGE_MAX} (with a larger limit, {PAGE_MAX} and a next link)",
    {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": DEFAULT_LIMIT},
)
OFFSET = Param("offset", "features to skip before the page", {"type": "integer", "minimum": 0, "default": 0})
BBOX = Param(
    "bbox",
    "features intersecting the box: lower-left then upper-right corner, each in the axis order of bbox-crs "
    "(CRS84: minLon,minLat,maxLon,maxLat; EPSG:4326 and EPSG:4490: minLat,minLon,maxLat,maxLon; "
    "EPSG:3857: minX,minY,maxX,maxY), one comma-separated value",
    {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
    (("style", "form"), ("explode", False)),
)
BBOX_CRS = Param("bbox-crs", "the CRS of bbox (default CRS84)", {**_CRS_ENUM, "default": ogc_crs.CRS84})
CRS = Param("crs", "the CRS of the response's coordinates (default CRS84)", {**_CRS_ENUM, "default": ogc_crs.CRS84})

#: Query parameters of each endpoint (the blueprint's endpoint names), by OpenAPI path.
ENDPOINTS: dict[str, tuple[str, tuple[Param, ...]]] = {
    "ogc.landing": ("/", (F,)),
    "ogc.api": ("/api", (F,)),
    "ogc.conformance": ("/conformance", (F,)),
    "ogc.collections": ("/collections", (F,)),
    "ogc.collection_page": ("/collections/{collectionId}", (F,)),
    "ogc.items": ("/collections/{collectionId}/items", (LIMIT, OFFSET, BBOX, BBOX_CRS, CRS, F)),
    "ogc.item": ("/collections/{collectionId}/items/{featureId}", (CRS, F)),
}


def check_query(endpoint: str | None, keys: list[str]) -> str | None:
    """What is wrong with the query parameter names ``keys`` (as given, repeats included) for ``endpoint``.

    None when every name is one the path lists, each given once.
    """
    if endpoint not in ENDPOINTS:
        return None  # unknown paths answer 404 on their own
    path, params = ENDPOINTS[endpoint]
    known = [p.name for p in params]
    for key in keys:
        if key not in known:
            return f"unknown parameter {shown(key)} for {path}; it takes {', '.join(known)}"
        if keys.count(key) > 1:
            return f"parameter {shown(key)} given {keys.count(key)} times; give it once (lists are comma-separated)"
    return None
