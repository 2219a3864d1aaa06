"""Place labels on a printed map: candidates around each anchor, kept where they collide with nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

from app.render import geometry, mapdata, page, text
from app.render.draw import marker_size_pt, point_positions
from app.render.focus import outside_label_colour
from app.render.furniture import HALO, INK, MUTED
from app.render.geometry import Extent
from app.render.request import PROVINCE, SnapshotRequest
from layers import catalogue
from layers.style import style

#: Label wrap widths (ems) for long unit names.
LABEL_EM = {"zh": 6.0, "en": 11.0}


FACILITY_LABEL_EM = {"zh": 10.0, "en": 16.0}


#: Draw order of labels: above every layer and marker.
LABEL_Z = 300


#: Gid of a label's text drawn over its halo (the halo, at ``LABEL_Z``, carries the same text).
GLYPH_GID = "label-text"


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
    for item, artist, pick, options in zip(items, artists, chosen, offsets, strict=True):
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
    """Labels in priority order (largest first in each kind).

    The province: prefectures, neighbouring provinces. One unit: its county-level units, the
    prefectures around it (grey), its facilities, neighbouring provinces (grey).
    """
    lang = request.lang
    name = "name_en" if lang == "en" else "name_zh"
    unit = None if request.extent == PROVINCE else request.extent
    items: list[Label] = []
    # On a map of one unit its county-level units come first, named in ink at the prefectures' size (the
    # unit's own name is the title), then its facilities; the prefectures around it follow in grey.
    levels = [("county", INK), ("prefecture", outside_label_colour())] if unit else [("prefecture", INK)]
    for level, colour in levels:
        units = mapdata.units(level, tolerance, extent)
        if unit:
            units = units[units["parent_code"] == unit] if level == "county" else units[units["code"] != unit]
        units = units.assign(_area=units.area).sort_values("_area", ascending=False)
        points = shapely.point_on_surface(units.geometry.values)
        labels = text.unit_label(units[name], lang, LABEL_EM[lang])
        size = layout.font("prefecture")
        items += [Label(float(p.x), float(p.y), lbl, size, colour) for p, lbl in zip(points, labels, strict=True)]
        if unit and level == "county":
            items += facility_label_items(request, layout, frames, m_per_pt)
    items += neighbour_label_items(lang, layout, tolerance, extent, outside_label_colour() if unit else MUTED)
    return items


def facility_label_items(
    request: SnapshotRequest, layout: page.PageLayout, frames: dict[str, Any], m_per_pt: float
) -> list[Label]:
    """Names of the unit's facilities at their (fanned-out) markers; drawn only on maps of one unit."""
    items: list[Label] = []
    name = "name_en" if request.lang == "en" else "name_zh"
    width = FACILITY_LABEL_EM[request.lang]
    for layer_id, frame in frames.items():
        spec = catalogue.layer(layer_id)
        if spec.geometry != "point" or frame.empty:
            continue
        size = marker_size_pt(style(spec.style), layout.scale)
        x, y = point_positions(frame, size, m_per_pt)
        own = (frame["prefecture_code"] == request.extent).to_numpy()
        frame, x, y = frame[own], x[own], y[own]
        labels = ["\n".join(geometry.balanced_wrap(str(n), width)) for n in frame[name]]
        items += [
            Label(float(a), float(b), lbl, layout.font("facility"), INK, clearance=size / 2)
            for a, b, lbl in zip(x, y, labels, strict=True)
        ]
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
