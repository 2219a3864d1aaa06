"""Place labels on a printed map: candidates around each anchor, kept where they collide with nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

from app.render import geometry, mapdata, page, text
from app.render.focus import outside_label_colour
from app.render.furniture import HALO, INK, MUTED
from app.render.geometry import Extent
from app.render.request import PROVINCE, SnapshotRequest

#: Label wrap widths (ems) for long unit names.
LABEL_EM = {"zh": 6.0, "en": 11.0}


#: A unit's name that finds no free place by its representative point may move inside the unit:
#: to one of the places on a grid of this many steps a side that hold its whole box, nearest first.
INSIDE_GRID = 24


INSIDE_TRIES = 80


#: Draw order of labels: above every layer and marker.
LABEL_Z = 300


#: Gid of a label's text drawn over its halo (the halo, at ``LABEL_Z``, carries the same text).
GLYPH_GID = "label-text"


@dataclass(frozen=True)
class Label:
    """A map label: anchor (map units), text, type size, colour, the clearance (points) a symbol needs.

    ``region`` (a polygon in map units, e.g. the unit a name names) is where the label may move,
    whole, when the places round its anchor are taken or cover map symbols.
    """

    x: float
    y: float
    text: str
    size: float
    colour: str
    clearance: float = 0.0
    region: Any = None


def candidate_offsets(w: float, h: float, gap: float, clearance: float) -> list[tuple[float, float]]:
    """Label offsets (points) tried in order: centred (unless a symbol needs clearance), right, left, above, below."""
    side = [
        (w / 2 + gap + clearance, 0.0),
        (-w / 2 - gap - clearance, 0.0),
        (0.0, h / 2 + gap + clearance),
        (0.0, -h / 2 - gap - clearance),
    ]
    return side if clearance else [(0.0, 0.0), side[2], side[3], side[0], side[1]]


def inside_offsets(item: Label, w: float, h: float, ax: Axes) -> list[tuple[float, float]]:
    """Offsets (display units) that move a label, whole, to other places inside its region, nearest first."""
    if item.region is None or item.region.is_empty:
        return []
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    half_w, half_h = w / 2 / (x1 - x0), h / 2 / (y1 - y0)  # map units
    minx, miny, maxx, maxy = item.region.bounds
    grid_x, grid_y = np.meshgrid(np.linspace(minx, maxx, INSIDE_GRID), np.linspace(miny, maxy, INSIDE_GRID))
    gx, gy = np.r_[item.x, grid_x.ravel()], np.r_[item.y, grid_y.ravel()]  # the anchor itself first
    boxes = shapely.box(gx - half_w, gy - half_h, gx + half_w, gy + half_h)
    shapely.prepare(item.region)  # hundreds of boxes tested against one region: index its edges once
    fits = shapely.contains(item.region, boxes)
    gx, gy = gx[fits], gy[fits]
    order = np.argsort(np.hypot(gx - item.x, gy - item.y))[:INSIDE_TRIES]
    return [((gx[i] - item.x) * (x1 - x0), (gy[i] - item.y) * (y1 - y0)) for i in order]


def boxes_at(
    cx: float, cy: float, offsets: list[tuple[float, float]], w: float, h: float, px_per_pt: float
) -> list[geometry.Box]:
    """Display boxes ``w`` by ``h`` centred at (cx, cy) moved by each of ``offsets`` (points)."""
    return [
        (
            cx + dx * px_per_pt - w / 2,
            cy + dy * px_per_pt - h / 2,
            cx + dx * px_per_pt + w / 2,
            cy + dy * px_per_pt + h / 2,
        )
        for dx, dy in offsets
    ]


def place_labels(
    fig: Figure,
    ax: Axes,
    items: list[Label],
    obstacles: list[geometry.Box],
    margin: float = 0.0,
) -> list[tuple[str, geometry.Box]]:
    """Draw labels in priority order where they collide with nothing; return those kept with their boxes.

    Boxes are measured in display space with the renderer; ``obstacles`` (map units)
    are avoided where possible (with ``margin`` points round them: a name amid a crowd of
    markers is hard to read even where it touches none), other labels always. A label with a
    ``region`` is placed wholly inside it where it can be (nearest its anchor, clear of the obstacles).
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas has one
    to_display = ax.transData.transform
    px_per_pt = fig.dpi / page.POINTS_PER_INCH
    frame_box = tuple(ax.get_window_extent(renderer).extents)
    grow = margin * px_per_pt
    soft = [
        (x0 - grow, y0 - grow, x1 + grow, y1 + grow)
        for (x0, y0), (x1, y1) in (to_display([(b[0], b[1]), (b[2], b[3])]) for b in obstacles)
    ]
    halo = [patheffects.Stroke(linewidth=2.0, foreground=HALO)]  # the halo only: the glyphs are drawn as text
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
        # A unit's name goes where it lies wholly inside the unit, nearest its anchor first; round the anchor
        # (across the unit's edge) only when no such place is free, as in units too small for their name.
        inside = [(dx / px_per_pt, dy / px_per_pt) for dx, dy in inside_offsets(item, box.width, box.height, ax)]
        options = inside + candidate_offsets(w_pt, h_pt, item.size * 0.3, item.clearance)
        candidates.append(boxes_at(cx, cy, options, box.width, box.height, px_per_pt))
        offsets.append(options)
        artists.append(artist)
    chosen = geometry.place_labels(candidates, frame_box, soft)  # type: ignore[arg-type]
    kept = []
    for item, artist, pick, options, boxes in zip(items, artists, chosen, offsets, candidates, strict=True):
        if pick is None:
            artist.remove()
            continue
        dx, dy = options[pick]
        moved = offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points")
        artist.set_transform(moved)
        # The name over its halo as text (a path effect would draw it as outlines): a PDF reader can find it.
        ax.text(
            item.x,
            item.y,
            item.text,
            fontsize=item.size,
            ha="center",
            va="center",
            color=item.colour,
            zorder=LABEL_Z + 0.5,
            linespacing=1.1,
            transform=moved,
            gid=GLYPH_GID,
        )
        kept.append((artist.get_text(), boxes[pick]))
    return kept


def label_items(
    request: SnapshotRequest,
    layout: page.PageLayout,
    tolerance: float,
    extent: Extent,
) -> list[Label]:
    """Labels in priority order (largest first in each kind).

    The province: prefectures, neighbouring provinces. One unit: its county-level units, the
    prefectures around it (grey), neighbouring provinces (grey). Facilities are numbered
    (``callouts``), not named on the map.
    """
    lang = request.lang
    name = "name_en" if lang == "en" else "name_zh"
    unit = None if request.extent == PROVINCE else request.extent
    items: list[Label] = []
    # On a map of one unit its county-level units come first, named in ink at the prefectures' size (the
    # unit's own name is the title); the prefectures around it follow in grey.
    levels = [("county", INK), ("prefecture", outside_label_colour())] if unit else [("prefecture", INK)]
    for level, colour in levels:
        units = mapdata.units(level, tolerance, extent)
        if unit:
            units = units[units["parent_code"] == unit] if level == "county" else units[units["code"] != unit]
        units = units.assign(_area=units.area).sort_values("_area", ascending=False)
        points = shapely.point_on_surface(units.geometry.values)
        labels = text.unit_label(units[name], lang, LABEL_EM[lang])
        size = layout.font("prefecture")
        items += [
            Label(float(p.x), float(p.y), lbl, size, colour, region=shape)
            for p, lbl, shape in zip(points, labels, units.geometry.values, strict=True)
        ]
    items += neighbour_label_items(lang, layout, tolerance, extent, outside_label_colour() if unit else MUTED)
    return items


def neighbour_label_items(
    lang: str, layout: page.PageLayout, tolerance: float, extent: Extent, colour: str = MUTED
) -> list[Label]:
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
        Label(float(p.x), float(p.y), str(n), layout.font("neighbour"), colour)
        for p, n in zip(points, names, strict=True)
    ]
