"""Topology-preserving simplification of polygon coverages, per zoom band.

Uses shapely's ``coverage_simplify`` (GEOS CoverageSimplifier, Visvalingam-Whyatt on
shared edges), so neighbouring units stay seamless and valid; per-polygon ``simplify``
would open gaps and slivers between them. Tolerances are metres, applied in the
Lambert conformal CRS for Hubei and converted back.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from geo.crs import HUBEI_CONFORMAL, WGS84


@dataclass(frozen=True)
class ZoomBand:
    """A range of web-map zoom levels and the simplification that suits it.

    ``tolerance_m`` is about the side of the smallest triangle removed, in metres
    (0 means the stored geometry, unsimplified); ``decimals`` is the coordinate
    rounding used when serving this band.
    """

    name: str
    min_zoom: int
    max_zoom: int
    tolerance_m: float
    decimals: int


#: Bands cover zoom 0-22 without gaps. At zoom z a screen pixel is about
#: 156543 * cos(31°) / 2**z metres in Hubei, so each tolerance is under one pixel, and
#: rounding to ``decimals`` (half a unit: 56 m at 3 decimals, 6 m at 4) moves a vertex by
#: under a fifth of a pixel at the band's deepest zoom. The last band is the stored data.
ZOOM_BANDS: tuple[ZoomBand, ...] = (
    ZoomBand("z0-6", 0, 6, 1000.0, 3),
    ZoomBand("z7-8", 7, 8, 400.0, 3),  # under a pixel at zoom 8 (about 520 m in Hubei)
    ZoomBand("z9-10", 9, 10, 60.0, 4),
    ZoomBand("z11+", 11, 22, 0.0, 6),
)


def band_for_zoom(zoom: float) -> ZoomBand:
    """Return the zoom band that contains ``zoom`` (clamped to 0-22)."""
    z = int(min(max(zoom, 0), 22))
    return next(b for b in ZOOM_BANDS if b.min_zoom <= z <= b.max_zoom)


def band_by_name(name: str) -> ZoomBand:
    """Return the zoom band called ``name``; raise KeyError naming the valid ones."""
    for band in ZOOM_BANDS:
        if band.name == name:
            return band
    raise KeyError(f"unknown zoom band {name!r}; expected one of {[b.name for b in ZOOM_BANDS]}")


def _project(geoms: npt.ArrayLike, inverse: bool) -> npt.NDArray[np.object_]:
    src, dst = (HUBEI_CONFORMAL, WGS84) if inverse else (WGS84, HUBEI_CONFORMAL)
    transformer = Transformer.from_crs(src, dst, always_xy=True)
    return np.asarray(shapely.transform(geoms, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))))


def coverage_simplify_metres(
    geoms: npt.ArrayLike, tolerance_m: float, *, simplify_boundary: bool = True
) -> npt.NDArray[np.object_]:
    """Simplify WGS-84 polygons that form one coverage, with a tolerance in metres.

    Parameters
    ----------
    geoms
        Polygons or multipolygons in EPSG:4326 that form a valid coverage.
    tolerance_m
        Visvalingam-Whyatt tolerance in metres; 0 returns the input unchanged.
    simplify_boundary
        Also simplify the coverage's outer boundary (default True).

    Returns
    -------
    Simplified geometries in EPSG:4326, same order; still a valid coverage.

    """
    arr = np.asarray(geoms, dtype=object)
    if tolerance_m <= 0:
        return arr
    projected = _project(arr, inverse=False)
    simplified = shapely.coverage_simplify(projected, tolerance_m, simplify_boundary=simplify_boundary)
    return _project(simplified, inverse=True)


def simplify_each_metres(geoms: npt.ArrayLike, tolerance_m: float) -> npt.NDArray[np.object_]:
    """Simplify WGS-84 geometries one by one (Douglas-Peucker, topology-preserving), tolerance in metres.

    For shapes that do not form a coverage (overlapping zones, lines); a coverage should
    use ``coverage_simplify_metres`` so its shared edges stay matched.
    """
    arr = np.asarray(geoms, dtype=object)
    if tolerance_m <= 0:
        return arr
    simplified = shapely.simplify(_project(arr, inverse=False), tolerance_m, preserve_topology=True)
    return _project(simplified, inverse=True)


def simplify_for_band(
    gdf: gpd.GeoDataFrame, band: ZoomBand, *, coverage: bool = True, tolerance_factor: float = 1.0
) -> gpd.GeoDataFrame:
    """Return ``gdf`` (EPSG:4326) simplified and rounded for ``band``.

    ``coverage=True`` treats the polygons as one coverage (seamless result);
    ``coverage=False`` simplifies each geometry on its own. ``tolerance_factor``
    scales the band's tolerance (e.g. coarser for a grey context backdrop).
    Coordinates are rounded to the band's decimals, or to one more where that would
    break a coverage; ``out.attrs["decimals"]`` says which (the precision to serve).

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326.

    """
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        raise ValueError(f"simplify_for_band expects EPSG:4326, got {gdf.crs}; call to_crs(4326) first")
    simplify = coverage_simplify_metres if coverage else simplify_each_metres
    geoms = simplify(gdf.geometry.values, band.tolerance_m * tolerance_factor)
    decimals = band.decimals
    rounded = shapely.set_precision(geoms, 10.0**-decimals)
    if coverage and not (shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded)):
        # Snapping small units to a coarse grid can pinch a ring or open a sliver between
        # neighbours (Hubei's counties at 3 decimals): one more decimal keeps the coverage.
        decimals += 1
        rounded = shapely.set_precision(geoms, 10.0**-decimals)
    out = gdf.set_geometry(gpd.GeoSeries(rounded, index=gdf.index, crs=gdf.crs))
    out.attrs["decimals"] = decimals
    return out
