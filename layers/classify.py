"""One classification object for every output: web map, legend, snapshot, folium export.

Numeric indicators are classed with mapclassify (quantiles, Fisher-Jenks natural breaks,
equal interval, user-defined breaks); categorical ones by their categories. A
``Classification`` holds the breaks, the colour of each class, readable rounded labels,
counts per class, the no-data class, and a note when fewer classes were formed than
asked for (mapclassify lowers the count when there are few distinct values).

Labels are rounded so that every value lies within the range its class shows, and no
value lies on a bound two ranges share (``display_bounds``): a legend never says
``3,150 – 20,000`` for a class holding 20,012.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd

from layers import palettes
from layers.choices import DEFAULT_K as DEFAULT_K  # re-exported with the scheme and class range
from layers.choices import DEFAULT_SCHEME as DEFAULT_SCHEME
from layers.choices import K_RANGE as K_RANGE

#: Schemes by id: (mapclassify class name, Chinese name, English name). mapclassify (with scipy) is
#: imported at the first classification, so a map without an indicator never loads it.
SCHEMES: dict[str, tuple[str, str, str]] = {
    "quantiles": ("Quantiles", "分位数", "Quantiles"),
    "natural_breaks": ("FisherJenks", "自然断点（Fisher-Jenks）", "Natural breaks (Fisher-Jenks)"),
    "equal_interval": ("EqualInterval", "等间距", "Equal interval"),
    "user_defined": ("UserDefined", "自定义断点", "User-defined breaks"),
}
NO_DATA_LABEL = ("无数据", "No data")
#: Said under a legend when a value equals a bound two ranges share (only user breaks are shown so).
BOUND_NOTE = ("恰在分界值上的数值属于较低一档", "A value on a shared bound belongs to the lower class")


@dataclass(frozen=True)
class ClassBin:
    """One class: its value range (numeric) or category, label, count and colour."""

    lower: float | None
    upper: float | None
    category: str | None
    label_zh: str
    label_en: str
    count: int
    color: str

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang``."""
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Classification:
    """How values map to classes and colours; shared by screen and paper."""

    scheme: str
    k_requested: int
    bins: tuple[ClassBin, ...]
    no_data_count: int
    no_data_color: str
    palette: str
    note_zh: str | None = None
    note_en: str | None = None

    @property
    def k(self) -> int:
        """Number of classes actually formed."""
        return len(self.bins)

    @property
    def breaks(self) -> tuple[float, ...]:
        """Upper bounds of the numeric classes (empty for categories)."""
        return tuple(b.upper for b in self.bins if b.upper is not None)

    @property
    def colors(self) -> tuple[str, ...]:
        """Colour of each class, in order."""
        return tuple(b.color for b in self.bins)

    def scheme_name(self, lang: str = "zh") -> str:
        """The scheme's readable name."""
        if self.scheme == "categories":
            return "分类" if lang == "zh" else "Categories"
        return SCHEMES[self.scheme][1 if lang == "zh" else 2]

    def note(self, lang: str = "zh") -> str | None:
        """A note on the classification (e.g. fewer classes than requested)."""
        return self.note_en if lang == "en" else self.note_zh

    def class_index(self, values: Sequence[Any] | pd.Series) -> np.ndarray:
        """Class of each value (0..k-1), or -1 for no data (None/NaN, or an unknown category)."""
        series = pd.Series(values, dtype=object)
        if self.scheme == "categories":
            lookup = {b.category: i for i, b in enumerate(self.bins)}
            return np.array([lookup.get(v, -1) if isinstance(v, str) else -1 for v in series], dtype=int)
        nums = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        uppers = np.array(self.breaks)
        idx = np.searchsorted(uppers, nums, side="left")
        idx = np.where(idx >= len(uppers), len(uppers) - 1, idx)  # values above the last break (user bins)
        return np.where(np.isfinite(nums), idx, -1).astype(int)

    def colors_for(self, values: Sequence[Any] | pd.Series) -> list[str]:
        """The fill colour of each value, the no-data colour where there is none."""
        palette_ = [*self.colors, self.no_data_color]
        return [palette_[i] for i in self.class_index(values)]


def decimals_for(values: Sequence[float], digits: int = 3) -> int:
    """Decimals that keep ``digits`` significant figures for the smallest non-zero magnitude (0 for >= 10^digits)."""
    mags = [abs(v) for v in values if v and math.isfinite(v)]
    if not mags:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(min(mags))))


def format_number(x: float, decimals: int) -> str:
    """Thousands-separated number with fixed decimals (``1,234.5``)."""
    return f"{x:,.{decimals}f}"


def _rounded(x: float, digits: int, rounding: str) -> Decimal:
    """``x`` at ``digits`` significant figures, rounded the given way (a ``decimal.ROUND_*``)."""
    exact = Decimal(x)
    if exact == 0:
        return Decimal(0)
    with localcontext(Context(prec=100)):
        return exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=rounding)


def _step_up(x: Decimal, digits: int) -> Decimal:
    """The next number above ``x`` at ``digits`` significant figures."""
    with localcontext(Context(prec=100)):
        return x + Decimal(1).scaleb((x.adjusted() if x else 0) - digits + 1)


def _outer_bound(x: float, digits: int, rounding: str) -> Decimal:
    """``x`` at ``digits`` significant figures, rounded down (``ROUND_FLOOR``) or up (``ROUND_CEILING``) as read.

    The nearest rounding when it already lies on the right side of ``x`` as a float (``40.8`` is
    stored a little below 40.8, and must not be shown as ``40.7``).
    """
    near = _rounded(x, digits, ROUND_HALF_EVEN)
    if float(near) <= x if rounding == ROUND_FLOOR else float(near) >= x:
        return near
    return _rounded(x, digits, rounding)


def _shared_bound(b: float, low: float, high: float, previous: float, digits: int, *, exact_ok: bool) -> Decimal | None:
    """The shown bound between two classes at ``digits`` significant figures, or None when none fits.

    ``low`` is the largest value at or below the break ``b`` (the lower class holds it), ``high``
    the smallest value above it. The bound lies strictly between them (no value on a bound two
    ranges share), or is ``b`` itself when ``exact_ok``, and above ``previous``: the nearest round
    number, else rounded up, else one step further up.
    """
    up = _outer_bound(b, digits, ROUND_CEILING)
    for shown in (_rounded(b, digits, ROUND_HALF_EVEN), up, _step_up(up, digits)):
        value = float(shown)
        if (low < value or (exact_ok and value == b)) and value < high and (value > previous or b == previous):
            return shown
    return None


def display_bounds(
    lower: float,
    uppers: Sequence[float],
    values: Sequence[float] = (),
    *,
    digits: int = 3,
    fixed: Collection[float] = (),
) -> list[Decimal]:
    """The bounds a legend shows for classes ``[lower, u0]``, ``(u0, u1]``, ... (mapclassify's ``x <= bin``).

    Every class's shown range holds every value of the class. The lowest bound is rounded down
    and the highest up. Each bound two classes share is one number, at or above every value of
    the lower class and below every value of the higher one, and kept off the values, so none
    reads as belonging to two ranges: the break rounded to the nearest, else up, else one step
    further up. A user's break (in ``fixed``) may also be shown as itself where a value equals
    it; that value belongs to the range the break ends (the classification's note says so).
    All bounds have one count of significant figures: ``digits``, or more when fewer would cut a
    value or make two bounds equal. (Two values that are neighbouring floats have no number
    between them: there the bound is the lower value.)
    """
    present = np.unique(np.asarray([v for v in values if math.isfinite(v)], dtype=float))
    edges = []  # (largest value at or below, smallest value above) each inner break
    for b in uppers[:-1]:
        i = int(np.searchsorted(present, b, side="right"))
        edges.append((float(present[i - 1]) if i else -math.inf, float(present[i]) if i < present.size else math.inf))
    for anywhere, d in [(a, d) for a in (False, True) for d in range(digits, max(digits, 17) + 2)]:
        shown = [_outer_bound(lower, d, ROUND_FLOOR)]
        for b, (low, high) in zip(uppers[:-1], edges, strict=True):
            bound = _shared_bound(b, low, high, float(shown[-1]), d, exact_ok=anywhere or b in fixed)
            if bound is None:
                break
            shown.append(bound)
        else:
            last = _outer_bound(uppers[-1], d, ROUND_CEILING)
            if last > shown[-1] or uppers[-1] == (uppers[-2] if len(uppers) > 1 else lower):
                return [*shown, last]
    return [Decimal(x) for x in (lower, *uppers)]  # every float is an exact decimal (not reached for finite data)


def range_labels(
    lower: float,
    uppers: Sequence[float],
    values: Sequence[float] = (),
    *,
    integral: bool = False,
    digits: int = 3,
    fixed: Collection[float] = (),
) -> list[str]:
    """Readable labels for classes running from ``lower`` through each upper bound.

    Classes are ``[lower, u0]``, ``(u0, u1]``, ...; labels read ``a – b``, with the bounds of
    ``display_bounds`` (``values`` are the classed values; each lies within its class's label),
    or one number when both bounds read the same. For whole-number data a class ``(a, b]``
    reads ``a+1 – b``, or just ``b`` when it holds one value, so labels never share a bound.
    """
    if integral:
        lows = [math.ceil(lower)] + [math.floor(u) + 1 for u in uppers[:-1]]
        highs = [math.floor(u) for u in uppers]
        return [f"{lo:,}" if lo >= hi else f"{lo:,} – {hi:,}" for lo, hi in zip(lows, highs, strict=True)]
    return _labels(display_bounds(lower, uppers, values, digits=digits, fixed=fixed))


def _labels(bounds: Sequence[Decimal]) -> list[str]:
    text = [f"{abs(b) if b == 0 else b:,f}" for b in bounds]  # no "-0"
    return [text[i] if text[i] == text[i + 1] else f"{text[i]} – {text[i + 1]}" for i in range(len(text) - 1)]


def _notes(k: int, formed: int, n: int, distinct: int, *, on_bound: bool) -> tuple[str | None, str | None]:
    """The classification's note: fewer classes than requested, and which range holds a value on a shared bound."""
    zh, en = [], []
    if formed < k:
        zh.append(f"请求 {k} 类，实际形成 {formed} 类（{n} 个有数据单位，{distinct} 个不同取值）")
        en.append(f"{k} classes requested, {formed} formed ({n} units with data, {distinct} distinct values)")
    if on_bound:
        zh.append(BOUND_NOTE[0])
        en.append(BOUND_NOTE[1])
    return ("；".join(zh) or None, "; ".join(en) or None)


def _classes(present: np.ndarray, scheme: str, k: int, breaks: Sequence[float] | None) -> tuple[list[float], list[int]]:
    """Upper bounds and counts of the classes mapclassify forms (a repeated break is one class)."""
    distinct = np.unique(present)
    if scheme != "user_defined" and distinct.size == 1:  # one value: one class (mapclassify refuses or repeats it)
        return [float(distinct[0])], [int(present.size)]
    with warnings.catch_warnings():  # mapclassify warns when it lowers k; we report it in the note instead
        warnings.simplefilter("ignore")
        classifier = getattr(importlib.import_module("mapclassify"), SCHEMES[scheme][0])
        cls = (
            classifier(present, bins=list(breaks or []))
            if scheme == "user_defined"
            else classifier(present, k=min(k, distinct.size))  # Fisher-Jenks refuses k > distinct values
        )
    uppers: list[float] = []
    counts: list[int] = []
    for upper, count in zip(cls.bins, cls.counts, strict=True):
        if uppers and float(upper) == uppers[-1]:
            counts[-1] += int(count)
        else:
            uppers.append(float(upper))
            counts.append(int(count))
    return uppers, counts


def classify(
    values: Sequence[Any] | pd.Series,
    *,
    scheme: str = DEFAULT_SCHEME,
    k: int = DEFAULT_K,
    palette: str = palettes.DEFAULT_SEQUENTIAL,
    breaks: Sequence[float] | None = None,
    legend_values: Sequence[Any] | pd.Series | None = None,
) -> Classification:
    """Class numeric values with a mapclassify scheme.

    Parameters
    ----------
    values
        One value per unit; None/NaN are no data (counted, never classed as zero).
    scheme
        A key of ``SCHEMES``.
    k
        Classes requested (``K_RANGE``); mapclassify may form fewer, and the note says so.
    palette
        A sequential or diverging palette name (``layers.palettes``).
    breaks
        Upper bounds for ``user_defined`` (ascending; the last may be below the maximum,
        in which case mapclassify adds the maximum as a final bound).
    legend_values
        Values the labels' ranges must hold besides ``values``: two maps that share ``breaks``
        (a comparison) pass both maps' values, so their labels read the same.

    Raises
    ------
    ValueError
        For an unknown scheme, a class count outside ``K_RANGE``, missing or unsorted user
        breaks, or no numeric value at all.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {sorted(SCHEMES)}")
    nums = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    present = nums[np.isfinite(nums)]
    if present.size == 0:
        raise ValueError("no unit has a numeric value to classify")
    no_data = int((~np.isfinite(nums)).sum())
    if scheme == "user_defined":
        if not breaks or list(breaks) != sorted(breaks):
            raise ValueError("user-defined classes need ascending breaks, e.g. [100, 500, 1000]")
        k = len(breaks)
    elif not K_RANGE[0] <= k <= K_RANGE[1]:
        raise ValueError(f"number of classes must be {K_RANGE[0]}-{K_RANGE[1]}, got {k}")
    distinct = np.unique(present)
    uppers, counts = _classes(present, scheme, k, breaks)
    # User breaks below the data's minimum make empty classes that start at the first break.
    lower = float(present.min()) if scheme != "user_defined" else min(float(present.min()), uppers[0])
    held = present  # the values the labels' ranges hold
    if legend_values is not None:
        more = pd.to_numeric(pd.Series(legend_values, dtype=object), errors="coerce").to_numpy(dtype=float)
        held = np.concatenate([present, more[np.isfinite(more) & (more <= uppers[-1])]])
    # Whole-number labels (``3 – 5``) only when every value, and every bound a user gave, is whole.
    integral = bool(np.all(np.equal(np.mod(held, 1), 0))) and (
        scheme != "user_defined" or bool(np.all(np.equal(np.mod(uppers, 1), 0)))
    )
    if integral and scheme != "user_defined":
        # With whole-number data a class such as (0, 0.4] can hold no value at all: drop it.
        lows = [math.ceil(lower)] + [math.floor(u) + 1 for u in uppers[:-1]]
        keep = [i for i, u in enumerate(uppers) if math.floor(u) >= lows[i]]
        uppers, counts = [uppers[i] for i in keep], [counts[i] for i in keep]
    if integral:
        labels, on_bound = range_labels(min(lower, float(held.min())), uppers, integral=True), False
    else:
        fixed = set(breaks or ()) if scheme == "user_defined" else set()
        shown = display_bounds(min(lower, float(held.min())), uppers, held, fixed=fixed)
        labels = _labels(shown)
        on_bound = bool(np.isin(held, [float(b) for b in shown[1:-1]]).any())
    color_list = palettes.colors(palette, len(uppers))
    lowers = [lower, *uppers[:-1]]
    bins = tuple(
        ClassBin(lo, up, None, lab, lab, cnt, col)
        for lo, up, lab, cnt, col in zip(lowers, uppers, labels, counts, color_list, strict=True)
    )
    note_zh, note_en = _notes(k, len(uppers), present.size, distinct.size, on_bound=on_bound)
    return Classification(scheme, k, bins, no_data, palettes.NO_DATA_COLOR, palette, note_zh, note_en)


def classify_categories(
    values: Sequence[Any] | pd.Series,
    categories: Sequence[str],
    *,
    labels_zh: dict[str, str] | None = None,
    labels_en: dict[str, str] | None = None,
    colors: dict[str, str] | None = None,
) -> Classification:
    """Class categorical values: one class per category, in the order given.

    Colours come from ``colors`` (e.g. the layout style) or the Okabe-Ito palette.
    """
    series = pd.Series(values, dtype=object)
    fallback = palettes.colors("okabe_ito", len(categories))
    bins = tuple(
        ClassBin(
            None,
            None,
            cat,
            (labels_zh or {}).get(cat, cat),
            (labels_en or {}).get(cat, cat),
            int((series == cat).sum()),
            (colors or {}).get(cat, fallback[i]),
        )
        for i, cat in enumerate(categories)
    )
    known = series.isin(list(categories))
    return Classification("categories", len(categories), bins, int((~known).sum()), palettes.NO_DATA_COLOR, "okabe_ito")
