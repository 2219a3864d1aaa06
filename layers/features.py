"""The plan's layers as features: tables from ``data/`` turned into GeoDataFrames.

Five builders, chosen by each catalogue entry's ``builder``:

* ``vector``: a vector file read as it is (the boundary layers);
* ``units``: a table keyed by admin code joined to the unit polygons, optionally
  dissolved by a column (layout roles, metropolitan circles, the river belt);
* ``points``: a facility table placed by its precision: ``site`` at its cited
  coordinates, ``district``/``city`` at the unit's representative point;
* ``unit_series``: every unit of a level with the latest dated value of each named
  series of a series table (empty where none is published, never zero) and a flag
  for the units a designation table names (the 5G coverage layer);
* ``schematic_lines``: trunk lines from Wuhan toward their far terminal, clipped at
  Hubei's border, flagged ``geometry_kind = schematic``.

Every feature carries its ``plan_article``, its ``source_ids`` and a readable ``sources``
text built from ``data/sources.csv``. All outputs are EPSG:4326.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import boundaries, crs, datafiles
from geo.codes import HUBEI_CODE
from geo.crs import HUBEI_CONFORMAL, WGS84
from geo.paths import BOUNDARIES_DIR, DATA_DIR
from layers import catalogue, schema
from layers.vocabulary import NO_FIGURE_NOTE

#: The unit every schematic trunk line starts from (Wuhan, the plan's hub, article 18).
TRUNK_LINE_ORIGIN = "420100"


@functools.cache
def table(relative_path: str) -> pd.DataFrame:
    """Return a validated table from ``data/`` (cached); the model comes from ``schema.TABLES``.

    Raises
    ------
    KeyError
        If the path is not a known table.
    geo.datafiles.DataFileError
        If the file is missing or any row is invalid.

    """
    if relative_path not in schema.TABLES:
        raise KeyError(f"{relative_path!r} is not a known table; known tables: {sorted(schema.TABLES)}")
    return schema.read_table(DATA_DIR / relative_path, schema.TABLES[relative_path])


def sources() -> pd.DataFrame:
    """The source register (``data/sources.csv``), indexed by ``source_id``."""
    return table("sources.csv").set_index("source_id")


def _source_lines() -> dict[str, str]:
    """Every source's readable line by id: ``[ID] title (publisher, date) url``."""
    lines = {}
    for record in table("sources.csv").to_dict(orient="records"):
        row = {k: (v if isinstance(v, str) and v else "") for k, v in record.items()}
        when = f", {row['date']}" if row["date"] else ""
        where = row["url"] or row["read_at"]
        title = row["title"] or "(title not recorded)"
        publisher = row["publisher"] or "publisher not recorded"
        lines[row["source_id"]] = f"[{row['source_id']}] {title} ({publisher}{when}) {where}".rstrip()
    return lines


def describe_sources(ids: Iterable[str], lines: dict[str, str] | None = None) -> str:
    """One readable line per source: ``[ID] title (publisher, date) url``, joined by `` | ``.

    ``lines`` are the source lines to use (``_source_lines()``, read once for a whole table).

    Raises
    ------
    KeyError
        Naming ids that are not in ``data/sources.csv``.

    """
    register = _source_lines() if lines is None else lines
    ids = list(ids)
    missing = [i for i in ids if i not in register]
    if missing:
        raise KeyError(f"source id(s) {missing} are not in data/sources.csv")
    return " | ".join(register[i] for i in ids)


def _with_sources(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    lines = _source_lines()
    out["sources"] = [describe_sources(ids, lines) for ids in out["source_ids"]]
    out["source_ids"] = [";".join(ids) for ids in out["source_ids"]]
    return out


def _where(frame: pd.DataFrame, where: object) -> pd.DataFrame:
    if not where:
        return frame
    if not isinstance(where, dict):
        raise ValueError(f"'where' must map column -> value, got {where!r}")
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    return frame[mask]


def _distinct(values: pd.Series) -> str:
    """The distinct non-empty values of a column, in order, ``;``-separated."""
    return ";".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) or pd.notna(v)))


def build_units(spec: catalogue.LayerSpec) -> gpd.GeoDataFrame:
    """Join a code-keyed table to admin polygons; dissolve by ``options['dissolve_by']`` if set.

    Rows without a code (e.g. a circle whose extent is not published) are dropped from
    the geometry; dissolved features list their member codes and names. ``options['combine']``
    names columns whose distinct values (in file order) a dissolved feature lists, ``;``-separated
    (``plan_article`` becomes the text column ``plan_articles``, ``id`` becomes ``record_ids``);
    other columns keep their first value.
    Dissolving by the code itself gives one feature per unit for a table with several rows per unit.
    """
    level = str(spec.options.get("level", "prefecture"))
    code_field = str(spec.options.get("code_field", "code"))
    dissolve_by = spec.options.get("dissolve_by")
    rows = _with_sources(table(spec.data))
    rows = rows[rows[code_field].notna()]
    polys = boundaries.units(level)[["code", "name_zh", "name_en", "geometry"]]
    polys = polys.rename(columns={"code": "unit_code", "name_zh": "unit_name_zh", "name_en": "unit_name_en"})
    joined = polys.merge(rows, left_on="unit_code", right_on=code_field, how="inner")
    if dissolve_by is None:
        out = joined.drop(columns="unit_code") if code_field == "code" else joined
        return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
    key = str(dissolve_by)
    raw = spec.options.get("combine") or []
    if not isinstance(raw, list):
        raise ValueError(f"'combine' must list column names, got {raw!r}")
    combine = [str(c) for c in raw]
    skip = (key, code_field, "source_ids", "sources", "note", *combine)
    first = {c: "first" for c in rows.columns if c not in skip}
    joined = joined.sort_values("unit_code", kind="stable")
    agg = joined.groupby(key, sort=True).agg(
        {
            **first,
            **{c: _distinct for c in combine},
            "unit_code": lambda s: ";".join(dict.fromkeys(s)),
            "unit_name_zh": lambda s: "、".join(dict.fromkeys(s)),
            "unit_name_en": lambda s: ", ".join(dict.fromkeys(s)),
            "source_ids": lambda s: ";".join(dict.fromkeys(";".join(s).split(";"))),
            "note": lambda s: " | ".join(dict.fromkeys(v for v in s if isinstance(v, str))),
        }
    )
    # A list of articles is text, not the one article a number column holds; a list of row ids is not an id.
    agg = agg.rename(
        columns={c: n for c, n in (("plan_article", "plan_articles"), ("id", "record_ids")) if c in combine}
    )
    agg["sources"] = [describe_sources(ids.split(";")) for ids in agg["source_ids"]]
    units = joined.drop_duplicates([key, "unit_code"])  # a unit with several rows is drawn once
    geoms = units.groupby(key, sort=True)["geometry"].agg(lambda g: shapely.coverage_union_all(g.values))
    out = agg.rename(columns={"unit_code": "member_codes", "unit_name_zh": "members_zh", "unit_name_en": "members_en"})
    out = out.reset_index()
    return gpd.GeoDataFrame(out, geometry=geoms.reindex(out[key]).to_numpy(), crs=WGS84)


def facility_points(frame: pd.DataFrame) -> gpd.GeoSeries:
    """Place facility rows by precision: cited lon/lat, or the unit's representative point.

    Returns
    -------
    Points in EPSG:4326, aligned with ``frame``'s index; None where the precision is
    ``unknown`` (no source gives even the city).

    """
    points = np.empty(len(frame), dtype=object)
    precision = frame["precision"].to_numpy()
    site = precision == "site"
    points[site] = shapely.points(frame.loc[site, "lon"].astype(float), frame.loc[site, "lat"].astype(float))
    district = precision == "district"
    if district.any():
        points[district] = boundaries.representative_points(frame.loc[district, "district_code"], "county").values
    city = precision == "city"
    if city.any():
        points[city] = boundaries.representative_points(frame.loc[city, "prefecture_code"], "prefecture").values
    return gpd.GeoSeries(points, index=frame.index, crs=WGS84)


def stack_positions(points: gpd.GeoSeries) -> pd.DataFrame:
    """Number the points that share a position: ``stack_index`` (0-based) and ``stack_size``.

    Many facilities share their city's representative point; a map fans such markers
    out around it (by screen pixels, so the point itself stays where the data puts it).
    Missing points get size 0.
    """
    key = pd.Series([p.wkb_hex if p is not None else None for p in points.values], index=points.index)
    size = key.map(key.value_counts()).fillna(0).astype(int)
    index = key.groupby(key).cumcount().where(key.notna(), 0)
    return pd.DataFrame({"stack_index": index.astype(int), "stack_size": size})


def build_points(spec: catalogue.LayerSpec) -> gpd.GeoDataFrame:
    """Facilities from a facility table (filtered by ``options['where']``), placed by precision.

    Stacking (``stack_index``/``stack_size``) is counted over the whole table, so markers
    of different layers at one place fan out without covering each other.
    """
    rows = _with_sources(table(spec.data)).reset_index(drop=True)
    points = facility_points(rows)
    rows = rows.join(stack_positions(points))
    names = boundaries.units("prefecture").set_index("code")
    rows["prefecture_zh"] = rows["prefecture_code"].map(names["name_zh"])
    rows["prefecture_en"] = rows["prefecture_code"].map(names["name_en"])
    chosen = _where(rows, spec.options.get("where"))
    return gpd.GeoDataFrame(chosen.reset_index(drop=True), geometry=points[chosen.index].to_numpy(), crs=WGS84)


def schematic_line(origin: shapely.Point, terminal: shapely.Point, outline: shapely.Geometry) -> shapely.LineString:
    """A straight line (in the conformal CRS) from ``origin`` toward ``terminal``, cut at ``outline``'s edge.

    All inputs and the output are EPSG:4326. The part returned is the one that starts
    at ``origin`` and runs to where the line first leaves ``outline``.
    """
    fwd = crs.transformer(WGS84, HUBEI_CONFORMAL)
    inv = crs.transformer(HUBEI_CONFORMAL, WGS84)
    (x0, x1), (y0, y1) = fwd.transform([origin.x, terminal.x], [origin.y, terminal.y])
    # Densify so the line stays straight in the projected CRS when drawn in degrees.
    t = np.linspace(0.0, 1.0, 200)
    lon, lat = inv.transform(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    coords = np.column_stack([lon, lat])
    coords[0] = (origin.x, origin.y)  # exactly the origin, not its projection round trip
    line = shapely.LineString(coords)
    inside = shapely.intersection(line, outline)
    parts = [g for g in shapely.get_parts(inside) if g.geom_type == "LineString"]
    start = next((p for p in parts if p.distance(origin) < 1e-9), None)
    if start is None:
        raise ValueError("the trunk-line origin is not inside the outline; check the origin unit")
    return start


def build_schematic_lines(spec: catalogue.LayerSpec) -> gpd.GeoDataFrame:
    """Schematic Hubei sections of the trunk lines; rows without a far terminal are kept undrawn."""
    rows = _with_sources(table(spec.data)).reset_index(drop=True)
    origin = boundaries.representative_points([TRUNK_LINE_ORIGIN], "prefecture").iloc[0]
    outline = boundaries.unit(HUBEI_CODE).geometry
    terminals = boundaries.context("terminals").set_index("code").geometry
    unknown = sorted(set(rows["far_end_code"].dropna()) - set(terminals.index))
    if unknown:
        raise datafiles.DataFileError(
            DATA_DIR / spec.data, f"no terminal point for far_end_code {unknown}", field="far_end_code"
        )
    geoms = [
        schematic_line(origin, terminals[code], outline) if isinstance(code, str) else None
        for code in rows["far_end_code"]
    ]
    rows["geometry_kind"] = "schematic"
    rows["drawn"] = [g is not None for g in geoms]
    # Vertices run outward from Wuhan, so a map can put an arrowhead at the last one.
    rows["direction"] = [
        "武汉 Wuhan → " + f"{zh} {en}" if isinstance(zh, str) else None
        for zh, en in zip(rows["far_end_zh"], rows["far_end_en"], strict=True)
    ]
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def _date_key(date: str) -> str:
    """A sort key for ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` that puts a year or month at its end."""
    return {4: f"{date}-12-31", 7: f"{date}-31"}.get(len(date), date)


def _latest(series: pd.DataFrame, indicator: str, codes: Iterable[str]) -> pd.DataFrame:
    """The latest dated row of ``indicator`` per area code (rows without a date are not used)."""
    rows = series[(series["indicator"] == indicator) & series["area_code"].isin(list(codes)) & series["date"].notna()]
    rows = rows.assign(_key=rows["date"].map(_date_key)).sort_values(["area_code", "_key"])
    return rows.groupby("area_code").tail(1).set_index("area_code")


def build_unit_series(spec: catalogue.LayerSpec) -> gpd.GeoDataFrame:
    """Every unit of ``options['level']`` with the latest value of each series in ``options['series']``.

    ``series`` maps an output column to an indicator of the series table: the column holds
    the value, ``<column>_date``, ``<column>_source_ids``, ``<column>_confidence`` and
    ``<column>_note`` of the latest row for the unit, all empty where no row exists (never
    zero). ``flag`` maps an output column to a designation table: ``yes`` for the units it
    names, else ``no``. ``has_figure`` says whether any series has a value; the feature's
    ``source_ids`` are the plan and every source a value or flag was read in.
    """
    level = str(spec.options.get("level", "prefecture"))
    series_map = spec.options.get("series")
    flags = spec.options.get("flag") or {}
    if not isinstance(series_map, dict) or not isinstance(flags, dict):
        raise ValueError("'series' and 'flag' must map an output column to an indicator or a table")
    polys = boundaries.units(level)[["code", "name_zh", "name_en", "geometry"]]
    out = polys.rename(columns={"name_zh": "unit_name_zh", "name_en": "unit_name_en"}).reset_index(drop=True)
    series = table(spec.data)
    ids: list[list[str]] = [["PLAN"] for _ in range(len(out))]
    for column, indicator in series_map.items():
        latest = _latest(series, str(indicator), out["code"])
        out[column] = out["code"].map(latest["value"]).astype(float)
        out[f"{column}_date"] = out["code"].map(latest["date"])
        out[f"{column}_source_ids"] = out["code"].map(latest["source_ids"].map(";".join))
        out[f"{column}_confidence"] = out["code"].map(latest["confidence"])
        out[f"{column}_note"] = out["code"].map(latest["note"])
        for i, code in enumerate(out["code"]):
            if code in latest.index:
                ids[i] += latest.loc[code, "source_ids"]
    for column, path in flags.items():
        named = table(str(path)).set_index("code")
        out[column] = np.where(out["code"].isin(named.index), "yes", "no")
        for i, code in enumerate(out["code"]):
            if code in named.index:
                ids[i] += named.loc[[code], "source_ids"].explode().tolist()
    has_figure = out[list(series_map)].notna().any(axis=1)
    out["has_figure"] = np.where(has_figure, "yes", "no")
    # One coded class per unit for the map's colours: figure or not, and each flag it carries.
    out["coverage_class"] = np.where(has_figure, "figure", "no_figure")
    for column in flags:
        out["coverage_class"] = np.where(
            out[column] == "yes", out["coverage_class"] + "_" + column, out["coverage_class"]
        )
    out["note"] = pd.Series(NO_FIGURE_NOTE, index=out.index).where(~has_figure)
    out["plan_article"] = spec.plan_articles[0] if spec.plan_articles else None
    out["source_ids"] = [list(dict.fromkeys(i)) for i in ids]
    return gpd.GeoDataFrame(_with_sources(out), geometry="geometry", crs=WGS84)


def build_vector(spec: catalogue.LayerSpec) -> gpd.GeoDataFrame:
    """A vector file read as it is, checked for its schema's attributes.

    The boundary files (Hubei's units, the neighbouring provinces) come from ``geo.boundaries`` (read and
    checked once per process, shared with the layers built from units and the printed map's context) instead
    of being parsed a second time.
    """
    shared: list[tuple[Callable[[str], gpd.GeoDataFrame], str, str]]
    shared = [(boundaries.units, level, name) for level, name in boundaries.UNIT_FILES.items()]
    shared += [(boundaries.context, kind, name) for kind, name in boundaries.CONTEXT_FILES.items()]
    for load, key, name in shared:
        if spec.path == BOUNDARIES_DIR / name:
            frame = load(key)
            if all(a in frame.columns for a in spec.attributes):
                return frame
    return datafiles.read_vector(spec.path, required=spec.attributes)


_BUILDERS = {
    "vector": build_vector,
    "units": build_units,
    "unit_series": build_unit_series,
    "points": build_points,
    "schematic_lines": build_schematic_lines,
}


@functools.cache
def _layer_frame(layer_id: str) -> gpd.GeoDataFrame:
    spec = catalogue.layer(layer_id)
    frame = _BUILDERS[spec.builder](spec)
    missing = [c for c in spec.attributes if c not in frame.columns]
    if missing:
        raise datafiles.DataFileError(spec.path, f"layer {spec.id!r} lacks attributes {missing} named in its schema")
    return frame


def feature_ids(layer_id: str, frame: gpd.GeoDataFrame | None = None) -> pd.Series:
    """Stable, unique ids of a layer's features (for GeoJSON ``id`` and OGC API item URLs).

    The ``id`` column where the data has one, else the admin ``code``, else the column
    the layer is dissolved by (e.g. ``circle``); they do not change when rows are reordered.
    """
    spec = catalogue.layer(layer_id)
    frame = layer_data(layer_id) if frame is None else frame
    dissolve = spec.options.get("dissolve_by")
    for column in ("id", "code", dissolve):
        if isinstance(column, str) and column in frame and frame[column].is_unique and frame[column].notna().all():
            return frame[column].astype(str)
    raise ValueError(f"layer {layer_id!r} has no unique id column (id, code or its dissolve key)")


def layer_data(layer_id: str) -> gpd.GeoDataFrame:
    """Return a copy of a catalogue layer's features (EPSG:4326), built and validated once.

    Raises
    ------
    KeyError
        For an unknown layer id.
    geo.datafiles.DataFileError
        If the layer's data is missing or invalid (the message names file, row, field).

    """
    return _layer_frame(layer_id).copy()
