"""Reading and writing vector files with pyogrio, and atomic writes.

Every write goes to a temporary file beside the target and is renamed into place, so
a failed write never leaves a partial file or destroys the file it would replace.
"""

from __future__ import annotations

import contextlib
import io as _io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely

from geo.crs import WGS84

#: Decimal places kept in stored and served GeoJSON (6 is about 0.1 m).
GEOJSON_PRECISION = 6


class DataFileError(ValueError):
    """A data file is missing, unreadable or breaks its schema.

    The message names the file, and where it applies the row and the field.
    """

    def __init__(self, path: Path | str, message: str, *, row: int | None = None, field: str | None = None):
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")
        self.reason = message
        self.path = Path(path)
        self.row = row
        self.field = field


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary name keeps the target's suffix so that drivers chosen by extension
    still work. On any exception the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it; GDAL refuses some existing files
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(text: str, path: Path | str) -> Path:
    """Write UTF-8 text to ``path`` atomically. Returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def read_vector(path: Path | str, *, required: tuple[str, ...] = (), **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a vector file with pyogrio and check it.

    Parameters
    ----------
    path
        Any file GDAL reads (GeoJSON, GeoPackage, Shapefile, ...).
    required
        Attribute columns that must be present.
    **kwargs
        Passed to ``geopandas.read_file`` (e.g. ``layer``, ``bbox``).

    Returns
    -------
    The features, in the file's CRS (GeoJSON: EPSG:4326).

    Raises
    ------
    DataFileError
        If the file is missing or unreadable, has no CRS, lacks a required field, or
        holds a missing or invalid geometry (the message names the row).

    """
    p = Path(path)
    if not p.exists():
        raise DataFileError(p, "file not found")
    try:
        gdf = gpd.read_file(p, engine="pyogrio", **kwargs)
    except Exception as exc:  # pyogrio raises several error types
        raise DataFileError(p, f"cannot be read as a vector file ({exc})") from exc
    if gdf.crs is None:
        raise DataFileError(p, "has no CRS; store EPSG:4326 longitude/latitude")
    missing = [c for c in required if c not in gdf.columns]
    if missing:
        raise DataFileError(p, f"missing required field(s) {missing}", field=missing[0])
    geom = gdf.geometry.values
    bad = shapely.is_missing(geom) | ~shapely.is_valid(geom)
    if bad.any():
        row = int(bad.nonzero()[0][0]) + 1
        reason = "missing geometry" if shapely.is_missing(geom[row - 1]) else shapely.is_valid_reason(geom[row - 1])
        raise DataFileError(
            p, f"invalid geometry ({reason}); {int(bad.sum())} feature(s) affected", row=row, field="geometry"
        )
    return gdf


def _geojson_options(precision: int) -> dict[str, Any]:
    return {"RFC7946": "YES", "COORDINATE_PRECISION": precision, "WRITE_NAME": "NO"}


def _check_wgs84(gdf: gpd.GeoDataFrame) -> None:
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        raise ValueError(f"GeoJSON must be EPSG:4326 (RFC 7946); got {gdf.crs}. Call gdf.to_crs(4326) first.")


def to_geojson_bytes(gdf: gpd.GeoDataFrame, *, precision: int = GEOJSON_PRECISION) -> bytes:
    """Serialise to RFC 7946 GeoJSON bytes (UTF-8, right-hand rule, rounded coordinates).

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326; reproject it with ``to_crs`` first.

    """
    _check_wgs84(gdf)
    buf = _io.BytesIO()
    pyogrio.write_dataframe(gdf, buf, driver="GeoJSON", layer="features", layer_options=_geojson_options(precision))
    return buf.getvalue()


def write_geojson(gdf: gpd.GeoDataFrame, path: Path | str, *, precision: int = GEOJSON_PRECISION) -> Path:
    """Write RFC 7946 GeoJSON (WGS-84, rounded coordinates) to ``path`` atomically.

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326; reproject it with ``to_crs`` first.

    """
    _check_wgs84(gdf)
    with atomic_path(path) as tmp:
        pyogrio.write_dataframe(gdf, tmp, driver="GeoJSON", layer_options=_geojson_options(precision))
    return Path(path)
