"""Check every data file and every catalogue layer; collect all problems, never stop at one.

Row-level checks live in ``layers.schema``; here are the checks across files: source ids
exist, admin codes exist at the right level, a district lies in its prefecture, facility
points fall inside Hubei and inside the unit they claim, targets referenced by actuals
exist, an actual's unit and period fit its target (``check_target_actuals``), and every
catalogue layer builds with the attributes its schema names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import boundaries, crs, datafiles
from geo.codes import HUBEI_CODE
from geo.paths import DATA_DIR
from layers import catalogue, evaluation, features, schema


@dataclass(frozen=True)
class Problem:
    """One problem found in the data: where it is and what must be true."""

    path: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path + (f", row {self.row}" if self.row is not None else "")
        where += f", field '{self.field}'" if self.field else ""
        return f"{where}: {self.message}"


def _rows_where(
    path: str, frame: pd.DataFrame, bad: pd.Series, field: str, message: Callable[[Any], str]
) -> list[Problem]:
    rows = [int(i) for i in bad.to_numpy().nonzero()[0]]
    return [Problem(path, message(frame[field].iloc[i]), row=i + 1, field=field) for i in rows]


def _unknown_ids(known: set[str]) -> Callable[[Any], str]:
    return lambda ids: f"unknown source id(s) {sorted(set(ids) - known)}"


def _not_a_code(what: str) -> Callable[[Any], str]:
    return lambda value: f"{value!r} is not a {what} Hubei code"


def _codes_at(level: str) -> set[str]:
    return set(boundaries.units(level)["code"])


def check_references(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Source ids, admin codes and target ids that point at nothing."""
    problems: list[Problem] = []
    known_sources = set(tables["sources.csv"]["source_id"])
    for path, frame in tables.items():
        if "source_ids" in frame:
            bad = frame["source_ids"].map(lambda ids: bool(set(ids) - known_sources))
            problems += _rows_where(path, frame, bad, "source_ids", _unknown_ids(known_sources))
    prefectures, counties = _codes_at("prefecture"), _codes_at("county")
    code_checks = [
        ("layers/layout_roles.csv", "code", prefectures, "prefecture-level"),
        ("layers/metro_circles.csv", "member_code", prefectures, "prefecture-level"),
        ("layers/river_belt.csv", "code", counties, "county-level"),
        ("layers/facilities.csv", "prefecture_code", prefectures, "prefecture-level"),
        ("layers/facilities.csv", "district_code", counties, "county-level"),
        ("layers/network_series.csv", "area_code", prefectures | {HUBEI_CODE}, "province or prefecture"),
        ("layers/network_designations.csv", "code", prefectures, "prefecture-level"),
    ]
    for path, field, allowed, what in code_checks:
        frame = tables[path]
        bad = frame[field].notna() & ~frame[field].isin(allowed)
        problems += _rows_where(path, frame, bad, field, _not_a_code(what))
    fac = tables["layers/facilities.csv"]
    parent = boundaries.units("county").set_index("code")["parent_code"]
    has_district = fac["district_code"].isin(counties)
    wrong = has_district & (fac["district_code"].map(parent) != fac["prefecture_code"])
    problems += _rows_where(
        "layers/facilities.csv",
        fac,
        wrong,
        "district_code",
        lambda v: f"district {v!r} is not in the row's prefecture_code",
    )
    targets = set(tables["layers/plan_targets.csv"]["target_id"])
    actuals = tables["layers/target_actuals.csv"]
    bad = ~actuals["target_id"].isin(targets)
    problems += _rows_where("layers/target_actuals.csv", actuals, bad, "target_id", lambda v: f"no target {v!r}")
    return problems


def check_target_places(targets: pd.DataFrame) -> list[Problem]:
    """A target's ``map_layer`` must be a catalogue layer and its ``map_features`` features of that layer."""
    path = "layers/plan_targets.csv"
    known = catalogue.catalogue()
    problems = _rows_where(
        path,
        targets,
        targets["map_layer"].notna() & ~targets["map_layer"].isin(list(known)),
        "map_layer",
        lambda v: f"no layer {v!r} in the catalogue; layers: {sorted(known)}",
    )
    for row, (layer, ids) in enumerate(zip(targets["map_layer"], targets["map_features"], strict=True), start=1):
        if not isinstance(ids, str) or not ids:
            continue
        if not isinstance(layer, str) or layer not in known:
            problems.append(Problem(path, "map_features needs a map_layer", row, "map_features"))
            continue
        present = set(features.feature_ids(layer))
        missing = [i for i in ids.split(";") if i not in present]
        if missing:
            problems.append(Problem(path, f"not features of layer {layer!r}: {missing}", row, "map_features"))
    return problems


def check_target_actuals(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """What the status rule (``layers.evaluation``) would refuse, named by file, row and field.

    An actual's unit must be its target's (never converted); its period must suit the target's
    measure; a growth target's levels are filed under its ``series_target``, which must be a
    non-growth target; two used rows (``status_use`` yes) of one target, date and period must not
    disagree.
    """
    tpath, apath = "layers/plan_targets.csv", "layers/target_actuals.csv"
    targets: list[dict[str, Any]] = tables[tpath].to_dict("records")  # type: ignore[assignment]
    actuals: list[dict[str, Any]] = tables[apath].to_dict("records")  # type: ignore[assignment]
    by_id = {str(t["target_id"]): t for t in targets}
    problems: list[Problem] = []
    for i, t in enumerate(targets, start=1):
        series = t.get("series_target")
        if isinstance(series, str) and series:
            if series not in by_id:
                problems.append(Problem(tpath, f"series_target {series!r} is not a target", i, "series_target"))
            elif by_id[series]["measure"] == "growth":
                problems.append(
                    Problem(tpath, f"series_target {series!r} is itself a growth target", i, "series_target")
                )
    seen: dict[tuple[str, object, str], tuple[int, float]] = {}
    for i, row in enumerate(actuals, start=1):
        tid, unit, period = str(row["target_id"]), str(row["unit"]), str(row["period"])
        target = by_id.get(tid)
        if target is None:
            continue  # reported by check_references
        if unit != target["unit"]:
            problems.append(
                Problem(
                    apath,
                    f"unit {unit!r} is not the unit of target {tid} ({target['unit']!r}); "
                    "units are never converted: record the value in the target's unit",
                    i,
                    "unit",
                )
            )
        measure = str(target["measure"])
        if measure == "growth":
            problems.append(
                Problem(
                    apath,
                    f"{tid} is a growth target: file the levels under its series_target {target['series_target']!r}",
                    i,
                    "target_id",
                )
            )
        elif period not in evaluation.ALLOWED_PERIODS[measure]:
            allowed = sorted(evaluation.ALLOWED_PERIODS[measure])
            problems.append(
                Problem(apath, f"period {period!r} does not suit a {measure!r} target (use {allowed})", i, "period")
            )
        value, date = row.get("value"), row.get("date")
        if row["status_use"] != "yes" or value is None or pd.isna(value) or not date:
            continue
        key = (tid, evaluation.as_of_date(str(date)), period)
        if key in seen and seen[key][1] != float(value):
            first, other = seen[key]
            problems.append(
                Problem(
                    apath,
                    f"rows {first} and {i} both used (status_use yes) for {tid} on {date} ({period}) with different "
                    f"values ({other:g}, {float(value):g}): set status_use no on the one the status does not use "
                    "and say why in its note",
                    i,
                    "status_use",
                )
            )
        seen.setdefault(key, (i, float(value)))
    return problems


def check_points_in_units(facilities: gpd.GeoDataFrame, path: str = "layers/facilities.csv") -> list[Problem]:
    """Facility points must fall inside Hubei, their prefecture and (if given) their district.

    Rows without a location (precision ``unknown``) have no point and are not checked here.
    """
    problems: list[Problem] = []
    hubei = boundaries.unit(HUBEI_CODE).geometry
    pts = facilities.geometry.values
    outside = ~shapely.contains(hubei, pts) & ~shapely.is_missing(pts)
    problems += _rows_where(
        path, facilities, pd.Series(outside), "lon", lambda v: "point lies outside Hubei (lon/lat swapped?)"
    )
    pref = boundaries.units("prefecture").set_index("code").geometry
    placed = ~shapely.is_missing(pts)
    in_pref = shapely.contains(pref.reindex(facilities["prefecture_code"]).values, pts)
    bad = pd.Series(placed & ~in_pref & ~outside)
    problems += _rows_where(path, facilities, bad, "prefecture_code", lambda v: f"point is not inside prefecture {v}")
    county = boundaries.units("county").set_index("code").geometry
    has = facilities["district_code"].notna().to_numpy()
    in_county = shapely.contains(county.reindex(facilities["district_code"].fillna("")).values, pts)
    bad = pd.Series(has & ~in_county & ~outside)
    problems += _rows_where(path, facilities, bad, "district_code", lambda v: f"point is not inside district {v}")
    return problems


def check_in_china(frame: gpd.GeoDataFrame, path: str) -> list[Problem]:
    """Every feature of a vector file must lie in China's box (where all of our data is).

    Catches longitude and latitude swapped inside the valid ranges, and features at (0, 0).
    """
    bounds = shapely.bounds(frame.geometry.values)
    placed = ~shapely.is_missing(frame.geometry.values)
    inside = crs.in_china_box(bounds[:, 0], bounds[:, 1]) & crs.in_china_box(bounds[:, 2], bounds[:, 3])
    return _rows_where(
        path,
        frame,
        pd.Series(placed & ~inside),
        "geometry",
        lambda g: (
            f"feature lies outside China (bounds {[round(float(v), 3) for v in g.bounds]}): "
            "longitude and latitude swapped, or a point at (0, 0)?"
        ),
    )


def check_indicators(known_sources: set[str]) -> list[Problem]:
    """Every indicator's catalogue entry and table: keys, codes at its level, numbers, sources."""
    from layers import indicators

    try:
        specs = indicators.catalogue()
    except datafiles.DataFileError as err:
        return [_problem(err)]
    problems: list[Problem] = []
    for spec in specs.values():
        where = spec.data or "indicators/catalogue.json"
        missing = sorted(set(spec.source_ids) - known_sources)
        if missing:
            problems.append(
                Problem("indicators/catalogue.json", f"{spec.id}: unknown source id(s) {missing}", field="source_ids")
            )
        try:
            vals = indicators.values(spec.id)
        except datafiles.DataFileError as err:
            problems.append(_problem(err))
            continue
        except (KeyError, ValueError) as err:
            problems.append(Problem(where, f"indicator {spec.id!r} does not compute: {err}"))
            continue
        bad = vals["source_ids"].map(lambda ids: bool(set(ids) - known_sources))
        problems += _rows_where(where, vals, bad, "source_ids", _unknown_ids(known_sources))
    return problems


def _problem(err: datafiles.DataFileError) -> Problem:
    path = err.path.relative_to(DATA_DIR) if err.path.is_relative_to(DATA_DIR) else err.path
    return Problem(str(path), err.reason, err.row, err.field)


def validate_all() -> list[Problem]:
    """Load every table and build every catalogue layer; return all problems found (empty = valid)."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for path in schema.TABLES:
        try:
            tables[path] = features.table(path)
        except datafiles.DataFileError as err:
            problems.append(_problem(err))
    if problems:
        return problems  # the checks across files need every table
    try:
        return _check_across(tables)
    except datafiles.DataFileError as err:  # e.g. the boundaries every check needs
        return [_problem(err)]


def _check_across(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    problems = check_references(tables)
    if problems:
        return problems
    problems += check_target_actuals(tables)
    problems += check_target_places(tables["layers/plan_targets.csv"])  # builds layers: needs valid references
    facilities = tables["layers/facilities.csv"]
    points = gpd.GeoDataFrame(facilities, geometry=features.facility_points(facilities))
    problems += check_points_in_units(points)
    try:
        specs = catalogue.catalogue()
    except datafiles.DataFileError as err:
        return [*problems, _problem(err)]
    problems += check_indicators(set(tables["sources.csv"]["source_id"]))
    for spec in specs.values():
        try:
            frame = features.layer_data(spec.id)
            if spec.builder == "vector":  # one feature per file row
                problems += check_in_china(frame, spec.data)
        except datafiles.DataFileError as err:
            problems.append(_problem(err))
        except (KeyError, ValueError) as err:
            problems.append(Problem(spec.data, f"layer {spec.id!r} does not build: {err}"))
    return problems
