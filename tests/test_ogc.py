from __future__ import annotations

from urllib.parse import urlsplit

import numpy as np
import pyogrio
import pytest
import shapely
import shapely.geometry

from app.export import ogc
from app.serve.server import create_app
from layers import catalogue, features

ITEMS = "/ogc/collections/{}/items"
WUHAN_BBOX = (114.0, 30.3, 114.7, 30.9)


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def _path(href: str) -> str:
    """A link's href as a path with query, for the test client."""
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _links(body: dict) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


def test_landing_page(client):
    response = client.get("/ogc/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    body = response.json
    assert "湖北省数字经济发展布局图" in body["title"] and "Hubei Digital Economy Map" in body["title"]
    assert "湖北省数字经济发展布局图".encode() in response.data  # not \u-escaped
    links = _links(body)
    assert {"self", "conformance", "data"} <= set(links)
    assert all({"href", "rel", "type", "title"} <= set(link) for link in body["links"])
    assert client.get(_path(links["data"])).status_code == 200
    assert client.get(_path(links["conformance"])).status_code == 200


def test_conformance_claims_core_geojson_openapi_and_crs(client):
    response = client.get("/ogc/conformance")
    assert response.mimetype == "application/json"
    assert sorted(response.json["conformsTo"]) == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ]


def test_collections_list_every_layer_with_its_extent(client):
    response = client.get("/ogc/collections")
    assert response.mimetype == "application/json"
    found = {c["id"]: c for c in response.json["collections"]}
    assert list(found) == list(catalogue.catalogue())
    for layer_id, c in found.items():
        spec = catalogue.layer(layer_id)
        assert c["title"] == f"{spec.title_zh} · {spec.title_en}"
        assert spec.description_en in c["description"] and spec.description_zh in c["description"]
        assert c["itemType"] == "feature"
        assert c["extent"]["spatial"]["crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        [(x0, y0, x1, y1)] = c["extent"]["spatial"]["bbox"]
        assert x0 < x1 and y0 < y1
        if layer_id == "neighbours":  # the provinces around Hubei reach further
            assert 100 < x0 < 108.3 and 116.2 < x1 < 125 and 20 < y0 < 29 and 33.3 < y1 < 45
        else:
            assert 105 <= x0 and x1 <= 120 and 28 <= y0 and y1 <= 34
        links = _links(c)
        assert _path(links["items"]) == ITEMS.format(layer_id)
        assert client.get(_path(links["self"])).json["id"] == layer_id


def test_collection_extent_contains_every_geometry(client):
    [(x0, y0, x1, y1)] = client.get("/ogc/collections/computing").json["extent"]["spatial"]["bbox"]
    geoms = features.layer_data("computing").geometry.dropna()
    assert shapely.box(x0, y0, x1, y1).covers(shapely.union_all(geoms.values))


def test_items_default_page(client):
    response = client.get(ITEMS.format("counties"))
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    body = response.json
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 103 and body["numberReturned"] == len(body["features"]) == 100
    assert body["timeStamp"].endswith("Z")
    links = _links(body)
    assert "next" in links and "prev" not in links
    feature = body["features"][0]
    assert feature["id"] == feature["properties"]["code"] == features.feature_ids("counties").iloc[0]


def test_walking_the_pages_returns_every_county_once(client):
    url, ids, pages = ITEMS.format("counties") + "?limit=40", [], 0
    while url:
        body = client.get(url).json
        ids += [f["id"] for f in body["features"]]
        pages += 1
        links = _links(body)
        assert ("prev" in links) == (pages > 1)
        url = _path(links["next"]) if "next" in links else None
    assert pages == 3
    assert len(ids) == len(set(ids)) == 103
    assert set(ids) == set(features.feature_ids("counties"))


def test_page_links_keep_the_query(client):
    body = client.get(ITEMS.format("counties") + "?limit=10&offset=20&f=json&bbox=108,29,117,34").json
    links = _links(body)
    assert "offset=30" in links["next"] and "offset=10" in links["prev"]
    assert all("limit=10" in links[r] and "f=json" in links[r] and "bbox=" in links[r] for r in ("next", "prev"))
    assert "offset=20" in links["self"]


def test_bbox_selects_the_counties_that_intersect_it(client):
    bbox = ",".join(map(str, WUHAN_BBOX))
    body = client.get(ITEMS.format("counties") + f"?bbox={bbox}&limit=1000").json
    ids = {f["id"] for f in body["features"]}
    counties = features.layer_data("counties")
    expected = set(counties.loc[counties.intersects(shapely.box(*WUHAN_BBOX)), "code"])
    assert ids == expected and body["numberMatched"] == len(expected)
    assert "420106" in ids
    assert not any(i.startswith("4228") for i in ids)


def test_item_by_id(client):
    response = client.get(ITEMS.format("counties") + "/420106")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = response.json
    assert feature["type"] == "Feature" and feature["id"] == "420106"
    assert feature["properties"]["name_zh"] == "武昌区"
    assert "武昌区".encode() in response.data
    assert _path(_links(feature)["self"]) == ITEMS.format("counties") + "/420106"


def test_coordinates_are_lon_lat_with_six_decimals(client):
    feature = client.get(ITEMS.format("counties") + "/420106").json
    coords = shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))
    assert (coords[:, 0] > 114).all() and (coords[:, 0] < 114.7).all()
    assert (coords[:, 1] > 30.3).all() and (coords[:, 1] < 30.9).all()
    np.testing.assert_array_equal(coords, coords.round(6))


@pytest.mark.parametrize(
    "path",
    ["/ogc/collections/nope", ITEMS.format("nope"), ITEMS.format("counties") + "/999999", "/ogc/nothing/here"],
)
def test_unknown_collection_or_feature_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json["description"]


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=-5", "limit"),
        ("offset=-1", "offset"),
        ("bbox=114,30,115", "bbox"),
        ("bbox=114,30,a,31", "bbox"),
        ("bbox=115,30,114,31", "bbox"),
        ("f=html", "only JSON"),
    ],
)
def test_bad_parameters_are_a_clear_400(client, query, word):
    response = client.get(ITEMS.format("counties") + f"?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert word in response.json["description"]


def test_f_html_is_refused_everywhere_and_json_accepted(client):
    assert client.get("/ogc/?f=html").status_code == 400
    assert client.get("/ogc/collections?f=json").status_code == 200
    assert client.get(ITEMS.format("hubs") + "?f=geojson").status_code == 200


def test_a_parameter_the_path_does_not_take_is_a_400_naming_it(client):
    response = client.get(ITEMS.format("hubs") + "?f=geojson&unknown=1")
    assert response.status_code == 400
    assert "'unknown'" in response.json["description"] and "bbox" in response.json["description"]
    assert client.get("/ogc/collections?limit=5").status_code == 400  # limit is for items only


def test_limit_above_the_maximum_is_clamped(client):
    body = client.get(ITEMS.format("counties") + "?limit=5000").json
    assert body["numberReturned"] == 103 <= ogc.PAGE_MAX
    big = client.get(ITEMS.format("counties") + "?limit=10000&offset=3").json
    assert big["numberReturned"] == 100 and "next" not in _links(big)
    assert client.get(ITEMS.format("counties") + "?limit=10001").status_code == 400
    assert "next" not in _links(body)


def test_offset_past_the_end_is_an_empty_page(client):
    body = client.get(ITEMS.format("counties") + "?offset=500").json
    assert body["features"] == [] and body["numberMatched"] == 103 and body["numberReturned"] == 0


def test_features_without_a_location_have_null_geometry_and_drop_out_of_bbox(client):
    body = client.get(ITEMS.format("computing")).json
    assert body["numberMatched"] == len(body["features"]) == 11
    missing = {f["id"] for f in body["features"] if f["geometry"] is None}
    frame = features.layer_data("computing")
    assert missing == set(frame.loc[frame.geometry.isna(), "id"]) and missing
    boxed = client.get(ITEMS.format("computing") + "?bbox=105,28,120,34").json
    assert {f["id"] for f in boxed["features"]} == {f["id"] for f in body["features"]} - missing


def test_post_is_not_allowed(client):
    assert client.post(ITEMS.format("counties")).status_code == 405


def test_gdal_reads_the_items_response(client, tmp_path):
    response = client.get(ITEMS.format("prefectures") + "?limit=1000")
    path = tmp_path / "prefectures.geojson"
    path.write_bytes(response.data)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == 17
    assert frame.crs.equals("EPSG:4326")
    assert sorted(frame["code"]) == sorted(features.feature_ids("prefectures"))
    assert frame.geometry.is_valid.all()


def test_service_description_lists_every_path(client):
    landing = client.get("/ogc/").json
    desc = next(link for link in landing["links"] if link["rel"] == "service-desc")
    assert desc["type"].startswith("application/vnd.oai.openapi+json")
    response = client.get(_path(desc["href"]))
    assert response.status_code == 200 and response.mimetype == "application/vnd.oai.openapi+json"
    api = response.json
    assert api["openapi"].startswith("3.0")
    assert set(api["paths"]) == {
        "/",
        "/api",
        "/conformance",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
    }
    items = api["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    assert {p["name"] for p in items} == {"collectionId", "limit", "offset", "bbox", "bbox-crs", "crs", "f"}
