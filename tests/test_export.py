from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from app.export import errors, shapefile, tables
from app.export import files as export
from geo import crs
from layers import catalogue, evaluation, features, scorecard

LAYERS = list(catalogue.catalogue())
DAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every layer in every format, written once."""
    root = tmp_path_factory.mktemp("export")
    out = {
        "geojson": export.export_layers(["all"], "geojson", root / "geojson"),
        "geojsonseq": export.export_layers(["all"], "geojsonseq", root / "seq"),
        "shp": export.export_layers(["all"], "shp", root / "shp"),
        "csv": export.export_layers(["all"], "csv", root / "csv", as_of=DAY),
        "gpkg": export.export_layers(["all"], "gpkg", root / "all.gpkg", crs_choice="cgcs2000-gk", as_of=DAY),
    }
    return root, out


def _expected(layer_id):
    return export.select(layer_id)


def _same_geometry(read: gpd.GeoDataFrame, expected: gpd.GeoDataFrame, tolerance_deg: float) -> None:
    read = read.to_crs(4326) if read.crs is not None else read
    exp = expected.set_index("feature_id").geometry
    got = read.set_index("feature_id").geometry.reindex(exp.index)
    drawn = ~shapely.is_missing(exp.values)
    assert shapely.is_valid(got.values[drawn]).all()
    dist = shapely.hausdorff_distance(got.values[drawn], exp.values[drawn])
    assert np.nanmax(dist, initial=0) <= tolerance_deg


@pytest.mark.parametrize("layer_id", LAYERS)
def test_geojson_round_trip_and_rfc7946(exported, layer_id):
    root, _ = exported
    path = root / "geojson" / f"{layer_id}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["metadata"]["layer"] == layer_id and doc["metadata"]["crs"] == "EPSG-4326"
    assert "非标准地图" in doc["metadata"]["not_a_standard_map"]
    expected = _expected(layer_id)
    assert [f["id"] for f in doc["features"]] == expected["feature_id"].tolist()
    for feature in doc["features"]:
        geom = feature["geometry"]
        if geom and geom["type"] in ("Polygon", "MultiPolygon"):
            shape = shapely.geometry.shape(geom)
            for poly in getattr(shape, "geoms", [shape]):
                assert poly.exterior.is_ccw  # right-hand rule
                assert all(not ring.is_ccw for ring in poly.interiors)
        coords = shapely.get_coordinates(shapely.geometry.shape(geom)) if geom else np.zeros((0, 2))
        assert np.allclose(coords, np.round(coords, 6), atol=1e-12)  # 6 decimals
    read = pyogrio.read_dataframe(path)
    assert read.crs.to_epsg() == 4326 and len(read) == len(expected)
    assert read["name_zh"].tolist() == expected["name_zh"].tolist() if "name_zh" in expected else True
    _same_geometry(read, expected, 1e-6)


@pytest.mark.parametrize("layer_id", LAYERS)
def test_geopackage_round_trip_in_the_gauss_kruger_zone(exported, layer_id):
    root, out = exported
    path = root / "all.gpkg"
    assert out["gpkg"][0].crs == "EPSG-4546"  # Hubei's centre (~112.3°E) is nearest CM 111°E
    read = pyogrio.read_dataframe(path, layer=layer_id)
    assert read.crs.to_epsg() == 4546
    expected = _expected(layer_id)
    assert len(read) == len(expected)
    assert set(read["feature_id"]) == set(expected["feature_id"])
    meta = json.loads(pyogrio.read_info(path, layer=layer_id)["layer_metadata"]["DESCRIPTION"])
    assert meta["layer"] == layer_id and meta["crs"] == "EPSG-4546"
    _same_geometry(read, expected, 1e-6)


def test_geopackage_carries_the_indicator_catalogue_and_targets(exported):
    root, _ = exported
    names = {name for name, _ in pyogrio.list_layers(root / "all.gpkg")}
    assert {"indicator_catalogue", "plan_targets", "target_actuals"} <= names
    targets = pyogrio.read_dataframe(root / "all.gpkg", layer="plan_targets")
    assert len(targets) == len(features.table("layers/plan_targets.csv"))
    assert "千兆宽带用户数" in set(targets["indicator_zh"])


def test_geopackage_carries_the_scorecard_with_its_rule_version_and_date(exported):
    root, out = exported
    path = root / "all.gpkg"
    table = pyogrio.read_dataframe(path, layer="plan_scorecard")
    expected = scorecard.scorecard(DAY)
    assert len(table) == len(expected) == 50
    assert table["target_id"].tolist() == expected["target_id"].tolist()
    assert table["status"].tolist() == expected["status"].tolist()
    assert table["latest_value"].fillna(-1).tolist() == pytest.approx(expected["latest_value"].fillna(-1).tolist())
    assert set(table["rule_version"]) == {evaluation.RULE_VERSION} and set(table["evaluated_on"]) == {DAY.isoformat()}
    assert "base_date_x" not in table and "as_of" not in table
    info = pyogrio.read_info(path, layer="plan_scorecard")
    assert info["geometry_type"] is None  # a table without geometry
    meta = info["layer_metadata"]
    assert meta["RULE_VERSION"] == evaluation.RULE_VERSION and meta["EVALUATED_ON"] == "2026-11-30"
    description = json.loads(meta["DESCRIPTION"])  # gpkg_contents.description, shown by QGIS and ogrinfo
    assert description["rule_version"] == evaluation.RULE_VERSION and description["evaluated_on"] == "2026-11-30"
    assert description["rows"] == 50 and description["statuses"]["at_risk"] == {"zh": "滞后", "en": "At risk"}
    assert "rule 1, 2026-11-30" in meta["IDENTIFIER"]
    assert out["gpkg"][0].layers == tuple(LAYERS)  # the scorecard is not counted as a layer


def test_csv_export_writes_the_scorecard_beside_the_layers(exported):
    root, out = exported
    written = {w.path.name: w for w in out["csv"]}
    item = written["plan_scorecard.csv"]
    assert (item.table, item.rows, item.layers, item.features) == ("plan_scorecard", 50, (), 0)
    assert sum(w.features for w in out["csv"]) == sum(len(_expected(i)) for i in LAYERS)
    raw = (root / "csv" / "plan_scorecard.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 with BOM and CRLF rows, as the layers
    table = pd.read_csv(root / "csv" / "plan_scorecard.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    gpkg = pyogrio.read_dataframe(root / "all.gpkg", layer="plan_scorecard")
    assert table.columns.tolist() == gpkg.columns.tolist() and len(table) == 50
    assert set(table["rule_version"]) == {evaluation.RULE_VERSION} and set(table["evaluated_on"]) == {"2026-11-30"}
    expected = scorecard.scorecard(DAY)
    assert table["status"].tolist() == expected["status"].tolist()
    plain = expected["comparator"].tolist()
    assert table["comparator"].tolist() == ["'" + c if c.startswith("=") else c for c in plain]


def test_csv_scorecard_neutralises_formulas(tmp_path, monkeypatch):
    real = tables.scorecard_table

    def hostile(as_of=None):
        frame = real(as_of)
        frame.loc[0, "note"] = '=HYPERLINK("http://x","y")'
        frame.loc[1, "sources"] = "-1+2"
        return frame

    monkeypatch.setattr(tables, "scorecard_table", hostile)
    export.export_layers(["hubs"], "csv", tmp_path, as_of=DAY)
    table = pd.read_csv(tmp_path / "plan_scorecard.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table.loc[0, "note"] == '\'=HYPERLINK("http://x","y")' and table.loc[1, "sources"] == "'-1+2"
    assert table.loc[0, "value"] == f"{scorecard.scorecard(DAY).loc[0, 'value']}"  # numbers stay numbers


def test_the_evaluation_date_defaults_to_today_and_must_be_a_date(tmp_path):
    export.export_layers(["hubs"], "csv", tmp_path / "today")
    table = pd.read_csv(tmp_path / "today" / "plan_scorecard.csv", encoding="utf-8-sig", dtype=str)
    assert set(table["evaluated_on"]) == {dt.date.today().isoformat()}
    with pytest.raises(export.ExportError, match="evaluation date must be a date"):
        export.export_layers(["hubs"], "csv", tmp_path / "bad", as_of="2026-11-30")  # type: ignore[arg-type]
    assert not (tmp_path / "bad").exists()
    geojson = export.export_layers(["hubs"], "geojson", tmp_path / "geojson")
    # the scorecard goes with gpkg and csv only (the layer's style files go beside it)
    assert [w.path.name for w in geojson if not w.style_of] == ["hubs.geojson"]


@pytest.mark.parametrize("layer_id", LAYERS)
def test_shapefile_round_trip(exported, layer_id):
    root, _ = exported
    zpath = root / "shp" / f"{layer_id}.shp.zip"
    with zipfile.ZipFile(zpath) as zf:
        names = set(zf.namelist())
        assert {f"{layer_id}.shp", f"{layer_id}.dbf", f"{layer_id}.prj", f"{layer_id}.cpg"} <= names
        assert zf.read(f"{layer_id}.cpg") == b"UTF-8"
        mapping = pd.read_csv(zf.open(f"{layer_id}_fields.csv"))
        full = pd.read_csv(zf.open(f"{layer_id}_attributes.csv"), dtype=str, encoding="utf-8-sig")
    assert mapping["field"].str.len().max() <= 10 and mapping["field"].is_unique
    read = pyogrio.read_dataframe(f"/vsizip/{zpath}/{layer_id}.shp")
    expected = _expected(layer_id)
    drawn = expected[~shapely.is_missing(expected.geometry.values)]
    assert len(read) == len(drawn) and len(full) == len(expected)
    fid = mapping.set_index("column")["field"]["feature_id"]
    _same_geometry(read.rename(columns={fid: "feature_id"}), drawn, 1e-6)


def test_shapefile_in_gbk(tmp_path):
    written = export.export_layers(["prefectures"], "shp", tmp_path, encoding="gbk")
    zpath = written[0].path
    with zipfile.ZipFile(zpath) as zf:
        assert zf.read("prefectures.cpg") == b"GBK"
    read = pyogrio.read_dataframe(f"/vsizip/{zpath}/prefectures.shp", encoding="gbk")
    assert "恩施土家族苗族自治州" in set(read["name_zh"])


@pytest.mark.parametrize("layer_id", LAYERS)
def test_csv_and_geojson_sequence(exported, layer_id):
    root, _ = exported
    table = pd.read_csv(root / "csv" / f"{layer_id}.csv", dtype={"feature_id": str}, encoding="utf-8-sig")
    expected = _expected(layer_id)
    assert table["feature_id"].tolist() == expected["feature_id"].tolist()
    assert {"lon", "lat"} <= set(table.columns)
    seq = pyogrio.read_dataframe(root / "seq" / f"{layer_id}.geojsonl")
    assert len(seq) == len(expected)


def test_csv_neutralises_formulas(tmp_path, monkeypatch):
    frame = gpd.GeoDataFrame(
        {"feature_id": ["a"], "name_zh": ['=HYPERLINK("http://x","y")'], "note": ["+1"]},
        geometry=[shapely.Point(114.3, 30.6)],
        crs=4326,
    )
    monkeypatch.setattr(export, "select", lambda *a, **k: frame)
    export.export_layers(["prefectures"], "csv", tmp_path)
    text = (tmp_path / "prefectures.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+1," in text


def test_gcj02_is_labelled_and_shifted(tmp_path):
    written = export.export_layers(["hubs"], "gpkg", tmp_path / "hubs.gpkg", crs_choice="gcj02")
    assert written[0].path.name == "hubs_GCJ-02.gpkg" and not (tmp_path / "hubs.gpkg").exists()
    read = pyogrio.read_dataframe(written[0].path, layer="hubs").set_index("feature_id")
    tianhe = _expected("hubs").set_index("feature_id").geometry["apt-wuhan-tianhe"]
    g_lon, g_lat = crs.wgs84_to_gcj02(tianhe.x, tianhe.y)
    got = read.geometry["apt-wuhan-tianhe"]
    assert (got.x, got.y) == pytest.approx((float(g_lon), float(g_lat)), abs=1e-9)


def test_filters_by_unit_and_bbox():
    wuhan = export.select("counties", unit="420100")
    assert sorted(wuhan["feature_id"]) == sorted(
        c for c in features.layer_data("counties")["code"] if c.startswith("4201")
    )
    boxed = export.select("computing", bbox=(111.5, 31.5, 112.5, 32.5))  # around Xiangyang
    assert set(boxed["prefecture_code"]) == {"420600"}
    with pytest.raises(export.ExportError, match="prefecture-level code"):
        export.select("counties", unit="999999")
    with pytest.raises(export.ExportError, match="min < max"):
        export.select("counties", bbox=(115, 30, 114, 31))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_ids": ["nope"]}, "unknown layer"),
        ({"fmt": "kml"}, "unknown format"),
        ({"crs_choice": "epsg:2000"}, "unknown CRS"),
        ({"fmt": "geojson", "crs_choice": "cgcs2000"}, "RFC 7946"),
        ({"encoding": "latin-1"}, "utf-8 or gbk"),
    ],
)
def test_bad_requests_write_nothing(tmp_path, kwargs, message):
    args = {"layer_ids": ["prefectures"], "fmt": "shp", "out": tmp_path / "out"} | kwargs
    with pytest.raises(export.ExportError, match=message):
        export.export_layers(args.pop("layer_ids"), args.pop("fmt"), args.pop("out"), **args)
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_no_partial_files(tmp_path, monkeypatch):
    calls = []

    def flaky(frame, path, layer_id, encoding, style=None):
        calls.append(layer_id)
        if len(calls) == 2:
            raise OSError("disk full")
        path.write_bytes(b"zip")

    monkeypatch.setattr(shapefile, "write_shapefile", flaky)
    with pytest.raises(errors.ExportWriteError, match=r"could not write the export .*disk full"):
        export.export_layers(["prefectures", "counties"], "shp", tmp_path / "out")
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []


def test_cli_export_reports_progress_and_errors(tmp_path):
    exe = str(Path(sys.executable).with_name("hubei-map"))
    ok = subprocess.run(
        [exe, "export", "--layers", "prefectures,hubs", "--format", "geojson", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "[1/2] prefectures: 17 features" in ok.stderr and "[2/2] hubs" in ok.stderr
    assert f"wrote {tmp_path / 'o' / 'prefectures.geojson'} (prefectures: 17 features, EPSG-4326)" in ok.stdout
    bad = subprocess.run(
        [exe, "export", "--layers", "nope", "--out", str(tmp_path / "x")], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown layer(s) ['nope']" in bad.stderr and "nothing was written" in bad.stderr
    scored = subprocess.run(
        [exe, "export", "--layers", "hubs", "--format", "csv", "--as-of", "2025-06-30", "--out", str(tmp_path / "c")],
        capture_output=True,
        text=True,
    )
    assert scored.returncode == 0, scored.stderr
    assert f"wrote {tmp_path / 'c' / 'plan_scorecard.csv'} (plan_scorecard: 50 rows, no geometry)" in scored.stdout
    assert f"on 2025-06-30, rule version {evaluation.RULE_VERSION}" in scored.stdout
    table = pd.read_csv(tmp_path / "c" / "plan_scorecard.csv", encoding="utf-8-sig", dtype=str)
    assert set(table["evaluated_on"]) == {"2025-06-30"}
    bad_date = subprocess.run(
        [exe, "export", "--format", "csv", "--as-of", "2025-02-30", "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
    )
    assert bad_date.returncode == 2 and "argument --as-of" in bad_date.stderr and not (tmp_path / "d").exists()
    unwritable = subprocess.run(
        [exe, "export", "--layers", "prefectures", "--format", "gpkg", "--out", "/proc/hubei.gpkg"],
        capture_output=True,
        text=True,
    )
    assert unwritable.returncode != 0 and "/proc/hubei.gpkg" in unwritable.stderr


@pytest.mark.parametrize("choice", sorted(export.CRS_CHOICES))
def test_every_crs_choice_round_trips(tmp_path, choice):
    written = export.export_layers(["prefectures", "hubs"], "gpkg", tmp_path / "x.gpkg", crs_choice=choice)
    path = written[0].path
    for layer_id in ("prefectures", "hubs"):
        read = pyogrio.read_dataframe(path, layer=layer_id)
        expected = _expected(layer_id)
        if choice == "gcj02":
            assert path.name == "x_GCJ-02.gpkg" and written[0].crs == "GCJ-02"
            back = crs.geometry_gcj02_to_wgs84(read.geometry.values)
            read = read.set_geometry(gpd.GeoSeries(back, crs=4326))
        else:
            assert f"EPSG-{read.crs.to_epsg()}" == written[0].crs  # one CRS for the whole file
            if choice == "cgcs2000-gk":
                assert written[0].crs == "EPSG-4546"  # the zone of the exported data's centre (~112.3°E)
        _same_geometry(read, expected, 1e-6)
