"""Export catalogue layers for GIS teams: GeoJSON, GeoJSON sequence, GeoPackage, Shapefile, CSV.

One function, ``export_layers``, serves the CLI and the app. It selects features (by
layer, by prefecture, by bounding box), reprojects them to the CRS asked for, and
writes every file through a temporary name, so a failed export leaves nothing behind.
GeoJSON stays RFC 7946 (WGS-84, no ``crs`` member); other CRSs go to GeoPackage and
Shapefile; GCJ-02 is written only when asked for, and says so in the file name.
"""

from __future__ import annotations

import datetime as dt
import io as _io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from app.export import shapefile, styles, tables
from app.export.cells import TOOL, tool_version
from app.export.errors import WRITE_ERRORS, ExportError, write_failed
from app.i18n import t
from app.messages import shown, shown_list
from geo import boundaries, crs, datafiles
from geo.codes import HUBEI_CODE
from layers import catalogue, features, provenance

FORMATS: dict[str, str] = {
    "geojson": ".geojson",
    "geojsonseq": ".geojsonl",
    "gpkg": ".gpkg",
    "shp": ".shp.zip",
    "csv": ".csv",
}


#: CRS choices by name: an EPSG code, "gk" (the CGCS2000 Gauss-Kruger zone for the data's
#: centre), or "gcj02" (Amap/Gaode's obfuscated datum, on explicit request only).
CRS_CHOICES: dict[str, int | str] = {
    "wgs84": crs.epsg_code(crs.WGS84),
    "cgcs2000": crs.epsg_code(crs.CGCS2000),
    "cgcs2000-gk": "gk",
    **{f"epsg:{code}": code for code in crs.CGCS2000_GK_ZONES},
    "webmercator": crs.epsg_code(crs.WEB_MERCATOR),
    "gcj02": "gcj02",
}


#: Columns that only steer the web map's drawing (marker fan-out) and are not exported.
DISPLAY_ONLY = ("stack_index", "stack_size")


#: The column GDAL writes as each GeoJSON feature's ``id`` (a copy of ``feature_id``, which stays a property).
GEOJSON_ID = "_geojson_id"


@dataclass(frozen=True)
class Written:
    """One file an export wrote: where, which layers, how many features, in which CRS."""

    path: Path
    layers: tuple[str, ...]
    features: int
    crs: str
    #: For a table without geometry written beside the layers (``plan_scorecard.csv``): its name and rows;
    #: ``layers`` is then empty and ``features`` 0, so counts of layers and features stay those of the map.
    table: str = ""
    rows: int = 0
    #: For a style file (``.qml``, ``.sld``) beside a layer file: that layer's id.
    style_of: str = ""


def select(layer_id: str, *, unit: str | None = None, bbox: Sequence[float] | None = None) -> gpd.GeoDataFrame:
    """A layer's features with their stable ``feature_id``, optionally within a prefecture or a bbox.

    ``unit`` keeps the features inside that prefecture-level unit (polygons by their
    representative point, so neighbours sharing an edge are left out); ``bbox`` is
    (min lon, min lat, max lon, max lat) in WGS-84 and keeps features that intersect it.
    Features without geometry are dropped by either filter.
    """
    frame = features.layer_data(layer_id).drop(columns=list(DISPLAY_ONLY), errors="ignore")
    frame.insert(0, "feature_id", features.feature_ids(layer_id, frame).to_numpy())
    keep = pd.Series(True, index=frame.index)
    if unit is not None:
        try:
            area = boundaries.unit(unit, level="prefecture").geometry
        except KeyError as exc:
            raise ExportError(f"--unit must be a prefecture-level code such as 420100, got {shown(unit)}") from exc
        geoms = frame.geometry.values
        probe = np.where(shapely.get_dimensions(geoms) == 2, shapely.point_on_surface(geoms), geoms)
        keep &= shapely.intersects(area, probe)
    if bbox is not None:
        if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise ExportError("--bbox must be min_lon,min_lat,max_lon,max_lat with min < max")
        keep &= shapely.intersects(shapely.box(*bbox), frame.geometry.values)
    return frame[keep.to_numpy()].reset_index(drop=True)


def target_crs(choice: str, frame: gpd.GeoDataFrame) -> tuple[CRS | None, str]:
    """The CRS to write for a choice, and its label for file names and metadata.

    Returns ``(None, "GCJ-02")`` for GCJ-02, which has no EPSG code.
    """
    value = CRS_CHOICES[check_crs_choice(choice)]
    if value == "gcj02":
        return None, "GCJ-02"
    if value == "gk":
        bounds = boundaries.unit(HUBEI_CODE).geometry.bounds if frame.empty else frame.total_bounds
        value = crs.gk_zone_epsg((bounds[0] + bounds[2]) / 2)
    return CRS.from_epsg(int(value)), f"EPSG-{int(value)}"


def check_crs_choice(choice: object) -> str:
    """The key of ``CRS_CHOICES`` for ``choice`` (any case); ExportError naming the choices otherwise."""
    key = choice.lower() if isinstance(choice, str) else None
    if key not in CRS_CHOICES:
        raise ExportError(f"unknown CRS {shown(choice)}; choose one of {sorted(CRS_CHOICES)}")
    return key


def reproject(frame: gpd.GeoDataFrame, choice: str) -> tuple[gpd.GeoDataFrame, str]:
    """``frame`` (EPSG:4326) in the chosen CRS, and the CRS label."""
    target, label = target_crs(choice, frame)
    if target is None:
        shifted = crs.geometry_wgs84_to_gcj02(frame.geometry.values)
        # Written with the WGS-84 definition because GCJ-02 has none; the name and metadata say GCJ-02.
        return frame.set_geometry(gpd.GeoSeries(shifted, index=frame.index, crs=crs.WGS84)), label
    return frame.to_crs(target), label


def metadata(layer_id: str, crs_label: str, count: int) -> dict[str, Any]:
    """The metadata block of an exported layer: what it is, where it comes from, when."""
    spec = styles.layer_spec(layer_id)
    return {
        "layer": spec.id,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "description_zh": spec.description_zh,
        "description_en": spec.description_en,
        "plan_articles": list(spec.plan_articles),
        "source_lineage": "Hubei Digital Economy Strong Province Three-Year Action Plan (2022-2024) and the "
        "publications in data/sources.csv; each feature's `sources` names its own",
        "boundary_edition": provenance.boundary_edition(),
        "datum_history": "boundaries published in GCJ-02, converted to WGS-84 by an iterative inverse (<1 mm)",
        "crs": crs_label,
        "features": count,
        "not_a_standard_map": "非标准地图：边界非官方标准地图，公开使用须审图号 / not an official standard map",
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "tool": f"{TOOL} {tool_version()}",
    }


def _flatten(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Attribute columns as plain strings/numbers (lists joined with ';')."""
    out = frame.copy()
    for column in out.columns:
        if (
            column != out.geometry.name
            and out[column].dtype == object  # only object columns can hold lists (strings have their own dtype)
            and out[column].map(lambda v: isinstance(v, list | tuple)).any()
        ):
            out[column] = out[column].map(lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return out


def _write_geojson(frame: gpd.GeoDataFrame, path: Path, layer_id: str, crs_label: str, precision: int) -> None:
    if crs_label != "EPSG-4326":
        raise ExportError("GeoJSON is WGS-84 only (RFC 7946); use --format gpkg or shp for other CRSs")
    # One pass by GDAL: a copy of feature_id becomes each feature's "id", the metadata block a member of the file.
    with_id = frame.assign(**{GEOJSON_ID: frame["feature_id"]})
    members = {"metadata": metadata(layer_id, crs_label, len(frame))}
    datafiles.write_geojson(with_id, path, precision=precision, id_column=GEOJSON_ID, members=members)


def _write_csv(frame: gpd.GeoDataFrame, path: Path, geometry: str) -> None:
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    geoms = frame.geometry.values
    geographic = frame.crs is None or frame.crs.is_geographic
    if geometry == "wkt":
        table["wkt"] = shapely.to_wkt(geoms, rounding_precision=6 if geographic else 2)
    else:
        points = np.where(shapely.get_dimensions(geoms) == 0, geoms, shapely.point_on_surface(geoms))
        x, y = ("lon", "lat") if geographic else ("x", "y")
        table[x] = shapely.get_x(points).round(6 if geographic else 2)
        table[y] = shapely.get_y(points).round(6 if geographic else 2)
    tables.write_table_csv(table, path)


def export_layers(
    layer_ids: Sequence[str],
    fmt: str,
    out: Path | str,
    *,
    crs_choice: str = "wgs84",
    unit: str | None = None,
    bbox: Sequence[float] | None = None,
    precision: int = datafiles.GEOJSON_PRECISION,
    encoding: str = "utf-8",
    csv_geometry: str = "lonlat",
    progress: Callable[[str], None] | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
    indicator: styles.IndicatorRequest | None = None,
) -> list[Written]:
    """Export layers; every file is written to a temporary name first and renamed when complete.

    Parameters
    ----------
    layer_ids
        Catalogue layer ids (``["all"]`` for every layer).
    out
        The output: a folder for one-file-per-layer formats, a ``.gpkg`` file for ``gpkg``.
    fmt
        A key of ``FORMATS``. ``gpkg`` writes one file (``out``) with a table per layer plus
        the indicator catalogue, the plan's targets and actuals and the plan's scorecard
        (``plan_scorecard``); the others write one file per layer into the folder ``out``,
        ``csv`` also ``plan_scorecard.csv``.
    crs_choice
        A key of ``CRS_CHOICES``; GeoJSON accepts only ``wgs84``.
    unit, bbox
        Filters, as ``select``.
    precision
        GeoJSON coordinate decimals (default 6, about 0.1 m).
    encoding
        Shapefile attribute encoding: ``utf-8`` (default) or ``gbk``.
    csv_geometry
        ``lonlat`` (a point per feature) or ``wkt``.
    progress
        Called with a short message as each layer is written.
    as_of
        The date the scorecard's statuses are evaluated on (default: today); named in the
        scorecard's ``rule_version`` / ``evaluated_on`` columns and its metadata.
    lang, indicator
        Styles' legends and labels in ``zh`` or ``en`` (``app.export.styles``: every layer is styled); an
        indicator to export too, as a choropleth layer ``indicator_<id>`` (``layer_ids`` may then be empty).

    Raises
    ------
    ExportError
        For an unknown layer, format, CRS or encoding, or a bad filter; nothing is written.
    """
    ids, crs_choice = _checked(layer_ids, fmt, crs_choice, encoding, csv_geometry, as_of, indicator is not None)
    frames = {i: select(i, unit=unit, bbox=bbox) for i in ids}  # selection errors before any write
    try:  # the indicator's layer joins the frames
        layer_styles = styles.styled(frames, lang, indicator)
    except (KeyError, ValueError) as exc:
        raise ExportError(str(exc.args[0] if exc.args else exc)) from exc
    # The plan's scorecard goes with GeoPackage and CSV exports (whole: it is the plan's, not the selection's).
    score = tables.scorecard_table(as_of) if fmt in ("gpkg", "csv") else None
    if crs_choice.lower() == "cgcs2000-gk":  # one zone for the whole export, from the data's centre
        crs_choice = f"epsg:{crs.gk_zone_epsg(_centre_lon(frames))}"
    out_path = Path(out)
    if fmt == "gpkg":
        assert score is not None
        try:
            return [_export_gpkg(frames, out_path, crs_choice, score, progress, layer_styles)]
        except WRITE_ERRORS as exc:
            raise write_failed(exc, out_path) from exc
    if out_path.exists() and not out_path.is_dir():
        raise ExportError(f"{out_path} is a file; give a folder for {fmt} (one file per layer)")
    try:
        return _export_files(
            frames, fmt, out_path, crs_choice, precision, encoding, csv_geometry, score, progress, layer_styles
        )
    except WRITE_ERRORS as exc:
        raise write_failed(exc, out_path) from exc


def _checked(
    layer_ids: Sequence[str],
    fmt: object,
    crs_choice: object,
    encoding: object,
    csv_geometry: object,
    as_of: object,
    with_indicator: bool = False,
) -> tuple[list[str], str]:
    """Every parameter of ``export_layers`` checked before anything is selected or written: the layer ids and CRS."""
    if not isinstance(fmt, str) or fmt not in FORMATS:
        raise ExportError(f"unknown format {shown(fmt)}; choose one of {sorted(FORMATS)}")
    known = list(catalogue.catalogue())
    ids = known if list(layer_ids) == ["all"] else list(layer_ids)
    unknown = [i for i in ids if i not in known]
    if unknown or not (ids or with_indicator):
        raise ExportError(f"unknown layer(s) {shown_list(unknown)}; choose from {known} or 'all'")
    if not isinstance(encoding, str) or encoding.lower() not in ("utf-8", "gbk"):
        raise ExportError("--encoding must be utf-8 or gbk")
    choice = check_crs_choice(crs_choice)
    if fmt == "geojson" and choice != "wgs84":
        raise ExportError("GeoJSON is WGS-84 only (RFC 7946); use --format gpkg or shp for other CRSs")
    if csv_geometry not in ("lonlat", "wkt"):
        raise ExportError("--csv-geometry must be lonlat or wkt")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise ExportError(f"the evaluation date must be a date, got {shown(as_of)}")
    return ids, choice


def _export_files(
    frames: dict[str, gpd.GeoDataFrame],
    fmt: str,
    out_path: Path,
    crs_choice: str,
    precision: int,
    encoding: str,
    csv_geometry: str,
    score: pd.DataFrame | None,
    progress: Callable[[str], None] | None,
    layer_styles: dict[str, Any],
) -> list[Written]:
    """One file per layer, staged in a temporary folder beside ``out_path`` and moved in when all are written.

    With ``score`` (CSV exports) the scorecard is written beside the layers as ``plan_scorecard.csv``.
    """
    written = []
    with tempfile.TemporaryDirectory(dir=_writable_parent(out_path)) as tmp:
        staged = []
        for layer_id, frame in frames.items():
            projected, label = reproject(_flatten(frame), crs_choice)
            suffix = "" if label == "EPSG-4326" else f"_{label}"
            name = f"{layer_id}{suffix}{FORMATS[fmt]}"
            target = Path(tmp) / name
            if fmt == "geojson":
                _write_geojson(projected, target, layer_id, label, precision)
            elif fmt == "geojsonseq":
                pyogrio.write_dataframe(projected, target, driver="GeoJSONSeq", layer_options={"RS": "NO"})
            elif fmt == "csv":
                _write_csv(projected, target, csv_geometry)
            else:
                shapefile.write_shapefile(projected, target, layer_id, encoding, style=layer_styles[layer_id])
            staged.append((target, Written(out_path / name, (layer_id,), len(frame), label)))
            if fmt in ("geojson", "geojsonseq"):  # QGIS loads <layer>.qml with <layer>.geojson
                for path in styles.write_beside(target, layer_styles[layer_id]):
                    staged.append((path, Written(out_path / path.name, (), 0, label, style_of=layer_id)))
            if progress:
                progress(f"{layer_id}: {len(frame)} features -> {name}")
        if score is not None:
            name = f"{tables.SCORECARD_TABLE}.csv"
            tables.write_table_csv(score, Path(tmp) / name)
            staged.append(
                (Path(tmp) / name, Written(out_path / name, (), 0, "", table=tables.SCORECARD_TABLE, rows=len(score)))
            )
        out_path.mkdir(parents=True, exist_ok=True)
        for target, result in staged:
            shutil.move(str(target), result.path)  # same file system: a rename
            written.append(result)
    return written


def _centre_lon(frames: dict[str, gpd.GeoDataFrame]) -> float:
    """Longitude of the centre of the Hubei features exported (Hubei's centre if none)."""
    hubei = [f for i, f in frames.items() if styles.layer_spec(i).group != "context" and not f.empty]
    bounds = (
        pd.DataFrame([f.total_bounds for f in hubei]).agg(["min", "max"]).to_numpy()
        if hubei
        else np.array([boundaries.unit(HUBEI_CODE).geometry.bounds] * 2)
    )
    west, east = np.nanmin(bounds[:, 0]), np.nanmax(bounds[:, 2])
    return float((west + east) / 2)


def _writable_parent(out_path: Path) -> Path:
    parent = out_path if out_path.is_dir() else out_path.parent
    parent = parent if parent.exists() else Path(tempfile.gettempdir())
    if not parent.exists():
        raise ExportError(f"cannot write to {out_path}")
    return parent


def _export_gpkg(
    frames: dict[str, gpd.GeoDataFrame],
    out_path: Path,
    crs_choice: str,
    score: pd.DataFrame,
    progress: Callable[[str], None] | None,
    layer_styles: dict[str, Any],
) -> Written:
    if out_path.is_dir():
        raise ExportError(f"{out_path} is a folder; give a .gpkg file name for --format gpkg")
    if crs_choice.lower() == "gcj02" and "GCJ-02" not in out_path.name:
        out_path = out_path.with_name(f"{out_path.stem}_GCJ-02{out_path.suffix}")
    labels = set()
    total = 0
    with datafiles.atomic_path(out_path) as tmp:
        for layer_id, frame in frames.items():
            projected, label = reproject(_flatten(frame), crs_choice)
            labels.add(label)
            spec = styles.layer_spec(layer_id)
            meta = metadata(layer_id, label, len(frame))
            pyogrio.write_dataframe(
                projected,
                tmp,
                layer=layer_id,
                driver="GPKG",
                layer_options={
                    "IDENTIFIER": f"{spec.title_zh} {spec.title_en}",
                    "DESCRIPTION": json.dumps(meta, ensure_ascii=False),
                },
                dataset_options={"VERSION": styles.GPKG_VERSION},  # for the first layer, which creates the file
            )
            total += len(frame)
            if progress:
                progress(f"{layer_id}: {len(frame)} features")
        for name, table in tables.gpkg_tables().items():
            pyogrio.write_dataframe(table, tmp, layer=name, driver="GPKG")
        # The rule and evaluation date where GIS tools show them: gpkg_contents' description (QGIS and
        # ogrinfo show it), the layer's metadata items, and the rule_version and evaluated_on columns.
        pyogrio.write_dataframe(
            score,
            tmp,
            layer=tables.SCORECARD_TABLE,
            driver="GPKG",
            layer_options={
                "IDENTIFIER": f"{t('scorecard_table_title', 'zh')} {t('scorecard_table_title', 'en')} "
                f"(rule {score.attrs['rule_version']}, {score.attrs['as_of']})",
                "DESCRIPTION": json.dumps(tables.scorecard_metadata(score), ensure_ascii=False),
            },
            layer_metadata={"RULE_VERSION": score.attrs["rule_version"], "EVALUATED_ON": score.attrs["as_of"]},
        )
        styles.write_gpkg_styles(tmp, {i: layer_styles[i] for i in frames})
    return Written(out_path, tuple(frames), total, "/".join(sorted(labels)))


def as_zip_bytes(written: Sequence[Written]) -> bytes:
    """The written files in one zip archive (for a download from the app)."""
    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in written:
            zf.write(item.path, item.path.name)
    return buf.getvalue()


@dataclass(frozen=True)
class Download:
    """An export packed as one file for a web download: its bytes, its name, what it holds."""

    body: bytes
    filename: str
    layers: int
    features: int


def download(
    layer_ids: Sequence[str],
    fmt: str,
    folder: Path,
    *,
    crs_choice: str = "wgs84",
    bbox: Sequence[float] | None = None,
    lang: str = "zh",
    indicator: styles.IndicatorRequest | None = None,
) -> Download:
    """Export ``layer_ids`` into the scratch ``folder`` and pack them: one GeoPackage as it is, other formats zipped.

    The files are the CLI's (``export_layers``, styled). Raises ``ExportError`` like it.
    """
    target = folder / ("hubei-layers.gpkg" if fmt == "gpkg" else "hubei-layers")
    written = export_layers(layer_ids, fmt, target, crs_choice=crs_choice, bbox=bbox, lang=lang, indicator=indicator)
    count = sum(w.features for w in written)
    layers = sum(len(w.layers) for w in written)
    if fmt == "gpkg":
        return Download(written[0].path.read_bytes(), written[0].path.name, layers, count)
    label = written[0].crs if written else "EPSG-4326"
    return Download(as_zip_bytes(written), f"hubei-layers_{fmt}_{label}.zip", layers, count)
