from __future__ import annotations

import hashlib
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import boundaries, crs, datafiles
from geo.paths import BOUNDARIES_DIR

# GB/T 2260 codes of Hubei's 17 prefecture-level units (the list: 12 prefecture-level
# cities, Enshi, and the province-administered Xiantao, Qianjiang, Tianmen, Shennongjia).
PREFECTURE_CODES = [
    "420100", "420200", "420300", "420500", "420600", "420700", "420800", "420900", "421000",
    "421100", "421200", "421300", "422800", "429004", "429005", "429006", "429021",
]  # fmt: skip
PROVINCE_ADMINISTERED = ["429004", "429005", "429006", "429021"]
# Official areas: Hubei 185,900 km² (provincial government); Wuhan 8,569 km² (Wuhan government).
HUBEI_KM2, WUHAN_KM2 = 185_900, 8_569


@pytest.fixture(scope="module")
def table() -> gpd.GeoDataFrame:
    return boundaries.units()


def test_levels_and_counts(table):
    assert table["level"].value_counts().to_dict() == {"county": 103, "prefecture": 17, "province": 1}
    assert table.crs.equals(crs.WGS84)
    assert list(table.columns) == [*boundaries.UNIT_COLUMNS, "geometry"]


def test_prefecture_codes_parents_and_kinds(table):
    pref = table[table["level"] == "prefecture"].set_index("code")
    assert sorted(pref.index) == PREFECTURE_CODES
    assert (pref["parent_code"] == "420000").all()
    assert pref.loc["420100", "kind"] == "sub-provincial city"
    assert pref.loc["422800", "kind"] == "autonomous prefecture"
    assert pref.loc["422800", "name_en"] == "Enshi Tujia and Miao Autonomous Prefecture"
    assert pref.loc["429021", "kind"] == "forestry district"
    assert set(pref.loc[["429004", "429005", "429006"], "kind"]) == {"province-administered county-level city"}
    assert (pref.drop(index=["420100", "422800", *PROVINCE_ADMINISTERED])["kind"] == "prefecture-level city").all()


def test_every_county_has_a_prefecture_parent_with_a_matching_code_prefix(table):
    county = table[table["level"] == "county"]
    assert set(county["parent_code"]) == set(PREFECTURE_CODES)
    regular = county[~county["code"].isin(PROVINCE_ADMINISTERED)]
    assert (regular["code"].str[:4] == regular["parent_code"].str[:4]).all()
    # A province-administered unit is its own county-level row, under its own prefecture-level row.
    pa = county[county["code"].isin(PROVINCE_ADMINISTERED)]
    assert (pa["code"] == pa["parent_code"]).all()
    counts = county.groupby("parent_code").size()
    assert counts["420100"] == 13 and counts["422800"] == 8 and counts["429021"] == 1


def test_names_are_clean(table):
    assert table["name_zh"].str.fullmatch(r"[\u4e00-\u9fff]+").all()
    assert table["name_en"].str.fullmatch(r"[A-Z][A-Za-z' ]+").all()
    county = table[table["level"] == "county"]
    districts = county[county["kind"] == "district"]
    assert districts["name_zh"].str.endswith("区").all() and districts["name_en"].str.endswith(" District").all()
    counties = county[county["kind"] == "county"]
    assert counties["name_zh"].str.endswith("县").all() and counties["name_en"].str.endswith(" County").all()


def test_coverage_is_valid_and_nested(table):
    boundaries.check_coverage(table)
    for level in ("prefecture", "county"):
        assert shapely.coverage_is_valid(table[table["level"] == level].geometry.values)


def test_check_coverage_rejects_an_overlap(table):
    broken = table.copy()
    i = broken.index[broken["code"] == "420100"][0]
    broken.loc[i, "geometry"] = broken.loc[i, "geometry"].buffer(0.02)
    with pytest.raises(ValueError, match=r"overlap|tile"):
        boundaries.check_coverage(broken)


def test_areas_match_official_figures(table):
    km2 = boundaries.area_km2(table).set_axis(table["code"] + "/" + table["level"])
    assert km2["420000/province"] == pytest.approx(HUBEI_KM2, rel=0.005)
    assert km2["420100/prefecture"] == pytest.approx(WUHAN_KM2, rel=0.01)
    # Prefectures sum to the province; counties to their prefecture.
    assert km2[table["level"].eq("prefecture").values].sum() == pytest.approx(km2["420000/province"], rel=1e-6)


def test_stored_coordinates_are_wgs84_not_gcj02(table):
    """Wuhan's stored outline sits ~0.005° west / ~0.002° north of the GCJ-02 outline."""
    wuhan = boundaries.unit("420100").geometry
    coords = shapely.get_coordinates(wuhan)
    g_lon, g_lat = crs.wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    assert np.median(g_lon - coords[:, 0]) == pytest.approx(0.0054, abs=0.0006)
    assert np.median(g_lat - coords[:, 1]) == pytest.approx(-0.0024, abs=0.0006)


def test_lookups():
    assert boundaries.unit("420100")["name_zh"] == "武汉市"
    assert boundaries.unit("429004")["level"] == "prefecture"
    assert boundaries.unit("429004", level="county")["parent_code"] == "429004"
    with pytest.raises(KeyError, match="6-digit"):
        boundaries.unit("999999")
    assert boundaries.find_units("wuhan").iloc[0]["code"] == "420100"
    assert boundaries.find_units("武汉").iloc[0]["code"] == "420100"
    assert boundaries.find_units("jiangan").iloc[0]["name_en"] == "Jiang'an District"
    assert boundaries.find_units("Xiantao")["level"].tolist() == ["prefecture", "county"]
    assert boundaries.find_units("   ").empty
    assert sorted(boundaries.children("420000")["code"]) == PREFECTURE_CODES
    assert len(boundaries.children("420100")) == 13
    assert boundaries.children("429021")["code"].tolist() == ["429021"]


def test_context_layers():
    neighbours = boundaries.context("neighbours")
    assert sorted(neighbours["name_en"]) == ["Anhui", "Chongqing", "Henan", "Hunan", "Jiangxi", "Shaanxi"]
    hubei = boundaries.unit("420000").geometry
    # Each neighbour touches Hubei (within the ~200 m context simplification).
    assert (shapely.distance(neighbours.geometry.values, hubei) < 0.01).all()
    china = boundaries.context("china")
    assert china.geometry.iloc[0].contains(hubei.representative_point())
    with pytest.raises(ValueError, match="neighbours"):
        boundaries.context("world")


def test_validate_units_names_row_and_field(table):
    pref = table[table["level"] == "prefecture"].reset_index(drop=True)
    bad = pref.copy()
    bad.loc[4, "code"] = "42060"
    with pytest.raises(datafiles.DataFileError, match=r"x\.geojson, row 5, field 'code'"):
        boundaries.validate_units(bad, "prefecture", "x.geojson")
    bad = pref.copy()
    bad.loc[2, "kind"] = "county"
    with pytest.raises(datafiles.DataFileError, match=r"row 3, field 'kind'"):
        boundaries.validate_units(bad, "prefecture", "x.geojson")
    with pytest.raises(datafiles.DataFileError, match="field 'parent_code'"):
        boundaries.validate_units(pref.drop(columns="parent_code"), "prefecture", "x.geojson")


def test_checksums_match_the_committed_files():
    sums = dict(reversed(line.split("  ", 1)) for line in (BOUNDARIES_DIR / "SHA256SUMS").read_text().splitlines())
    assert set(sums) >= {*boundaries.UNIT_FILES.values(), *boundaries.CONTEXT_FILES.values(), "names.csv"}
    for name, digest in sums.items():
        assert hashlib.sha256((BOUNDARIES_DIR / name).read_bytes()).hexdigest() == digest, name
    readme = (BOUNDARIES_DIR / "README.md").read_text(encoding="utf-8")
    for name, digest in sums.items():
        assert re.search(rf"`{re.escape(name)}` \| `{digest}`", readme), f"README checksum of {name} is stale"
    info = json.loads((BOUNDARIES_DIR / "build-info.json").read_text(encoding="utf-8"))
    assert info["files"] == sums and info["source_version"] == "1.1.2"


def test_the_stored_unit_table_is_the_one_computed_from_the_boundaries():
    """`hubei-map units` reads data/boundaries/hubei_units.csv; it must say what the geometry says."""
    from geo import unittable

    stored = unittable.read()
    computed = unittable.compute(boundaries.units())
    assert stored.to_dict(orient="records") == computed[list(unittable.COLUMNS)].to_dict(orient="records")
    assert len(stored) == 121 and unittable.read("county")["level"].eq("county").all()
    for level in ("province", "prefecture", "county"):  # every digit: the same points as computed, exactly
        rows = computed[computed["level"] == level]
        expected = dict(zip(rows["code"], zip(rows["point_lon"], rows["point_lat"], strict=True), strict=True))
        assert unittable.points(level) == expected


def test_district_points_come_from_the_unit_table_without_county_polygons(monkeypatch):
    """Facilities placed in their district sit at the county's point_on_surface, read from the stored table."""
    codes = ["420102", "420111", "422802"]
    computed = shapely.point_on_surface(boundaries.units("county").set_index("code").geometry.reindex(codes).values)
    monkeypatch.setattr(boundaries, "_load_level", lambda level: pytest.fail(f"read the {level} polygons"))
    stored = boundaries.representative_points(codes, "county")
    assert list(stored.index) == codes
    assert shapely.equals_identical(stored.values, computed).all()
    with pytest.raises(KeyError, match="999999"):
        boundaries.representative_points(["420102", "999999"], "county")


def test_without_stored_points_they_are_computed_from_the_polygons(monkeypatch):
    codes = ["420100", "429021"]
    stored = boundaries.representative_points(codes, "prefecture")
    monkeypatch.setattr(boundaries, "_stored_points", lambda level: None)  # an older unit table
    computed = boundaries.representative_points(codes, "prefecture")
    assert shapely.equals_identical(stored.values, computed.values).all()
    with pytest.raises(KeyError, match="999999"):
        boundaries.representative_points(["999999"], "prefecture")


def test_a_broken_unit_table_is_named_by_row_and_field(tmp_path):
    from geo import unittable

    path = tmp_path / unittable.FILE
    text = (BOUNDARIES_DIR / unittable.FILE).read_text(encoding="utf-8").replace('"185944.0"', '"lots"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="row 1, field 'area_km2'"):
        unittable.read(path=path)
