"""Hubei's units as a plain table: code, names, level, parent, kind and area in km², without geometry.

The table is computed from the boundaries when they are built (``geo.build_boundaries`` writes
``data/boundaries/hubei_units.csv`` beside them), so ``hubei-map units`` answers without loading
the geometry libraries. ``tests/test_boundaries.py`` checks the file equals ``compute()``.
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
#: Area decimals (km²): 0.1 km² is far below what the boundaries resolve.
AREA_DECIMALS = 1


def compute(units: gpd.GeoDataFrame) -> pd.DataFrame:
    """The table for ``units`` (``geo.boundaries.units()``): their columns and the area (equal-area CRS, km²)."""
    import pandas as pd

    from geo import boundaries

    out = pd.DataFrame(units.drop(columns="geometry"))
    out["area_km2"] = boundaries.area_km2(units).round(AREA_DECIMALS)
    return out[list(COLUMNS)].reset_index(drop=True)


def write(table: pd.DataFrame, path: Path) -> None:
    """Write the table as UTF-8 CSV (every text quoted, as the project's data tables), atomically."""
    text = table.to_csv(
        index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n", float_format=f"%.{AREA_DECIMALS}f"
    )
    datafiles.write_text_atomic(text, path)


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
