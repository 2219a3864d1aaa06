"""Pure geometry of a printed map: extent, scale, scale bar, north, label placement, text wrapping.

No drawing here, so each piece can be tested with exact numbers: the scale bar's
length in map units, the direction of true north, which labels survive.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from geo import crs
from geo.crs import HUBEI_CONFORMAL, WGS84

MM_PER_M = 1000.0
#: Scale-bar lengths are 1, 2 or 5 times a power of ten (metres).
NICE_STEPS: tuple[int, ...] = (1, 2, 5)


@dataclass(frozen=True)
class Extent:
    """A rectangle in projected map units (metres of ``HUBEI_CONFORMAL``)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        """Width in metres."""
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        """Height in metres."""
        return self.ymax - self.ymin


def fit_extent(bounds: Sequence[float], box_mm: tuple[float, float], pad: float) -> Extent:
    """The extent that shows ``bounds`` (minx, miny, maxx, maxy) with ``pad`` (fraction) around it in a box.

    The shorter side is widened so the extent has the box's aspect ratio: the map fills
    its frame at one scale in both directions, with the bounds centred.
    """
    minx, miny, maxx, maxy = bounds
    width, height = (maxx - minx) * (1 + 2 * pad), (maxy - miny) * (1 + 2 * pad)
    aspect = box_mm[0] / box_mm[1]
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return Extent(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def scale_denominator(extent: Extent, map_width_mm: float) -> float:
    """The map's scale as 1:N on paper (N = metres on the ground per metre on paper, in projected units)."""
    return extent.width / (map_width_mm / MM_PER_M)


def nice_length(limit_m: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres not longer than ``limit_m``."""
    if limit_m <= 0:
        raise ValueError(f"a scale bar needs a positive length, got {limit_m}")
    power = 10.0 ** math.floor(math.log10(limit_m))
    return max(step * power for step in NICE_STEPS if step * power <= limit_m)


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar in map units: from (x0, y) to (x0 + length_m, y), divided into ``segments``."""

    x0: float
    y: float
    length_m: float
    segments: int

    @property
    def x1(self) -> float:
        """End of the bar."""
        return self.x0 + self.length_m

    @property
    def ticks_m(self) -> tuple[float, ...]:
        """Distances (metres) at each division, from 0 to the full length."""
        return tuple(self.length_m * i / self.segments for i in range(self.segments + 1))

    @property
    def labelled_m(self) -> tuple[float, ...]:
        """Distances that get a label: both ends, and the middle when it is a division."""
        ticks = self.ticks_m
        middle = (ticks[len(ticks) // 2],) if self.segments % 2 == 0 else ()
        return (ticks[0], *middle, ticks[-1])

    def label(self, value_m: float) -> str:
        """A tick label in kilometres (no trailing .0)."""
        km = value_m / 1000.0
        return f"{km:g}"


def scale_bar(extent: Extent, *, max_fraction: float, origin: tuple[float, float]) -> ScaleBar:
    """A scale bar at most ``max_fraction`` of the map's width, starting at ``origin`` (fractions of the extent).

    The length is measured in the projected CRS, whose scale factor in Hubei stays
    within 0.1 % of 1, so the stated distance is also the ground distance to that accuracy.
    """
    length = nice_length(extent.width * max_fraction)
    first = round(length / 10.0 ** math.floor(math.log10(length)))
    segments = {1: 4, 2: 4, 5: 5}[first]
    return ScaleBar(extent.xmin + origin[0] * extent.width, extent.ymin + origin[1] * extent.height, length, segments)


def to_lonlat(x: Sequence[float], y: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Projected ``HUBEI_CONFORMAL`` coordinates to WGS-84 longitude/latitude."""
    lon, lat = crs.transformer(HUBEI_CONFORMAL, WGS84).transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def north_angle(x: float, y: float) -> float:
    """Angle (degrees, anticlockwise from the map's up) of true north at projected point (x, y)."""
    lon, lat = to_lonlat([x], [y])
    fwd = crs.transformer(WGS84, HUBEI_CONFORMAL)
    nx, ny = fwd.transform(lon[0], lat[0] + 0.1)
    return math.degrees(math.atan2(-(nx - x), ny - y))


Box = tuple[float, float, float, float]


def overlaps(a: Box, b: Box) -> bool:
    """True when two (x0, y0, x1, y1) boxes overlap (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a: Box, frame: Box) -> bool:
    """True when box ``a`` lies wholly inside ``frame``."""
    return a[0] >= frame[0] and a[1] >= frame[1] and a[2] <= frame[2] and a[3] <= frame[3]


def place_labels(
    candidates: Sequence[Sequence[Box]],
    frame: Box,
    soft_obstacles: Sequence[Box] = (),
    taken: Sequence[Box] = (),
) -> list[int | None]:
    """Choose a position for each label, in priority order, so that no two chosen boxes overlap.

    ``candidates[i]`` lists label i's possible boxes, best first. A box must lie inside
    ``frame`` and clear every label placed before it (and every box in ``taken``, e.g. labels
    placed earlier); among those, one that also clears ``soft_obstacles`` (e.g. map symbols) is
    preferred. Returns the chosen candidate's index per label, or None where no position is
    free (the label is dropped).
    """
    placed = np.asarray(taken, dtype=float).reshape(-1, 4)
    soft = np.asarray(soft_obstacles, dtype=float).reshape(-1, 4)
    x0, y0, x1, y1 = frame
    chosen: list[int | None] = []
    for boxes in candidates:  # the same comparisons as ``inside`` and ``overlaps``, for all boxes at once
        b = np.asarray(boxes, dtype=float).reshape(-1, 4)
        inside_frame = (b[:, 0] >= x0) & (b[:, 1] >= y0) & (b[:, 2] <= x1) & (b[:, 3] <= y1)
        free = np.flatnonzero(inside_frame & ~_overlaps_any(b, placed))
        clear = free[~_overlaps_any(b[free], soft)]
        pick = int(clear[0]) if len(clear) else (int(free[0]) if len(free) else None)
        chosen.append(pick)
        if pick is not None:
            placed = np.vstack([placed, b[pick]])
    return chosen


def _overlaps_any(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (n x 4), whether it overlaps any of ``others`` (m x 4), as ``overlaps`` decides."""
    if not len(others) or not len(boxes):
        return np.zeros(len(boxes), dtype=bool)
    a, o = boxes[:, None, :], others[None, :, :]
    hits = (a[..., 0] < o[..., 2]) & (o[..., 0] < a[..., 2]) & (a[..., 1] < o[..., 3]) & (o[..., 1] < a[..., 3])
    return np.asarray(hits.any(axis=1))


def text_width_em(text: str) -> float:
    """Approximate width of one line of text in ems: wide (CJK) characters 1, others 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap(text: str, width_em: float, measure: Callable[[str], float] = text_width_em) -> list[str]:
    """Break ``text`` into lines at most ``width_em`` wide; Latin words are kept whole, CJK breaks anywhere.

    ``measure`` gives a line's width in ems (an estimate by default; printed legends measure the font).
    Each line takes as many tokens as fit (a line's first token always). A line only gets wider as tokens
    are added, so where a line ends is found by bisection: a few measurements per line rather than one
    per token (measuring the real font is what a printed legend's layout costs).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = _tokens(paragraph)
        line, i = "", 0
        while i < len(tokens):
            if not line:
                line, i = tokens[i], i + 1
                continue
            end = _first_overflow(line, tokens, i, width_em, measure)
            line += "".join(tokens[i:end])
            if end == len(tokens):
                break
            lines.append(line.rstrip())
            line, i = tokens[end].lstrip(), end + 1
        lines.append(line.rstrip())
    return lines


def _first_overflow(line: str, tokens: list[str], start: int, width_em: float, measure: Callable[[str], float]) -> int:
    """The first index ``j >= start`` whose token no longer fits on ``line`` (after ``tokens[start:j]``), or the end."""
    if measure(line + "".join(tokens[start:])) <= width_em:
        return len(tokens)
    lo, hi = start, len(tokens) - 1  # the token at hi does not fit; every token before lo does
    while lo < hi:
        mid = (lo + hi) // 2
        if measure(line + "".join(tokens[start : mid + 1])) > width_em:
            hi = mid
        else:
            lo = mid + 1
    return lo


#: Closing punctuation that never starts a line (it stays with the character before it), and
#: opening punctuation that never ends one (it stays with the character after it).
NO_LINE_START = frozenset("，。、；：！？）》」』】”’")


NO_LINE_END = frozenset("（《「『【“‘")


def _tokens(text: str) -> list[str]:
    """Words with their following space, and single wide characters (closing punctuation joins the one before)."""
    tokens: list[str] = []
    word = ""
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            if word:
                tokens.append(word)
                word = ""
            if (c in NO_LINE_START and tokens) or (tokens and tokens[-1][-1] in NO_LINE_END):
                tokens[-1] += c
            else:
                tokens.append(c)
        else:
            word += c
            if c == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def balanced_wrap(text: str, width_em: float) -> list[str]:
    """Like ``wrap``, but with lines of similar length (for labels: no orphaned last character)."""
    lines = wrap(text, width_em)
    if len(lines) < 2:
        return lines
    target = text_width_em(text) / len(lines)
    step = 0.5
    while len(wrap(text, target)) > len(lines) and target < width_em:
        target += step
    return wrap(text, target)
