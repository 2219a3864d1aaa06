"""Map furniture: title block, legend, scale bar, north arrow, locator inset, footer.

Panels (legend, footer) are axes whose data units are points, so spacing is set in
type sizes and stays the same on every paper. Legend rows are generated from the
choropleth's ``Legend`` and from the styles of the layers drawn.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from matplotlib.transforms import Affine2D, ScaledTranslation

from app.render import geometry
from app.render.geometry import Extent, ScaleBar
from app.render.page import POINTS_PER_INCH, PageLayout
from app.render.paper import MM_PER_INCH

#: Ink colours of the furniture (text, frames); map colours come from ``layers.style``.
INK = "#1a1a1a"
MUTED = "#555555"
HALO = "#ffffff"
FRAME_PT = 0.6
#: Draw order of the scale bar and north arrow: above every layer, marker and the veil of a unit's map
#: (``focus.VEIL_Z``), below the labels (``labels.LABEL_Z``).
FURNITURE_Z = 250
#: Line spacing as a multiple of the type size.
LEADING = 1.3


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a heading, a line of text, or a symbol (patch, line, marker) with its label.

    Colours are matplotlib colours (hex or RGBA); ``dashes`` are (on, off) lengths in
    points; ``marker`` is a matplotlib marker code with ``size`` in points.
    """

    kind: str  # heading | text | patch | line | marker
    label: str
    count: str = ""
    face: object = "none"
    edge: object = "none"
    linewidth: float = 0.0
    dashes: tuple[float, ...] | None = None
    hatch: str | None = None
    marker: str | None = None
    size: float = 0.0


def points_axes(fig: Figure, layout: PageLayout, box: tuple[float, float, float, float]) -> Axes:
    """An invisible axes over ``box`` whose data units are points (origin lower left)."""
    ax = fig.add_axes(layout.fraction(box))
    ax.set_xlim(0, (box[2] - box[0]) / MM_PER_INCH * POINTS_PER_INCH)
    ax.set_ylim(0, (box[3] - box[1]) / MM_PER_INCH * POINTS_PER_INCH)
    ax.set_axis_off()
    return ax


def header(fig: Figure, layout: PageLayout, title: str, subtitle: str) -> None:
    """Title and subtitle, top left of the page."""
    ax = points_axes(fig, layout, layout.header)
    width, top = ax.get_xlim()[1], ax.get_ylim()[1]
    size = min(layout.font("title"), width / max(geometry.text_width_em(title), 1.0))  # a long title shrinks to fit
    ax.text(0, top, title, fontsize=size, fontweight="bold", va="top", ha="left", color=INK)
    ax.text(
        0,
        top - layout.font("title") * 1.45,
        subtitle,
        fontsize=layout.font("subtitle"),
        va="top",
        ha="left",
        color=MUTED,
    )


def footer(fig: Figure, layout: PageLayout, approval: str, lines: list[str]) -> Axes:
    """The approval line (lower left, bold) and the source/boundary/projection lines beneath the map."""
    ax = points_axes(fig, layout, layout.footer)
    width, top = ax.get_xlim()[1], ax.get_ylim()[1]
    size = layout.font("footer")
    y = top - layout.font("approval")
    ax.text(0, y, approval, fontsize=layout.font("approval"), fontweight="bold", va="baseline", color=INK)
    y -= size * LEADING * 1.2
    for line in lines:
        for part in geometry.wrap(line, width / size):
            ax.text(0, y, part, fontsize=size, va="baseline", color=MUTED)
            y -= size * LEADING
    return ax


def _row_height(item: LegendItem, size: float, text_em: float) -> float:
    lines = len(geometry.wrap(item.label, text_em))
    if item.kind == "heading":
        return lines * size * 1.15 * LEADING + size * 0.35
    if item.kind == "text":
        return lines * size * 0.85 * LEADING
    return max(lines * size * LEADING, size * 1.75)


def _columns(items: list[LegendItem], height: float, size: float, text_em: float) -> list[list[LegendItem]]:
    columns: list[list[LegendItem]] = [[]]
    used = 0.0
    for item in items:
        h = _row_height(item, size, text_em)
        starts_group = item.kind == "heading"
        if columns[-1] and used + h > height:
            columns.append([])
            used = 0.0
        elif starts_group and columns[-1] and used + h + 2 * size * LEADING > height:
            columns.append([])  # keep a heading with its first rows
            used = 0.0
        columns[-1].append(item)
        used += h
    return columns


def legend(fig: Figure, layout: PageLayout, items: list[LegendItem]) -> Axes:
    """Draw the legend rows in the legend box, in as many columns as needed (type shrinks if even that overflows)."""
    ax = points_axes(fig, layout, layout.legend)
    width, height = ax.get_xlim()[1], ax.get_ylim()[1]
    size = layout.font("legend")
    for _ in range(6):
        ncols = 1
        while True:
            col_w = width / ncols
            text_em = (col_w - size * 3.2 - size * 2.5) / size
            cols = _columns(items, height, size, text_em)
            if len(cols) <= ncols or ncols >= 3:
                break
            ncols += 1
        if len(cols) <= ncols:
            break
        size *= 0.9
    for c, column in enumerate(cols):
        _draw_column(ax, column, c * col_w, col_w, height, size)
    return ax


def _draw_column(ax: Axes, items: list[LegendItem], x: float, col_w: float, top: float, size: float) -> None:
    swatch_w, swatch_h = size * 2.4, size * 1.2
    text_x = x + swatch_w + size * 0.8
    text_em = (col_w - swatch_w - size * 0.8 - size * 2.5) / size
    y = top
    for item in items:
        h = _row_height(item, size, text_em)
        lines = geometry.wrap(
            item.label, text_em + (swatch_w + size * 0.8) / size if item.kind in ("heading", "text") else text_em
        )
        if item.kind in ("heading", "text"):
            fs = size * 1.15 if item.kind == "heading" else size * 0.85
            ax.text(
                x,
                y - size * 0.2,
                "\n".join(lines),
                fontsize=fs,
                fontweight="bold" if item.kind == "heading" else "normal",
                color=INK if item.kind == "heading" else MUTED,
                va="top",
                ha="left",
                linespacing=LEADING,
            )
        else:
            cy = y - h / 2
            _symbol(ax, item, x, cy, swatch_w, swatch_h)
            ax.text(text_x, cy, "\n".join(lines), fontsize=size, va="center", ha="left", color=INK, linespacing=LEADING)
            if item.count:
                ax.text(
                    x + col_w - size * 0.3, cy, item.count, fontsize=size * 0.9, va="center", ha="right", color=MUTED
                )
        y -= h


def _symbol(ax: Axes, item: LegendItem, x: float, cy: float, w: float, h: float) -> None:
    if item.kind == "patch":
        ax.add_patch(
            Rectangle(
                (x, cy - h / 2),
                w,
                h,
                facecolor=item.face,
                edgecolor=item.edge,
                linewidth=item.linewidth,
                linestyle=(0, item.dashes) if item.dashes else "solid",
                hatch=item.hatch,
                gid="legend-swatch",
            )
        )
    elif item.kind == "line":
        ax.plot(
            [x, x + w],
            [cy, cy],
            color=item.edge,
            linewidth=item.linewidth,
            linestyle=(0, item.dashes) if item.dashes else "solid",
            solid_capstyle="butt",
        )
    elif item.kind == "marker":
        ax.plot(
            [x + w / 2],
            [cy],
            marker=item.marker,
            markersize=item.size,
            markerfacecolor=item.face,
            markeredgecolor=item.edge,
            markeredgewidth=item.linewidth,
            linestyle="none",
        )


def scale_bar(ax: Axes, bar: ScaleBar, layout: PageLayout, unit: str, scale_text: str, m_per_pt: float) -> None:
    """Draw ``bar`` in map units (alternating black and white segments), its tick labels and the scale."""
    height = layout.mm(1.3) / MM_PER_INCH * POINTS_PER_INCH * m_per_pt
    size = layout.font("scale")
    halo = [patheffects.withStroke(linewidth=2.2, foreground=HALO)]
    ticks = bar.ticks_m
    for i, (a, b) in enumerate(itertools.pairwise(ticks)):
        ax.add_patch(
            Rectangle(
                (bar.x0 + a, bar.y),
                b - a,
                height,
                facecolor=INK if i % 2 == 0 else HALO,
                edgecolor=INK,
                linewidth=0.5,
                zorder=FURNITURE_Z,
                gid="scalebar",
            )
        )
    label_y = bar.y + height + size * 0.5 * m_per_pt
    for value in bar.labelled_m:
        text = bar.label(value) + (f" {unit}" if value == ticks[-1] else "")
        ax.text(
            bar.x0 + value,
            label_y,
            text,
            fontsize=size,
            ha="center",
            va="bottom",
            color=INK,
            zorder=FURNITURE_Z + 1,
            path_effects=halo,
        )
    ax.text(
        bar.x0,
        bar.y - size * 0.6 * m_per_pt,
        scale_text,
        fontsize=size,
        ha="left",
        va="top",
        color=INK,
        zorder=FURNITURE_Z + 1,
        path_effects=halo,
    )


def north_arrow(fig: Figure, ax: Axes, layout: PageLayout, angle_deg: float, letter: str) -> None:
    """A north arrow in the map's top-right corner, turned to true north (``angle_deg`` from the map's up)."""
    size = layout.mm(9.0) / MM_PER_INCH  # inches
    half = size * 0.32
    left = [(0, size / 2), (-half, -size / 2), (0, -size * 0.25)]
    right = [(0, size / 2), (half, -size / 2), (0, -size * 0.25)]
    anchor = ScaledTranslation(1.0, 1.0, ax.transAxes) + ScaledTranslation(  # type: ignore[arg-type]
        -layout.mm(8) / MM_PER_INCH, -layout.mm(11) / MM_PER_INCH, fig.dpi_scale_trans
    )
    turn = Affine2D().rotate_deg(angle_deg)
    transform = turn + fig.dpi_scale_trans + anchor
    for shape, face in ((left, INK), (right, HALO)):
        ax.add_patch(
            Polygon(
                shape,
                closed=True,
                facecolor=face,
                edgecolor=INK,
                linewidth=0.6,
                transform=transform,
                zorder=FURNITURE_Z,
                clip_on=False,
                gid="north-arrow",
            )
        )
    ax.text(
        0,
        size / 2 + layout.font("heading") * 0.15 / POINTS_PER_INCH,
        letter,
        transform=transform,
        fontsize=layout.font("heading"),
        fontweight="bold",
        ha="center",
        va="bottom",
        color=INK,
        zorder=FURNITURE_Z,
        rotation=angle_deg,
        path_effects=[patheffects.withStroke(linewidth=2.2, foreground=HALO)],
    )


def frame(ax: Axes) -> None:
    """A thin neat line round a map axes, and no ticks."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(FRAME_PT)
        spine.set_edgecolor(INK)


def set_extent(ax: Axes, extent: Extent) -> None:
    """Show exactly ``extent`` in a map axes."""
    ax.set_xlim(extent.xmin, extent.xmax)
    ax.set_ylim(extent.ymin, extent.ymax)
    ax.set_aspect("auto")
