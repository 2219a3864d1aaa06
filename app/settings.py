"""App settings: defaults and URLs, in one place. Environment variables override them."""

from __future__ import annotations

import os

#: Default address of ``hubei-map serve`` (overridden by --host/--port or env).
DEFAULT_HOST = os.environ.get("HUBEI_MAP_HOST", "127.0.0.1")
DEFAULT_PORT = int(os.environ.get("HUBEI_MAP_PORT", "8050"))
#: URL under which layer data is served: {prefix}/{layer_id}/{band}.geojson
LAYER_URL_PREFIX = "/data/layers"
#: Initial view: Hubei's bounding box, [[south, west], [north, east]] in degrees (WGS-84).
HUBEI_BOUNDS = [[29.0, 108.3], [33.3, 116.2]]
HUBEI_CENTER = [31.15, 112.25]
MIN_ZOOM = 5
MAX_ZOOM = 13
#: Seconds browsers and proxies may cache a layer response. Layer URLs carry a hash of the
#: data folder (``?v=``), so a data change is a new URL and old responses never go stale.
LAYER_MAX_AGE_S = 7 * 24 * 3600
APP_TITLE_ZH = "湖北省数字经济发展布局图"
APP_TITLE_EN = "Hubei Digital Economy Map"
