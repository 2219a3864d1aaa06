"""Layer files as HTTP bodies: gzip-compressed once per layer, band and datum, with their ETags.

The bytes come from ``layers.webdata`` (simplified and rounded per zoom band); compressing and
naming them for caches is the server's business.
"""

from __future__ import annotations

import functools
import gzip
import hashlib

from layers import webdata


def etag(payload: bytes) -> str:
    """A strong ETag for a response body (quoted SHA-256 prefix)."""
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def geojson_gzip(layer_id: str, band_name: str, datum: str = "wgs84") -> bytes:
    """``webdata.layer_geojson`` gzip-compressed once (fixed mtime, so the same bytes every time).

    Served to browsers that accept gzip: compressing per request would cost more CPU than
    building the layer did. Raises ``KeyError`` for an unknown layer, band or datum.
    """
    webdata.layer_geojson(layer_id, band_name, datum)  # validates the names
    return _geojson_gzip(layer_id, band_name, datum)


@functools.lru_cache(maxsize=128)
def _geojson_gzip(layer_id: str, band_name: str, datum: str) -> bytes:
    return gzip.compress(webdata.layer_geojson(layer_id, band_name, datum), compresslevel=9, mtime=0)


def geobuf_gzip(layer_id: str, band_name: str, datum: str = "wgs84") -> bytes:
    """``webdata.layer_geobuf`` gzip-compressed once: the map's format (every browser accepts gzip)."""
    webdata.layer_geobuf(layer_id, band_name, datum)  # validates the names (KeyError), builds under its lock
    return _geobuf_gzip(layer_id, band_name, datum)


@functools.lru_cache(maxsize=128)
def _geobuf_gzip(layer_id: str, band_name: str, datum: str) -> bytes:
    return gzip.compress(webdata.layer_geobuf(layer_id, band_name, datum), compresslevel=9, mtime=0)
