"""The data's vocabulary in Chinese and English: unit kinds, attribute names and coded values, defined once.

The web map's tooltips and panels, the print legends, the offline HTML map and the exports all
read their words for data from here (interface words live in ``app.i18n``).
"""

from __future__ import annotations

#: Chinese labels of the unit kinds stored in the boundary data (English is the key).
KIND_ZH: dict[str, str] = {
    "province": "省",
    "sub-provincial city": "副省级城市",
    "prefecture-level city": "地级市",
    "autonomous prefecture": "自治州",
    "province-administered county-level city": "省直管县级市",
    "forestry district": "林区",
    "district": "市辖区",
    "county-level city": "县级市",
    "county": "县",
    "autonomous county": "自治县",
}

#: Labels of the attributes a feature record shows, in display order: field -> (zh, en).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name_zh": ("名称", "Name (zh)"),
    "name_en": ("英文名称", "Name (en)"),
    "unit_name_zh": ("市州/区县", "Unit (zh)"),
    "unit_name_en": ("英文", "Unit (en)"),
    "circle_zh": ("都市圈", "Circle (zh)"),
    "circle_en": ("英文", "Circle (en)"),
    "members_zh": ("成员", "Members (zh)"),
    "role": ("布局角色", "Role"),
    "specialisation_zh": ("特色方向", "Specialisation (zh)"),
    "specialisation_en": ("英文", "Specialisation (en)"),
    "designation_zh": ("称号", "Designation (zh)"),
    "designation_en": ("英文", "Designation (en)"),
    "designation_status": ("称号状态", "Designation status"),
    "coverage_class": ("5G数据", "5G data"),
    "base_stations": ("5G基站数（个）", "5G base stations"),
    "base_stations_date": ("基站数日期", "Stations: date"),
    "base_stations_note": ("基站数说明", "Stations: note"),
    "base_stations_source_ids": ("基站数来源", "Stations: source ids"),
    "base_stations_per_10k": ("每万人5G基站数（个/万人）", "5G base stations per 10,000 people"),
    "base_stations_per_10k_date": ("每万人基站数日期", "Per 10,000: date"),
    "base_stations_per_10k_note": ("每万人基站数说明", "Per 10,000: note"),
    "base_stations_per_10k_source_ids": ("每万人基站数来源", "Per 10,000: source ids"),
    "gigabit_city": ("千兆城市", "Gigabit city"),
    "category": ("类别", "Category"),
    "operator_zh": ("运营/牵头单位", "Operator"),
    "prefecture_zh": ("所在市州", "Prefecture"),
    "precision": ("位置精度", "Location precision"),
    "status": ("状态", "Status"),
    "status_date": ("状态日期", "Status date"),
    "in_service_date": ("开通日期", "In service since"),
    "length_km": ("长度（公里）", "Length (km)"),
    "stations": ("站点数", "Stations"),
    "capacity_racks": ("机架数", "Racks"),
    "capacity_pflops": ("算力（PFLOPS）", "Compute (PFLOPS)"),
    "geometry_kind": ("几何", "Geometry"),
    "confidence": ("可信度", "Confidence"),
    "plan_article": ("计划条款", "Plan article"),
    "plan_articles": ("计划条款", "Plan articles"),
    "date": ("日期", "Date"),
    "note": ("说明", "Note"),
    "sources": ("来源", "Sources"),
}
#: Readable labels of coded values: field -> value -> (zh, en).
VALUE_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "category": {
        "data_centre": ("数据中心", "data centre"),
        "computing_centre": ("计算中心", "computing centre"),
        "software_park": ("软件园区", "software park"),
        "industrial_park": ("产业园区", "industrial park"),
        "innovation_centre": ("创新中心", "innovation centre"),
        "laboratory": ("实验室", "laboratory"),
        "network_node": ("网络节点", "network node"),
        "airport": ("机场", "airport"),
        "trading_centre": ("交易中心", "trading centre"),
        "talent_base": ("人才与创新基地", "talent and innovation base"),
        "production_line": ("生产线", "production line"),
    },
    "status": {
        "planned": ("规划", "planned"),
        "under_construction": ("在建", "under construction"),
        "operating": ("运营", "operating"),
        "unknown": ("未知", "unknown"),
    },
    "role": {
        "core": ("一主引领（核心）", "Core"),
        "wing": ("两翼驱动（两翼）", "Wing"),
        "support": ("多点支撑（支撑点）", "Support point"),
    },
    "circle": {
        "wuhan": ("武汉都市圈", "Wuhan circle"),
        "xiangyang": ("襄阳都市圈", "Xiangyang circle"),
        "yichang": ("宜昌都市圈", "Yichang circle"),
    },
    "river": {"yangtze": ("长江沿线", "Along the Yangtze"), "han": ("汉江沿线", "Along the Han")},
    "geometry_kind": {"schematic": ("示意线，非实际路由", "schematic, not the real route")},
    "coverage_class": {
        "figure_gigabit_city": ("有公开数据 · 千兆城市", "figure published · gigabit city"),
        "figure": ("有公开数据", "figure published"),
        "no_figure_gigabit_city": ("未找到公开数据 · 千兆城市", "no figure found · gigabit city"),
        "no_figure": ("未找到公开数据（无数据，非零）", "no figure found (no data, not zero)"),
    },
    "gigabit_city": {"yes": ("是", "yes"), "no": ("否", "no")},
    "designation_status": {
        "aim": ("创建/争创目标（计划提出）", "aim the plan sets (to create / strive for)"),
        "held": ("已获称号（计划所述）", "title held (as the plan says)"),
        "aim;held": ("既有称号，也有创建目标", "a title held and an aim"),
    },
}
#: The note of a unit the 5G coverage layer has no published figure for (no data, never zero).
NO_FIGURE_NOTE = (
    "未找到公开的本市州5G基站数据（无数据，非零） / "
    "no published 5G base-station figure found for this unit (no data, not zero)"
)
PRECISION_TEXT: dict[str, tuple[str, str]] = {
    "site": ("实际位置（引用来源给出的坐标）", "exact site (coordinates from a cited source)"),
    "district": ("区县代表点（非实际地址）", "placed at the district's representative point, not the address"),
    "city": ("市州代表点（非实际地址）", "placed at the prefecture's representative point, not the address"),
    "unknown": ("位置未知（无来源），未上图", "location unknown (no source); not drawn"),
}


def term(field: str, value: object, lang: str) -> str:
    """The readable word for a coded ``value`` of ``field`` (``role``, ``status``, ...) in ``lang``; else the code."""
    pair = VALUE_TEXT.get(field, {}).get(str(value))
    if pair is None:
        return str(value)
    return pair[0] if lang == "zh" else pair[1]


def category_labels(field: str) -> dict[str, dict[str, str]]:
    """``{"labels_zh": {code: word}, "labels_en": {code: word}}`` of a coded field, for a categorised style."""
    pairs = VALUE_TEXT[field]
    return {
        "labels_zh": {code: zh for code, (zh, _) in pairs.items()},
        "labels_en": {code: en for code, (_, en) in pairs.items()},
    }


#: Units of the plan's targets (``plan_targets.csv``) in both languages; English leaves a plain count bare.
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "亿元": ("亿元", "100 million yuan"),
    "个": ("个", ""),
    "家": ("家", "firms"),
    "户": ("户", "households"),
    "架": ("架", "racks"),
    "项": ("项", "projects"),
    "%": ("%", "%"),
}


def unit_word(unit: str, lang: str) -> str:
    """A target's unit in ``lang`` (the unit as written when this table does not know it)."""
    zh, en = UNIT_WORDS.get(unit, (unit, unit))
    return en if lang == "en" else zh
