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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text
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

    kind: str  # heading | text | patch | line | marker | key (a numbered callout: marker, number, name)
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


class _Measure:
    """Text sizes (points) as the figure's renderer draws them, so legend rows neither overlap nor overflow."""

    def __init__(self, fig: Figure) -> None:
        canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
        self.figure = fig
        self.renderer = canvas.get_renderer()
        self.px_per_pt = fig.dpi / POINTS_PER_INCH
        self._cache: dict[tuple[str, float, str], tuple[float, float]] = {}

    def size(self, text: str, fontsize: float, weight: str = "normal") -> tuple[float, float]:
        """Width and height (points) of ``text`` (lines joined by newlines) at ``fontsize``, with legend leading."""
        key = (text, fontsize, weight)
        if key not in self._cache:
            artist = Text(0, 0, text, fontsize=fontsize, fontweight=weight, linespacing=LEADING)
            artist.set_figure(self.figure)
            box = artist.get_window_extent(self.renderer)
            self._cache[key] = (box.width / self.px_per_pt, box.height / self.px_per_pt)
        return self._cache[key]

    def lines(self, text: str, fontsize: float, width_pt: float, weight: str = "normal") -> list[str]:
        """``text`` wrapped to lines at most ``width_pt`` wide."""
        return geometry.wrap(text, width_pt / fontsize, lambda s: self.size(s.rstrip(), fontsize, weight)[0] / fontsize)


#: Type of each legend row kind relative to the legend's size, its weight, and space below it (sizes).
ROW_TYPE: dict[str, tuple[float, str, float]] = {
    "heading": (1.15, "bold", 0.45),
    "text": (0.85, "normal", 0.35),
    "key": (0.85, "normal", 0.2),
}


@dataclass(frozen=True)
class _Row:
    """A legend row laid out: its item, wrapped lines, type size and height (points)."""

    item: LegendItem
    lines: list[str]
    fontsize: float
    height: float


def _layout_row(item: LegendItem, measure: _Measure, size: float, col_w: float) -> _Row:
    """Wrap and measure one row for a column ``col_w`` points wide at legend type ``size``."""
    swatch = size * 2.4 + size * 0.8  # symbol and the space after it
    count = size * 2.5 if item.count and item.kind != "key" else size * 0.5
    if item.kind in ("heading", "text"):
        scale, weight, after = ROW_TYPE[item.kind]
        fs = size * scale
        lines = measure.lines(item.label, fs, col_w - size * 0.5, weight)
        return _Row(item, lines, fs, measure.size("\n".join(lines), fs, weight)[1] + size * after)
    if item.kind == "key":
        scale, weight, after = ROW_TYPE["key"]
        fs = size * scale
        lines = measure.lines(item.label, fs, col_w - swatch - size * 0.5, weight)
        return _Row(item, lines, fs, max(measure.size("\n".join(lines), fs)[1] + size * after, size * 1.3))
    lines = measure.lines(item.label, size, col_w - swatch - count)
    return _Row(item, lines, size, max(measure.size("\n".join(lines), size)[1] + size * 0.45, size * 1.75))


def _columns(rows: list[_Row], height: float, size: float) -> list[list[_Row]]:
    columns: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        starts_group = row.item.kind == "heading"
        if columns[-1] and used + row.height > height:
            columns.append([])
            used = 0.0
        elif starts_group and columns[-1] and used + row.height + 2 * size * LEADING > height:
            columns.append([])  # keep a heading with its first rows
            used = 0.0
        columns[-1].append(row)
        used += row.height
    return columns


def legend(fig: Figure, layout: PageLayout, items: list[LegendItem]) -> Axes:
    """Draw the legend rows in the legend box, in as many columns as needed (type shrinks if even that overflows).

    Rows are wrapped and measured with the renderer, so a long title or subtitle takes the lines it
    needs and the rows below it move down.
    """
    ax = points_axes(fig, layout, layout.legend)
    width, height = ax.get_xlim()[1], ax.get_ylim()[1]
    measure = _Measure(fig)
    size = layout.font("legend")
    for _ in range(8):
        for ncols in (1, 2, 3):
            gutter = size * 1.2
            col_w = (width - gutter * (ncols - 1)) / ncols
            cols = _columns([_layout_row(i, measure, size, col_w) for i in items], height, size)
            if len(cols) <= ncols:
                break
        if len(cols) <= ncols:
            break
        size *= 0.9
    for c, column in enumerate(cols):
        _draw_column(ax, column, c * (col_w + gutter), col_w, height, size)
    return ax


def _draw_column(ax: Axes, rows: list[_Row], x: float, col_w: float, top: float, size: float) -> None:
    swatch_w, swatch_h = size * 2.4, size * 1.2
    text_x = x + swatch_w + size * 0.8
    y = top
    for row in rows:
        item, text = row.item, "\n".join(row.lines)
        if item.kind in ("heading", "text"):
            ax.text(
                x,
                y,
                text,
                fontsize=row.fontsize,
                fontweight=ROW_TYPE[item.kind][1],
                color=INK if item.kind == "heading" else MUTED,
                va="top",
                ha="left",
                linespacing=LEADING,
                gid=f"legend-{item.kind}",
            )
        elif item.kind == "key":
            first = y - row.fontsize * 0.75  # the first line's middle
            _marker(ax, item, x + size * 0.6, first)
            ax.text(x + swatch_w, first, item.count, fontsize=row.fontsize, fontweight="bold", va="center", ha="right")
            ax.text(text_x, y, text, fontsize=row.fontsize, va="top", ha="left", color=INK, linespacing=LEADING)
        else:
            cy = y - row.height / 2
            _symbol(ax, item, x, cy, swatch_w, swatch_h)
            ax.text(text_x, cy, text, fontsize=size, va="center", ha="left", color=INK, linespacing=LEADING)
            if item.count:
                ax.text(
                    x + col_w - size * 0.3, cy, item.count, fontsize=size * 0.9, va="center", ha="right", color=MUTED
                )
        y -= row.height


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
        _marker(ax, item, x + w / 2, cy)


def _marker(ax: Axes, item: LegendItem, x: float, y: float) -> None:
    """A legend item's map symbol (its marker, face, edge and size) centred on ``x``, ``y`` (map units)."""
    ax.plot(
        [x],
        [y],
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
