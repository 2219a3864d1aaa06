"""The words printed on a snapshot, in Chinese and English, and the lines built from data.

Strings that describe the data (boundary edition, projection, sources, dates) are
assembled from the data files and the CRS definition, never typed in as facts.
"""

from __future__ import annotations

import pandas as pd

from app import settings
from app.render.geometry import balanced_wrap
from geo import boundaries
from geo.crs import HUBEI_CONFORMAL
from layers import catalogue, choropleth, features

#: The plan, by its id in ``data/sources.csv``.
PLAN_SOURCE_ID = "PLAN"

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "layout_title": "{region}数字经济发展布局图",
        "indicator_title": "{region}{indicator}",
        "legend": "图例",
        "indicator": "指标",
        "layers": "图层",
        "approx": "位置为所在区县或市州代表点（非精确位置）",
        "location": "位置示意",
        "internal": "内部资料，非公开",
        "approval": "审图号：{number}",
        "sources": "资料来源：",
        "layer_sources": "图层资料：",
        "data_date": "资料截至 {date}",
        "data_year": "指标年份 {year}",
        "projection": "投影：兰伯特等角圆锥，标准纬线 {lat1}°N、{lat2}°N，中央经线 {lon0}°E",
        "scale": "比例尺 1:{denominator}",
        "km": "公里",
        "north": "北",
        "count": "{n} 个",
        "plan": "依据《{plan}》",
        "sep": "；",
        "region_sep": "",
        # The plan evaluation pages and the targets table of the briefing pack.
        "eval_title": "规划实施评估",
        "eval_subtitle": "评估日期 {date} · 规则版本 {version}",
        "eval_charts_title": "重点目标进展",
        "eval_total": "共 {n} 项目标",
        "eval_count": "{label} {n} 项",
        "eval_projected": "{label}（推算）",
        "eval_article": "第{n}条",
        "eval_article_more": "第{n}条（续）",
        "eval_stretch": "力争 {value}",
        "eval_actual": "{value}（{date}）",
        "eval_actual_ytd": "{value}（{date}，年内累计）",
        "eval_none": "—",
        "eval_no_data": "暂无数据",
        "eval_note": "（推算）：尚无截止日及之后的实际数据，由最近的数据推算至截止日判断；"
        "进度 = 最新实际值 ÷ 目标值；状态按评估规则计算，不代表官方考核结论",
        "eval_sources": "来源编号：",
        "eval_col_id": "编号",
        "eval_col_indicator": "指标",
        "eval_col_target": "目标",
        "eval_col_deadline": "期限",
        "eval_col_actual": "最新实际值（日期）",
        "eval_col_progress": "进度",
        "eval_col_status": "状态",
        "eval_col_sources": "来源",
        "eval_col_article": "条款",
        "eval_chart_target": "目标 {target} · 期限 {date}",
        "eval_leg_actual": "实际值",
        "eval_leg_ytd": "年内累计（非全年）",
        "eval_leg_target": "目标",
        "eval_leg_stretch": "力争目标",
        "eval_leg_deadline": "期限",
        "eval_leg_projection": "推算至期限",
    },
    "en": {
        "layout_title": "{region}: digital economy layout",
        "indicator_title": "{region}: {indicator}",
        "legend": "Legend",
        "indicator": "Indicator",
        "layers": "Layers",
        "approx": "Placed at its district's or city's representative point (not the exact site)",
        "location": "Location",
        "internal": "Internal, not for publication",
        "approval": "Map approval number (审图号): {number}",
        "sources": "Sources: ",
        "layer_sources": "Layer sources: ",
        "data_date": "Sources dated up to {date}",
        "data_year": "Indicator year {year}",
        "projection": "Projection: Lambert conformal conic, standard parallels {lat1}°N and {lat2}°N, "
        "central meridian {lon0}°E",
        "scale": "Scale 1:{denominator}",
        "km": "km",
        "north": "N",
        "count": "{n}",
        "plan": "After the {plan}",
        "sep": "; ",
        "region_sep": " ",
        # The plan evaluation pages and the targets table of the briefing pack.
        "eval_title": "Plan evaluation",
        "eval_subtitle": "Evaluated {date} · rule version {version}",
        "eval_charts_title": "Headline targets: progress",
        "eval_total": "{n} targets",
        "eval_count": "{label}: {n}",
        "eval_projected": "{label} (projected)",
        "eval_article": "Article {n}",
        "eval_article_more": "Article {n} (continued)",
        "eval_stretch": "stretch {value}",
        "eval_actual": "{value} ({date})",
        "eval_actual_ytd": "{value} ({date}, year to date)",
        "eval_none": "—",
        "eval_no_data": "No data",
        "eval_note": "(projected): no actual at or after the deadline yet, so the latest data are extended to the "
        "deadline; progress = latest actual ÷ target; statuses follow the evaluation rule and are "
        "not an official assessment",
        "eval_sources": "Source ids: ",
        "eval_col_id": "ID",
        "eval_col_indicator": "Indicator",
        "eval_col_target": "Target",
        "eval_col_deadline": "By",
        "eval_col_actual": "Latest actual (date)",
        "eval_col_progress": "Progress",
        "eval_col_status": "Status",
        "eval_col_sources": "Sources",
        "eval_col_article": "Art.",
        "eval_chart_target": "target {target} · by {date}",
        "eval_leg_actual": "Actual",
        "eval_leg_ytd": "Year to date (not full year)",
        "eval_leg_target": "Target",
        "eval_leg_stretch": "Stretch target",
        "eval_leg_deadline": "Deadline",
        "eval_leg_projection": "Projected to the deadline",
    },
}
#: Parameter names of a Lambert conic in PROJ's description of ``HUBEI_CONFORMAL``.
PARALLEL_1 = "Latitude of 1st standard parallel"
PARALLEL_2 = "Latitude of 2nd standard parallel"
CENTRAL_MERIDIAN = "Longitude of false origin"
#: The plan's English title, as the README gives it.
PLAN_TITLE_EN = "Digital Economy Strong Province Three-Year Action Plan (2022-2024)"


def word(key: str, lang: str, **values: object) -> str:
    """A fixed phrase in ``lang``, with ``values`` filled in."""
    return WORDS[lang][key].format(**values)


def region_name(extent: str, lang: str) -> str:
    """The name of the area a map shows: Hubei, or a prefecture-level unit."""
    row = boundaries.unit("420000" if extent == "province" else extent)
    return str(row["name_en"] if lang == "en" else row["name_zh"])


def projection_note(lang: str) -> str:
    """The print projection, read from its definition in ``geo.crs``."""
    operation = HUBEI_CONFORMAL.coordinate_operation
    assert operation is not None, "HUBEI_CONFORMAL is a projected CRS"
    params = {p.name: p.value for p in operation.params}
    return word(
        "projection",
        lang,
        lat1=f"{params[PARALLEL_1]:g}",
        lat2=f"{params[PARALLEL_2]:g}",
        lon0=f"{params[CENTRAL_MERIDIAN]:g}",
    )


def approval_line(number: str | None, lang: str) -> str:
    """The 审图号 line, or the internal-use mark when the map has none."""
    return word("approval", lang, number=number) if number else word("internal", lang)


def plan_line(lang: str) -> str:
    """The plan the layers come from, by its title in the source register."""
    title = features.sources().loc[PLAN_SOURCE_ID, "title"]
    return word("plan", lang, plan=title if lang == "zh" else PLAN_TITLE_EN)


def layer_source_ids(layer_ids: tuple[str, ...]) -> list[str]:
    """The source ids cited by the features of the given layers (the plan first)."""
    ids: list[str] = []
    for layer_id in layer_ids:
        frame = features.layer_data(layer_id)
        if "source_ids" in frame:
            ids += [i for cell in frame["source_ids"].dropna() for i in str(cell).split(";") if i]
    unique = list(dict.fromkeys(ids))
    return sorted(unique, key=lambda i: i != PLAN_SOURCE_ID)


def layer_sources_line(layer_ids: tuple[str, ...], lang: str) -> str | None:
    """A short source line for the drawn layers (None when they cite nothing, e.g. boundaries only)."""
    ids = layer_source_ids(layer_ids)
    if not ids:
        return None
    line = choropleth.short_sources(ids, lang)
    prefix = "来源：" if lang == "zh" else "Sources: "
    return word("layer_sources", lang) + line.removeprefix(prefix)


def latest_source_date(ids: list[str]) -> str | None:
    """The most recent date among the cited sources (YYYY, YYYY-MM or YYYY-MM-DD), if any."""
    register = features.sources()
    dates = register.reindex([i for i in ids if i in register.index])["date"].dropna()
    dates = dates[dates.map(lambda v: isinstance(v, str) and bool(v))]
    return str(max(dates)) if not dates.empty else None


def layer_title(layer_id: str, lang: str) -> str:
    """A catalogue layer's title."""
    return catalogue.layer(layer_id).title(lang)


def unit_label(names: pd.Series, lang: str, width_em: float) -> pd.Series:
    """Map labels of units: long names broken onto two lines."""
    return names.map(lambda n: "\n".join(balanced_wrap(str(n), width_em)))


def app_title(lang: str) -> str:
    """The application's title (for the briefing cover)."""
    return settings.APP_TITLE_EN if lang == "en" else settings.APP_TITLE_ZH
