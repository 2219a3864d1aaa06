"""The plan's implementation-evaluation rule: the status of each target, computed from the data.

Pure functions: ``evaluate`` takes one target and its actual rows and returns an ``Evaluation``;
``evaluate_all`` runs it over the shipped tables (``data/layers/plan_targets.csv`` and
``target_actuals.csv``). The rule is documented in ``data/layers/README.md`` ("How a target's
status is decided") and versioned by ``RULE_VERSION``; in short:

* A target whose deadline has passed is ``met`` / ``not_met`` from a usable actual at or after
  the deadline (for a ``flow``, the full-year value of the deadline year).
* Otherwise the last two comparable points are projected to the deadline (compound growth when
  both are positive, else linear): ``on_track`` / ``at_risk`` with ``projected=True``.
* A cumulative measure (``stock``, ``new_since_start``) already at the target before the deadline
  is ``met`` (reached early); so is a flow whose year-to-date total of the deadline year already
  reaches the full-year target.
* ``growth`` targets compare the compound annual growth from the base year with the target %;
  ``annual`` targets are judged year by year (2022-2024).
* No usable actual with a value: ``no_data``. A unit that differs from the target's is refused.

Labels, colours (Okabe-Ito, colour-blind safe) and symbols of the statuses are defined once here
(``STATUS_STYLE``) for the map, print and exports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import pandas as pd

#: Version of the rule; exports put it in their metadata. Bump it when the rule changes.
RULE_VERSION = "1"

#: The plan's years (《湖北数字经济强省三年行动计划（2022-2024年）》); annual targets are judged for each.
PLAN_YEARS: tuple[int, ...] = (2022, 2023, 2024)

Status = Literal["met", "not_met", "on_track", "at_risk", "no_data"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "on_track", "at_risk", "no_data")


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown everywhere: both labels, a colour-blind-safe colour and a symbol."""

    zh: str
    en: str
    colour: str
    symbol: str


#: One style per status: Okabe-Ito colours (grey for no data), a distinct symbol each.
STATUS_STYLE: dict[Status, StatusStyle] = {
    "met": StatusStyle("已达成", "Met", "#009E73", "✔"),
    "not_met": StatusStyle("未达成", "Not met", "#D55E00", "✘"),
    "on_track": StatusStyle("按进度", "On track", "#56B4E9", "↗"),
    "at_risk": StatusStyle("滞后", "At risk", "#E69F00", "⚠"),
    "no_data": StatusStyle("暂无数据", "No data", "#999999", "?"),
}

#: Status -> (Chinese label, English label).
STATUS_LABELS: dict[Status, tuple[str, str]] = {s: (v.zh, v.en) for s, v in STATUS_STYLE.items()}

#: The ``period`` values an actual may have, by the ``measure`` of the target it is filed under.
ALLOWED_PERIODS: dict[str, frozenset[str]] = {
    "stock": frozenset({"point"}),
    "new_since_start": frozenset({"point"}),
    "share": frozenset({"point"}),
    "flow": frozenset({"year", "ytd"}),
    "annual": frozenset({"year", "ytd"}),
    "growth": frozenset(),  # a growth target's levels are filed under its series_target
}

_CUMULATIVE = frozenset({"stock", "new_since_start"})
_PROGRESS = frozenset({"stock", "new_since_start", "flow"})


class UnitMismatchError(ValueError):
    """An actual's unit differs from its target's: refused, never converted."""


class ConflictingActualsError(ValueError):
    """Two used actuals give one target different values for the same date and period."""


@dataclass(frozen=True)
class Evaluation:
    """The status of one target as of ``as_of``, with everything it was decided from.

    ``latest_*`` describe the latest usable actual (for a growth target ``latest_value`` is the
    compound annual growth in %); ``series`` the (date as written, value) points the rule looked at
    (annualised year-to-date values are marked in ``basis_*``); ``progress`` is latest value /
    target for stock, new_since_start and flow measures only.
    """

    target_id: str
    status: Status
    projected: bool
    basis_zh: str
    basis_en: str
    as_of: dt.date
    projected_value: float | None = None
    latest_value: float | None = None
    latest_date: str | None = None
    latest_period: str | None = None
    latest_source_ids: tuple[str, ...] = ()
    progress: float | None = None
    stretch_met: bool | None = None
    base_value: float | None = None
    base_date: str | None = None
    series: tuple[tuple[str, float], ...] = ()
    note: str = ""

    @property
    def label_zh(self) -> str:
        """The status in Chinese."""
        return STATUS_STYLE[self.status].zh

    @property
    def label_en(self) -> str:
        """The status in English."""
        return STATUS_STYLE[self.status].en


@dataclass(frozen=True)
class _Obs:
    row: int
    date_text: str
    when: dt.date
    value: float
    period: str
    source_ids: tuple[str, ...]

    @property
    def months(self) -> float:
        """Months a year-to-date value covers (fractional for a mid-month date)."""
        days = calendar.monthrange(self.when.year, self.when.month)[1]
        return self.when.month - 1 + self.when.day / days


@dataclass
class _Target:
    target_id: str
    comparator: str
    value: float
    stretch: float | None
    unit: str
    deadline: dt.date | None
    deadline_text: str | None
    measure: str
    base_date: str | None
    notes: list[str] = field(default_factory=list)


def as_of_date(text: str) -> dt.date:
    """The date a data date stands for: ``YYYY`` -> 31 Dec, ``YYYY-MM`` -> the month's last day."""
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def reaches(value: float, comparator: str, target: float) -> bool:
    """Whether ``value`` satisfies ``comparator target``; ``=`` in this plan means "reach N" (>=)."""
    if comparator == ">":
        return value > target
    if comparator in (">=", "="):
        return value >= target
    raise ValueError(f"unknown comparator {comparator!r}")


def project(first: tuple[float, float], last: tuple[float, float], at: float) -> tuple[float, str]:
    """Extend two (time, value) points to time ``at``: compound growth when both values are > 0, else linear.

    Returns the value and the method (``"compound"`` or ``"linear"``).
    """
    (t1, v1), (t2, v2) = first, last
    if t2 <= t1:
        raise ValueError("the points must be in time order")
    steps = (at - t2) / (t2 - t1)
    if v1 > 0 and v2 > 0:
        return v2 * (v2 / v1) ** steps, "compound"
    return v2 + (v2 - v1) * steps, "linear"


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _get(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if _blank(value) else value


def _ids(value: Any) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(";") if v.strip())
    return tuple(str(v) for v in value)


def _num(v: float) -> str:
    """A value for reading: thousands separated, at most two decimals, no trailing zeros."""
    text = f"{v:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _years(d: dt.date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / (366 if calendar.isleap(d.year) else 365)


def _as_mapping(target: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    if hasattr(target, "model_dump"):
        return dict(target.model_dump())
    return cast(Mapping[str, Any], target)


def _target(raw: Mapping[str, Any]) -> _Target:
    deadline_text = _get(raw, "target_date")
    stretch = _get(raw, "value_stretch")
    return _Target(
        target_id=str(raw["target_id"]),
        comparator=str(raw["comparator"]),
        value=float(raw["value"]),
        stretch=None if stretch is None else float(stretch),
        unit=str(raw["unit"]),
        deadline=as_of_date(str(deadline_text)) if deadline_text else None,
        deadline_text=str(deadline_text) if deadline_text else None,
        measure=str(raw["measure"]),
        base_date=str(_get(raw, "base_date")) if _get(raw, "base_date") else None,
    )


def _rows(actuals: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    if isinstance(actuals, pd.DataFrame):
        records: list[Mapping[str, Any]] = actuals.to_dict("records")  # type: ignore[assignment]
        return [(int(i) + 1, r) for i, r in zip(actuals.index, records, strict=True)]
    return [(n, r) for n, r in enumerate(actuals, start=1)]


def _observations(
    t: _Target, rows: list[tuple[int, Mapping[str, Any]]], unit: str, measure: str, today: dt.date
) -> list[_Obs]:
    """Check units and periods of every row, keep the usable ones (notes for the others go to ``t.notes``)."""
    used: list[_Obs] = []
    for number, row in rows:
        row_unit = str(row["unit"])
        date_text = _get(row, "date")
        where = f"row {number} ({date_text or 'no date'}, {';'.join(_ids(row.get('source_ids')))})"
        if row_unit != unit:
            raise UnitMismatchError(
                f"target {t.target_id}: actual {where} is in {row_unit!r} but the target is in {unit!r}; "
                "units are never converted"
            )
        period = str(row["period"])
        if period not in ALLOWED_PERIODS[measure]:
            raise ValueError(
                f"target {t.target_id}: actual {where} has period {period!r}, "
                f"not one of {sorted(ALLOWED_PERIODS[measure])} for a {measure!r} measure"
            )
        note = _get(row, "note")
        if _get(row, "status_use") == "no":
            t.notes.append(f"{date_text}: set aside (status_use no): {note}")
            continue
        value = _get(row, "value")
        if value is None or date_text is None:
            t.notes.append(f"{date_text or 'no date'}: no value: {note}")
            continue
        when = as_of_date(str(date_text))
        if when > today:
            t.notes.append(f"{date_text}: after the evaluation date, not used")
            continue
        used.append(_Obs(number, str(date_text), when, float(value), period, _ids(row.get("source_ids"))))
    return _merge(t, used)


def _merge(t: _Target, used: list[_Obs]) -> list[_Obs]:
    """One observation per (date, period): equal values merge their sources, different ones are refused."""
    by_key: dict[tuple[dt.date, str], _Obs] = {}
    for obs in used:
        key = (obs.when, obs.period)
        other = by_key.get(key)
        if other is None:
            by_key[key] = obs
        elif other.value != obs.value:
            raise ConflictingActualsError(
                f"target {t.target_id}: rows {other.row} and {obs.row} both have status_use yes for "
                f"{obs.date_text} ({obs.period}) with different values ({_num(other.value)}, {_num(obs.value)}); "
                "mark the one the status does not use status_use=no and say why in its note"
            )
        else:
            sources = other.source_ids + tuple(s for s in obs.source_ids if s not in other.source_ids)
            by_key[key] = _Obs(other.row, other.date_text, other.when, other.value, other.period, sources)
    order = {"ytd": 0, "point": 1, "year": 2}
    return sorted(by_key.values(), key=lambda o: (o.when, order[o.period]))


def _goal(t: _Target) -> tuple[str, str]:
    zh = f"目标{t.comparator}{_num(t.value)}{t.unit}"
    en = f"target {t.comparator} {_num(t.value)} {t.unit}"
    return zh, en


def evaluate(
    target: Mapping[str, Any] | Any,
    actuals: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    level_target: Mapping[str, Any] | Any | None = None,
) -> Evaluation:
    """Decide one target's status from its actual rows (pure: reads nothing else).

    Parameters
    ----------
    target
        A row of ``plan_targets.csv`` (mapping, pandas Series or ``schema.TargetRow``).
    actuals
        Its rows of ``target_actuals.csv`` (DataFrame or mappings); for a ``growth`` target the rows
        of its ``series_target`` (the levels the growth is computed from). A DataFrame's index + 1
        names the row in messages, else the position in the sequence.
    today
        The evaluation date (default ``datetime.date.today()``); rows dated after it are not used.
    level_target
        For a ``growth`` target: its ``series_target`` row (gives the levels' unit and measure).

    Raises
    ------
    UnitMismatchError
        If an actual's unit is not the target's (the level target's for growth), naming target and row.
    ConflictingActualsError
        If two used rows give different values for the same date and period.
    ValueError
        For a period the measure does not allow, or a growth target without ``level_target``.

    """
    today = today or dt.date.today()
    t = _target(_as_mapping(target))
    rows = _rows(actuals)
    if t.measure == "growth":
        if level_target is None:
            raise ValueError(f"target {t.target_id}: a growth target needs level_target (its series_target row)")
        level = _target(_as_mapping(level_target))
        obs = _observations(t, rows, level.unit, level.measure, today)
        result = _growth(t, obs, today)
    else:
        obs = _observations(t, rows, t.unit, t.measure, today)
        if not obs:
            result = _no_data(t, today)
        elif t.measure == "annual":
            result = _annual(t, obs, today)
        elif t.measure == "flow":
            result = _flow(t, obs, today)
        else:
            result = _level(t, obs, today)
    return result


def _no_data(
    t: _Target, today: dt.date, why_en: str = "no actual with a value", why_zh: str = "暂无有数值的实际数据"
) -> Evaluation:
    return Evaluation(t.target_id, "no_data", False, why_zh, why_en, today, note="; ".join(t.notes))


def _finish(
    t: _Target,
    today: dt.date,
    status: Status,
    projected: bool,
    basis: tuple[str, str],
    obs: list[_Obs],
    *,
    projected_value: float | None = None,
    deciding: float | None = None,
    series: Sequence[tuple[str, float]] | None = None,
) -> Evaluation:
    latest = obs[-1]
    progress = latest.value / t.value if t.measure in _PROGRESS and t.value else None
    stretch_met: bool | None = None
    if t.stretch is not None and deciding is not None and status in ("met", "not_met"):
        stretch_met = reaches(deciding, t.comparator, t.stretch)
        if not stretch_met and t.deadline and today < t.deadline:
            stretch_met = None  # reached early; the stretch may still be reached
    base_value = base_text = None
    if t.base_date:
        base = [o for o in obs if o.when.year == int(t.base_date[:4])]
        base_text = t.base_date
        base_value = base[-1].value if base else None
    return Evaluation(
        target_id=t.target_id,
        status=status,
        projected=projected,
        basis_zh=basis[0],
        basis_en=basis[1],
        as_of=today,
        projected_value=projected_value,
        latest_value=latest.value,
        latest_date=latest.date_text,
        latest_period=latest.period,
        latest_source_ids=latest.source_ids,
        progress=progress,
        stretch_met=stretch_met,
        base_value=base_value,
        base_date=base_text,
        series=tuple(series if series is not None else [(o.date_text, o.value) for o in obs]),
        note="; ".join(t.notes),
    )


def _level(t: _Target, obs: list[_Obs], today: dt.date) -> Evaluation:
    """stock, new_since_start and share: values as of a date."""
    assert t.deadline is not None
    goal_zh, goal_en = _goal(t)
    after = [o for o in obs if o.when >= t.deadline]
    if after:
        o = after[0]
        ok = reaches(o.value, t.comparator, t.value)
        basis = (
            f"{o.date_text}实际值{_num(o.value)}（截止日{t.deadline_text}之后）；{goal_zh}",
            f"{o.date_text}: {_num(o.value)} (at or after the deadline {t.deadline_text}); {goal_en}",
        )
        return _finish(t, today, "met" if ok else "not_met", False, basis, obs, deciding=o.value)
    if t.measure in _CUMULATIVE:
        early = [o for o in obs if reaches(o.value, t.comparator, t.value)]
        if early:
            o = early[0]
            t.notes.append(f"reached early: {o.date_text}, before the target date {t.deadline_text}")
            basis = (
                f"提前达成：{o.date_text}已达{_num(o.value)}（截止日{t.deadline_text}）；{goal_zh}",
                f"reached early: {_num(o.value)} on {o.date_text} (target date {t.deadline_text}); {goal_en}",
            )
            return _finish(t, today, "met", False, basis, obs, deciding=obs[-1].value)
    return _projected(t, today, obs, [(_years(o.when), o) for o in obs], _years(t.deadline), t.deadline_text or "")


def _projected(
    t: _Target,
    today: dt.date,
    obs: list[_Obs],
    points: list[tuple[float, _Obs]],
    at: float,
    at_text: str,
    *,
    series: Sequence[tuple[str, float]] | None = None,
    labels: Sequence[str] | None = None,
) -> Evaluation:
    """Project the last two points to the deadline; one point only: no projection."""
    goal_zh, goal_en = _goal(t)
    names = list(labels) if labels is not None else [o.date_text for _, o in points]
    if len(points) < 2:
        (_, o), name = points[-1], names[-1]
        if reaches(o.value, t.comparator, t.value):
            basis = (
                f"仅有一个数据点（{name}：{_num(o.value)}），已达目标，假定保持；{goal_zh}",
                f"one point only ({name}: {_num(o.value)}), already at the target, assumed held; {goal_en}",
            )
            return _finish(t, today, "on_track", True, basis, obs, projected_value=o.value, series=series)
        basis = (
            f"仅有一个早于截止日的数据点（{name}：{_num(o.value)}），无法推算，低于目标；{goal_zh}",
            f"one point before the deadline only ({name}: {_num(o.value)}), no projection possible, "
            f"below the target; {goal_en}",
        )
        return _finish(t, today, "at_risk", False, basis, obs, series=series)
    (t1, o1), (t2, o2) = points[-2], points[-1]
    value, method = project((t1, o1.value), (t2, o2.value), at)
    ok = reaches(value, t.comparator, t.value)
    method_zh = "复合增长" if method == "compound" else "线性"
    basis = (
        f"按{method_zh}由{names[-2]}（{_num(o1.value)}）与{names[-1]}（{_num(o2.value)}）推算{at_text}为"
        f"{_num(value)}；{goal_zh}",
        f"projected {_num(value)} at {at_text} by {method} growth from {names[-2]}: {_num(o1.value)} "
        f"and {names[-1]}: {_num(o2.value)}; {goal_en}",
    )
    return _finish(t, today, "on_track" if ok else "at_risk", True, basis, obs, projected_value=value, series=series)


def _flow(t: _Target, obs: list[_Obs], today: dt.date) -> Evaluation:
    """Annual totals: the full-year value of the deadline year decides; year-to-date figures are annualised."""
    assert t.deadline is not None
    goal_zh, goal_en = _goal(t)
    year = t.deadline.year
    full = [o for o in obs if o.period == "year" and o.when.year >= year]
    if full:
        o = full[0]
        ok = reaches(o.value, t.comparator, t.value)
        basis = (
            f"{o.when.year}年全年实际值{_num(o.value)}；{goal_zh}",
            f"full year {o.when.year}: {_num(o.value)}; {goal_en}",
        )
        return _finish(t, today, "met" if ok else "not_met", False, basis, obs, deciding=o.value)
    ytd_met = [o for o in obs if o.period == "ytd" and o.when.year == year and reaches(o.value, t.comparator, t.value)]
    if ytd_met:
        o = ytd_met[0]
        t.notes.append(f"reached early: the year-to-date total to {o.date_text} already reaches the full-year target")
        basis = (
            f"提前达成：{year}年1-{o.when.month}月累计{_num(o.value)}已达全年目标；{goal_zh}",
            f"reached early: Jan-{o.when:%b} {year} year-to-date {_num(o.value)} already reaches the full-year "
            f"target; {goal_en}",
        )
        return _finish(t, today, "met", False, basis, obs, deciding=o.value)
    # One value per year: the full-year value, else the latest year-to-date value annualised by months.
    yearly: dict[int, tuple[_Obs, float, str]] = {}
    for o in obs:
        if o.period == "year":
            yearly[o.when.year] = (o, o.value, f"{o.when.year}")
        elif o.when.year not in yearly or yearly[o.when.year][0].period == "ytd":
            months = o.months
            annual = o.value * 12 / months
            yearly[o.when.year] = (o, annual, f"{o.when.year} (Jan-{o.when:%b} {_num(o.value)} x 12/{months:g})")
    years = sorted(y for y in yearly if y <= year)
    annualised = [yearly[y][2] for y in years if yearly[y][0].period == "ytd"]
    if annualised:
        t.notes.append("year-to-date values annualised by months (value x 12 / months): " + "; ".join(annualised))
    series = [(f"{y}" + (" (annualised)" if yearly[y][0].period == "ytd" else ""), yearly[y][1]) for y in years]
    if years and years[-1] == year:  # the deadline year itself, from an annualised year-to-date value
        o, value, label = yearly[year]
        ok = reaches(value, t.comparator, t.value)
        basis = (
            f"{year}年1-{o.when.month}月累计{_num(o.value)}按月折算全年为{_num(value)}；{goal_zh}",
            f"{year} projected {_num(value)}: year-to-date {label} annualised; {goal_en}",
        )
        return _finish(
            t, today, "on_track" if ok else "at_risk", True, basis, obs, projected_value=value, series=series
        )
    points = [(float(y), _Obs(yearly[y][0].row, str(y), yearly[y][0].when, yearly[y][1], "year", ())) for y in years]
    labels = [yearly[y][2] for y in years]
    return _projected(t, today, obs, points, float(year), str(year), series=series, labels=labels)


def _growth(t: _Target, obs: list[_Obs], today: dt.date) -> Evaluation:
    """Compound average annual growth of the level series from the base year, against the target %."""
    assert t.base_date is not None and t.deadline is not None
    goal_zh, goal_en = _goal(t)
    levels = [o for o in obs if o.period != "ytd"]
    if len(levels) < len(obs):
        t.notes.append("year-to-date levels are not used for growth")
    base_year = int(t.base_date[:4])
    base = [o for o in levels if o.when.year == base_year]
    later = [o for o in levels if o.when.year > base_year]
    if not base or not later:
        missing = f"no level for the base year {base_year}" if not base else f"no level after the base year {base_year}"
        missing_zh = f"缺少基年{base_year}的数值" if not base else f"缺少基年{base_year}之后的数值"
        return _no_data(t, today, f"{missing}: growth cannot be computed", f"{missing_zh}，无法计算增速")
    b, last = base[-1], later[-1]
    if b.value <= 0 or last.value <= 0:
        return _no_data(t, today, "a level <= 0: compound growth undefined", "数值不为正，无法计算复合增速")
    span = last.when.year - base_year if last.period == "year" else _years(last.when) - _years(b.when)
    rate = ((last.value / b.value) ** (1 / span) - 1) * 100
    ok = reaches(rate, t.comparator, t.value)
    series = [(o.date_text, o.value) for o in levels if o.when.year >= base_year]
    core_zh = f"{b.date_text}（基年）{_num(b.value)}至{last.date_text} {_num(last.value)}，年均增长{rate:.1f}%"
    core_en = f"{b.date_text} (base) {_num(b.value)} to {last.date_text} {_num(last.value)}: {rate:.1f}% a year"
    decided = last.when.year >= t.deadline.year
    if decided:
        status: Status = "met" if ok else "not_met"
        basis = (f"{core_zh}；{goal_zh}", f"{core_en}; {goal_en}")
    else:
        status = "on_track" if ok else "at_risk"
        basis = (
            f"{core_zh}，假定此增速持续至{t.deadline.year}年；{goal_zh}",
            f"{core_en}, assumed to continue to {t.deadline.year}; {goal_en}",
        )
    return Evaluation(
        target_id=t.target_id,
        status=status,
        projected=not decided,
        basis_zh=basis[0],
        basis_en=basis[1],
        as_of=today,
        projected_value=None if decided else rate,
        latest_value=rate,
        latest_date=last.date_text,
        latest_period=last.period,
        latest_source_ids=last.source_ids,
        base_value=b.value,
        base_date=t.base_date,
        series=tuple(series),
        note="; ".join(t.notes),
    )


def _annual(t: _Target, obs: list[_Obs], today: dt.date) -> Evaluation:
    """Each plan year must reach the target: met if every year with a value does, years without one are named."""
    goal_zh, goal_en = _goal(t)
    verdicts: dict[int, tuple[bool, float, str]] = {}
    lacking: list[str] = []
    for year in PLAN_YEARS:
        full = [o for o in obs if o.period == "year" and o.when.year == year]
        ytd = [o for o in obs if o.period == "ytd" and o.when.year == year]
        if full:
            verdicts[year] = (reaches(full[-1].value, t.comparator, t.value), full[-1].value, f"{year}")
        elif ytd and reaches(ytd[-1].value, t.comparator, t.value):
            verdicts[year] = (True, ytd[-1].value, f"{year} (year-to-date {ytd[-1].date_text})")
        elif dt.date(year, 12, 31) <= today:
            lacking.append(f"{year}" + (f" (year-to-date only, to {ytd[-1].date_text})" if ytd else ""))
    outside = sorted({o.when.year for o in obs} - set(PLAN_YEARS))
    if outside:
        t.notes.append(f"years outside the plan not judged: {outside}")
    if lacking:
        t.notes.append("no full-year value for " + ", ".join(lacking))
    if not verdicts:
        return _no_data(t, today, f"no year of {PLAN_YEARS[0]}-{PLAN_YEARS[-1]} has a value", "各年均无可用数值")
    failed = [y for y, v in verdicts.items() if not v[0]]
    shown_en = ", ".join(f"{v[2]}: {_num(v[1])}" for v in verdicts.values())
    shown_zh = "，".join(f"{v[2]}：{_num(v[1])}" for v in verdicts.values())
    if failed:
        status: Status = "not_met"
    else:
        status = "met" if dt.date(PLAN_YEARS[-1], 12, 31) <= today else "on_track"
    lack_en = f"; no data for {', '.join(lacking)}" if lacking else ""
    lack_zh = f"；{'、'.join(lacking)}无数据" if lacking else ""
    basis = (f"每年{goal_zh}：{shown_zh}{lack_zh}", f"each year {goal_en}: {shown_en}{lack_en}")
    series = [(v[2], v[1]) for v in verdicts.values()]
    return _finish(t, today, status, False, basis, obs, series=series)


def evaluate_all(today: dt.date | None = None) -> pd.DataFrame:
    """Evaluate every target of the shipped tables: one row per target, in ``plan_targets.csv`` order.

    Columns: ``target_id``, ``status``, ``label_zh``, ``label_en``, ``colour``, ``symbol``, ``projected``,
    ``projected_value``, ``basis_zh``, ``basis_en``, ``latest_value``, ``latest_date``, ``latest_period``,
    ``latest_source_ids`` (``;``-joined), ``progress``, ``stretch_met``, ``base_value``, ``base_date``,
    ``as_of`` (ISO date), ``series`` (``date: value; ...``), ``note``. ``attrs`` carry ``rule_version``
    and ``as_of``.
    """
    from layers import features

    today = today or dt.date.today()
    targets = features.table("layers/plan_targets.csv")
    actuals = features.table("layers/target_actuals.csv")
    rows: list[dict[str, Any]] = targets.to_dict("records")  # type: ignore[assignment]
    by_id = {str(r["target_id"]): r for r in rows}
    records = []
    for target in rows:
        series_target = _get(target, "series_target")
        level = by_id[str(series_target)] if series_target else None
        filed = actuals[actuals["target_id"] == (series_target or target["target_id"])]
        ev = evaluate(target, filed, today=today, level_target=level)
        style = STATUS_STYLE[ev.status]
        records.append(
            {
                "target_id": ev.target_id,
                "status": ev.status,
                "label_zh": style.zh,
                "label_en": style.en,
                "colour": style.colour,
                "symbol": style.symbol,
                "projected": ev.projected,
                "projected_value": ev.projected_value,
                "basis_zh": ev.basis_zh,
                "basis_en": ev.basis_en,
                "latest_value": ev.latest_value,
                "latest_date": ev.latest_date,
                "latest_period": ev.latest_period,
                "latest_source_ids": ";".join(ev.latest_source_ids),
                "progress": ev.progress,
                "stretch_met": ev.stretch_met,
                "base_value": ev.base_value,
                "base_date": ev.base_date,
                "as_of": ev.as_of.isoformat(),
                "series": "; ".join(f"{d}: {_num(v)}" for d, v in ev.series),
                "note": ev.note,
            }
        )
    frame = pd.DataFrame.from_records(records)
    frame.attrs.update(rule_version=RULE_VERSION, as_of=today.isoformat())
    return frame


def summary(frame: pd.DataFrame) -> dict[Status, int]:
    """Number of targets per status, every status listed (zero included), in ``STATUSES`` order."""
    counts = frame["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}
