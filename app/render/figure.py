"""Render a snapshot request to a matplotlib figure, then to PDF, PNG or SVG bytes.

The map is drawn in ``geo.crs.HUBEI_CONFORMAL`` from the same catalogue, styles and
classification as the web map: catalogue layers in catalogue order (first = bottom),
the indicator choropleth just above the layout layer, and Leaflet's path options
(``layers.style``) translated to print units.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

from app.render import fonts, furniture, geometry, mapdata, page, text
from app.render.furniture import HALO, INK, MUTED, LegendItem
from app.render.geometry import Extent, ScaleBar
from app.render.request import PROVINCE, SnapshotRequest, validate
from geo import datafiles
from layers import catalogue, provenance
from layers import choropleth as chor
from layers.style import CHOROPLETH_ABOVE, MAP_BACKGROUND, OKABE_ITO, style

#: Layers drawn on every map for orientation, whatever else is chosen.
BASE_LAYERS: tuple[str, ...] = ("neighbours", "prefectures", "province")
#: Drawn in addition when the map shows one prefecture-level unit.
DETAIL_LAYERS: tuple[str, ...] = ("counties",)
#: Catalogue group of the context layers (drawn outside Hubei, never covered by a choropleth).
CONTEXT_GROUP = "context"
#: Drawn as outlines over a choropleth, which covers their usual place in the stack.
OUTLINES_OVER_CHOROPLETH = "prefectures"
#: Leaflet pixels (CSS px, 1/96 in) to print points, for line widths, dashes and marker sizes.
#: Slightly under 0.75 (1 px = 0.75 pt): lines read heavier on paper than on a screen.
PT_PER_PX = 0.55
#: Defaults Leaflet uses for path options a style leaves out.
LEAFLET_DEFAULTS: dict[str, Any] = {"color": "#3388ff", "weight": 3, "opacity": 1.0, "fillOpacity": 0.2}
#: Choropleth fills: opacity of classed and no-data units, hatch of no-data units.
CHOROPLETH_FILL_OPACITY = 0.9
NO_DATA_FILL_OPACITY = 0.55
NO_DATA_HATCH = "////"
#: Margin round the area shown, as a fraction of its size.
EXTENT_PAD = 0.04
#: Scale bar: at most this share of the map's width, placed at this fraction of the extent.
SCALE_BAR_FRACTION = 0.22
SCALE_BAR_ORIGIN = (0.04, 0.06)
MARKER_SHAPES: dict[str, str] = {"circle": "o", "square": "s", "diamond": "D"}
#: Highlight of the mapped area in the locator inset.
INSET_HIGHLIGHT = OKABE_ITO["vermillion"]
#: Label wrap widths (ems) for long unit names.
LABEL_EM = {"zh": 6.0, "en": 11.0}
FACILITY_LABEL_EM = {"zh": 10.0, "en": 16.0}
SVG_HASH_SALT = "hubei-digital-map"
#: Draw order of labels: above every layer and marker.
LABEL_Z = 300
#: Offset added to the z-order of point layers, so markers sit above every area and line.
MARKER_Z = 100


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


def _rgba(color: str, opacity: float) -> tuple[float, float, float, float]:
    return mcolors.to_rgba(color, opacity)


def _dashes(spec: dict[str, Any], s: float) -> tuple[float, ...] | None:
    dash = spec.get("dashArray")
    if not dash:
        return None
    return tuple(float(v) * PT_PER_PX * s for v in str(dash).split())


def _linestyle(dashes: tuple[float, ...] | None) -> Any:
    return (0, dashes) if dashes else "solid"


def _polygon_colours(frame: gpd.GeoDataFrame, spec: dict[str, Any]) -> tuple[list[Any], list[Any]]:
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
    return [_rgba(c, opts["fillOpacity"]) for c in fills], [_rgba(c, opts["opacity"]) for c in edges]


def draw_polygons(ax: Axes, frame: gpd.GeoDataFrame, spec: dict[str, Any], s: float, zorder: float) -> None:
    """Polygons with a Leaflet style: fill, outline width, opacity and dashes."""
    if frame.empty:
        return
    faces, edges = _polygon_colours(frame, spec)
    width = float(spec.get("weight", LEAFLET_DEFAULTS["weight"])) * PT_PER_PX * s
    frame.plot(
        ax=ax,
        aspect=None,
        facecolor=faces,
        edgecolor=edges,
        linewidth=width,
        linestyle=_linestyle(_dashes(spec, s)),
        zorder=zorder,
    )


def draw_lines(ax: Axes, frame: gpd.GeoDataFrame, spec: dict[str, Any], s: float, zorder: float) -> None:
    """Lines with a Leaflet style (colour, width, opacity, dashes)."""
    if frame.empty:
        return
    opts = {**LEAFLET_DEFAULTS, **spec}
    frame.plot(
        ax=ax,
        aspect=None,
        color=_rgba(opts["color"], opts["opacity"]),
        linewidth=float(opts["weight"]) * PT_PER_PX * s,
        linestyle=_linestyle(_dashes(spec, s)),
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
        have.plot(
            ax=ax,
            aspect=None,
            facecolor=[_rgba(c, CHOROPLETH_FILL_OPACITY) for c in have["color"]],
            edgecolor=edge,
            linewidth=0.45 * s,
            zorder=z,
        )
    if not none.empty:
        none.plot(
            ax=ax,
            aspect=None,
            facecolor=_rgba(result.classification.no_data_color, NO_DATA_FILL_OPACITY),
            edgecolor=edge,
            hatch=NO_DATA_HATCH,
            linewidth=0.45 * s,
            linestyle=(0, (2 * s, 1.5 * s)),
            zorder=z,
        )


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


# --- legend -----------------------------------------------------------------------------------


def _polygon_item(label: str, spec: dict[str, Any], s: float, color: str | None = None) -> LegendItem:
    opts = {**LEAFLET_DEFAULTS, **spec}
    fill = color or opts.get("fillColor", opts["color"])
    edge = spec.get("color", color or opts["color"])
    return LegendItem(
        "patch",
        label,
        face=_rgba(fill, opts["fillOpacity"]),
        edge=_rgba(edge, opts["opacity"]),
        linewidth=float(opts["weight"]) * PT_PER_PX * s,
        dashes=_dashes(spec, s),
    )


def layer_items(layer_id: str, frame: gpd.GeoDataFrame, lang: str, s: float) -> list[LegendItem]:
    """Legend rows of one drawn layer: its symbol (or one row per category present) and title."""
    spec = catalogue.layer(layer_id)
    path_style = style(spec.style)
    title = spec.title(lang)
    if spec.geometry == "point":
        marker = path_style["marker"]
        return [
            LegendItem(
                "marker",
                title,
                count=text.word("count", lang, n=len(frame)),
                face=marker["color"],
                edge=INK,
                linewidth=0.7 * s,
                marker=MARKER_SHAPES[marker["shape"]],
                size=marker_size_pt(path_style, s),
            )
        ]
    if spec.geometry == "line":
        opts = {**LEAFLET_DEFAULTS, **path_style}
        return [
            LegendItem(
                "line",
                title,
                edge=_rgba(opts["color"], opts["opacity"]),
                linewidth=float(opts["weight"]) * PT_PER_PX * s,
                dashes=_dashes(path_style, s),
            )
        ]
    cats = path_style.get("categories")
    if not cats:
        return [_polygon_item(title, path_style, s)]
    present = set(frame[cats["field"]].dropna())
    labels = cats["labels_en" if lang == "en" else "labels_zh"]
    rows = [LegendItem("text", title)]
    rows += [_polygon_item(labels[k], path_style, s, color=c) for k, c in cats["colors"].items() if k in present]
    return rows


def choropleth_items(result: chor.Choropleth, s: float) -> list[LegendItem]:
    """Legend rows of the choropleth: title, subtitle, one swatch per class with its count, no data, note."""
    legend = result.legend
    edge = style("prefecture")["color"]
    rows = [LegendItem("heading", legend.title), LegendItem("text", legend.subtitle)]
    for entry in legend.entries:
        rows.append(
            LegendItem(
                "patch",
                entry.label,
                count=str(entry.count),
                face=_rgba(entry.color, NO_DATA_FILL_OPACITY if entry.no_data else CHOROPLETH_FILL_OPACITY),
                edge=edge,
                linewidth=0.45 * s,
                hatch=NO_DATA_HATCH if entry.no_data else None,
                dashes=(2 * s, 1.5 * s) if entry.no_data else None,
            )
        )
    if legend.note:
        rows.append(LegendItem("text", legend.note))
    return rows


def legend_items(
    request: SnapshotRequest, frames: dict[str, gpd.GeoDataFrame], result: chor.Choropleth | None, s: float
) -> list[LegendItem]:
    """All legend rows: the choropleth's, then every drawn layer, top layer first."""
    lang = request.lang
    rows = choropleth_items(result, s) if result else []
    rows.append(LegendItem("heading", text.word("layers", lang)))
    for layer_id in reversed(list(frames)):
        rows += layer_items(layer_id, frames[layer_id], lang, s)
    if result is not None and OUTLINES_OVER_CHOROPLETH not in frames:
        outline = {**style(catalogue.layer(OUTLINES_OVER_CHOROPLETH).style), "fillOpacity": 0.0}
        rows.insert(
            len(rows) - 1 if CONTEXT_GROUP in {catalogue.layer(i).group for i in frames} else len(rows),
            _polygon_item(text.layer_title(OUTLINES_OVER_CHOROPLETH, lang), outline, s),
        )
    points = [f for i, f in frames.items() if catalogue.layer(i).geometry == "point" and not f.empty]
    if any((f["precision"] != "site").any() for f in points):
        rows.append(
            LegendItem(
                "marker",
                text.word("approx", lang),
                face="#ffffff",
                edge=INK,
                linewidth=0.7 * s,
                marker="o",
                size=6 * s,
            )
        )
    return rows


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A map label: anchor (map units), text, type size, colour, and the clearance (points) a symbol needs."""

    x: float
    y: float
    text: str
    size: float
    colour: str
    clearance: float = 0.0


def candidate_offsets(w: float, h: float, gap: float, clearance: float) -> list[tuple[float, float]]:
    """Label offsets (points) tried in order: centred (unless a symbol needs clearance), right, left, above, below."""
    side = [
        (w / 2 + gap + clearance, 0.0),
        (-w / 2 - gap - clearance, 0.0),
        (0.0, h / 2 + gap + clearance),
        (0.0, -h / 2 - gap - clearance),
    ]
    return side if clearance else [(0.0, 0.0), side[2], side[3], side[0], side[1]]


def place_labels(
    fig: Figure,
    ax: Axes,
    items: list[Label],
    obstacles: list[geometry.Box],
) -> list[str]:
    """Draw labels in priority order where they collide with nothing; return those kept.

    Boxes are measured in display space with the renderer; ``obstacles`` (map units)
    are avoided where possible, other labels always.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas has one
    to_display = ax.transData.transform
    px_per_pt = fig.dpi / page.POINTS_PER_INCH
    frame_box = tuple(ax.get_window_extent(renderer).extents)
    soft = [tuple(to_display([(b[0], b[1])])[0]) + tuple(to_display([(b[2], b[3])])[0]) for b in obstacles]
    halo = [patheffects.withStroke(linewidth=2.0, foreground=HALO)]
    artists: list[Text] = []
    candidates: list[list[geometry.Box]] = []
    offsets: list[list[tuple[float, float]]] = []
    for item in items:
        artist = ax.text(
            item.x,
            item.y,
            item.text,
            fontsize=item.size,
            ha="center",
            va="center",
            color=item.colour,
            zorder=LABEL_Z,
            path_effects=halo,
            linespacing=1.1,
        )
        box = artist.get_window_extent(renderer)
        cx, cy = to_display([(item.x, item.y)])[0]
        w_pt, h_pt = box.width / px_per_pt, box.height / px_per_pt
        options = candidate_offsets(w_pt, h_pt, item.size * 0.3, item.clearance)
        candidates.append(
            [
                (
                    cx + dx * px_per_pt - box.width / 2,
                    cy + dy * px_per_pt - box.height / 2,
                    cx + dx * px_per_pt + box.width / 2,
                    cy + dy * px_per_pt + box.height / 2,
                )
                for dx, dy in options
            ]
        )
        offsets.append(options)
        artists.append(artist)
    chosen = geometry.place_labels(candidates, frame_box, soft)  # type: ignore[arg-type]
    kept = []
    for artist, pick, options in zip(artists, chosen, offsets, strict=True):
        if pick is None:
            artist.remove()
            continue
        dx, dy = options[pick]
        artist.set_transform(offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"))
        kept.append(artist.get_text())
    return kept


def label_items(
    request: SnapshotRequest,
    layout: page.PageLayout,
    tolerance: float,
    extent: Extent,
    frames: dict[str, Any],
    m_per_pt: float,
) -> list[Label]:
    """Labels in priority order: prefectures (largest first), counties, facilities, neighbouring provinces."""
    lang = request.lang
    name = "name_en" if lang == "en" else "name_zh"
    items: list[Label] = []
    levels = [("prefecture", "prefecture")] + ([("county", "county")] if request.extent != PROVINCE else [])
    for level, role in levels:
        units = mapdata.units(level, tolerance, extent)
        if request.extent != PROVINCE and level == "county":
            units = units[units["parent_code"] == request.extent]
        first = units["code"] == request.extent  # the unit mapped comes first
        units = units.assign(_first=first, _area=units.area).sort_values(["_first", "_area"], ascending=False)
        points = shapely.point_on_surface(units.geometry.values)
        labels = text.unit_label(units[name], lang, LABEL_EM[lang])
        colour = INK if level == "prefecture" else MUTED
        items += [
            Label(float(p.x), float(p.y), lbl, layout.font(role), colour) for p, lbl in zip(points, labels, strict=True)
        ]
    if request.extent != PROVINCE:
        items += facility_label_items(request, layout, frames, m_per_pt)
    items += neighbour_label_items(lang, layout, tolerance, extent)
    return items


def facility_label_items(
    request: SnapshotRequest, layout: page.PageLayout, frames: dict[str, Any], m_per_pt: float
) -> list[Label]:
    """Facility names at their (fanned-out) markers; drawn only on maps of one unit, where they can be read."""
    items: list[Label] = []
    name = "name_en" if request.lang == "en" else "name_zh"
    width = FACILITY_LABEL_EM[request.lang]
    for layer_id, frame in frames.items():
        spec = catalogue.layer(layer_id)
        if spec.geometry != "point" or frame.empty:
            continue
        size = marker_size_pt(style(spec.style), layout.scale)
        x, y = point_positions(frame, size, m_per_pt)
        labels = ["\n".join(geometry.balanced_wrap(str(n), width)) for n in frame[name]]
        items += [
            Label(float(a), float(b), lbl, layout.font("facility"), INK, clearance=size / 2)
            for a, b, lbl in zip(x, y, labels, strict=True)
        ]
    return items


def neighbour_label_items(lang: str, layout: page.PageLayout, tolerance: float, extent: Extent) -> list[Label]:
    """Names of the neighbouring provinces, inside the part of each that is on the map."""
    frame = mapdata.context("neighbours", tolerance, extent)
    if frame.empty:
        return []
    shrunk = shapely.box(
        extent.xmin + extent.width * 0.06,
        extent.ymin + extent.height * 0.06,
        extent.xmax - extent.width * 0.06,
        extent.ymax - extent.height * 0.06,
    )
    parts = shapely.intersection(frame.geometry.values, shrunk)
    keep = ~shapely.is_empty(parts) & (shapely.area(parts) > extent.width * extent.height * 0.01)
    points = shapely.point_on_surface(parts[keep])
    names = frame.loc[keep, "name_en" if lang == "en" else "name_zh"]
    return [
        Label(float(p.x), float(p.y), str(n), layout.font("neighbour"), MUTED)
        for p, n in zip(points, names, strict=True)
    ]


# --- the page -------------------------------------------------------------------------------------


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
    china.plot(
        ax=ax, facecolor=context["fillColor"], edgecolor=context["color"], linewidth=0.4 * layout.scale, aspect=None
    )
    hubei = mapdata.units("province", mapdata.TOLERANCES_M[-1])
    hubei.plot(ax=ax, facecolor=INSET_HIGHLIGHT, edgecolor=INSET_HIGHLIGHT, linewidth=0.3 * layout.scale, aspect=None)
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
    mapdata.context("china", tolerance, extent).plot(
        ax=ax, facecolor=context["fillColor"], edgecolor="none", zorder=1, aspect=None
    )

    result = (
        chor.choropleth(
            request.indicator, scheme=request.scheme, k=request.k, palette=request.palette, lang=request.lang
        )
        if request.indicator
        else None
    )
    layer_ids = drawn_layers(request)
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
    furniture.frame(ax)
    furniture.set_extent(ax, extent)

    labels = place_labels(fig, ax, label_items(request, layout, tolerance, extent, frames, m_per_pt), obstacles)
    bar = geometry.scale_bar(extent, max_fraction=SCALE_BAR_FRACTION, origin=SCALE_BAR_ORIGIN)
    scale_text = text.word("scale", request.lang, denominator=f"{round(denominator, -4):,.0f}")
    furniture.scale_bar(ax, bar, layout, text.word("km", request.lang), scale_text, m_per_pt)
    centre = ((extent.xmin + extent.xmax) / 2, (extent.ymin + extent.ymax) / 2)
    furniture.north_arrow(fig, ax, layout, geometry.north_angle(*centre), text.word("north", request.lang))

    title, subtitle = title_lines(request, result)
    furniture.header(fig, layout, title, subtitle)
    inset(fig, layout, request)
    items = legend_items(request, frames, result, s) + (facts or [])
    furniture.legend(fig, layout, items)
    furniture.footer(
        fig, layout, text.approval_line(request.approval_number, request.lang), footer_lines(request, layer_ids, result)
    )
    return Rendered(fig, request, layout, ax, extent, bar, labels, result)


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
