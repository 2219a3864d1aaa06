"""Hubei's administrative units (1 province, 17 prefecture-level, 103 county-level) and context.

Reads the committed files in ``data/boundaries/`` (WGS-84; built by
``geo.build_boundaries``), validates them once and caches them. Every unit carries
``code`` (GB/T 2260), ``name_zh``, ``name_en``, ``level``, ``parent_code`` and ``kind``.
The four province-administered units (429004 Xiantao, 429005 Qianjiang, 429006 Tianmen,
429021 Shennongjia) are both prefecture-level and county-level: they appear once at each
level with the same code and geometry, the county row's parent being the prefecture row.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import datafiles, unittable
from geo.codes import LEVELS
from geo.crs import HUBEI_EQUAL_AREA, WGS84
from geo.paths import BOUNDARIES_DIR

UNIT_COLUMNS: tuple[str, ...] = ("code", "name_zh", "name_en", "level", "parent_code", "kind")
KINDS: dict[str, tuple[str, ...]] = {
    "province": ("province",),
    "prefecture": (
        "sub-provincial city",
        "prefecture-level city",
        "autonomous prefecture",
        "province-administered county-level city",
        "forestry district",
    ),
    "county": (
        "district",
        "county-level city",
        "county",
        "autonomous county",
        "province-administered county-level city",
        "forestry district",
    ),
}
UNIT_FILES: dict[str, str] = {
    "province": "hubei_province.geojson",
    "prefecture": "hubei_prefectures.geojson",
    "county": "hubei_counties.geojson",
}
#: The build record written by ``geo.build_boundaries`` (source package, version, datum, checksums).
BUILD_INFO_FILE = "build-info.json"
CONTEXT_FILES: dict[str, str] = {
    "neighbours": "neighbour_provinces.geojson",
    "china": "china_outline.geojson",
    "terminals": "trunk_line_terminals.geojson",
}
_CODE = re.compile(r"^\d{6}$")


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def validate_units(gdf: gpd.GeoDataFrame, level: str, path: str = "<units>") -> None:
    """Raise ``datafiles.DataFileError`` naming the row and field unless ``gdf`` is a clean unit table.

    Checks: all columns present, 6-digit codes, unique codes, the expected level, a
    known kind for that level, and a 6-digit parent code (except the province).
    """
    _check_level(level)
    for col in UNIT_COLUMNS:
        if col not in gdf.columns:
            raise datafiles.DataFileError(path, f"missing column; units need {list(UNIT_COLUMNS)}", field=col)
    checks: list[tuple[str, pd.Series, str]] = [
        ("code", ~gdf["code"].astype(str).str.fullmatch(_CODE.pattern), "must be a 6-digit GB/T 2260 code"),
        ("code", gdf["code"].duplicated(), "duplicate code"),
        ("level", gdf["level"] != level, f"must be {level!r}"),
        ("kind", ~gdf["kind"].isin(KINDS[level]), f"must be one of {KINDS[level]}"),
        ("name_zh", gdf["name_zh"].fillna("").str.strip() == "", "must not be empty"),
        ("name_en", gdf["name_en"].fillna("").str.strip() == "", "must not be empty"),
    ]
    if level != "province":
        checks.append(
            (
                "parent_code",
                ~gdf["parent_code"].fillna("").astype(str).str.fullmatch(_CODE.pattern),
                "must be a 6-digit code",
            )
        )
    for field, bad, message in checks:
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            value = gdf[field].iloc[row]
            raise datafiles.DataFileError(path, f"{message} (value {value!r})", row=row + 1, field=field)


@functools.cache
def _load_level(level: str) -> gpd.GeoDataFrame:
    path = BOUNDARIES_DIR / UNIT_FILES[level]
    gdf = datafiles.read_vector(path, required=UNIT_COLUMNS)
    gdf["code"] = gdf["code"].astype(str)
    validate_units(gdf, level, str(path))
    return gdf


def units(level: str | None = None) -> gpd.GeoDataFrame:
    """Return Hubei's units, EPSG:4326, ordered province, prefectures, counties by code.

    Parameters
    ----------
    level
        ``"province"``, ``"prefecture"`` or ``"county"``; None for all 121 units.

    Returns
    -------
    A new GeoDataFrame with columns ``code, name_zh, name_en, level, parent_code, kind, geometry``.

    """
    levels = LEVELS if level is None else (level,)
    for lv in levels:
        _check_level(lv)
    frames = [_load_level(lv) for lv in levels]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


def unit(code: str, *, level: str | None = None) -> pd.Series:
    """Return one unit by its 6-digit code.

    A province-administered unit's code exists at two levels; without ``level`` the
    prefecture-level row is returned.

    Raises
    ------
    KeyError
        If no unit has that code (at that level).

    """
    for lv in LEVELS if level is None else (level,):  # in order: the county file is read only for a county's code
        table = units(lv)
        hits = table[table["code"] == str(code)]
        if not hits.empty:
            return hits.iloc[0]
    where = f" at level {level!r}" if level else ""
    raise KeyError(f"no Hubei unit with code {code!r}{where}; codes are 6-digit GB/T 2260, e.g. '420100'")


def representative_points(codes: pd.Series | list[str], level: str) -> gpd.GeoSeries:
    """Return a point inside each unit (shapely ``point_on_surface``), EPSG:4326.

    This is what "placed at the city seat / district" means for a location whose
    precision is ``city`` or ``district``: computed from our polygons, reproducible and
    always inside the unit. The points are computed when the boundaries are built and
    stored in the unit table (``geo.unittable``), so placing a facility in its district
    reads no county polygons; without stored points they are computed here.

    Parameters
    ----------
    codes
        6-digit codes, in the order wanted (repeats allowed).
    level
        The level the codes refer to (``"prefecture"`` or ``"county"``).

    Raises
    ------
    KeyError
        Naming the codes that are not units at that level.

    """
    wanted = pd.Index([str(c) for c in codes])
    stored = _stored_points(level)
    if stored is not None:  # computed from these polygons at build time: no need to read them
        missing = sorted(set(wanted) - set(stored))
        if missing:
            raise KeyError(f"no {level}-level unit with code(s) {missing}")
        xy = [stored[c] for c in wanted]
        return gpd.GeoSeries(shapely.points([p[0] for p in xy], [p[1] for p in xy]), index=wanted, crs=WGS84)
    table = units(level).set_index("code")
    missing = sorted(set(wanted) - set(table.index))
    if missing:
        raise KeyError(f"no {level}-level unit with code(s) {missing}")
    points = shapely.point_on_surface(table.geometry.reindex(wanted).values)
    return gpd.GeoSeries(points, index=wanted, crs=WGS84)


@functools.cache
def _stored_points(level: str) -> dict[str, tuple[float, float]] | None:
    _check_level(level)
    return unittable.points(level)


def children(code: str) -> gpd.GeoDataFrame:
    """Return the units one level below ``code`` (prefectures of 420000, counties of a prefecture)."""
    table = units()
    parent = unit(code)
    return table[(table["parent_code"] == parent["code"]) & (table["level"] != parent["level"])].reset_index(drop=True)


def _normalise(text: str) -> str:
    return re.sub(r"[\s'’\-]", "", text).casefold()


def find_units(query: str, *, level: str | None = None) -> gpd.GeoDataFrame:
    """Find units whose code, Chinese or English name matches ``query``.

    Matching ignores case, spaces, apostrophes and hyphens; an exact code or name
    ranks before a name that merely contains the query (so ``"wuhan"`` finds Wuhan
    first, ``"武汉"`` finds 武汉市).
    """
    table = units(level)
    q = _normalise(query)
    if not q:
        return table.iloc[0:0]
    zh = table["name_zh"].map(_normalise)
    en = table["name_en"].map(_normalise)
    exact = (table["code"] == query.strip()) | (zh == q) | (en == q)
    partial = zh.str.contains(q, regex=False) | en.str.contains(q, regex=False)
    hits = table[exact | partial]
    order = hits.assign(_rank=(~exact[exact | partial]).astype(int), _level=hits["level"].map(LEVELS.index))
    return hits.loc[order.sort_values(["_rank", "_level", "code"]).index]


def area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Return each feature's area in km², measured in the Hubei Albers equal-area CRS."""
    if gdf.crs is None:
        raise ValueError("area_km2 needs a GeoDataFrame with a CRS; set it from the data's source")
    return gdf.geometry.to_crs(HUBEI_EQUAL_AREA).area / 1e6


def check_coverage(table: gpd.GeoDataFrame, *, tolerance_m2: float = 1.0) -> None:
    """Raise ValueError unless ``table`` (all three levels) is a valid, nested coverage.

    Checks: every geometry valid; the prefectures, and the counties, each form a valid
    coverage (no overlaps, edge-matched); prefectures tile the province and each
    prefecture's counties tile it (symmetric difference under ``tolerance_m2``, measured
    in the Hubei equal-area CRS).
    """
    valid = shapely.is_valid(table.geometry.values)
    if not valid.all():
        raise ValueError(f"invalid geometries for codes {table.loc[~valid, 'code'].tolist()}")
    for level, parent_level in (("prefecture", "province"), ("county", "prefecture")):
        kids = table[table["level"] == level]
        if not shapely.coverage_is_valid(kids.geometry.values):
            raise ValueError(f"the {level} units overlap or are not edge-matched")
        parents = table[table["level"] == parent_level].set_index("code").geometry
        dissolved = kids.dissolve(by="parent_code").geometry
        if set(dissolved.index) != set(parents.index):
            raise ValueError(f"{level} parents {sorted(dissolved.index)} differ from the {parent_level} codes")
        diff = dissolved.symmetric_difference(parents.reindex(dissolved.index), align=False)
        area = gpd.GeoSeries(diff.values, index=dissolved.index, crs=table.crs).to_crs(HUBEI_EQUAL_AREA).area
        off = area[area > tolerance_m2].round(1).to_dict()
        if off:
            raise ValueError(f"{level} units do not tile their {parent_level}: gap/overlap m² {off}")


@functools.cache
def _load_context(kind: str) -> gpd.GeoDataFrame:
    return datafiles.read_vector(BOUNDARIES_DIR / CONTEXT_FILES[kind], required=("code", "name_zh", "name_en"))


def context(kind: str) -> gpd.GeoDataFrame:
    """Return a context layer: ``"neighbours"``, ``"china"`` or ``"terminals"``.

    ``neighbours`` are the six bordering provinces; ``terminals`` are points inside
    Beijing, Hefei and Guangzhou that orient the schematic trunk lines. The polygons
    are display-only and simplified (see ``data/boundaries/README.md``).
    """
    if kind not in CONTEXT_FILES:
        raise ValueError(f"context kind must be one of {list(CONTEXT_FILES)}, got {kind!r}")
    return _load_context(kind).copy()


@functools.cache
def _build_info() -> dict[str, Any]:
    return dict(json.loads((BOUNDARIES_DIR / BUILD_INFO_FILE).read_text(encoding="utf-8")))


def build_info() -> dict[str, Any]:
    """The boundary build record (``data/boundaries/build-info.json``): source package and version, datum, checksums.

    Read once per process; a copy is returned.
    """
    return dict(_build_info())
