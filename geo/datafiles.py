"""Reading and writing vector files with pyogrio, and atomic writes.

Every write goes to a temporary file beside the target and is renamed into place, so
a failed write never leaves a partial file or destroys the file it would replace.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import json
import math
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the geometry libraries load with the first vector file, not with the CSV readers
    import geopandas as gpd

#: Decimal places kept in stored and served GeoJSON (6 is about 0.1 m).
GEOJSON_PRECISION = 6
#: Largest data file read (bytes); the largest shipped file (county boundaries) is under 3 MB.
MAX_FILE_BYTES = 50_000_000
#: GeoJSON geometry types and the nesting depth of their ``coordinates`` (0 = one position).
_GEOJSON_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


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


def _temporary_beside(target: Path) -> Path:
    """A fresh, not yet existing path in ``target``'s folder, with its suffix (drivers choose by extension)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it; GDAL refuses some existing files
    return tmp


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary name keeps the target's suffix so that drivers chosen by extension
    still work. On any exception the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    tmp = _temporary_beside(target)
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


def write_texts_atomic(texts: Mapping[Path | str, str]) -> list[Path]:
    """Write several UTF-8 files as one change: every file is written in full first, then all are renamed.

    A failure while writing (disk full, permissions) leaves every target as it was and no
    temporary file behind. Returns the paths, in the order given.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in texts.items():
            target = Path(path)
            staged.append((_temporary_beside(target), target))
            staged[-1][0].write_text(text, encoding="utf-8")
        for tmp, target in staged:
            os.replace(tmp, target)  # renames, after every file is complete
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
    return [target for _, target in staged]


def check_size(path: Path | str, *, limit: int = MAX_FILE_BYTES, noun: str = "data file") -> None:
    """Raise ``DataFileError`` if the file at ``path`` is larger than ``limit`` bytes (it is not read)."""
    size = Path(path).stat().st_size
    if size > limit:
        raise DataFileError(path, f"{size:,} bytes is over the {limit:,}-byte limit for a {noun}")


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def decode_text(path: Path | str, content: bytes, encodings: tuple[str, ...] = ("utf-8-sig",)) -> tuple[str, str]:
    """Decode a text file's bytes with the first of ``encodings`` that fits; return (text, encoding).

    Raises
    ------
    DataFileError
        For an empty file, a binary or UTF-16 file (NUL bytes), or bytes no encoding
        reads; the message names the line of the first byte that is not UTF-8.
    """
    if not content.strip():
        raise DataFileError(path, "the file is empty")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        what = "UTF-16 text" if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4] else "binary"
        raise DataFileError(
            path, f"not a text file in UTF-8 (it looks like {what}: it holds NUL bytes); save it as UTF-8"
        )
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    names = " or ".join(e.upper().removesuffix("-SIG") for e in encodings)
    line = _line_of(content, first_error.start)
    raise DataFileError(
        path, f"not {names} text (line {line}, byte {first_error.start}: {first_error.reason}); save it as UTF-8"
    )


def read_csv_rows(
    path: Path | str, content: bytes, *, encodings: tuple[str, ...] = ("utf-8-sig",)
) -> tuple[list[str], list[dict[str, str]], str]:
    """Parse CSV bytes strictly: (header, rows as dicts, encoding). Row 1 is the first data row.

    Every row must have as many cells as the header; quotes must be balanced. Blank lines
    are skipped. Used by every CSV reader of the project (data tables and uploads).

    Raises
    ------
    DataFileError
        For an empty or undecodable file (see ``decode_text``), a header with one column
        that looks like another delimiter, unbalanced quotes, or a row with too many or
        too few cells; the message names the row.
    """
    text, encoding = decode_text(path, content, encodings)
    reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
    rows: list[dict[str, str]] = []
    header: list[str] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if not header:
                header = [c.strip() for c in cells]
                if len(header) == 1 and (sep := next((s for s in (";", "\t", "|") if s in header[0]), None)):
                    raise DataFileError(
                        path,
                        f"the header is one column {header[0]!r}: the file looks {sep!r}-separated; save it "
                        "comma-separated",
                        field=header[0],
                    )
                continue
            if len(cells) != len(header):
                raise DataFileError(
                    path,
                    f"the row has {len(cells)} cell(s) but the header has {len(header)} column(s)"
                    + (" (a comma inside a value must be quoted)" if len(cells) > len(header) else ""),
                    row=len(rows) + 1,
                )
            rows.append(dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        raise DataFileError(
            path, f"malformed CSV at line {reader.line_num} ({exc}); is a quote left open?", row=len(rows) + 1
        ) from exc
    named = [c for c in header if c]
    if len(set(named)) != len(named):
        raise DataFileError(path, "the header names a column twice", field=next(c for c in named if named.count(c) > 1))
    return header, rows, encoding


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
    import geopandas as gpd
    import shapely

    p = Path(path)
    if not p.is_file():
        raise DataFileError(p, "file not found")
    check_size(p)
    # GeoJSON: the encoding is checked always (cheap); the JSON is parsed only to explain what GDAL refuses.
    geojson = p.read_bytes() if p.suffix.lower() in (".geojson", ".json") else None
    if geojson is not None:
        decode_text(p, geojson)
    try:
        with warnings.catch_warnings(record=True) as caught:  # GDAL warns of an open ring, then fails or closes it
            warnings.simplefilter("always")
            gdf = gpd.read_file(p, engine="pyogrio", **kwargs)
    except Exception as exc:  # pyogrio raises several error types
        _explain_geojson(p, geojson)
        raise DataFileError(p, f"cannot be read as a vector file ({exc})") from exc
    if any("closed ring" in str(w.message) for w in caught):
        _explain_geojson(p, geojson)
    if gdf.empty:
        raise DataFileError(p, "has no features")
    geom = gdf.geometry.values
    _first_bad(p, shapely.has_z(geom), "has 3D coordinates; store 2D longitude/latitude")
    if gdf.crs is None:
        raise DataFileError(p, "has no CRS; store EPSG:4326 longitude/latitude")
    missing = [c for c in required if c not in gdf.columns]
    if missing:
        raise DataFileError(p, f"missing required field(s) {missing}", field=missing[0])
    bad = shapely.is_missing(geom) | ~shapely.is_valid(geom)
    if bad.any():
        row = int(bad.nonzero()[0][0]) + 1
        _explain_geojson(p, geojson, only_row=row)
        reason = "missing geometry" if shapely.is_missing(geom[row - 1]) else shapely.is_valid_reason(geom[row - 1])
        raise DataFileError(
            p, f"invalid geometry ({reason}); {int(bad.sum())} feature(s) affected", row=row, field="geometry"
        )
    if gdf.crs.is_geographic:
        bounds = shapely.bounds(geom)
        outside = (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
        _first_bad(p, outside, "coordinates beyond longitude ±180 or latitude ±90 (longitude and latitude swapped?)")
    for warning in caught:  # a file that reads: pass on what the reader said (a refused file says why instead)
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return gdf


def _first_bad(path: Path, bad: Any, message: str) -> None:
    if bad.any():
        rows = bad.nonzero()[0]
        more = f"; {len(rows)} feature(s) affected" if len(rows) > 1 else ""
        raise DataFileError(path, message + more, row=int(rows[0]) + 1, field="geometry")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _geojson_problem(geometry: object) -> str | None:
    """What is wrong with one GeoJSON geometry object (None if nothing the reader would hide)."""
    if geometry is None:
        return None  # a missing geometry: reported with the other invalid geometries
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOJSON_DEPTH:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"geometry type must be one of {sorted(_GEOJSON_DEPTH)}, got {kind!r}"
    depth = _GEOJSON_DEPTH[geometry["type"]]
    coords: Any = geometry.get("coordinates")
    parts: list[Any] = [coords]
    for _ in range(depth):
        if not all(isinstance(part, list) for part in parts):
            return "coordinates are not nested as the geometry type needs"
        parts = [item for part in parts for item in part]
    positions = parts
    for position in positions:
        if not isinstance(position, list) or not all(isinstance(v, int | float) for v in position):
            return f"a position must be a list of numbers, got {position!r}"
        if len(position) != 2:
            return f"positions must be 2D [longitude, latitude], got {position!r}"
        if not all(math.isfinite(v) for v in position):
            return f"coordinates must be finite numbers, got {position!r}"
    if geometry["type"] in ("Polygon", "MultiPolygon"):
        polygons: list[Any] = [coords] if geometry["type"] == "Polygon" else coords
        for ring in (r for polygon in polygons for r in polygon):
            if len(ring) < 4:
                return f"a polygon ring needs at least 4 positions, got {len(ring)}"
            if ring[0] != ring[-1]:
                return f"a polygon ring is not closed: it starts at {ring[0]} and ends at {ring[-1]}"
    return None


def _explain_geojson(path: Path, content: bytes | None, *, only_row: int | None = None) -> None:
    """Raise ``DataFileError`` for what is wrong in GeoJSON text, naming the row, if anything is found.

    Called only once GDAL has failed or found a bad geometry: parsing the JSON and walking
    every position in Python costs as much again as reading the boundaries with GDAL.
    """
    if content is None:
        return
    features = check_geojson(path, content)
    rows = [only_row] if only_row is not None else range(1, len(features) + 1)
    for row in rows:
        problem = _geojson_problem(features[row - 1]["geometry"])
        if problem:
            raise DataFileError(path, problem, row=row, field="geometry")


def check_geojson(path: Path | str, content: bytes) -> list[Any]:
    """Check GeoJSON text as a document; return its features.

    Raises ``DataFileError`` for an empty or non-UTF-8 file, text that is not JSON (with
    its line and column, and NaN/Infinity, which JSON does not have), a document that is
    not a FeatureCollection, and a feature that is not a Feature or has no ``geometry``
    member (naming the feature's row, 1 = first feature). ``read_vector`` calls it, and
    checks positions and rings, when GDAL finds something wrong.
    """
    text, _ = decode_text(path, content)
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            path,
            f"cannot be read as GeoJSON: not valid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno}; "
            "is the file cut short?)",
        ) from exc
    except ValueError as exc:
        raise DataFileError(path, f"cannot be read as GeoJSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
        raise DataFileError(path, f"cannot be read as GeoJSON: must be a FeatureCollection, got {kind!r}", field="type")
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataFileError(path, "cannot be read as GeoJSON: 'features' must be a list", field="features")
    for row, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise DataFileError(path, "must be a GeoJSON Feature object", row=row, field="type")
        if "geometry" not in feature:
            raise DataFileError(path, "has no 'geometry' member (null if there is none)", row=row, field="geometry")
    return features


def _geojson_options(precision: int) -> dict[str, Any]:
    return {"RFC7946": "YES", "COORDINATE_PRECISION": precision, "WRITE_NAME": "NO"}


def _check_wgs84(gdf: gpd.GeoDataFrame) -> None:
    from geo.crs import WGS84

    if gdf.crs is None or not gdf.crs.equals(WGS84):
        raise ValueError(f"GeoJSON must be EPSG:4326 (RFC 7946); got {gdf.crs}. Call gdf.to_crs(4326) first.")


def to_geojson_bytes(gdf: gpd.GeoDataFrame, *, precision: int = GEOJSON_PRECISION) -> bytes:
    """Serialise to RFC 7946 GeoJSON bytes (UTF-8, right-hand rule, rounded coordinates).

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326; reproject it with ``to_crs`` first.

    """
    import pyogrio

    _check_wgs84(gdf)
    buf = _io.BytesIO()
    pyogrio.write_dataframe(gdf, buf, driver="GeoJSON", layer="features", layer_options=_geojson_options(precision))
    return buf.getvalue()


def write_geojson(
    gdf: gpd.GeoDataFrame,
    path: Path | str,
    *,
    precision: int = GEOJSON_PRECISION,
    id_column: str | None = None,
    members: dict[str, Any] | None = None,
) -> Path:
    """Write RFC 7946 GeoJSON (WGS-84, rounded coordinates) to ``path`` atomically, in one pass by GDAL.

    ``id_column`` becomes each feature's ``id`` (and leaves its properties); ``members`` are written
    into the FeatureCollection beside ``features`` (e.g. a ``metadata`` block).

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326; reproject it with ``to_crs`` first.

    """
    import pyogrio

    _check_wgs84(gdf)
    with atomic_path(path) as tmp:
        options = _geojson_options(precision)
        if id_column is not None:
            options["ID_FIELD"] = id_column
        if members:
            options["FOREIGN_MEMBERS_COLLECTION"] = json.dumps(members, ensure_ascii=False)
        pyogrio.write_dataframe(gdf, tmp, driver="GeoJSON", layer_options=options)
    return Path(path)
