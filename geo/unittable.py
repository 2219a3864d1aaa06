"""Hubei's units as a plain table: code, names, level, parent, kind and area in km², without geometry.

The table is computed from the boundaries when they are built (``geo.build_boundaries`` writes
``data/boundaries/hubei_units.csv`` beside them), so ``hubei-map units`` answers without loading
the geometry libraries. It also holds each unit's representative point (``point_lon``/``point_lat``,
``shapely.point_on_surface`` of its polygon, every digit kept), so facilities placed "in the district"
need no county polygons. ``tests/test_boundaries.py`` checks the file equals ``compute()``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo import datafiles
from geo.paths import BOUNDARIES_DIR

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

FILE = "hubei_units.csv"
COLUMNS: tuple[str, ...] = ("code", "name_zh", "name_en", "level", "parent_code", "kind", "area_km2")
#: Each unit's representative point (EPSG:4326), stored after the columns above (``points``).
POINT_COLUMNS: tuple[str, ...] = ("point_lon", "point_lat")
#: Area decimals (km²): 0.1 km² is far below what the boundaries resolve.
AREA_DECIMALS = 1


def compute(units: gpd.GeoDataFrame) -> pd.DataFrame:
    """The table for ``units`` (``geo.boundaries.units()``): their columns, the area (equal-area CRS, km²) and point."""
    import pandas as pd
    import shapely

    from geo import boundaries

    out = pd.DataFrame(units.drop(columns="geometry"))
    out["area_km2"] = boundaries.area_km2(units).round(AREA_DECIMALS)
    points = shapely.point_on_surface(units.geometry.values)
    out["point_lon"], out["point_lat"] = shapely.get_x(points), shapely.get_y(points)
    return out[[*COLUMNS, *POINT_COLUMNS]].reset_index(drop=True)


def write(table: pd.DataFrame, path: Path) -> None:
    """Write the table as UTF-8 CSV (every text quoted, as the project's data tables), atomically.

    Areas are written to ``AREA_DECIMALS``; points with every digit (``repr``), so they read back exactly.
    """
    table = table.assign(**{c: table[c].map(repr) for c in POINT_COLUMNS if c in table})
    text = table.to_csv(
        index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n", float_format=f"%.{AREA_DECIMALS}f"
    )
    datafiles.write_text_atomic(text, path)


def points(level: str, path: Path | None = None) -> dict[str, tuple[float, float]] | None:
    """The stored representative point (lon, lat) of every unit of ``level`` by code; None if the file has none.

    Raises
    ------
    DataFileError
        If a stored point is not a number (rebuild with ``python -m geo.build_boundaries``).
    """
    source = path or BOUNDARIES_DIR / FILE
    if not source.is_file():
        return None
    header, rows, _ = datafiles.read_csv_rows(source, source.read_bytes())
    if any(c not in header for c in POINT_COLUMNS):
        return None
    out: dict[str, tuple[float, float]] = {}
    for number, row in enumerate(rows, start=1):
        if row["level"] == level:
            try:
                out[row["code"]] = (float(row["point_lon"]), float(row["point_lat"]))
            except ValueError:
                raise datafiles.DataFileError(source, "point_lon/point_lat must be numbers", row=number) from None
    return out


def read(level: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """The stored table (all 121 units, or one level), as ``geo.boundaries.units`` orders them.

    Raises
    ------
    DataFileError
        If the file is missing, malformed or lacks a column (run ``python -m geo.build_boundaries``).
    """
    import pandas as pd

    source = path or BOUNDARIES_DIR / FILE
    if not source.is_file():
        raise datafiles.DataFileError(source, "file not found; run `python -m geo.build_boundaries`")
    header, rows, _ = datafiles.read_csv_rows(source, source.read_bytes())
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise datafiles.DataFileError(source, f"missing column; the unit table needs {list(COLUMNS)}", field=missing[0])
    records: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if level is not None and row["level"] != level:
            continue
        try:
            area = float(row["area_km2"])
        except ValueError:
            raise datafiles.DataFileError(source, "area_km2 must be a number", row=number, field="area_km2") from None
        records.append(
            {**{c: row[c] for c in COLUMNS[:-1]}, "parent_code": row["parent_code"] or None, "area_km2": area}
        )
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    # as geo.boundaries gives it: the province's missing parent is None, not NaN
    frame["parent_code"] = pd.Series([r["parent_code"] for r in records], index=frame.index, dtype=object)
    return frame
