"""Render a snapshot request to a matplotlib figure, then to PDF, PNG or SVG bytes.

The map is drawn in ``geo.crs.HUBEI_CONFORMAL`` from the same catalogue, styles and
classification as the web map: catalogue layers in catalogue order (first = bottom),
the indicator choropleth just above the layout layer, and Leaflet's path options
(``layers.style``) translated to print units. A map of one prefecture-level unit puts it
in focus (``focus``): everything outside it fades, and its legend lists what lies in it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app.render import callouts, focus, fonts, furniture, geometry, mapdata, page, text
from app.render.draw import (
    CONTEXT_GROUP,
    MARKER_Z,
    OUTLINES_OVER_CHOROPLETH,
    add_polygons,
    draw_choropleth,
    draw_lines,
    draw_points,
    draw_polygons,
)
from app.render.furniture import HALO, INK
from app.render.geometry import Extent, ScaleBar
from app.render.labels import label_items, place_labels
from app.render.legend import legend_items
from app.render.request import PROVINCE, SnapshotRequest, validate
from geo import datafiles
from layers import catalogue, provenance
from layers import choropleth as chor
from layers.style import CHOROPLETH_ABOVE, MAP_BACKGROUND, OKABE_ITO, style

#: Layers drawn on every map for orientation, whatever else is chosen.
BASE_LAYERS: tuple[str, ...] = ("neighbours", "prefectures", "province")


#: Drawn in addition when the map shows one prefecture-level unit.
DETAIL_LAYERS: tuple[str, ...] = ("counties",)


#: Margin round the area shown, as a fraction of its size.
EXTENT_PAD = 0.04


#: Scale bar: at most this share of the map's width, placed at this fraction of the extent.
SCALE_BAR_FRACTION = 0.22


SCALE_BAR_ORIGIN = (0.04, 0.06)


#: Highlight of the mapped area in the locator inset.
INSET_HIGHLIGHT = OKABE_ITO["vermillion"]


SVG_HASH_SALT = "hubei-digital-map"


@dataclass
class Rendered:
    """A built figure and what was drawn on it (for saving, tests and the briefing pack)."""

    figure: Figure
    request: SnapshotRequest
    layout: page.PageLayout
    map_axes: Axes
    extent: Extent
    scale_bar: ScaleBar
    labels: list[str] = field(default_factory=list)
    choropleth: chor.Choropleth | None = None
    numbered: list[callouts.Callout] = field(default_factory=list)


def drawn_layers(request: SnapshotRequest) -> tuple[str, ...]:
    """The layers a request draws, in catalogue order: its chosen layers plus the base layers.

    With an indicator, the Hubei areas below the choropleth (up to ``CHOROPLETH_ABOVE``)
    would be covered by it, so they are left out (and out of the legend); prefecture
    outlines are then drawn above the choropleth instead (``OUTLINES_OVER_CHOROPLETH``).
    """
    wanted = set(request.layer_ids) | set(BASE_LAYERS) | (set(DETAIL_LAYERS) if request.extent != PROVINCE else set())
    order = list(catalogue.catalogue())
    if request.indicator and CHOROPLETH_ABOVE in order:
        covered = order[: order.index(CHOROPLETH_ABOVE) + 1]
        wanted -= {i for i in covered if catalogue.layer(i).group != CONTEXT_GROUP}
    return tuple(i for i in order if i in wanted)


def title_lines(request: SnapshotRequest, result: chor.Choropleth | None) -> tuple[str, str]:
    """The title (or the request's own) and the subtitle: the indicator's unit, year and classes, or the plan."""
    lang = request.lang
    region = text.region_name(request.extent, lang)
    if result is not None:
        generated = text.word("indicator_title", lang, region=region, indicator=result.legend.title)
        subtitle = result.legend.subtitle
    else:
        generated = text.word("layout_title", lang, region=region)
        subtitle = text.plan_line(lang)
    return request.title or generated, subtitle


def footer_lines(request: SnapshotRequest, layer_ids: tuple[str, ...], result: chor.Choropleth | None) -> list[str]:
    """Sources of the indicator and the layers, the data date, the boundary edition and the projection."""
    lang = request.lang
    lines = []
    ids = text.layer_source_ids(layer_ids)
    if result is not None:
        lines.append(result.legend.source)
        ids += list(result.indicator.source_ids) or sorted(
            {i for cell in result.table.get("source_ids", pd.Series(dtype=object)).dropna() for i in cell}
        )
    layer_line = text.layer_sources_line(layer_ids, lang)
    if layer_line:
        lines.append(layer_line)
    dates = []
    if result is not None and result.indicator.year:
        dates.append(text.word("data_year", lang, year=result.indicator.year))
    latest = text.latest_source_date(ids)
    if latest:
        dates.append(text.word("data_date", lang, date=latest))
    sep = text.word("sep", lang)
    lines.append(sep.join([*dates, provenance.boundary_note(lang)]))
    lines.append(text.projection_note(lang))
    return lines


def inset(fig: Figure, layout: page.PageLayout, request: SnapshotRequest) -> Axes:
    """The locator: China's outline with Hubei (and the mapped unit) highlighted."""
    ax = fig.add_axes(layout.fraction(layout.inset))
    china = mapdata.context("china", mapdata.TOLERANCES_M[-1])
    context = style("context")
    add_polygons(
        ax,
        china.geometry.values,
        facecolor=context["fillColor"],
        edgecolor=context["color"],
        linewidth=0.4 * layout.scale,
    )
    hubei = mapdata.units("province", mapdata.TOLERANCES_M[-1])
    add_polygons(
        ax, hubei.geometry.values, facecolor=INSET_HIGHLIGHT, edgecolor=INSET_HIGHLIGHT, linewidth=0.3 * layout.scale
    )
    minx, miny, maxx, maxy = china.total_bounds
    box = layout.inset
    extent = geometry.fit_extent((minx, miny, maxx, maxy), (box[2] - box[0], box[3] - box[1]), 0.03)
    furniture.set_extent(ax, extent)
    ax.set_facecolor(MAP_BACKGROUND)
    furniture.frame(ax)
    ax.text(
        0.03,
        0.97,
        text.word("location", request.lang),
        transform=ax.transAxes,
        fontsize=layout.font("small"),
        va="top",
        ha="left",
        color=INK,
        path_effects=[patheffects.withStroke(linewidth=2.0, foreground=HALO)],
    )
    return ax


def scale_bar_box(bar: ScaleBar, layout: page.PageLayout, m_per_pt: float) -> geometry.Box:
    """The area (map units) the scale bar with its figures and scale takes, which labels keep clear of."""
    size = layout.font("scale") * m_per_pt
    return (bar.x0 - size, bar.y - size * 2.2, bar.x1 + size * 2.5, bar.y + size * 2.6)


def draw_layers(
    ax: Axes,
    layer_ids: tuple[str, ...],
    result: chor.Choropleth | None,
    tolerance: float,
    extent: Extent,
    s: float,
    m_per_pt: float,
) -> tuple[dict[str, gpd.GeoDataFrame], list[geometry.Box]]:
    """Draw the layers bottom to top, the choropleth (and the outlines it covers) below the first Hubei layer.

    Returns the drawn features per layer and the boxes of the markers (for label placement).
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    obstacles: list[geometry.Box] = []
    choropleth_drawn = False
    for z, layer_id in enumerate(layer_ids, start=2):
        spec = catalogue.layer(layer_id)
        if result is not None and not choropleth_drawn and spec.group != CONTEXT_GROUP:
            draw_choropleth(ax, result, tolerance, extent, s, z - 0.5)
            outline = {**style(catalogue.layer(OUTLINES_OVER_CHOROPLETH).style), "fillOpacity": 0.0}
            draw_polygons(ax, mapdata.layer(OUTLINES_OVER_CHOROPLETH, tolerance, extent), outline, s, z - 0.4)
            choropleth_drawn = True
        frame = mapdata.layer(layer_id, tolerance, extent)
        frames[layer_id] = frame
        path_style = style(spec.style)
        if spec.geometry == "polygon":
            draw_polygons(ax, frame, path_style, s, z)
        elif spec.geometry == "line":
            draw_lines(ax, frame, path_style, s, z)
        else:
            obstacles += draw_points(ax, frame, path_style, s, z + MARKER_Z, m_per_pt)
    return frames, obstacles


def build_figure(request: SnapshotRequest, *, facts: list[furniture.LegendItem] | None = None) -> Rendered:
    """Draw the whole page for a (validated) request; call inside ``fonts.style()``.

    ``facts`` are extra legend rows (the briefing atlas puts a unit's facts there).
    """
    layout = page.layout(request.paper)
    s = layout.scale
    width_in, height_in = request.paper_inches
    if request.fmt == "png":  # whole pixels: Agg truncates the figure size to an int
        px_w, px_h = request.pixels
        width_in, height_in = (px_w + 0.25) / request.dpi, (px_h + 0.25) / request.dpi
    fig = Figure(figsize=(width_in, height_in), dpi=request.dpi if request.fmt == "png" else 72)
    FigureCanvasAgg(fig)  # measures text for label placement
    fig.patch.set_facecolor("white")

    map_w_mm, map_h_mm = layout.map_size_mm
    extent = geometry.fit_extent(mapdata.area_bounds(request.extent), (map_w_mm, map_h_mm), EXTENT_PAD)
    denominator = geometry.scale_denominator(extent, map_w_mm)
    tolerance = mapdata.tolerance_for(denominator)
    m_per_pt = extent.width / layout.map_width_pt

    ax = fig.add_axes(layout.fraction(layout.map))
    furniture.set_extent(ax, extent)
    ax.set_facecolor(MAP_BACKGROUND)
    context = style("context")
    add_polygons(
        ax,
        mapdata.context("china", tolerance, extent).geometry.values,
        facecolor=context["fillColor"],
        edgecolor="none",
        zorder=1,
    )

    result = (
        chor.choropleth(
            request.indicator, scheme=request.scheme, k=request.k, palette=request.palette, lang=request.lang
        )
        if request.indicator
        else None
    )
    layer_ids = drawn_layers(request)
    frames, obstacles = draw_layers(ax, layer_ids, result, tolerance, extent, s, m_per_pt)
    unit = focus.focused(request)
    if unit:
        focus.draw(ax, unit, tolerance, extent, s)
    furniture.frame(ax)
    furniture.set_extent(ax, extent)

    bar = geometry.scale_bar(extent, max_fraction=SCALE_BAR_FRACTION, origin=SCALE_BAR_ORIGIN)
    obstacles.append(scale_bar_box(bar, layout, m_per_pt))
    placed = place_labels(fig, ax, label_items(request, layout, tolerance, extent), obstacles, layout.font("callout"))
    numbered = callouts.facility_callouts(request, layout, frames, extent, m_per_pt)
    taken = [box for _, box in placed]
    callouts.place_callouts(fig, ax, numbered, layout.font("callout"), taken, obstacles, m_per_pt)
    scale_text = text.word("scale", request.lang, denominator=f"{round(denominator, -4):,.0f}")
    furniture.scale_bar(ax, bar, layout, text.word("km", request.lang), scale_text, m_per_pt)
    centre = ((extent.xmin + extent.xmax) / 2, (extent.ymin + extent.ymax) / 2)
    furniture.north_arrow(fig, ax, layout, geometry.north_angle(*centre), text.word("north", request.lang))

    title, subtitle = title_lines(request, result)
    furniture.header(fig, layout, title, subtitle)
    inset(fig, layout, request)
    if unit:
        shown = focus.in_unit(frames, unit, tolerance)
        head = [focus.legend_row(text.region_name(unit, request.lang), s)]
        items = legend_items(request, shown, result, s, overrides=focus.legend_overrides(), first=head)
    else:
        items = legend_items(request, frames, result, s)
    items += facts or []
    items += callouts.key_items(numbered, request.lang, s)
    furniture.legend(fig, layout, items)
    furniture.footer(
        fig, layout, text.approval_line(request.approval_number, request.lang), footer_lines(request, layer_ids, result)
    )
    return Rendered(fig, request, layout, ax, extent, bar, [name for name, _ in placed], result, numbered)


def save(rendered: Rendered, out: Any) -> None:
    """Write a built figure to a file or binary stream in the request's format, reproducibly."""
    request = rendered.request
    metadata: dict[str, Any]
    if request.fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None, "Creator": "hubei-digital-map"}
    elif request.fmt == "svg":
        metadata = {"Date": None, "Creator": "hubei-digital-map"}
    else:
        metadata = {"Software": "hubei-digital-map (matplotlib)"}
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        rendered.figure.savefig(
            out, format=request.fmt, dpi=request.dpi if request.fmt == "png" else 72, metadata=metadata
        )


def render(request: SnapshotRequest | None = None) -> bytes:
    """The snapshot as bytes (PDF, PNG or SVG as ``request.fmt`` says); defaults: the layout map, A4 landscape PDF.

    Raises
    ------
    SnapshotError
        If the request names an unknown layer, indicator, paper, dpi, language, ...
    fonts.FontError
        If no CJK font is installed.
    """
    request = validate(request or SnapshotRequest())
    with fonts.style():
        rendered = build_figure(request)
        buffer = io.BytesIO()
        save(rendered, buffer)
    return buffer.getvalue()


def write(request: SnapshotRequest, path: Path | str) -> Path:
    """Render ``request`` and write it to ``path`` atomically (nothing is left behind on failure)."""
    data = render(request)
    with datafiles.atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
