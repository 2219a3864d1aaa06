from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from geo.crs import HUBEI_EQUAL_AREA, WGS84
from geo.datafiles import (
    GEOJSON_PRECISION,
    DataFileError,
    atomic_path,
    read_csv_rows,
    read_vector,
    to_geojson_bytes,
    write_geojson,
    write_text_atomic,
    write_texts_atomic,
)

# A clockwise exterior ring (RFC 7946 wants counter-clockwise) with a counter-clockwise
# hole (RFC 7946 wants clockwise), coordinates with more decimals than are kept.
CW_SHELL = [(114.1, 30.5), (114.1, 30.7123456789), (114.4987654321, 30.7), (114.5, 30.5), (114.1, 30.5)]
CCW_HOLE = [(114.2, 30.55), (114.3, 30.55), (114.3, 30.65), (114.2, 30.65), (114.2, 30.55)]


@pytest.fixture
def features() -> gpd.GeoDataFrame:
    ring_poly = Polygon(CW_SHELL, [CCW_HOLE])
    assert not shapely.is_ccw(ring_poly.exterior)
    assert shapely.is_ccw(ring_poly.interiors[0])
    return gpd.GeoDataFrame(
        {
            "code": ["420100", "420200"],
            "name_zh": ["武汉市", "黄石市"],
            "name_en": ["Wuhan", "Huangshi"],
            "value": [1.25, 2.5],
            "count": [3, 4],
        },
        geometry=[ring_poly, Point(115.0389123456, 30.1998765432)],
        crs=WGS84,
    )


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _all_coords(doc: dict) -> np.ndarray:
    geoms = [shape(f["geometry"]) for f in doc["features"]]
    return shapely.get_coordinates(geoms)


# --- atomic_path -------------------------------------------------------------------


def test_atomic_path_success_replaces_target(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        assert tmp != target
        assert tmp.suffix == ".txt"
        assert not tmp.exists()
        assert target.read_bytes() == b"old"  # untouched until the block succeeds
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_atomic_path_failure_leaves_target_and_no_temporary(tmp_path):
    target = tmp_path / "out.geojson"
    original = '{"type": "FeatureCollection", "features": []}\n名称'.encode()
    target.write_bytes(original)
    with pytest.raises(RuntimeError, match="boom"), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("boom")
    assert target.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["out.geojson"]


def test_atomic_path_failure_without_target_creates_nothing(tmp_path):
    target = tmp_path / "sub" / "new.txt"
    with pytest.raises(KeyError), atomic_path(target) as tmp:
        tmp.write_text("partial", encoding="utf-8")
        raise KeyError("x")
    assert not target.exists()
    assert os.listdir(tmp_path / "sub") == []


def test_write_text_atomic(tmp_path):
    path = write_text_atomic("湖北省\n", tmp_path / "a.txt")
    assert path == tmp_path / "a.txt"
    assert path.read_bytes() == "湖北省\n".encode()
    assert os.listdir(tmp_path) == ["a.txt"]


# --- write_geojson -----------------------------------------------------------------


@pytest.mark.parametrize("crs", [HUBEI_EQUAL_AREA, "EPSG:4490", "EPSG:3857"], ids=["albers", "cgcs2000", "mercator"])
def test_write_geojson_refuses_other_crs(tmp_path, features, crs):
    other = features.to_crs(crs)
    target = tmp_path / "out.geojson"
    with pytest.raises(ValueError, match="to_crs"):
        write_geojson(other, target)
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="to_crs"):
        to_geojson_bytes(other)


def test_write_geojson_refuses_missing_crs(tmp_path, features):
    naive = features.set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="to_crs"):
        write_geojson(naive, tmp_path / "out.geojson")
    assert os.listdir(tmp_path) == []


def test_write_geojson_is_rfc7946(tmp_path, features):
    path = write_geojson(features, tmp_path / "out.geojson", precision=4)
    assert path == tmp_path / "out.geojson"
    assert os.listdir(tmp_path) == ["out.geojson"]
    raw = path.read_bytes()
    doc = json.loads(raw.decode("utf-8"))

    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert "name" not in doc  # the temporary file's name must not leak in
    assert len(doc["features"]) == 2

    poly = shape(doc["features"][0]["geometry"])
    assert poly.geom_type == "Polygon"
    assert shapely.is_ccw(poly.exterior)
    assert not shapely.is_ccw(poly.interiors[0])
    assert poly.is_valid

    # Rounded to 4 decimals.
    coords = _all_coords(doc)
    scaled = coords * 1e4
    np.testing.assert_allclose(scaled, np.round(scaled), rtol=0, atol=1e-6)
    assert [115.0389, 30.1999] == doc["features"][1]["geometry"]["coordinates"]

    # UTF-8 Chinese text, not \u escapes.
    assert "武汉市".encode() in raw
    assert [f["properties"]["name_zh"] for f in doc["features"]] == ["武汉市", "黄石市"]
    assert doc["features"][0]["properties"] == {
        "code": "420100",
        "name_zh": "武汉市",
        "name_en": "Wuhan",
        "value": 1.25,
        "count": 3,
    }


def test_write_geojson_default_precision_is_six(tmp_path, features):
    assert GEOJSON_PRECISION == 6
    doc = _load(write_geojson(features, tmp_path / "out.geojson"))
    assert doc["features"][1]["geometry"]["coordinates"] == [115.038912, 30.199877]
    scaled = _all_coords(doc) * 1e6
    np.testing.assert_allclose(scaled, np.round(scaled), rtol=0, atol=1e-4)


def test_write_geojson_reads_back_with_pyogrio(tmp_path, features):
    path = write_geojson(features, tmp_path / "out.geojson")
    back = pyogrio.read_dataframe(path)
    assert back.crs == WGS84
    assert back.crs.to_epsg() == 4326
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")),
        pd.DataFrame(features.drop(columns="geometry")),
        check_dtype=False,
    )
    assert back["count"].tolist() == [3, 4]
    assert back["value"].tolist() == [1.25, 2.5]
    assert shapely.is_valid(back.geometry.values).all()
    # Same shapes, up to orientation and the 1e-6° rounding.
    assert shapely.equals_exact(
        shapely.normalize(back.geometry.values), shapely.normalize(features.geometry.values), tolerance=1e-6
    ).all()


def test_write_geojson_overwrites_existing_file(tmp_path, features):
    target = tmp_path / "out.geojson"
    write_geojson(features, target)
    write_geojson(features.iloc[[1]], target)
    assert len(_load(target)["features"]) == 1
    assert os.listdir(tmp_path) == ["out.geojson"]


def test_to_geojson_bytes_matches_write_geojson(tmp_path, features):
    for precision in (4, 6):
        written = _load(write_geojson(features, tmp_path / f"p{precision}.geojson", precision=precision))
        served = json.loads(to_geojson_bytes(features, precision=precision).decode("utf-8"))
        assert served["features"] == written["features"]
        assert "crs" not in served
        assert shapely.is_ccw(shape(served["features"][0]["geometry"]).exterior)


# --- read_vector errors ------------------------------------------------------------


def _square(x0: float, y0: float, d: float = 0.1) -> list:
    return [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]


def _write_collection(path: Path, geometries: list[dict], codes: list[str]) -> Path:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": geom}
            for code, geom in zip(codes, geometries, strict=True)
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_read_vector_reads_a_clean_file(tmp_path, features):
    path = write_geojson(features, tmp_path / "ok.geojson")
    gdf = read_vector(path, required=("code", "name_zh"))
    assert gdf.crs == WGS84
    assert gdf["code"].tolist() == ["420100", "420200"]


def test_read_vector_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "missing.geojson"
    with pytest.raises(DataFileError, match="not found") as info:
        read_vector(path)
    assert str(path) in str(info.value)
    assert info.value.path == path
    assert isinstance(info.value, ValueError)


def test_read_vector_names_row_and_field_of_bow_tie(tmp_path):
    bow_tie = [[[114.0, 30.0], [114.1, 30.1], [114.1, 30.0], [114.0, 30.1], [114.0, 30.0]]]
    path = _write_collection(
        tmp_path / "bowtie.geojson",
        [
            {"type": "Polygon", "coordinates": _square(113.0, 30.0)},
            {"type": "Polygon", "coordinates": bow_tie},
            {"type": "Polygon", "coordinates": _square(113.5, 30.0)},
        ],
        ["420100", "420200", "420300"],
    )
    with pytest.raises(DataFileError) as info:
        read_vector(path)
    message = str(info.value)
    assert str(path) in message
    assert "row 2" in message
    assert "field 'geometry'" in message
    assert "Self-intersection" in message
    assert (info.value.row, info.value.field) == (2, "geometry")


def test_read_vector_names_row_of_missing_geometry(tmp_path, features):
    with_gap = features.copy()
    with_gap.loc[1, "geometry"] = None
    path = write_geojson(with_gap, tmp_path / "gap.geojson")
    with pytest.raises(DataFileError, match=r"row 2, field 'geometry': invalid geometry \(missing geometry\)"):
        read_vector(path)


def test_read_vector_names_missing_required_field(tmp_path, features):
    path = write_geojson(features, tmp_path / "fields.geojson")
    with pytest.raises(DataFileError) as info:
        read_vector(path, required=("code", "population"))
    message = str(info.value)
    assert str(path) in message
    assert "population" in message
    assert "field 'population'" in message
    assert info.value.field == "population"


@pytest.mark.parametrize(
    "content", ["this is not JSON {", '{"type": "FeatureCollection", "features": ['], ids=["garbage", "truncated"]
)
def test_read_vector_names_unreadable_file(tmp_path, content):
    path = tmp_path / "broken.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot be read") as info:
        read_vector(path)
    assert str(info.value).startswith(f"{path}:")
    assert info.value.row is None


def test_read_vector_refuses_file_without_crs(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    naive = gpd.GeoDataFrame({"code": ["420100"]}, geometry=[Point(114.3, 30.6)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio warns that no CRS is written: that is the point
        pyogrio.write_dataframe(naive, path)
    with pytest.raises(DataFileError, match="has no CRS") as info:
        read_vector(path)
    assert str(path) in str(info.value)


def test_write_texts_atomic_writes_all_or_nothing(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.json"
    first.write_text("old a", encoding="utf-8")
    second.write_text("old b", encoding="utf-8")
    assert write_texts_atomic({first: "new a", second: "new b"}) == [first, second]
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == ("new a", "new b")
    blocked = tmp_path / "file" / "c.txt"  # its folder is a file: the third write fails
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OSError):
        write_texts_atomic({first: "newer a", second: "newer b", blocked: "c"})
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == ("new a", "new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json", "file"]  # no temporary left


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        ("code,value\n".encode("utf-16"), "looks like UTF-16"),
        (b"a,b\n1,\xff\n", "not UTF-8 text (line 2"),
        (b'a,b\n1,"2\n', "row 1: malformed CSV"),
        (b"a,b\n1,2,3\n", "row 1: the row has 3 cell(s) but the header has 2"),
        (b"a;b\n1;2\n", "looks ';'-separated"),
        (b"a,a\n1,2\n", "field 'a': the header names a column twice"),
    ],
)
def test_read_csv_rows_names_the_problem(tmp_path, content, words):
    with pytest.raises(DataFileError, match=r"^t\.csv") as info:
        read_csv_rows("t.csv", content)
    assert words in str(info.value)


def test_read_csv_rows_skips_blank_lines_and_keeps_a_bom_out_of_the_header():
    header, rows, encoding = read_csv_rows("t.csv", '\ufeffa,b\r\n1,2\r\n\r\n3,"x\ny"\r\n'.encode())
    assert header == ["a", "b"] and encoding == "utf-8-sig"
    assert rows == [{"a": "1", "b": "2"}, {"a": "3", "b": "x\ny"}]
