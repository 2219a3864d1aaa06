"""A map of one prefecture-level unit that reads as a map of that unit (atlas pages, unit snapshots).

The unit keeps its colours and gets a strong outline (``focus_unit`` in ``layers.style``) and its
county-level units solid outlines (``drill_county``, as the web map's drill-down). Everything
outside it fades under a light grey veil with thin outlines (``outside_unit``), neighbouring
prefectures' names are grey, and the legend counts and lists only what lies in the unit.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from matplotlib.axes import Axes

from app.render import mapdata
from app.render.draw import CONTEXT_GROUP, MARKER_Z, draw_polygons
from app.render.furniture import LegendItem
from app.render.geometry import Extent
from app.render.legend import polygon_item
from app.render.request import PROVINCE, SnapshotRequest
from geo.crs import HUBEI_CONFORMAL
from layers import catalogue
from layers.style import style

#: Draw order: the veil above every layer and marker outside the unit, then the outlines; labels stay above.
VEIL_Z = MARKER_Z + 50


#: Outlines of the unit's county-level units, just under the markers.
COUNTY_Z = MARKER_Z - 1


#: Gid of the veil over the area outside the unit (tests and readers of the SVG find it by this).
VEIL_GID = "outside-unit"


#: Share of a feature's area (or of the unit's) that must lie in the unit for the legend to list it.
IN_UNIT_SHARE = 0.01


def focused(request: SnapshotRequest) -> str | None:
    """The code of the unit a request maps, or None for the province."""
    return None if request.extent == PROVINCE else request.extent


def unit_shape(code: str, tolerance: float) -> Any:
    """The unit's projected, thinned polygon (as drawn by the layers at this tolerance)."""
    units = mapdata.units("prefecture", tolerance)
    return shapely.union_all(units.loc[units["code"] == code].geometry.values)


def county_style() -> dict[str, Any]:
    """The unit's county outlines: the web map's drill-down outline, without its click-catching fill."""
    return {**style("drill_county"), "fillOpacity": 0.0}


def draw(ax: Axes, code: str, tolerance: float, extent: Extent, s: float) -> None:
    """Fade everything outside the unit, outline the other prefectures thinly, the unit and its counties strongly."""
    outside = style("outside_unit")
    unit = unit_shape(code, tolerance)
    margin = max(extent.width, extent.height)
    frame = shapely.box(extent.xmin - margin, extent.ymin - margin, extent.xmax + margin, extent.ymax + margin)
    veil = gpd.GeoDataFrame(geometry=[shapely.difference(frame, unit)], crs=HUBEI_CONFORMAL)
    draw_polygons(ax, veil, {**outside, "weight": 0}, s, VEIL_Z)
    ax.collections[-1].set_gid(VEIL_GID)
    prefectures = mapdata.units("prefecture", tolerance, extent)
    others = prefectures[prefectures["code"] != code]
    draw_polygons(ax, others, {**outside, "fillOpacity": 0.0}, s, VEIL_Z + 1)
    counties = mapdata.units("county", tolerance, extent)
    draw_polygons(ax, counties[counties["parent_code"] == code], county_style(), s, COUNTY_Z)
    draw_polygons(ax, prefectures[prefectures["code"] == code], style("focus_unit"), s, VEIL_Z + 2)


def in_unit(frames: dict[str, gpd.GeoDataFrame], code: str, tolerance: float) -> dict[str, gpd.GeoDataFrame]:
    """The drawn layers cut down to what lies in the unit, for the legend (counts, categories present).

    Facilities by the prefecture they belong to, areas by their share in the unit, lines by
    whether they cross it; a layer with nothing in the unit is left out.
    """
    unit = unit_shape(code, tolerance)
    out = {}
    for layer_id, frame in frames.items():
        spec = catalogue.layer(layer_id)
        if spec.group == CONTEXT_GROUP:
            out[layer_id] = frame
            continue
        if spec.geometry == "point" and "prefecture_code" in frame:
            kept = frame[frame["prefecture_code"] == code]
        elif spec.geometry == "polygon":
            shared = shapely.area(shapely.intersection(frame.geometry.values, unit))
            whole = shapely.area(frame.geometry.values)
            kept = frame[(shared > IN_UNIT_SHARE * whole) | (shared > IN_UNIT_SHARE * unit.area)]
        else:
            kept = frame[shapely.intersects(frame.geometry.values, unit)]
        if not kept.empty:  # a layer with nothing in the unit is not listed
            out[layer_id] = kept
    return out


def legend_overrides() -> dict[str, dict[str, Any]]:
    """Legend styles of the base layers as a unit's map draws them."""
    return {"prefectures": {**style("outside_unit"), "fillOpacity": 0.0}, "counties": county_style()}


def legend_row(name: str, s: float) -> LegendItem:
    """The legend row of the unit's outline, named after the unit."""
    return polygon_item(name, style("focus_unit"), s)


def outside_label_colour() -> str:
    """The colour of names outside the unit: other prefectures, neighbouring provinces."""
    return str(style("outside_unit")["labelColor"])
