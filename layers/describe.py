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
    """Return the lines describing an admin unit: names, kind and code.

    Parameters
    ----------
    properties
        A unit feature's properties (``code, name_zh, name_en, kind``); None gives ``[]``.
    lang
        ``"zh"`` (Chinese first) or ``"en"`` (English first).

    """
    if not properties:
        return []
    zh, en = str(properties.get("name_zh", "")), str(properties.get("name_en", ""))
    kind_en = str(properties.get("kind", ""))
    kind = KIND_ZH.get(kind_en, kind_en) if lang == "zh" else kind_en
    names = [zh, en] if lang == "zh" else [en, zh]
    code = str(properties.get("code", ""))
    return [n for n in names if n] + [f"{kind} · {code}" if kind else code]
