"""Security headers on every kind of route, and a CSP that allows exactly the page's own scripts.

The browser tests run with the same policy (``tests/conftest.py`` fails a browser test that
left a CSP violation in Chromium's console); hostile requests are in ``tests/test_hostile_web.py``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

import pytest

from app.serve import security
from app.serve.server import create_app

#: One route of each kind: the page, Dash's JSON and scripts, assets, layer data, exports, OGC API,
#: health, and refusals from the server, from Dash's routes and from the OGC API.
ROUTES = (
    ("/", 200),
    ("/?view=targets&lang=en", 200),
    ("/_dash-layout", 200),
    ("/_dash-dependencies", 200),
    ("/_dash-component-suites/dash/dcc/async-dropdown.js", 200),
    ("/_favicon.ico", 200),
    ("/assets/hubei_map.css", 200),
    ("/data/layers/prefectures/z7-8.pbf", 200),
    ("/data/layers/prefectures/z7-8.geojson", 200),
    ("/data/layers/nope/z7-8.pbf", 404),
    ("/export?layers=nope&format=gpkg", 400),
    ("/ogc/", 200),
    ("/ogc/collections/computing/items?limit=2", 200),
    ("/ogc/collections/nope", 404),
    ("/healthz", 200),
    ("/_dash-component-suites/dash/x.js", 404),
    ("/no/such/page", 404),
)
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.mark.parametrize(("path", "status"), ROUTES, ids=[p for p, _ in ROUTES])
def test_every_kind_of_route_sends_the_security_headers(client, path, status):
    with client.get(path) as response:  # closes a file response (assets)
        status_code, headers = response.status_code, response.headers
    assert status_code == status
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    if headers["Content-Type"].startswith("text/html"):
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
    else:  # not a page: nothing may run or load if it is opened as one
        assert csp == "default-src 'none'; frame-ancestors 'self'"
    assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_ogc_answers_stay_json_for_gis_clients(client):
    response = client.get("/ogc/collections/computing/items?limit=2")
    assert response.mimetype == "application/geo+json"
    assert len(response.get_json()["features"]) == 2
    assert client.get("/ogc/collections/nope").get_json()["code"] == "NotFound"


def _policy(csp: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in csp.split(";"))}


def _executed_scripts(page: str) -> list[str]:
    """The page's inline scripts a browser runs (not JSON data blocks, not IE's conditional comments)."""
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    return [
        m["body"]
        for m in INLINE_SCRIPT.finditer(page)
        if "src=" not in m["attrs"] and "application/json" not in m["attrs"]
    ]


@pytest.mark.parametrize("query", ["", "?lang=en", "?layers=layout,province&z=8", "?view=targets", "?ind=gdp_2023"])
def test_the_csp_allows_every_inline_script_of_the_page_by_its_hash_and_nothing_else(client, query):
    response = client.get("/" + query)
    policy = _policy(response.headers["Content-Security-Policy"])
    scripts = _executed_scripts(response.get_data(as_text=True))
    assert scripts, "the page has Dash's renderer script at least"
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts}
    assert hashes <= set(policy["script-src"])
    assert [v for v in policy["script-src"] if not v.startswith("'sha256-")] == ["'self'"]  # no unsafe-*
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_the_page_has_no_style_attributes_and_the_csp_refuses_them(client):
    page = client.get("/?layers=layout,province,prefectures").get_data(as_text=True)
    assert "first-view" in page and "swatch" in page  # the first view with its legend is there
    assert re.search(r"\sstyle=", page) is None
    policy = _policy(client.get("/").headers["Content-Security-Policy"])
    assert policy["style-src-attr"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["connect-src"] == ["'self'"]


def test_the_csp_lets_the_online_basemaps_tiles_in_as_images(client):
    from app.web import tile_origins

    policy = _policy(client.get("/").headers["Content-Security-Policy"])
    assert "https://tile.openstreetmap.org" in tile_origins()
    assert set(tile_origins()) | {"'self'", "data:"} == set(policy["img-src"])


def test_every_basemap_loads_its_tiles_over_https_and_the_csp_names_those_origins(client):
    from app.web import mapview

    policy = _policy(client.get("/", base_url="https://map.example").headers["Content-Security-Policy"])
    for basemap in mapview.BASEMAPS:
        (tiles,) = mapview.basemap_children(basemap)
        assert tiles.url.startswith("https://"), tiles.url  # an http:// tile is blocked as mixed content over TLS
        origin = "https://" + urlsplit(tiles.url).netloc
        assert origin in policy["img-src"]
    assert mapview.basemap_children("gaode")[0].url.startswith("https://webrd01.is.autonavi.com/appmaptile?")
    assert not [source for source in policy["img-src"] if source.startswith("http:")]


def test_hsts_only_over_tls(client):
    assert client.get("/healthz", base_url="https://map.example").headers["Strict-Transport-Security"] == security.HSTS
    # a client cannot claim TLS itself: without trusted proxy hops X-Forwarded-Proto is ignored
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers


def test_hsts_behind_a_trusted_proxy_that_ends_tls(monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_PROXY_HOPS", "1")
    behind = create_app().server.test_client()
    assert behind.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in behind.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers
