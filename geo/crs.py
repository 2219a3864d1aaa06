"""Coordinate reference systems: the one place that names a CRS.

Storage and serving use WGS-84 longitude/latitude (EPSG:4326). Areas are measured in
an Albers equal-area conic fitted to Hubei; print maps use a Lambert conformal conic.
GCJ-02, the obfuscated datum used by Amap/Gaode, has no EPSG code: it is a published
closed-form forward transform from WGS-84, inverted here by fixed-point iteration.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer

#: Storage and web CRS: WGS-84 geographic, longitude/latitude order in GeoJSON.
WGS84 = CRS.from_epsg(4326)
#: China Geodetic Coordinate System 2000, what Chinese GIS teams usually ask for.
CGCS2000 = CRS.from_epsg(4490)
#: Web Mercator, for tiles.
WEB_MERCATOR = CRS.from_epsg(3857)


def epsg_code(c: CRS) -> int:
    """The EPSG code of a CRS that has one (``ValueError`` otherwise)."""
    code = c.to_epsg()
    if code is None:
        raise ValueError(f"{c.name} has no EPSG code")
    return code


#: Albers equal-area conic for Hubei (standard parallels bracket 29°N-33.3°N). Metres.
HUBEI_EQUAL_AREA = CRS.from_proj4(
    "+proj=aea +lat_0=31 +lon_0=112.5 +lat_1=29.5 +lat_2=32.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
#: Lambert conformal conic for Hubei, for print maps (shapes and local scale kept). Metres.
HUBEI_CONFORMAL = CRS.from_proj4(
    "+proj=lcc +lat_0=31 +lon_0=112.5 +lat_1=29.5 +lat_2=32.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)


@functools.cache
def transformer(source: CRS, target: CRS) -> Transformer:
    """The transformer from ``source`` to ``target``, longitude (easting) first; made once per process.

    Making one costs PROJ a database look-up (tens of milliseconds); a printed map uses the same few many times.
    pyproj transformers are safe to share between threads.
    """
    return Transformer.from_crs(source, target, always_xy=True)


# GCJ-02 constants, as in every published implementation (e.g. cnmaps/geo.py,
# wandergis/coordTransform): the Krasovsky 1940 ellipsoid.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# The bounding box outside which GCJ-02 implementations leave coordinates unchanged.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

FloatArray = npt.NDArray[np.float64]


def _transform_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def in_china_box(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Return True where a point lies in the box in which GCJ-02 applies an offset.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees.

    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return (lon_a >= _CHINA_LON[0]) & (lon_a <= _CHINA_LON[1]) & (lat_a >= _CHINA_LAT[0]) & (lat_a <= _CHINA_LAT[1])


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift WGS-84 longitude/latitude (degrees) to GCJ-02, vectorised.

    The published closed-form transform; points outside China's box are returned as given.

    Returns
    -------
    (lon, lat) in GCJ-02 degrees, as float arrays of the input's shape.

    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlat = _transform_lat(lon_a - 105.0, lat_a - 35.0)
    dlon = _transform_lon(lon_a - 105.0, lat_a - 35.0)
    radlat = np.radians(lat_a)
    magic = 1.0 - _GCJ_EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china_box(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def gcj02_to_wgs84(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    tolerance_deg: float = 1e-10,
    max_iter: int = 30,
) -> tuple[FloatArray, FloatArray]:
    """Invert GCJ-02 longitude/latitude (degrees) to WGS-84 by fixed-point iteration.

    Starts from the GCJ-02 point and repeats ``w -= forward(w) - g`` until every point's
    residual is below ``tolerance_deg`` (1e-10° is about 0.01 mm), so the result is exact
    to far better than 0.5 m; the one-step approximation many libraries use is off by
    metres.

    Raises
    ------
    RuntimeError
        If the iteration has not converged after ``max_iter`` rounds.

    """
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        r_lon, r_lat = f_lon - g_lon, f_lat - g_lat
        w_lon, w_lat = w_lon - r_lon, w_lat - r_lat
        # NaN compares False, so missing coordinates never block convergence.
        if not ((np.abs(r_lon) >= tolerance_deg) | (np.abs(r_lat) >= tolerance_deg)).any():
            return w_lon, w_lat
    raise RuntimeError(
        f"GCJ-02 inverse did not converge to {tolerance_deg}° in {max_iter} iterations; "
        "the input must be longitude/latitude degrees in GCJ-02"
    )


def _coords_transform(
    func: Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
) -> Callable[[FloatArray], FloatArray]:
    def apply(coords: FloatArray) -> FloatArray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return apply


def geometry_gcj02_to_wgs84(geometry: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Convert shapely geometries from GCJ-02 to WGS-84, vertex by vertex (vectorised).

    Shared vertices map to identical outputs, so a valid polygon coverage stays one.
    """
    return np.asarray(shapely.transform(geometry, _coords_transform(gcj02_to_wgs84)))


def geometry_wgs84_to_gcj02(geometry: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Convert shapely geometries from WGS-84 to GCJ-02 (for overlays on Amap tiles only)."""
    return np.asarray(shapely.transform(geometry, _coords_transform(wgs84_to_gcj02)))


#: CGCS2000 3-degree Gauss-Kruger zones covering Hubei (central meridian, degrees east) by EPSG code.
CGCS2000_GK_ZONES: dict[int, int] = {4545: 108, 4546: 111, 4547: 114, 4548: 117}


def gk_zone_epsg(lon: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Kruger zone (CM 108E-117E) for a longitude.

    The zone whose central meridian is nearest ``lon`` (zones are 3° wide, centred on
    the meridian).

    Raises
    ------
    ValueError
        If ``lon`` is farther than 1.5° from every zone that covers Hubei (106.5°E-118.5°E).
    """
    epsg, cm = min(CGCS2000_GK_ZONES.items(), key=lambda item: abs(item[1] - lon))
    if abs(cm - lon) > 1.5:
        raise ValueError(f"longitude {lon} is outside the CGCS2000 3-degree zones for Hubei (106.5-118.5°E)")
    return epsg


#: Web Mercator (EPSG:3857) spans [-HALF, HALF] metres in x and y; Leaflet lays a 256-pixel
#: tile over it at zoom 0 and doubles the pixels with each zoom level.
WEB_MERCATOR_HALF_M = 20037508.342789244
TILE_PX = 256
#: Web Mercator's latitude limit (degrees; Leaflet clamps at 85.0511287798, 2e-11 away).
MAX_WEB_LAT = 85.05112878


def lonlat_to_web_pixels(lon: npt.ArrayLike, lat: npt.ArrayLike, zoom: float) -> tuple[FloatArray, FloatArray]:
    """WGS-84 degrees to Leaflet's layer pixels at ``zoom`` (origin at 180°W 85.05°N, y down).

    These are the pixel positions a Leaflet map with the default CRS (EPSG:3857) gives
    the points at that zoom, before panning.
    """
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    lat_r = np.radians(np.clip(lat_a, -MAX_WEB_LAT, MAX_WEB_LAT))
    x = np.radians(lon_a)
    y = np.log(np.tan(np.pi / 4 + lat_r / 2))
    scale = TILE_PX * 2.0**zoom / (2 * np.pi)
    return (x + np.pi) * scale, (np.pi - y) * scale


def fit_center(bounds: Sequence[Sequence[float]]) -> list[float]:
    """[lat, lon] in degrees on which Leaflet's ``fitBounds`` centres ``bounds`` ([[south, west], [north, east]]).

    The midpoint of the corners in Web Mercator (EPSG:3857, Leaflet's default CRS), computed in the order
    Leaflet computes it (no padding), so a map opened on ``bounds`` with this centre reports no change of
    centre; it does not depend on the zoom the bounds fit at.
    """
    (south, west), (north, east) = bounds
    radius, rad = WEB_MERCATOR_HALF_M / math.pi, math.pi / 180  # the sphere's radius, 6378137 m

    def mercator_y(lat: float) -> float:
        sin = math.sin(max(-MAX_WEB_LAT, min(MAX_WEB_LAT, lat)) * rad)
        return radius * math.log((1 + sin) / (1 - sin)) / 2

    x = (radius * west * rad + radius * east * rad) / 2
    y = (mercator_y(south) + mercator_y(north)) / 2
    return [(2 * math.atan(math.exp(y / radius)) - math.pi / 2) / rad, x / rad / radius]


def geometry_to_web_pixels(geometry: npt.ArrayLike, zoom: float) -> npt.NDArray[np.object_]:
    """Shapely WGS-84 geometries in Leaflet's layer pixels at ``zoom`` (see ``lonlat_to_web_pixels``)."""
    return np.asarray(shapely.transform(geometry, _coords_transform(lambda x, y: lonlat_to_web_pixels(x, y, zoom))))
