"""Plain-text descriptions of features for tooltips and info panels (no HTML here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from layers.vocabulary import FIELD_LABELS, KIND_ZH, PRECISION_TEXT, VALUE_TEXT


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
