"""Numbered callouts for the facilities on a printed map, with their key in the legend.

One way for every map: the province, where Wuhan's facilities crowd round the city's name, and a
unit's atlas page. Each facility gets a number beside its marker, placed where it overlaps no
place name and no other number (preferably no marker either); a number that had to move away
from a crowd is tied to its marker by a leader line. The legend's key lists the numbers with
the facilities' names, so no name is stacked over another or dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from app.render import geometry, page, text
from app.render.draw import MARKER_SHAPES, marker_size_pt, point_positions
from app.render.furniture import HALO, INK, LegendItem
from app.render.geometry import Extent
from app.render.request import PROVINCE, SnapshotRequest
from layers import catalogue
from layers.style import style

#: Draw order: numbers with the place names (``labels.LABEL_Z``), leader lines just under them.
NUMBER_Z = 300


LEADER_Z = NUMBER_Z - 1


#: Gids of the numbers and leader lines (tests and readers of the SVG find them by these).
NUMBER_GID = "callout-number"


LEADER_GID = "callout-leader"


#: Directions (degrees, anticlockwise from east) tried round a marker, upper right first,
#: and rings: how many number heights further out each ring lies.
ANGLES: tuple[float, ...] = (45, 135, 315, 225, 90, 270, 0, 180, 22.5, 157.5, 337.5, 202.5, 67.5, 112.5, 292.5, 247.5)


RINGS = 9


#: Rows of the reading order (north to south, then west to east) as a share of the map's height.
READING_BAND = 1 / 12


@dataclass(frozen=True)
class Callout:
    """A numbered facility: marker centre (map units), number, name, layer, and the marker's half size (points)."""

    number: int
    x: float
    y: float
    name: str
    layer_id: str
    radius: float


def facility_callouts(
    request: SnapshotRequest, layout: page.PageLayout, frames: dict, extent: Extent, m_per_pt: float
) -> list[Callout]:
    """The facilities on the map, numbered in reading order (on a unit's map, only the unit's own).

    On the province map the numbers run prefecture by prefecture (by code: Wuhan first), so a
    city's facilities have consecutive numbers.
    """
    unit = None if request.extent == PROVINCE else request.extent
    name = "name_en" if request.lang == "en" else "name_zh"
    rows = []
    for layer_id, frame in frames.items():
        spec = catalogue.layer(layer_id)
        if spec.geometry != "point" or frame.empty:
            continue
        size = marker_size_pt(style(spec.style), layout.scale)
        x, y = point_positions(frame, size, m_per_pt)
        keep = (x >= extent.xmin) & (x <= extent.xmax) & (y >= extent.ymin) & (y <= extent.ymax)
        if unit:
            keep &= (frame["prefecture_code"] == unit).to_numpy()
        group = frame["prefecture_code"].fillna("").astype(str).to_numpy() if not unit else np.full(len(frame), "")
        band = np.floor((extent.ymax - y) / (extent.height * READING_BAND))
        for i in np.flatnonzero(keep):
            rows.append((group[i], band[i], x[i], y[i], str(frame[name].iloc[i]), layer_id, size / 2))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return [Callout(n, float(r[2]), float(r[3]), r[4], r[5], r[6]) for n, r in enumerate(rows, start=1)]


def _candidates(cx: float, cy: float, w: float, h: float, radius: float, gap: float) -> list[tuple[float, float]]:
    """Centres (display units) of a number's box round a marker at (cx, cy), ring by ring, nearest first."""
    out = []
    for ring in range(RINGS):
        r = radius + gap + ring * h * 0.9
        for angle in ANGLES:
            a = math.radians(angle)
            out.append((cx + math.cos(a) * (r + w / 2), cy + math.sin(a) * (r + h / 2)))
    return out


def _box(centre: tuple[float, float], w: float, h: float) -> geometry.Box:
    return (centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2)


def place_callouts(
    fig: Figure,
    ax: Axes,
    items: list[Callout],
    size: float,
    taken: list[geometry.Box],
    markers: list[geometry.Box],
    m_per_pt: float,
) -> list[geometry.Box]:
    """Draw each callout's number by its marker (and a leader line when it had to move); return the boxes.

    ``taken`` (display units: place names already drawn) and other numbers are never overlapped;
    ``markers`` (map units) are avoided where possible. A number finds a place on some ring
    round its marker; only if every ring is blocked does it sit on the marker itself.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas has one
    px_per_pt = fig.dpi / page.POINTS_PER_INCH
    to_display = ax.transData.transform
    frame_box = tuple(ax.get_window_extent(renderer).extents)
    soft = [tuple(to_display([(b[0], b[1])])[0]) + tuple(to_display([(b[2], b[3])])[0]) for b in markers]
    halo = [patheffects.withStroke(linewidth=2.2, foreground=HALO)]
    placed = list(taken)
    boxes: list[geometry.Box] = []
    for item in items:
        artist = ax.text(
            item.x,
            item.y,
            str(item.number),
            fontsize=size,
            fontweight="bold",
            ha="center",
            va="center",
            color=INK,
            zorder=NUMBER_Z,
            path_effects=halo,
            gid=NUMBER_GID,
        )
        extent = artist.get_window_extent(renderer)
        w, h = extent.width + px_per_pt, extent.height
        cx, cy = to_display([(item.x, item.y)])[0]
        centres = _candidates(cx, cy, w, h, item.radius * px_per_pt, size * 0.25 * px_per_pt)
        pick = geometry.place_labels([[_box(c, w, h) for c in centres]], frame_box, soft, placed)[0]  # type: ignore[arg-type]
        centre = centres[pick] if pick is not None else (cx, cy)
        box = _box(centre, w, h)
        placed.append(box)
        boxes.append(box)
        dx, dy = (centre[0] - cx) / px_per_pt, (centre[1] - cy) / px_per_pt
        artist.set_transform(offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"))
        if pick is not None and pick >= len(ANGLES):  # moved beyond the first ring: tie it to its marker
            _leader(ax, item, (dx, dy), (w / px_per_pt, h / px_per_pt), m_per_pt)
    return boxes


def _leader(ax: Axes, item: Callout, offset: tuple[float, float], size: tuple[float, float], m_per_pt: float) -> None:
    """A thin line from the marker's rim to the edge of its number's box (``offset`` and ``size`` in points)."""
    dx, dy = offset
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    # Where the line from the box's centre toward the marker leaves the box (plus a hair of space).
    to_edge = min(size[0] / 2 / abs(ux) if ux else math.inf, size[1] / 2 / abs(uy) if uy else math.inf) + 0.5
    start, end = item.radius + 0.4, length - to_edge
    if end <= start:
        return
    ax.plot(
        [item.x + ux * start * m_per_pt, item.x + ux * end * m_per_pt],
        [item.y + uy * start * m_per_pt, item.y + uy * end * m_per_pt],
        color=INK,
        linewidth=0.45,
        zorder=LEADER_Z,
        solid_capstyle="butt",
        gid=LEADER_GID,
    )


def key_items(items: list[Callout], lang: str, s: float) -> list[LegendItem]:
    """The legend's key: a heading, then per number its layer's marker, the number and the facility's name."""
    if not items:
        return []
    rows = [LegendItem("heading", text.word("callout_key", lang))]
    for item in items:
        marker = style(catalogue.layer(item.layer_id).style)["marker"]
        rows.append(
            LegendItem(
                "key",
                item.name,
                count=str(item.number),
                face=marker["color"],
                edge=INK,
                linewidth=0.5 * s,
                marker=MARKER_SHAPES[marker["shape"]],
                size=4.0 * s,
            )
        )
    return rows
