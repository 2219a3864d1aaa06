"""Coordinate reference systems of the OGC API (OGC API - Features Part 2: CRS by reference).

The layers are stored in WGS-84 longitude/latitude (CRS84). A request may ask for its features in
another CRS (``crs``) and give its ``bbox`` in another CRS (``bbox-crs``); coordinates are then in the
axis order that CRS defines: latitude first for EPSG:4326 and EPSG:4490 (CGCS2000, the datum Chinese
GIS teams deliver in), easting first for EPSG:3857. See https://docs.ogc.org/is/18-058r1/18-058r1.html.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer

from geo import crs as geo_crs

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"


class ServedCrs(NamedTuple):
    """A CRS the service answers in: its URI, pyproj CRS, and decimals written per coordinate."""

    uri: str
    crs: CRS
    decimals: int
    #: The coordinate range of its axes in their own order ((min0, max0), (min1, max1)).
    valid: tuple[tuple[float, float], tuple[float, float]]


_MERCATOR_MAX = 20037508.342789244
#: Every CRS the service offers, storage CRS first (CRS84, then the EPSG codes in ``geo.crs``).
SERVED: dict[str, ServedCrs] = {
    served.uri: served
    for served in (
        ServedCrs(CRS84, CRS.from_user_input("OGC:CRS84"), 6, ((-180, 180), (-90, 90))),
        ServedCrs(EPSG_URI.format(geo_crs.epsg_code(geo_crs.WGS84)), geo_crs.WGS84, 6, ((-90, 90), (-180, 180))),
        ServedCrs(EPSG_URI.format(geo_crs.epsg_code(geo_crs.CGCS2000)), geo_crs.CGCS2000, 6, ((-90, 90), (-180, 180))),
        ServedCrs(
            EPSG_URI.format(geo_crs.epsg_code(geo_crs.WEB_MERCATOR)),
            geo_crs.WEB_MERCATOR,
            2,
            ((-_MERCATOR_MAX, _MERCATOR_MAX), (-_MERCATOR_MAX, _MERCATOR_MAX)),
        ),
    )
}
STORAGE_CRS = CRS84


def header(uri: str) -> str:
    """The ``Content-Crs`` header value for ``uri`` (the URI in angle brackets)."""
    return f"<{uri}>"


@functools.cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(SERVED[source].crs, SERVED[target].crs)  # each CRS's own axis order


def transform_coords(coords: npt.NDArray[np.float64], source: str, target: str) -> npt.NDArray[np.float64]:
    """Coordinates (N x 2, in ``source``'s axis order) in ``target``'s axis order, rounded to its decimals."""
    if source == target:
        out = coords
    else:
        a, b = _transformer(source, target).transform(coords[:, 0], coords[:, 1])
        out = np.column_stack([a, b])
    return np.round(out, SERVED[target].decimals)


def bbox_to_storage(values: tuple[float, ...], bbox_crs: str) -> tuple[float, float, float, float]:
    """A ``bbox`` given in ``bbox_crs`` (its axis order) as CRS84 ``(minLon, minLat, maxLon, maxLat)``.

    The four corners are transformed and their envelope taken: exact for the CRSs served, whose
    axes map to longitude and latitude separately.
    """
    a0, b0, a1, b1 = values
    corners = np.array([[a0, b0], [a0, b1], [a1, b0], [a1, b1]], dtype=float)
    if bbox_crs != CRS84:
        a, b = _transformer(bbox_crs, CRS84).transform(corners[:, 0], corners[:, 1])
        corners = np.column_stack([a, b])
    lon, lat = corners[:, 0], corners[:, 1]
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def in_range(values: tuple[float, ...], uri: str) -> bool:
    """True when a bbox's ``(min0, min1, max0, max1)`` are ordered and inside the axes' ranges of ``uri``."""
    (lo0, hi0), (lo1, hi1) = SERVED[uri].valid
    a0, b0, a1, b1 = values
    return bool(lo0 <= a0 <= a1 <= hi0 and lo1 <= b0 <= b1 <= hi1)  # also false for NaN
