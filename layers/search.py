"""Find admin units and plan facilities by Chinese, English or pinyin name, or by code.

Returns small records (name, kind, a bounding box to fly to), never geometry, so the web
map's search callback stays light.
"""

from __future__ import annotations

import re

import pandas as pd
import shapely

from geo import boundaries
from layers import features

#: How far around a point feature the map zooms, in degrees (about 5 km).
POINT_PAD_DEG = 0.05
_FACILITY_LAYERS = ("computing", "parks_platforms", "hubs")


def _norm(text: str) -> str:
    return re.sub(r"[\s'’\-·（）()]", "", text).casefold()


def search(query: str, *, limit: int = 10) -> list[dict[str, object]]:
    """Units and facilities matching ``query``, exact matches first.

    Each hit: ``kind`` (``unit`` or ``facility``), ``id``, ``name_zh``, ``name_en``,
    ``detail`` (level or category) and ``bounds`` ([[south, west], [north, east]], WGS-84).
    Facilities without a known location are not returned (there is nowhere to go).
    """
    q = _norm(query)
    if not q:
        return []
    hits: list[dict[str, object]] = []
    units = boundaries.find_units(query)
    for _, row in units.iterrows():
        west, south, east, north = row.geometry.bounds
        hits.append(
            {
                "kind": "unit",
                "id": f"{row['level']}:{row['code']}",
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "detail": row["level"],
                "bounds": [[south, west], [north, east]],
                "_rank": 0 if q in (_norm(row["name_zh"]), _norm(row["name_en"]), row["code"]) else 1,
            }
        )
    facilities = pd.concat([features.layer_data(i) for i in _FACILITY_LAYERS], ignore_index=True)
    facilities = facilities[~shapely.is_missing(facilities.geometry.values)]
    zh, en = facilities["name_zh"].map(_norm), facilities["name_en"].map(_norm)
    matched = facilities[zh.str.contains(q, regex=False) | en.str.contains(q, regex=False)]
    for _, row in matched.iterrows():
        x, y = row.geometry.x, row.geometry.y
        hits.append(
            {
                "kind": "facility",
                "id": row["id"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "detail": row["category"],
                "bounds": [[y - POINT_PAD_DEG, x - POINT_PAD_DEG], [y + POINT_PAD_DEG, x + POINT_PAD_DEG]],
                "_rank": 0 if q in (_norm(row["name_zh"]), _norm(row["name_en"])) else 2,
            }
        )
    hits.sort(key=lambda h: int(str(h["_rank"])))  # stable: units before facilities within a rank
    return [{k: v for k, v in h.items() if k != "_rank"} for h in hits[:limit]]
