"""Drawing the map's layers on a matplotlib axes: polygons, lines, points and the choropleth, styled as the web map."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from app.render import geometry, mapdata
from app.render.furniture import INK
from app.render.geometry import Extent
from layers import choropleth as chor
from layers.style import CHOROPLETH_STYLE, LEAFLET_DEFAULTS, style

#: Leaflet pixels (CSS px, 1/96 in) to print points, for line widths, dashes and marker sizes.
#: Slightly under 0.75 (1 px = 0.75 pt): lines read heavier on paper than on a screen.
PT_PER_PX = 0.55


#: Choropleth fills: opacity of classed and no-data units (``layers.style``), hatch of no-data units.
CHOROPLETH_FILL_OPACITY = float(CHOROPLETH_STYLE["fillOpacity"])


NO_DATA_FILL_OPACITY = float(CHOROPLETH_STYLE["noDataFillOpacity"])


NO_DATA_HATCH = "////"


MARKER_SHAPES: dict[str, str] = {"circle": "o", "square": "s", "diamond": "D"}


#: Offset added to the z-order of point layers, so markers sit above every area and line.
MARKER_Z = 100


#: Catalogue group of the context layers (drawn outside Hubei, never covered by a choropleth).
CONTEXT_GROUP = "context"

#: Drawn as outlines over a choropleth, which covers their usual place in the stack.
OUTLINES_OVER_CHOROPLETH = "prefectures"


def rgba(color: str, opacity: float) -> tuple[float, float, float, float]:
    """A CSS colour with ``opacity`` (0-1) as matplotlib's RGBA tuple."""
    return mcolors.to_rgba(color, opacity)


def dashes(spec: dict[str, Any], s: float) -> tuple[float, ...] | None:
    """A style's ``dashArray`` (pixels) as matplotlib dashes in points at scale ``s``; None when solid."""
    dash = spec.get("dashArray")
    if not dash:
        return None
    return tuple(float(v) * PT_PER_PX * s for v in str(dash).split())


def linestyle(dashes: tuple[float, ...] | None) -> Any:
    """A matplotlib line style for ``dashes`` (solid when None)."""
    return (0, dashes) if dashes else "solid"


def polygon_colours(frame: gpd.GeoDataFrame, spec: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Face and edge colours per feature from a Leaflet style (categories colour by a property)."""
    opts = {**LEAFLET_DEFAULTS, **spec}
    cats = spec.get("categories")
    if cats:
        base = frame[cats["field"]].map(cats["colors"]).fillna(opts.get("fillColor", opts["color"]))
        fills = base.tolist()
        edges = [spec["color"]] * len(frame) if "color" in spec else fills
    else:
        fills = [opts.get("fillColor", opts["color"])] * len(frame)
        edges = [opts["color"]] * len(frame)
    return [rgba(c, opts["fillOpacity"]) for c in fills], [rgba(c, opts["opacity"]) for c in edges]


def _per_shape(value: Any, keep: np.ndarray) -> Any:
    """A style value for the kept shapes: a list with one value per shape is cut to them, one value stays."""
    return [v for v, k in zip(value, keep, strict=True) if k] if isinstance(value, list) else value


def add_polygons(ax: Axes, geoms: np.ndarray, **style: Any) -> None:
    """(Multi)polygons as one ``PatchCollection`` (as geopandas' ``plot`` draws them), without pyplot.

    geopandas' ``plot`` imports pyplot and redraws the whole figure after every call; this adds the
    shapes only. A list-valued style (``facecolor=[...]``) has one value per geometry.
    """
    geoms = shapely.normalize(geoms)  # exteriors clockwise, holes counter-clockwise: holes stay holes
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    patches = []
    for geom in geoms[keep]:
        rings = [
            Path(shapely.get_coordinates(ring), closed=True)
            for part in shapely.get_parts(geom)
            for ring in (part.exterior, *part.interiors)
        ]
        patches.append(PathPatch(Path.make_compound_path(*rings)))
    if patches:
        ax.add_collection(PatchCollection(patches, **{k: _per_shape(v, keep) for k, v in style.items()}))
        ax.autoscale_view()


def add_lines(ax: Axes, geoms: np.ndarray, **style: Any) -> None:
    """(Multi)lines as one ``LineCollection`` in one style (as geopandas' ``plot`` draws them), without pyplot."""
    parts = shapely.get_parts(shapely.normalize(geoms[~shapely.is_missing(geoms)]))  # geopandas' direction
    segments = [shapely.get_coordinates(part) for part in parts if not part.is_empty]
    if segments:
        ax.add_collection(LineCollection(segments, **style))
        ax.autoscale_view()


def draw_polygons(ax: Axes, frame: gpd.GeoDataFrame, spec: dict[str, Any], s: float, zorder: float) -> None:
    """Polygons with a Leaflet style: fill, outline width, opacity and dashes."""
    if frame.empty:
        return
    faces, edges = polygon_colours(frame, spec)
    width = float(spec.get("weight", LEAFLET_DEFAULTS["weight"])) * PT_PER_PX * s
    add_polygons(
        ax,
        frame.geometry.values,
        facecolor=faces,
        edgecolor=edges,
        linewidth=width,
        linestyle=linestyle(dashes(spec, s)),
        zorder=zorder,
    )


def draw_lines(ax: Axes, frame: gpd.GeoDataFrame, spec: dict[str, Any], s: float, zorder: float) -> None:
    """Lines with a Leaflet style (colour, width, opacity, dashes)."""
    if frame.empty:
        return
    opts = {**LEAFLET_DEFAULTS, **spec}
    add_lines(
        ax,
        frame.geometry.values,
        color=rgba(opts["color"], opts["opacity"]),
        linewidth=float(opts["weight"]) * PT_PER_PX * s,
        linestyle=linestyle(dashes(spec, s)),
        zorder=zorder,
    )


def marker_size_pt(spec: dict[str, Any], s: float) -> float:
    """Print size (points) of a point layer's marker."""
    return float(spec["marker"]["size"]) * PT_PER_PX * s


def fan_offsets(frame: gpd.GeoDataFrame, marker_pt: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (points) that fan out markers sharing a position on a ring, as the web map does."""
    size = frame["stack_size"].to_numpy(dtype=float)
    index = frame["stack_index"].to_numpy(dtype=float)
    radius = np.maximum(marker_pt * 0.9, size * marker_pt * 1.25 / (2 * np.pi))
    angle = 2 * np.pi * index / np.maximum(size, 1) + np.pi / 2
    shared = size > 1
    return np.where(shared, radius * np.cos(angle), 0.0), np.where(shared, radius * np.sin(angle), 0.0)


def point_positions(frame: gpd.GeoDataFrame, marker_pt: float, m_per_pt: float) -> tuple[np.ndarray, np.ndarray]:
    """Projected marker positions after fanning out shared positions."""
    dx, dy = fan_offsets(frame, marker_pt)
    return frame.geometry.x.to_numpy() + dx * m_per_pt, frame.geometry.y.to_numpy() + dy * m_per_pt


def draw_points(
    ax: Axes, frame: gpd.GeoDataFrame, spec: dict[str, Any], s: float, zorder: float, m_per_pt: float
) -> list[geometry.Box]:
    """Markers (shape, colour, size from the style); approximate locations get a dashed rim. Returns their boxes."""
    if frame.empty:
        return []
    marker = spec["marker"]
    size = marker_size_pt(spec, s)
    x, y = point_positions(frame, size, m_per_pt)
    approx = (frame["precision"] != "site").to_numpy()
    code = MARKER_SHAPES[marker["shape"]]
    area = (size if code != "D" else size * 0.8) ** 2
    for mask, style_ in ((~approx, "solid"), (approx, (0, (1.6 * s, 1.0 * s)))):
        if mask.any():
            ax.scatter(
                x[mask],
                y[mask],
                s=area,
                marker=code,
                facecolors=marker["color"],
                edgecolors=INK,
                linewidths=0.7 * s,
                linestyles=style_,
                zorder=zorder,
            )
    half = size / 2 * m_per_pt
    return [(a - half, b - half, a + half, b + half) for a, b in zip(x, y, strict=True)]


def draw_choropleth(ax: Axes, result: chor.Choropleth, tolerance: float, extent: Extent, s: float, z: float) -> None:
    """Units filled by class colour; units without data grey, hatched and dash-outlined."""
    units = mapdata.units(result.indicator.level, tolerance, extent)[["code", "geometry"]]
    table = units.merge(result.table[["code", "class", "color"]], on="code", how="left")
    edge = style("prefecture")["color"]
    have = table[table["class"] >= 0]
    none = table[~(table["class"] >= 0)]
    if not have.empty:
        add_polygons(
            ax,
            have.geometry.values,
            facecolor=[rgba(c, CHOROPLETH_FILL_OPACITY) for c in have["color"]],
            edgecolor=edge,
            linewidth=0.45 * s,
            zorder=z,
        )
    if not none.empty:
        add_polygons(
            ax,
            none.geometry.values,
            facecolor=rgba(result.classification.no_data_color, NO_DATA_FILL_OPACITY),
            edgecolor=edge,
            hatch=NO_DATA_HATCH,
            linewidth=0.45 * s,
            linestyle=(0, (2 * s, 1.5 * s)),
            zorder=z,
        )
