"""Where the web map names its places: one label point per unit, computed once, served as a small layer.

Prefecture-level and county-level units are named at their representative point
(``geo.boundaries.representative_points``, the point facilities placed "at the city" use
too). Each label carries both languages, already broken into lines, and the unit's area
(the browser's collision pass keeps the labels of small units where they are and moves
the others, and drops the smallest optional labels first). The interactive map fetches
these like a layer (``layers.webdata``, same URLs, bands and datums) and the server-drawn
first view reads the same frame, so both put every name in the same place.
"""

from __future__ import annotations

import functools
import math
import textwrap

import geopandas as gpd

from geo import boundaries

#: Label layers (served like catalogue layers, never listed in the catalogue) and their unit level.
LABEL_LAYERS: dict[str, str] = {"labels_prefecture": "prefecture", "labels_county": "county"}
#: Longest label line: characters for Chinese, letters for English (longer names wrap).
LINE_CHARS = {"zh": 5, "en": 18}


def label_layer_id(level: str) -> str:
    """The label layer of a unit level (``prefecture`` or ``county``)."""
    for layer_id, lv in LABEL_LAYERS.items():
        if lv == level:
            return layer_id
    raise KeyError(f"no label layer for level {level!r}; levels with labels: {sorted(LABEL_LAYERS.values())}")


def wrap_label(name: str, lang: str) -> str:
    """A unit's name broken into lines of similar length (a newline between them) when it is long.

    >>> wrap_label("恩施土家族苗族自治州", "zh").splitlines()
    ['恩施土家族', '苗族自治州']
    >>> wrap_label("Shennongjia Forestry District", "en").splitlines()
    ['Shennongjia', 'Forestry District']
    """
    limit = LINE_CHARS[lang]
    if len(name) <= limit:
        return name
    lines = math.ceil(len(name) / limit)
    if lang == "zh":
        step = math.ceil(len(name) / lines)
        return "\n".join(name[i : i + step] for i in range(0, len(name), step))
    width = max(len(w) for w in name.split())
    while len(textwrap.wrap(name, width)) > lines:
        width += 1
    return "\n".join(textwrap.wrap(name, width))


@functools.cache
def label_points(level: str) -> gpd.GeoDataFrame:
    """The label points of every unit at ``level`` (EPSG:4326; cached, do not modify).

    Columns: ``code``, ``parent_code``, ``label_zh`` and ``label_en`` (the unit's names, broken
    into lines), ``area_km2`` (rounded), and the representative point.

    Raises
    ------
    ValueError
        For a level other than ``prefecture`` or ``county``.
    """
    if level not in LABEL_LAYERS.values():
        raise ValueError(f"labels exist for {sorted(LABEL_LAYERS.values())}, not {level!r}")
    table = boundaries.units(level).reset_index(drop=True)
    points = boundaries.representative_points(table["code"], level)
    out = gpd.GeoDataFrame(
        {
            "code": table["code"],
            "parent_code": table["parent_code"],
            "label_zh": table["name_zh"].map(lambda n: wrap_label(n, "zh")),
            "label_en": table["name_en"].map(lambda n: wrap_label(n, "en")),
            "area_km2": boundaries.area_km2(table).round().astype(int),
        },
        geometry=points.values,
        crs=points.crs,
    )
    return out
