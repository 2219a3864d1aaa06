"""A target's small chart for the targets view: its used actuals over time against the target line, as SVG.

Drawn by the server as a few lines of SVG text (no charting library reaches the browser) and shown
as an ``<img>`` with a ``data:`` address and an ``alt`` text, so no markup from the data is ever
inserted into the page. Every string put into the SVG is escaped here.

The series are the actuals the status may use (``target_actuals.csv``: ``status_use`` yes, with a
value and a date no later than the evaluation date), filed under the target or, for a growth target,
under the level series it is computed from; year-to-date values are drawn as open circles, the rest
joined by a line. The target (solid) and stretch (dotted) are horizontal lines, the deadline a dashed
tick, and a projected status a dashed line to the projected value at the deadline.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from layers import evaluation, features
from layers.style import OKABE_ITO

#: The picture's size in CSS pixels, and its margins (left, right, top, bottom).
WIDTH, HEIGHT = 168, 48
MARGINS = (6, 8, 5, 12)
SERIES = OKABE_ITO["blue"]
INK, MUTED, GRID = "#222222", "#666666", "#dddddd"


@dataclass(frozen=True)
class Point:
    """One actual on the time axis: ``x`` in decimal years, ``ytd`` for a year-to-date (partial) value."""

    x: float
    value: float
    ytd: bool = False


@dataclass(frozen=True)
class Lines:
    """What a chart is drawn against: target, stretch, deadline (decimal years) and a projection (x, value)."""

    target: float | None = None
    stretch: float | None = None
    deadline: float | None = None
    projection: tuple[float, float] | None = None
    projection_colour: str = MUTED


def decimal_year(day: dt.date) -> float:
    """A date as a position on the time axis: the end of that day (31 Dec 2024 -> 2025.0)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / length


def used_points(actuals: pd.DataFrame, series_id: str, as_of: dt.date) -> list[Point]:
    """The actuals of ``series_id`` the status may use on ``as_of``, in time order.

    ``actuals`` is ``target_actuals.csv`` as ``features.table`` reads it.
    """
    rows = actuals[
        (actuals["target_id"] == series_id)
        & (actuals["status_use"] == "yes")
        & actuals["value"].notna()
        & actuals["date"].notna()
    ]
    points = []
    for date, value, period in zip(rows["date"], rows["value"], rows["period"], strict=True):
        day = evaluation.as_of_date(str(date))
        if day <= as_of:
            points.append(Point(decimal_year(day), float(value), str(period) == "ytd"))
    return sorted(points, key=lambda p: p.x)


def actuals_table() -> pd.DataFrame:
    """``target_actuals.csv`` (read each time: the caller caches per evaluation date)."""
    return features.table("layers/target_actuals.csv")


def _f(value: float) -> str:
    """A coordinate, short: one decimal, no trailing zero."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _scales(points: Sequence[Point], lines: Lines) -> tuple[float, float, float]:
    """The x range (left, right) and the top of the value axis (its bottom is 0)."""
    xs = [p.x for p in points] + ([lines.deadline] if lines.deadline is not None else [])
    if lines.projection is not None:
        xs.append(lines.projection[0])
    left, right = (min(xs) - 0.3, max(xs) + 0.3) if xs else (2022.0, 2025.3)
    if right - left < 2:
        left = right - 2
    values = [p.value for p in points] + [v for v in (lines.target, lines.stretch) if v is not None]
    if lines.projection is not None:
        values.append(lines.projection[1])
    top = max([v for v in values if v > 0], default=1.0) * 1.12
    return left, right, top


def _years(points: Sequence[Point], lines: Lines) -> tuple[int, int]:
    """The first and last year the chart shows (a point at 2025.0 is the end of 2024)."""
    xs = [p.x for p in points] + ([lines.deadline] if lines.deadline is not None else [])
    if not xs:
        return evaluation.PLAN_YEARS[0], evaluation.PLAN_YEARS[-1]
    return math.floor(min(xs) - 1e-6), math.floor(max(xs) - 1e-6)


def chart_svg(points: Sequence[Point], lines: Lines, label: str, empty_text: str = "") -> str:
    """The chart as an SVG document (``role="img"``, ``label`` as its accessible name and title).

    ``points`` may be empty: the chart then shows the target line, the deadline and ``empty_text``.
    """
    left, right, top = _scales(points, lines)
    ml, mr, mt, mb = MARGINS

    def x(value: float) -> str:
        return _f(ml + (value - left) / (right - left) * (WIDTH - ml - mr))

    def y(value: float) -> str:
        return _f(mt + (1 - max(value, 0) / top) * (HEIGHT - mt - mb))

    base = y(0)
    out = [f'<line x1="{ml}" x2="{WIDTH - mr}" y1="{base}" y2="{base}" stroke="{GRID}"/>']
    if lines.deadline is not None:
        d = x(lines.deadline)
        out.append(f'<line x1="{d}" x2="{d}" y1="{mt - 3}" y2="{base}" stroke="{MUTED}" stroke-dasharray="3 2"/>')
    for value, dash in ((lines.target, ""), (lines.stretch, ' stroke-dasharray="1 2"')):
        if value is not None:
            out.append(f'<line x1="{ml}" x2="{WIDTH - mr}" y1="{y(value)}" y2="{y(value)}" stroke="{INK}"{dash}/>')
    out += _series(points, lines, x, y)
    if not points and empty_text:
        out.append(
            f'<text x="{_f(WIDTH / 2)}" y="{_f((HEIGHT - mb) / 2 + 4)}" font-size="10" fill="{MUTED}" '
            f'text-anchor="middle">{escape(empty_text)}</text>'
        )
    first, last = _years(points, lines)
    ends = ((first, ml, "start"), (last, WIDTH - mr, "end")) if last > first else ((last, WIDTH - mr, "end"),)
    for year, xpos, anchor in ends:
        out.append(
            f'<text x="{xpos}" y="{HEIGHT - 2}" font-size="8" fill="{MUTED}" text-anchor="{anchor}">{year}</text>'
        )
    name = escape(label, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{name}" font-family="sans-serif"><title>{name}</title>{"".join(out)}</svg>'
    )


def _series(points: Sequence[Point], lines: Lines, x: Callable[[float], str], y: Callable[[float], str]) -> list[str]:
    """The projection (dashed), the line through full values, and a circle per point (open: year to date)."""
    out = []
    if lines.projection is not None and points:
        last, (px, pv) = points[-1], lines.projection
        out.append(
            f'<line x1="{x(last.x)}" y1="{y(last.value)}" x2="{x(px)}" y2="{y(pv)}" '
            f'stroke="{lines.projection_colour}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    full = [p for p in points if not p.ytd]
    if len(full) > 1:
        path = " ".join(f"{x(p.x)},{y(p.value)}" for p in full)
        out.append(f'<polyline points="{path}" fill="none" stroke="{SERIES}" stroke-width="1.5"/>')
    for p in points:
        fill = "#ffffff" if p.ytd else SERIES
        out.append(f'<circle cx="{x(p.x)}" cy="{y(p.value)}" r="2.4" fill="{fill}" stroke="{SERIES}"/>')
    return out


def data_url(svg: str) -> str:
    """``svg`` as a ``data:`` address for an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
