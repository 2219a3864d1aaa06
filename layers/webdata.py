"""Layer data as served to the web map: simplified per zoom band, rounded, cached bytes.

The web map fetches these by URL, so geometry never travels through a Dash callback.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading

import geobuf
import geopandas as gpd
import shapely

from geo import crs, datafiles, simplify
from geo.paths import DATA_DIR
from layers import catalogue, features, labels

#: One lock around building a layer: the web server is threaded, and building runs GEOS
#: and GDAL (in-memory writes) that gain nothing from running twice at once.
_BUILD_LOCK = threading.Lock()


#: Context layers (grey neighbouring provinces) are simplified this many times coarser:
#: they are a backdrop, and the largest polygons on the page.
CONTEXT_TOLERANCE_FACTOR = 4.0
#: Datums layers can be served in: WGS-84 (stored) and GCJ-02 (only to overlay Gaode's tiles).
DATUMS = ("wgs84", "gcj02")


def layer_geojson(layer_id: str, band_name: str, datum: str = "wgs84") -> bytes:
    """Return the GeoJSON bytes of ``layer_id`` for the zoom band ``band_name`` (built once, then cached).

    ``datum="gcj02"`` shifts every coordinate to GCJ-02 (after simplifying in WGS-84),
    for overlaying tiles that use it; the GeoJSON itself cannot say so, the URL does.

    Raises
    ------
    KeyError
        For an unknown layer, band or datum (the message lists the valid ones).
    """
    if datum not in DATUMS:
        raise KeyError(f"unknown datum {datum!r}; expected one of {DATUMS}")
    with _BUILD_LOCK:
        return _layer_geojson(layer_id, band_name, datum)


def layer_frame(layer_id: str, band_name: str, datum: str = "wgs84") -> gpd.GeoDataFrame:
    """``layer_id`` as served for the zoom band ``band_name`` (simplified and rounded; cached, do not modify).

    Raises
    ------
    KeyError
        For an unknown layer, band or datum.
    """
    if datum not in DATUMS:
        raise KeyError(f"unknown datum {datum!r}; expected one of {DATUMS}")
    with _BUILD_LOCK:
        return _layer_frame(layer_id, band_name, datum)[0]


@functools.lru_cache(maxsize=128)
def _layer_frame(layer_id: str, band_name: str, datum: str) -> tuple[gpd.GeoDataFrame, int]:
    """Return ``layer_id`` as served for the zoom band ``band_name`` in ``datum``, and its decimals.

    Polygon layers are simplified with ``geo.simplify`` (coverage layers as one coverage,
    seamless at every band) and rounded to the band's decimals (one more where a coverage
    needs it); points and lines are served as they are, rounded to the band's decimals. The
    label layers of ``layers.labels`` (``labels_prefecture``, ``labels_county``) are served
    the same way, so the map's names shift with the datum as its shapes do.
    """
    band = simplify.band_by_name(band_name)
    decimals = band.decimals
    if layer_id in labels.LABEL_LAYERS:  # the places' names: points, not in the catalogue
        gdf = labels.label_points(labels.LABEL_LAYERS[layer_id])
        gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c.round(decimals)), crs=gdf.crs)
        spec = None
    else:
        spec = catalogue.layer(layer_id)
        gdf = features.layer_data(layer_id)
    if spec is not None and spec.geometry == "polygon":
        factor = CONTEXT_TOLERANCE_FACTOR if spec.group == "context" else 1.0
        gdf = simplify.simplify_for_band(gdf, band, coverage=spec.coverage, tolerance_factor=factor)
        decimals = gdf.attrs["decimals"]
    if datum == "gcj02":
        gdf = gdf.set_geometry(crs.geometry_wgs84_to_gcj02(gdf.geometry.values), crs=gdf.crs)
    return gdf, decimals


@functools.lru_cache(maxsize=128)
def _layer_geojson(layer_id: str, band_name: str, datum: str = "wgs84") -> bytes:
    """The GeoJSON bytes of ``_layer_frame``. Call through ``layer_geojson``."""
    gdf, decimals = _layer_frame(layer_id, band_name, datum)
    return datafiles.to_geojson_bytes(gdf, precision=decimals)


def layer_geobuf(layer_id: str, band_name: str, datum: str = "wgs84") -> bytes:
    """``layer_geojson`` as Geobuf (compact protobuf the web map decodes), built once.

    Features without geometry (records whose location is not known) are left out: there
    is nothing to draw, and their records are in the GeoJSON and the exports.
    """
    layer_geojson(layer_id, band_name, datum)  # validates the names and builds under the lock
    with _BUILD_LOCK:
        return _layer_geobuf(layer_id, band_name, datum)


@functools.lru_cache(maxsize=128)
def _layer_geobuf(layer_id: str, band_name: str, datum: str) -> bytes:
    collection = json.loads(_layer_geojson(layer_id, band_name, datum))
    collection["features"] = [f for f in collection["features"] if f["geometry"]]
    precision = _layer_frame(layer_id, band_name, datum)[1]
    return bytes(geobuf.encode(collection, precision))


def warm(band_name: str) -> int:
    """Build and cache every catalogue layer and label layer for one zoom band; returns the bytes prepared.

    Run before serving so the first page load does not wait for simplification (nor for its names).
    """
    return sum(len(layer_geojson(layer_id, band_name)) for layer_id in [*catalogue.catalogue(), *labels.LABEL_LAYERS])


@functools.cache
def data_version() -> str:
    """A short hash of every file under the data folder, for cache-busting layer URLs.

    Layer responses can then be cached for a long time: when any data file changes,
    the URLs change with it.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(DATA_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
