"""The OGC API's OpenAPI document says exactly what the server accepts, and Part 2 (CRS by reference).

Requests are generated from the document itself: every documented parameter value is accepted,
every undocumented parameter, form or value is refused with 400. The CRS tests compare the
coordinates served in EPSG:4326, EPSG:4490 (CGCS2000) and EPSG:3857 with the stored CRS84 ones,
and GDAL's OAPIF driver reads a collection in CGCS2000 from a running server.
"""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
import shapely.geometry
from pyproj import Transformer

from app.export import ogc_crs
from app.serve.server import create_app
from layers import features

ITEMS = "/ogc/collections/{}/items"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
#: A box around Wuhan in each CRS, in that CRS's axis order.
WUHAN = {
    CRS84: "114,30.3,114.7,30.9",
    EPSG.format(4326): "30.3,114,30.9,114.7",
    EPSG.format(4490): "30.3,114,30.9,114.7",
    EPSG.format(3857): "12690421.95,3542170.63,12768345.59,3619769.04",
}
#: Where the document's path parameters point, to fill them in.
PATH_VALUES = {"collectionId": "prefectures", "featureId": "420100"}


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.fixture(scope="module")
def document(client):
    return client.get("/ogc/api").json


def _operations(document):
    for path, item in document["paths"].items():
        operation = item["get"]
        url = "/ogc" + path.format(**PATH_VALUES).rstrip("/") + ("/" if path == "/" else "")
        query = [p for p in operation["parameters"] if p["in"] == "query"]
        yield path, url, query


def _valid_values(param):
    """Values the schema allows for ``param``, as sent on the wire (the OGC form for arrays)."""
    schema = param["schema"]
    if param["name"] == "bbox":
        assert (param["style"], param["explode"]) == ("form", False)
        return list(WUHAN.values())[:1]
    if "enum" in schema:
        return list(schema["enum"])
    if schema["type"] == "integer":
        return sorted({schema["minimum"], schema.get("default", schema["minimum"]), schema.get("maximum", 50)})
    raise AssertionError(f"no generator for {param}")


def _invalid_values(param):
    """Values outside the schema for ``param``."""
    schema = param["schema"]
    if param["name"] == "bbox":
        return ["114,30.3,114.7", "114,30.3,0,114.7,30.9,100", "114;30.3;114.7;30.9", "[114,30.3,114.7,30.9]"]
    if "enum" in schema:
        return ["html" if param["name"] == "f" else "EPSG:4490", ""]
    bad = [str(schema["minimum"] - 1), "1.5", "ten"]
    return bad + ([str(schema["maximum"] + 1)] if "maximum" in schema else [])


def test_the_document_is_valid_openapi_3(document):
    from openapi_spec_validator import validate

    validate(document)
    assert document["openapi"].startswith("3.0")


def test_every_documented_parameter_value_is_accepted(client, document):
    tried = 0
    for path, url, query in _operations(document):
        assert client.get(url).status_code == 200, path
        for param in query:
            for value in _valid_values(param):
                response = client.get(url, query_string={param["name"]: value})
                assert response.status_code == 200, (path, param["name"], value, response.json)
                tried += 1
    assert tried > 20


def test_every_value_outside_the_schema_is_a_400_naming_the_parameter(client, document):
    for path, url, query in _operations(document):
        for param in query:
            for value in _invalid_values(param):
                response = client.get(url, query_string={param["name"]: value})
                assert response.status_code == 400, (path, param["name"], value)
                assert param["name"] in response.json["description"], response.json


def test_undocumented_parameters_and_forms_are_a_400(client, document):
    for path, url, query in _operations(document):
        documented = {p["name"] for p in query}
        for name in ("datetime", "properties", "sortby", "filter", "BBOX", "limit", "crs"):
            if name in documented:
                continue
            response = client.get(url, query_string={name: "1"})
            assert response.status_code == 400, (path, name)
            assert repr(name) in response.json["description"]
        for param in query:  # given twice: the exploded form of an array, or a repeated scalar
            value = _valid_values(param)[0]
            pairs = [(param["name"], v) for v in str(value).split(",")] if param["name"] == "bbox" else []
            pairs = pairs or [(param["name"], str(value))] * 2
            response = client.get(url, query_string=pairs)
            assert response.status_code == 400, (path, param["name"])
            assert "once" in response.json["description"]


def test_collections_declare_the_crs_they_serve(client):
    for collection in client.get("/ogc/collections").json["collections"]:
        assert collection["storageCrs"] == CRS84
        assert collection["crs"] == [CRS84, EPSG.format(4326), EPSG.format(4490), EPSG.format(3857)]


def _coordinates(body):
    return np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(f["geometry"])) for f in body["features"] if f["geometry"]]
    )


@pytest.mark.parametrize("layer", ["prefectures", "computing", "quantum_lines"])
def test_features_in_each_crs_are_the_stored_ones_in_its_axis_order(client, layer):
    stored = client.get(ITEMS.format(layer) + "?limit=1000")
    assert stored.headers["Content-Crs"] == f"<{CRS84}>"
    lonlat = _coordinates(stored.json)
    for code in (4326, 4490):
        response = client.get(ITEMS.format(layer), query_string={"limit": 1000, "crs": EPSG.format(code)})
        assert response.headers["Content-Crs"] == f"<{EPSG.format(code)}>"
        latlon = _coordinates(response.json)
        np.testing.assert_allclose(latlon[:, ::-1], lonlat, atol=2e-6)  # CGCS2000 = WGS-84 at the metre level
        assert (latlon[:, 0] < 34).all() and (latlon[:, 1] > 105).all()  # latitude first
    response = client.get(ITEMS.format(layer), query_string={"limit": 1000, "crs": EPSG.format(3857)})
    assert response.headers["Content-Crs"] == f"<{EPSG.format(3857)}>"
    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    np.testing.assert_allclose(_coordinates(response.json), np.column_stack([x, y]), atol=0.5)


def test_one_feature_in_cgcs2000_carries_its_header(client):
    response = client.get(ITEMS.format("counties") + "/420106", query_string={"crs": EPSG.format(4490)})
    assert response.status_code == 200
    assert response.headers["Content-Crs"] == f"<{EPSG.format(4490)}>"
    lat, lon = shapely.get_coordinates(shapely.geometry.shape(response.json["geometry"])).T
    assert (30.3 < lat).all() and (lat < 30.9).all() and (114 < lon).all() and (lon < 114.7).all()


def test_a_bbox_selects_the_same_features_in_every_crs(client):
    counties = features.layer_data("counties")
    expected = set(counties.loc[counties.intersects(shapely.box(114, 30.3, 114.7, 30.9)), "code"])
    for uri, box in WUHAN.items():
        query = {"bbox": box, "limit": 1000} | ({} if uri == CRS84 else {"bbox-crs": uri})
        body = client.get(ITEMS.format("counties"), query_string=query).json
        found = {f["id"] for f in body["features"]}
        assert found == expected, uri


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ({"crs": "EPSG:4490"}, "crs must be one of"),
        ({"crs": EPSG.format(4545)}, "crs must be one of"),
        ({"bbox-crs": "urn:ogc:def:crs:EPSG::4490", "bbox": "30,114,31,115"}, "bbox-crs must be one of"),
        ({"bbox-crs": EPSG.format(4490), "bbox": "114,30,115,31"}, "bbox must be"),  # lon/lat given for lat/lon
    ],
)
def test_crs_values_not_served_are_a_400(client, query, word):
    response = client.get(ITEMS.format("counties"), query_string=query)
    assert response.status_code == 400
    assert word in response.json["description"]


def test_gdal_oapif_reads_a_collection_in_cgcs2000(live_server):
    stored = features.layer_data("prefectures")
    url = f"OAPIF:{live_server}/ogc/"
    frame = pyogrio.read_dataframe(url, layer="prefectures", CRS="EPSG:4490")
    assert frame.crs.to_epsg() == 4490
    assert sorted(frame["code"]) == sorted(stored["code"])
    ours = stored.set_index("code").geometry
    for code, geometry in zip(frame["code"], frame.geometry, strict=True):
        assert shapely.hausdorff_distance(geometry, ours[code]) < 1e-5, code  # GDAL gives lon/lat (GIS order)
    assert ogc_crs.SERVED[EPSG.format(4490)].crs.to_epsg() == 4490
