"""The briefing pack's page of charts for the plan's headline targets (small multiples, 2 x 3).

Each panel shows the used actuals of one target (``target_actuals.csv``, ``status_use == "yes"``,
dated no later than the evaluation date) over time against its target line (and stretch line),
the deadline as a vertical line, and, when the status is projected, the projection to the deadline
dashed. A target without actuals gets a panel that says so instead of an empty axis. Shapes and
line styles differ for every element, so the page reads in greyscale; colours are Okabe-Ito.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from app.render import evaluation_pages, furniture, geometry, page
from app.render.evaluation_pages import number, word
from app.render.furniture import INK, MUTED
from app.render.request import SnapshotRequest
from layers import evaluation, features
from layers.style import OKABE_ITO

#: The plan's headline targets, in panel order (row by row).
HEADLINE_TARGETS: tuple[str, ...] = (
    "T-art2-core-va-2024",
    "T-art18-5g",
    "T-art19-racks",
    "T-art18-gigabit",
    "T-art6-software",
    "T-art11-online-retail",
)
GRID = (2, 3)  # rows, columns
SERIES = OKABE_ITO["blue"]
#: Spacing in millimetres (A4, scaled with the paper): legend row, gaps, a panel's title block and axis margins.
LEGEND_MM = 7.0
GAP_X_MM, GAP_Y_MM = 9.0, 5.0
TITLE_MM = 13.5
AXIS_LEFT_MM, AXIS_BOTTOM_MM, AXIS_RIGHT_MM = 14.0, 5.0, 2.0
PT_PER_MM = 72.0 / 25.4
EMPTY_FILL = "#f4f4f4"
#: Line styles shared by the panels and the legend (each differs in pattern, not only colour).
TARGET_LINE: dict[str, Any] = {"color": INK, "linewidth": 0.9}
STRETCH_LINE: dict[str, Any] = {"color": INK, "linewidth": 0.9, "linestyle": (0, (1, 1.5))}
DEADLINE_LINE: dict[str, Any] = {"color": MUTED, "linewidth": 0.8, "linestyle": (0, (4, 1.5, 1, 1.5))}
PROJECTION_LINE: dict[str, Any] = {"linewidth": 1.1, "linestyle": (0, (3, 2))}
GRID_LINE = "#dddddd"


def decimal_year(day: dt.date) -> float:
    """A date as a position on the time axis: the end of that day (31 Dec 2024 -> 2025.0)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / length


def headline_rows(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard rows of ``HEADLINE_TARGETS``, in that order."""
    return card.set_index("target_id").loc[list(HEADLINE_TARGETS)].reset_index()


def used_actuals(target_id: str, as_of: dt.date) -> pd.DataFrame:
    """The actuals the status may use: ``status_use`` yes, a value, dated no later than ``as_of``.

    Columns: ``date`` (as written), ``x`` (``decimal_year`` of the date it stands for), ``value``,
    ``period``, ``source_ids`` (list); sorted by ``x``.
    """
    table = features.table("layers/target_actuals.csv")
    rows = table[(table["target_id"] == target_id) & (table["status_use"] == "yes") & table["value"].notna()]
    days = [evaluation.as_of_date(str(d)) for d in rows["date"]]
    frame = pd.DataFrame(
        {
            "date": rows["date"].astype(str).tolist(),
            "x": [decimal_year(d) for d in days],
            "value": rows["value"].astype(float).tolist(),
            "period": rows["period"].astype(str).tolist(),
            "source_ids": rows["source_ids"].tolist(),
            "day": days,
        }
    )
    frame = frame[frame["day"] <= as_of] if len(frame) else frame
    return frame.drop(columns="day").sort_values("x", kind="stable").reset_index(drop=True)


def _deadline_x(row: pd.Series) -> float | None:
    text = row["target_date"]
    return decimal_year(evaluation.as_of_date(text)) if isinstance(text, str) and text else None


def _time_axis(ax: Axes, xs: Sequence[float], deadline: float | None) -> None:
    """Years as spans: boundaries ticked, the year's label in the middle of its span."""
    right = max([*xs, deadline or 0.0]) + 0.35
    left = min(math.floor(min([*xs, right - 1]) - 1e-9), math.floor(right) - 3)
    ax.set_xlim(left, right)
    years = list(range(left, math.floor(right) + 1))
    ax.set_xticks(years, labels=[""] * len(years))
    spans = [y for y in years if y + 1 <= right]
    ax.set_xticks([y + 0.5 for y in spans], labels=[str(y) for y in spans], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)


def _value_axis(ax: Axes, top: float, size: float, unit: str) -> None:
    ax.set_ylim(0, top * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis="y", color=GRID_LINE, linewidth=0.3)
    ax.set_axisbelow(True)
    ax.tick_params(which="both", labelsize=size, width=0.4, length=2, pad=1.5, colors=INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.5)
    ax.annotate(
        unit,
        (0, 1),
        xycoords="axes fraction",
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=size,
        color=MUTED,
    )


def _reference_lines(ax: Axes, row: pd.Series, lang: str, size: float, deadline: float | None) -> None:
    """Target (solid), stretch (dotted) and deadline (dash-dot) lines with their words."""
    value, stretch = float(row["value"]), row["value_stretch"]
    has_stretch = not pd.isna(stretch)
    ax.axhline(value, zorder=2, **TARGET_LINE)
    left = ax.get_xlim()[0] + 0.08
    target_words = f"{word('eval_leg_target', lang)} {number(value)}"
    ax.text(left, value, target_words, fontsize=size, color=INK, va="top" if has_stretch else "bottom", zorder=4)
    if has_stretch:
        ax.axhline(float(stretch), zorder=2, **STRETCH_LINE)
        ax.text(
            left,
            float(stretch),
            word("eval_stretch", lang, value=number(float(stretch))),
            fontsize=size,
            color=INK,
            va="bottom",
            zorder=4,
        )
    if deadline is not None:
        ax.axvline(deadline, zorder=2, **DEADLINE_LINE)
        ax.text(
            deadline - 0.05,
            ax.get_ylim()[1] * 0.02,
            word("eval_leg_deadline", lang),
            fontsize=size * 0.95,
            color=MUTED,
            ha="right",
            va="bottom",
            zorder=4,
        )


def _series(ax: Axes, actuals: pd.DataFrame, row: pd.Series, deadline: float | None, size: float) -> None:
    """Full-year and point values (filled circles, joined), year-to-date values (open circles), projection."""
    full = actuals[actuals["period"] != "ytd"]
    ytd = actuals[actuals["period"] == "ytd"]
    ms = size * 0.75
    if len(full):
        ax.plot(full["x"], full["value"], color=SERIES, linewidth=1.1, marker="o", markersize=ms, zorder=5)
    if len(ytd):
        ax.plot(
            ytd["x"],
            ytd["value"],
            linestyle="none",
            marker="o",
            markersize=ms,
            markerfacecolor="white",
            markeredgecolor=SERIES,
            markeredgewidth=1.0,
            zorder=5,
        )
    projected = row["projected_value"]
    if bool(row["projected"]) and not pd.isna(projected) and deadline is not None and len(actuals):
        colour = evaluation.STATUS_STYLE[row["status"]].colour
        last = actuals.iloc[-1]
        ax.plot(
            [last["x"], deadline],
            [last["value"], float(projected)],
            color=colour,
            zorder=4,
            **PROJECTION_LINE,
        )
        ax.plot(
            [deadline],
            [float(projected)],
            linestyle="none",
            marker="D",
            markersize=ms * 1.1,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=1.1,
            zorder=6,
        )


def draw_panel(fig: Figure, box: tuple[float, float, float, float], row: pd.Series, lang: str, size: float) -> Axes:
    """One chart in ``box`` (figure fractions): the target's actuals, lines and projection, or a no-data note."""
    ax = fig.add_axes(box)
    actuals = used_actuals(str(row["target_id"]), dt.date.fromisoformat(str(row["as_of"])))
    deadline = _deadline_x(row)
    if actuals.empty:
        ax.set_facecolor(EMPTY_FILL)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color(GRID_LINE)
        ax.text(
            0.5,
            0.56,
            word("eval_no_data", lang),
            transform=ax.transAxes,
            fontsize=size * 2,
            color=MUTED,
            ha="center",
            va="center",
            fontweight="bold",
        )
        basis = row["basis_en" if lang == "en" else "basis_zh"]
        ax.text(0.5, 0.38, str(basis), transform=ax.transAxes, fontsize=size, color=MUTED, ha="center", va="center")
        return ax
    values = [*actuals["value"], float(row["value"])]
    values += [float(v) for v in (row["value_stretch"], row["projected_value"]) if not pd.isna(v)]
    _time_axis(ax, actuals["x"].tolist(), deadline)
    _value_axis(ax, max(values), size, str(row["unit"]))
    _reference_lines(ax, row, lang, size, deadline)
    _series(ax, actuals, row, deadline, size)
    return ax


def _panel_title(
    ax: Axes, x: float, top: float, width: float, row: pd.Series, lang: str, sizes: tuple[float, float]
) -> None:
    """Indicator (bold), status symbol and label (status colour), target and deadline (muted), from ``top`` down."""
    size, small = sizes
    name = str(row["indicator_en" if lang == "en" else "indicator_zh"])
    fits = min(size * 1.15, width / max(geometry.text_width_em(name), 1.0))  # a long name shrinks, never cut
    ax.text(x, top, name, fontsize=fits, fontweight="bold", va="top", color=INK)
    y = top - size * 1.15 * 1.45
    evaluation_pages.draw_status(ax, x, y, str(row["status"]), bool(row["projected"]), lang, size)
    target = f"{evaluation_pages.comparator(str(row['comparator']))} {number(float(row['value']))} {row['unit']}"
    deadline = row["target_date"] if isinstance(row["target_date"], str) else word("eval_none", lang)
    ax.text(
        x,
        y - size * 1.4,
        word("eval_chart_target", lang, target=target, date=deadline),
        fontsize=small,
        va="top",
        color=MUTED,
    )


def _legend_row(ax: Axes, top: float, lang: str, size: float) -> None:
    """One line of legend above the panels: every mark the charts use, with its meaning."""
    ms = size * 0.75
    hollow = {"markerfacecolor": "white", "markersize": ms, "markeredgewidth": 1.0, "linestyle": "none"}
    # word, line style (None: no line), marker style (None: no marker), where the marker sits along the line
    items: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None, float]] = [
        (
            "eval_leg_actual",
            {"color": SERIES, "linewidth": 1.1},
            {"marker": "o", "color": SERIES, "markersize": ms},
            0.5,
        ),
        ("eval_leg_ytd", None, {"marker": "o", "markeredgecolor": SERIES, **hollow}, 0.5),
        ("eval_leg_target", TARGET_LINE, None, 0.0),
        ("eval_leg_stretch", STRETCH_LINE, None, 0.0),
        ("eval_leg_deadline", None, None, 0.0),
        (
            "eval_leg_projection",
            {"color": MUTED, **PROJECTION_LINE},
            {"marker": "D", "markeredgecolor": MUTED, **hollow},
            1.0,
        ),
    ]
    x, cy, length = 0.0, top - size * 0.9, size * 2.4
    for key, line, marker, at in items:
        if key == "eval_leg_deadline":
            ax.plot([x + length / 2] * 2, [cy - size * 0.7, cy + size * 0.7], **DEADLINE_LINE)
        if line is not None:
            ax.plot([x, x + length], [cy, cy], solid_capstyle="butt", **line)
        if marker is not None:
            ax.plot([x + length * at], [cy], **marker)
        label = word(key, lang)
        ax.text(x + length + size * 0.9, cy, label, fontsize=size, va="center", color=INK)
        x += size * (5.0 + geometry.text_width_em(label))


def draw_charts_page(rows: pd.DataFrame, lang: str, approval: str, paper: str = "a4-landscape") -> Figure:
    """The page of headline charts (``rows``: ``headline_rows(scorecard())``)."""
    layout = page.layout(paper)
    fig = Figure(figsize=SnapshotRequest(paper=paper).paper_inches)
    as_of = str(rows["as_of"].iloc[0])
    furniture.header(
        fig,
        layout,
        word("eval_charts_title", lang),
        word("eval_subtitle", lang, date=as_of, version=evaluation.RULE_VERSION),
    )
    box = evaluation_pages.body_box(layout)
    overlay = furniture.points_axes(fig, layout, box)
    size, small = layout.font("legend"), layout.font("small")
    _legend_row(overlay, overlay.get_ylim()[1], lang, size)
    n_rows, n_cols = GRID
    s = layout.scale
    panel_w = (box[2] - box[0] - GAP_X_MM * s * (n_cols - 1)) / n_cols
    panel_h = (box[3] - box[1] - LEGEND_MM * s - GAP_Y_MM * s * (n_rows - 1)) / n_rows
    ids: list[str] = []
    for i, (_, row) in enumerate(rows.iterrows()):
        r, c = divmod(i, n_cols)
        x0 = box[0] + c * (panel_w + GAP_X_MM * s)
        top = box[3] - LEGEND_MM * s - r * (panel_h + GAP_Y_MM * s)
        _panel_title(
            overlay,
            (x0 - box[0]) * PT_PER_MM,
            (top - box[1]) * PT_PER_MM,
            panel_w * PT_PER_MM,
            row,
            lang,
            (size, small),
        )
        axes_box = (
            x0 + AXIS_LEFT_MM * s,
            top - panel_h + AXIS_BOTTOM_MM * s,
            x0 + panel_w - AXIS_RIGHT_MM * s,
            top - TITLE_MM * s,
        )
        draw_panel(fig, layout.fraction(axes_box), row, lang, small)
        cited = used_actuals(str(row["target_id"]), dt.date.fromisoformat(as_of))["source_ids"]
        ids += [source_id for cell in cited for source_id in cell]
    lines = [word("eval_note", lang), evaluation_pages.source_note(ids, lang)]
    furniture.footer(fig, layout, approval, [line for line in lines if line])
    return fig
