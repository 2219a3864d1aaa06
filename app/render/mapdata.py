"""The geometry a printed map draws, projected to ``HUBEI_CONFORMAL`` and thinned for paper.

Layers come from ``layers.features.layer_data`` and units from ``geo.boundaries``; here they
are only projected, simplified below what paper can show, and cached per process.
"""

from __future__ import annotations

import functools
import hashlib

import geopandas as gpd
import numpy as np
import shapely

from app.render.geometry import Extent
from geo import boundaries, crs
from geo.codes import HUBEI_CODE
from geo.crs import HUBEI_CONFORMAL
from layers import features

#: Simplification tolerances (metres) offered; the largest not above the paper's limit is used,
#: so few cached versions serve every scale.
TOLERANCES_M: tuple[float, ...] = (10.0, 25.0, 50.0, 100.0, 200.0, 400.0)
#: Detail kept on paper: nothing smaller than this (millimetres) is removed visibly.
PAPER_DETAIL_MM = 0.05


def tolerance_for(scale_denominator: float) -> float:
    """The simplification tolerance (metres) for a map at 1:``scale_denominator``."""
    limit = scale_denominator * PAPER_DETAIL_MM / 1000.0
    fitting = [t for t in TOLERANCES_M if t <= limit]
    return fitting[-1] if fitting else 0.0


#: Geometries projected and thinned in this process, by source CRS, tolerance and a digest of the source
#: geometry: layers that draw the same shapes (the prefectures as units, as a layer and as the layout's
#: roles; the neighbouring provinces; the province) are projected and simplified once.
_THINNED: dict[tuple[str, float, bytes], shapely.Geometry] = {}


def _thin(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    source = frame.crs.to_wkt()
    keys = [
        None if wkb is None else (source, tolerance_m, hashlib.blake2b(wkb, digest_size=16).digest())
        for wkb in shapely.to_wkb(geoms)
    ]
    todo = [i for i, key in enumerate(keys) if key is not None and key not in _THINNED]
    if todo:
        forward = crs.transformer(frame.crs, HUBEI_CONFORMAL).transform  # what to_crs does, with the shared transformer
        projected = shapely.transform(geoms[todo], lambda xy: np.column_stack(forward(xy[:, 0], xy[:, 1])))
        if tolerance_m > 0:
            lines_or_polys = shapely.get_dimensions(projected) > 0
            simplified = shapely.simplify(projected, tolerance_m, preserve_topology=True)
            projected = np.where(lines_or_polys, simplified, projected)
        for i, geom in zip(todo, projected, strict=True):
            _THINNED[keys[i]] = geom  # type: ignore[index]  # todo holds no None key
    thinned = np.array([None if key is None else _THINNED[key] for key in keys], dtype=object)
    return frame.set_geometry(gpd.GeoSeries(thinned, index=frame.index, crs=HUBEI_CONFORMAL))


@functools.cache
def _layer(layer_id: str, tolerance_m: float) -> gpd.GeoDataFrame:
    frame = features.layer_data(layer_id)
    frame = frame[~shapely.is_missing(frame.geometry.values)]
    return _thin(frame, tolerance_m)


@functools.cache
def _units(level: str, tolerance_m: float) -> gpd.GeoDataFrame:
    return _thin(boundaries.units(level), tolerance_m)


@functools.cache
def _context(kind: str, tolerance_m: float) -> gpd.GeoDataFrame:
    return _thin(boundaries.context(kind), tolerance_m)


def clip(frame: gpd.GeoDataFrame, extent: Extent, margin: float = 0.05) -> gpd.GeoDataFrame:
    """Features that reach into ``extent`` (plus ``margin`` of its size), polygons and lines cut to it."""
    dx, dy = extent.width * margin, extent.height * margin
    box = (extent.xmin - dx, extent.ymin - dy, extent.xmax + dx, extent.ymax + dy)
    geoms = frame.geometry.values
    keep = shapely.intersects(geoms, shapely.box(*box))
    kept = frame[keep]
    cut = kept.geometry.values
    shapes = shapely.get_dimensions(cut) > 0
    clipped = np.where(shapes, shapely.clip_by_rect(cut, *box), cut)
    out = kept.set_geometry(gpd.GeoSeries(clipped, index=kept.index, crs=frame.crs))
    return out[~shapely.is_empty(out.geometry.values)]


def layer(layer_id: str, tolerance_m: float, extent: Extent) -> gpd.GeoDataFrame:
    """A catalogue layer's drawn features, projected, thinned and clipped to ``extent``."""
    return clip(_layer(layer_id, tolerance_m), extent)


def units(level: str, tolerance_m: float, extent: Extent | None = None) -> gpd.GeoDataFrame:
    """Admin units of ``level``, projected and thinned (and clipped when ``extent`` is given)."""
    frame = _units(level, tolerance_m)
    return frame.copy() if extent is None else clip(frame, extent)


def context(kind: str, tolerance_m: float, extent: Extent | None = None) -> gpd.GeoDataFrame:
    """A context layer (``neighbours``, ``china``), projected and thinned (and clipped)."""
    frame = _context(kind, tolerance_m)
    return frame.copy() if extent is None else clip(frame, extent)


def area_bounds(extent_code: str) -> tuple[float, float, float, float]:
    """Projected bounds of the province (``"province"``) or of one prefecture-level unit."""
    code = HUBEI_CODE if extent_code == "province" else extent_code
    level = "province" if extent_code == "province" else "prefecture"
    frame = units(level, 0.0)
    minx, miny, maxx, maxy = frame[frame["code"] == code].total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)
