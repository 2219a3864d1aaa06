"""Plain-text descriptions of features for tooltips and info panels (no HTML here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def unit_lines(properties: Mapping[str, Any] | None, lang: str = "zh") -> list[str]:
    """Return the lines describing an admin unit: names, kind (or layout role) and code.

    Parameters
    ----------
    properties
        A unit feature's properties (``code, name_zh, name_en, kind``, or a unit-table
        layer's ``unit_name_zh, unit_name_en, role``); None gives ``[]``.
    lang
        ``"zh"`` (Chinese first) or ``"en"`` (English first).

    """
    if not properties:
        return []
    zh = str(properties.get("name_zh") or properties.get("unit_name_zh") or "")
    en = str(properties.get("name_en") or properties.get("unit_name_en") or "")
    kind_en = str(properties.get("kind", ""))
    kind = KIND_ZH.get(kind_en, kind_en) if lang == "zh" else kind_en
    role = properties.get("role")
    if role and not kind:
        kind = VALUE_TEXT["role"].get(str(role), (str(role), str(role)))[0 if lang == "zh" else 1]
    names = [zh, en] if lang == "zh" else [en, zh]
    code = str(properties.get("code", ""))
    return [n for n in names if n] + [f"{kind} · {code}" if kind else code]


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
    },
    "status": {
        "planned": ("规划", "planned"),
        "under_construction": ("在建", "under construction"),
        "operating": ("运营", "operating"),
        "unknown": ("未知", "unknown"),
    },
    "role": {
        "core": ("一主引领（核心）", "core"),
        "wing": ("两翼驱动（两翼）", "wing"),
        "support": ("多点支撑（支撑点）", "support point"),
    },
    "geometry_kind": {"schematic": ("示意线，非实际路由", "schematic, not the real route")},
}
PRECISION_TEXT: dict[str, tuple[str, str]] = {
    "site": ("实际位置（引用来源给出的坐标）", "exact site (coordinates from a cited source)"),
    "district": ("区县代表点（非实际地址）", "placed at the district's representative point, not the address"),
    "city": ("市州代表点（非实际地址）", "placed at the prefecture's representative point, not the address"),
    "unknown": ("位置未知（无来源），未上图", "location unknown (no source); not drawn"),
}


def feature_record(properties: Mapping[str, Any] | None, lang: str = "zh") -> list[tuple[str, str]]:
    """Return (label, value) pairs describing a plan feature, in display order.

    Empty values are left out; ``precision`` is explained in words; ``plan_article`` is
    shown as 第N条 / Article N; ``sources`` stays one string (entries separated by `` | ``).
    """
    if not properties:
        return []
    index = 0 if lang == "zh" else 1
    out: list[tuple[str, str]] = []
    for field, labels in FIELD_LABELS.items():
        value = properties.get(field)
        if value is None or value == "" or (isinstance(value, float) and value != value):
            continue
        if field == "precision":
            text = PRECISION_TEXT.get(str(value), (str(value), str(value)))[index]
        elif field in VALUE_TEXT:
            text = VALUE_TEXT[field].get(str(value), (str(value), str(value)))[index]
        elif field == "plan_article":
            text = f"第{int(value)}条" if lang == "zh" else f"Article {int(value)}"
        elif isinstance(value, float) and value.is_integer():
            text = f"{int(value):,}"
        else:
            text = str(value)
        out.append((labels[index], text))
    return out
