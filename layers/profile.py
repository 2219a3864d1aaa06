"""Everything the plan and the indicators say about one admin unit, for its detail panel.

A profile joins on the unit's code: its role in the layout (article 3), the metropolitan
circles and river belt it belongs to, every indicator value with its source, the
facilities placed in it and the trunk lines that start in it, and the plan articles that
concern it. Plain data (no Dash), cached: the data folder does not change while serving.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import shapely

from geo import boundaries
from layers import features, indicators
from layers.choropleth import choropleth, short_sources
from layers.style import style as layer_style
from layers.vocabulary import KIND_ZH, VALUE_TEXT

_FACILITY_LAYERS = ("computing", "parks_platforms", "hubs")


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator's value for the unit, as the legend formats it, with its source line."""

    indicator_id: str
    title: str
    value: str | None  # None: no data
    year: str
    source: str


@dataclass(frozen=True)
class Item:
    """A facility, line or membership named in a profile, with its plan article (or None)."""

    name: str
    detail: str
    article: int | None


@dataclass(frozen=True)
class UnitProfile:
    """A unit's profile in one language (``lang``)."""

    code: str
    level: str
    name: str
    other_name: str
    kind: str
    parent: str | None
    area_km2: float
    role: Item | None
    memberships: tuple[Item, ...]
    indicators: tuple[IndicatorValue, ...]
    facilities: tuple[Item, ...]
    lines: tuple[Item, ...]
    articles: tuple[int, ...]


def _article(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(str(value).split(";")[0])  # type: ignore[call-overload]


def _name(row: pd.Series, lang: str, stem: str = "name") -> str:
    zh, en = str(row.get(f"{stem}_zh") or ""), str(row.get(f"{stem}_en") or "")
    return (en or zh) if lang == "en" else zh


def _role(code: str, lang: str) -> Item | None:
    layout = features.layer_data("layout")
    rows = layout[layout["code"] == code]
    if rows.empty:
        return None
    row = rows.iloc[0]
    label = VALUE_TEXT["role"].get(str(row["role"]), (str(row["role"]),) * 2)[0 if lang == "zh" else 1]
    special = _name(row, lang, "specialisation")
    return Item(label, special if special != "nan" else "", _article(row["plan_article"]))


def _memberships(code: str, lang: str) -> tuple[Item, ...]:
    out = []
    for layer_id, stem in (("metro_circles", "circle"), ("river_belt", None)):
        frame = features.layer_data(layer_id)
        members = frame["member_codes"].fillna("").astype(str).str.split(";")
        for _, row in frame[members.map(lambda codes: code in codes)].iterrows():
            if stem:
                name = _name(row, lang, stem)
            else:
                labels = layer_style("river_belt")["categories"][f"labels_{lang}"]
                name = labels.get(str(row["river"]), str(row["river"]))
            out.append(Item(name, "", _article(row["plan_article"])))
    return tuple(out)


@functools.lru_cache(maxsize=128)
def _indicator_table(indicator_id: str, lang: str) -> pd.DataFrame:
    """Values of an indicator formatted as its legend formats them (default classes)."""
    return choropleth(indicator_id, lang=lang).table


def _indicator_values(code: str, level: str, lang: str) -> tuple[IndicatorValue, ...]:
    out = []
    for spec in indicators.catalogue().values():
        if spec.level != level:
            continue
        table = _indicator_table(spec.id, lang)
        row = table[table["code"] == code].iloc[0]
        text = row["value_text"] if isinstance(row["value_text"], str) else None
        ids = list(row["source_ids"]) if isinstance(row["source_ids"], list | tuple) else list(spec.source_ids)
        if text is None:
            source = ""  # no value, so no source to cite
        elif ids:
            source = short_sources(ids, lang)
        else:
            source = "来源：计算值" if lang == "zh" else "Source: computed"
        out.append(IndicatorValue(spec.id, spec.title(lang), text, spec.year, source))
    return tuple(out)


def _facilities(code: str, lang: str) -> tuple[Item, ...]:
    frame = pd.concat([features.layer_data(i) for i in _FACILITY_LAYERS], ignore_index=True)
    inside = frame[(frame["prefecture_code"].astype(str) == code) | (frame["district_code"].astype(str) == code)]
    index = 0 if lang == "zh" else 1
    return tuple(
        Item(
            _name(row, lang),
            VALUE_TEXT["category"].get(str(row["category"]), (str(row["category"]),) * 2)[index]
            + " · "
            + VALUE_TEXT["status"].get(str(row["status"]), (str(row["status"]),) * 2)[index],
            _article(row["plan_article"]),
        )
        for _, row in inside.iterrows()
    )


def _lines(code: str, level: str, lang: str) -> tuple[Item, ...]:
    """Trunk lines whose (schematic) drawing starts inside the unit; the route between is not known."""
    lines = features.layer_data("quantum_lines")
    drawn = lines[~shapely.is_missing(lines.geometry.values)]
    if drawn.empty:
        return ()
    polygon = boundaries.unit(code, level=level).geometry
    starts = shapely.get_point(shapely.get_geometry(drawn.geometry.values, 0), 0)
    starting = drawn[shapely.contains(polygon, starts)]
    detail = VALUE_TEXT["geometry_kind"]["schematic"][0 if lang == "zh" else 1]
    return tuple(Item(_name(row, lang), detail, _article(row["plan_article"])) for _, row in starting.iterrows())


@functools.lru_cache(maxsize=512)
def unit_profile(code: str, level: str = "prefecture", lang: str = "zh") -> UnitProfile:
    """The profile of the unit ``code`` at ``level`` (``prefecture`` or ``county``) in ``lang``.

    Raises
    ------
    KeyError
        For a code that is not a unit at that level.
    """
    table = boundaries.units(level)
    unit = table[table["code"] == code]
    if unit.empty:
        raise KeyError(f"no {level} unit has code {code!r}")
    row = unit.iloc[0]
    role = _role(code, lang) if level == "prefecture" else None
    memberships = _memberships(code, lang)
    facilities = _facilities(code, lang)
    lines = _lines(code, level, lang)
    articles = sorted({i.article for i in (role, *memberships, *facilities, *lines) if i and i.article is not None})
    parent = None
    if level == "county" and row["parent_code"]:
        parent = _name(boundaries.unit(str(row["parent_code"]), level="prefecture"), lang)
    kind = KIND_ZH.get(str(row["kind"]), str(row["kind"])) if lang == "zh" else str(row["kind"])
    return UnitProfile(
        code=code,
        level=level,
        name=_name(row, lang),
        other_name=str(row["name_zh"] if lang == "en" else row["name_en"]),
        kind=kind,
        parent=parent,
        area_km2=float(boundaries.area_km2(unit).iloc[0]),
        role=role,
        memberships=memberships,
        indicators=_indicator_values(code, level, lang),
        facilities=facilities,
        lines=lines,
        articles=tuple(articles),
    )
