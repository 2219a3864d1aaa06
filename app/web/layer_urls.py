"""Where the map's layer data is and in which datum: URLs per zoom band, preload links, bounds shifted to GCJ-02.

The overlays are served in WGS-84, or shifted to GCJ-02 to line up with Gaode's tiles;
everything that names a place on the map (layer URLs, bounds to fly to) goes through here.
"""

from __future__ import annotations

from html import escape

from app import settings
from app.web.viewstate import BASEMAPS, ViewState
from geo import boundaries, crs
from geo.simplify import band_for_zoom
from layers import catalogue, webdata
from layers.labels import label_layer_id

#: Zoom at which the map first opens (the bounds decide the view; this picks the band).
INITIAL_ZOOM = 7
#: Zoom from which county boundaries (and their names) show by themselves (when "automatic" is on).
COUNTIES_FROM_ZOOM = 9


def layer_url(layer_id: str, zoom: float | None, datum: str = "wgs84") -> str:
    """URL of a layer's data for the zoom band containing ``zoom`` (None: the initial zoom).

    ``datum="gcj02"`` asks for the layer shifted to GCJ-02, to overlay Gaode tiles.
    """
    band = band_for_zoom(INITIAL_ZOOM if zoom is None else zoom)
    shift = "&datum=gcj02" if datum == "gcj02" else ""
    return f"{settings.LAYER_URL_PREFIX}/{layer_id}/{band.name}.{LAYER_FORMAT}?v={webdata.data_version()}{shift}"


#: The map fetches layers as Geobuf (``.pbf``): a third of gzipped GeoJSON's bytes.
LAYER_FORMAT = "pbf"


def datum_for(basemap: str | None) -> str:
    """Datum the overlays must be served in to line up with ``basemap`` (``wgs84`` without one)."""
    return BASEMAPS[basemap][1] if basemap in BASEMAPS else "wgs84"


def bounds_in_datum(bounds: list[list[float]], basemap: str | None) -> list[list[float]]:
    """``[[south, west], [north, east]]`` (WGS-84) as drawn over ``basemap``: shifted to GCJ-02 for Gaode."""
    if datum_for(basemap) != "gcj02":
        return bounds
    (south, west), (north, east) = bounds
    lons, lats = crs.wgs84_to_gcj02([west, east], [south, north])
    return [[float(lats[0]), float(lons[0])], [float(lats[1]), float(lons[1])]]


def unit_bounds(code: str, level: str = "prefecture") -> list[list[float]]:
    """A unit's bounding box as Leaflet takes it: [[south, west], [north, east]] (degrees, WGS-84)."""
    west, south, east, north = boundaries.unit(code, level=level).geometry.bounds
    return [[south, west], [north, east]]


def preload_links(state: ViewState) -> str:
    """``<link rel=preload>`` tags for the layers a view opens with, after the page's scripts.

    The browser then fetches the layer data while it is still loading the scripts,
    instead of after the map has mounted.
    """
    if state.view != "map":  # no map, no layers
        return ""
    datum = datum_for(state.basemap)
    urls = [layer_url(i, state.zoom, datum) for i in catalogue.catalogue() if i in state.layers]
    if "prefectures" in state.layers:  # and their names (app/web/labels.py)
        urls.append(layer_url(label_layer_id("prefecture"), state.zoom, datum))
    return "".join(f'<link rel="preload" href="{escape(u)}" as="fetch" crossorigin="anonymous">' for u in urls)
