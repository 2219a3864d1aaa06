"""One classification object for every output: web map, legend, snapshot, folium export.

Numeric indicators are classed with mapclassify (quantiles, Fisher-Jenks natural breaks,
equal interval, user-defined breaks); categorical ones by their categories. A
``Classification`` holds the breaks, the colour of each class, readable rounded labels,
counts per class, the no-data class, and a note when fewer classes were formed than
asked for (mapclassify lowers the count when there are few distinct values).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mapclassify
import numpy as np
import pandas as pd

from layers import palettes

#: Schemes by id: (mapclassify class, Chinese name, English name).
SCHEMES: dict[str, tuple[Any, str, str]] = {
    "quantiles": (mapclassify.Quantiles, "分位数", "Quantiles"),
    "natural_breaks": (mapclassify.FisherJenks, "自然断点（Fisher-Jenks）", "Natural breaks (Fisher-Jenks)"),
    "equal_interval": (mapclassify.EqualInterval, "等间距", "Equal interval"),
    "user_defined": (mapclassify.UserDefined, "自定义断点", "User-defined breaks"),
}
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5
K_RANGE = (2, 9)
NO_DATA_LABEL = ("无数据", "No data")


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


def _sig_round(x: float, digits: int) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def decimals_for(values: Sequence[float], digits: int = 3) -> int:
    """Decimals that keep ``digits`` significant figures for the smallest non-zero magnitude (0 for >= 10^digits)."""
    mags = [abs(v) for v in values if v and math.isfinite(v)]
    if not mags:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(min(mags))))


def format_number(x: float, decimals: int) -> str:
    """Thousands-separated number with fixed decimals (``1,234.5``)."""
    return f"{x:,.{decimals}f}"


def _format_bound(x: float, digits: int) -> str:
    """A bound rounded to ``digits`` significant figures, without trailing zeros for large numbers."""
    r = _sig_round(x, digits)
    decimals = 0 if r == 0 else max(0, digits - 1 - math.floor(math.log10(abs(r))))
    return format_number(r, decimals)


def range_labels(lower: float, uppers: Sequence[float], *, integral: bool = False, digits: int = 3) -> list[str]:
    """Readable labels for classes running from ``lower`` through each upper bound.

    Classes are ``[lower, u0]``, ``(u0, u1]``, ...; labels read ``a – b``. Bounds are
    rounded to ``digits`` significant figures (more when that would make two labels
    equal). For whole-number data a class ``(a, b]`` reads ``a+1 – b``, or just ``b``
    when it holds one value.
    """
    if integral:
        lows = [math.ceil(lower)] + [math.floor(u) + 1 for u in uppers[:-1]]
        highs = [math.floor(u) for u in uppers]
        return [f"{lo:,}" if lo >= hi else f"{lo:,} – {hi:,}" for lo, hi in zip(lows, highs, strict=True)]
    bounds = [lower, *uppers]
    for d in range(digits, 18):  # up to float precision: bounds that differ only in the 10th digit stay apart
        text = [_format_bound(b, d) for b in bounds]
        if len(set(text)) == len(set(bounds)):
            break
    return [f"{text[i]} – {text[i + 1]}" for i in range(len(uppers))]


def classify(
    values: Sequence[Any] | pd.Series,
    *,
    scheme: str = DEFAULT_SCHEME,
    k: int = DEFAULT_K,
    palette: str = palettes.DEFAULT_SEQUENTIAL,
    breaks: Sequence[float] | None = None,
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
    if scheme != "user_defined" and distinct.size == 1:  # one value: one class (mapclassify refuses or repeats it)
        uppers, counts = [float(distinct[0])], [int(present.size)]
    else:
        with warnings.catch_warnings():  # mapclassify warns when it lowers k; we report it in the note instead
            warnings.simplefilter("ignore")
            cls = (
                SCHEMES[scheme][0](present, bins=list(breaks or []))
                if scheme == "user_defined"
                else SCHEMES[scheme][0](present, k=min(k, distinct.size))  # Fisher-Jenks refuses k > distinct values
            )
        uppers, counts = [], []
        for upper, count in zip(cls.bins, cls.counts, strict=True):
            if uppers and float(upper) == uppers[-1]:  # a repeated break is one class
                counts[-1] += int(count)
            else:
                uppers.append(float(upper))
                counts.append(int(count))
    # User breaks below the data's minimum make empty classes that start at the first break.
    lower = float(present.min()) if scheme != "user_defined" else min(float(present.min()), uppers[0])
    # Whole-number labels (``3 – 5``) only when every value, and every bound a user gave, is whole.
    integral = bool(np.all(np.equal(np.mod(present, 1), 0))) and (
        scheme != "user_defined" or bool(np.all(np.equal(np.mod(uppers, 1), 0)))
    )
    if integral and scheme != "user_defined":
        # With whole-number data a class such as (0, 0.4] can hold no value at all: drop it.
        lows = [math.ceil(lower)] + [math.floor(u) + 1 for u in uppers[:-1]]
        keep = [i for i, u in enumerate(uppers) if math.floor(u) >= lows[i]]
        uppers, counts = [uppers[i] for i in keep], [counts[i] for i in keep]
    labels = range_labels(lower, uppers, integral=integral)
    color_list = palettes.colors(palette, len(uppers))
    lowers = [lower, *uppers[:-1]]
    bins = tuple(
        ClassBin(lo, up, None, lab, lab, cnt, col)
        for lo, up, lab, cnt, col in zip(lowers, uppers, labels, counts, color_list, strict=True)
    )
    note_zh = note_en = None
    if len(uppers) < k:
        note_zh = f"请求 {k} 类，实际形成 {len(uppers)} 类（{present.size} 个有数据单位，{distinct.size} 个不同取值）"
        note_en = (
            f"{k} classes requested, {len(uppers)} formed "
            f"({present.size} units with data, {distinct.size} distinct values)"
        )
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
