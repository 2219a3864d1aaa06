from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import boundaries
from geo.paths import DATA_DIR
from layers import features, schema
from layers.validate import validate_all

PLAN_TEXT = (DATA_DIR / "plan" / "hubei-digital-economy-plan-2022-2024.txt").read_text(encoding="utf-8")
# The facilities article 19 names, word for word.
ARTICLE_19 = [
    "中国电信中部大数据中心",
    "武钢大数据产业园",
    "中金数谷大数据中心",
    "中国移动襄阳云计算中心",
    "华为襄阳云计算基地",
    "鄂州悦科（湖北）数据中心",
    "数智文旅产业云能力中心",
    "国家超算武汉中心",
    "武汉人工智能计算中心",
    "宜昌三峡东岳庙大数据中心",
    "十堰武当云谷大数据中心",
]


def _article(number: int) -> str:
    match = re.search(rf"^{number}\.(.*?)(?=^\d+\.|\Z)", PLAN_TEXT, flags=re.S | re.M)
    assert match, f"article {number} not found in the plan text"
    return match.group(1)


def test_plan_text_is_the_one_the_data_cites():
    assert "19.强化算力基础设施硬支撑" in PLAN_TEXT and "27.扩大国际合作" in PLAN_TEXT


def test_article_19_facilities_are_all_in_the_computing_layer():
    computing = features.layer_data("computing")
    assert sorted(computing["name_zh"]) == sorted(ARTICLE_19)
    for name in ARTICLE_19:
        assert name in _article(19)


def test_every_facility_name_appears_in_its_plan_article():
    fac = features.table("layers/facilities.csv")
    for name, article in zip(fac["name_zh"], fac["plan_article"], strict=True):
        core = re.sub(r"（[^）]*）$", "", name)  # a trailing parenthetical such as （武汉） may be written differently
        assert core in _article(article) or core in PLAN_TEXT, f"{name} is not named in article {article}"


def test_precision_is_honoured():
    fac = pd.concat([features.layer_data(i) for i in ("computing", "parks_platforms", "hubs")], ignore_index=True)
    pts = fac.geometry.values
    city = fac["precision"] == "city"
    seat = boundaries.representative_points(fac.loc[city, "prefecture_code"], "prefecture").values
    assert shapely.equals(pts[city.to_numpy()], seat).all()
    district = fac["precision"] == "district"
    seat = boundaries.representative_points(fac.loc[district, "district_code"], "county").values
    assert shapely.equals(pts[district.to_numpy()], seat).all()
    site = fac["precision"] == "site"
    assert np.allclose(shapely.get_x(pts[site.to_numpy()]), fac.loc[site, "lon"].astype(float))
    unknown = fac["precision"] == "unknown"
    assert shapely.is_missing(pts[unknown.to_numpy()]).all()
    assert fac.loc[unknown, "note"].str.len().gt(0).all()


def test_tianhe_airport_is_the_one_cited_site():
    hubs = features.layer_data("hubs").set_index("id")
    tianhe = hubs.loc["apt-wuhan-tianhe"]
    assert tianhe["precision"] == "site" and tianhe["district_code"] == "420116"
    assert (tianhe.geometry.x, tianhe.geometry.y) == pytest.approx((114.20806, 30.78361))


def test_layout_roles_follow_article_3():
    layout = features.layer_data("layout").set_index("code")
    assert layout.loc["420100", "role"] == "core"
    assert sorted(layout.index[layout["role"] == "wing"]) == ["420500", "420600"]
    assert (layout["role"] == "support").sum() == 14
    special = layout["specialisation_zh"].dropna().to_dict()
    assert special == {"420300": "绿色数据中心", "420700": "智慧物流", "421000": "智能家电"}
    for text in special.values():
        assert text in _article(3)


def test_dissolved_zones_are_the_union_of_their_members():
    circles = features.layer_data("metro_circles").set_index("circle")
    pref = boundaries.units("prefecture").set_index("code").geometry
    for circle, row in circles.iterrows():
        members = row["member_codes"].split(";")
        expected = shapely.union_all(pref.loc[members].values)
        assert shapely.equals(shapely.normalize(row.geometry), shapely.normalize(expected)), circle
    belt = features.layer_data("river_belt").set_index("river")
    assert set(belt.index) == {"yangtze", "han"}
    rows = features.table("layers/river_belt.csv")
    assert sorted(belt.loc["han", "member_codes"].split(";")) == sorted(rows.loc[rows["river"] == "han", "code"])


def test_schematic_lines_run_from_wuhan_to_the_border_toward_their_far_end():
    lines = features.layer_data("quantum_lines").set_index("id")
    wuhan = boundaries.representative_points(["420100"], "prefecture").iloc[0]
    hubei = boundaries.unit("420000").geometry
    terminals = boundaries.context("terminals").set_index("code").geometry
    drawn = lines[lines["drawn"]]
    assert set(drawn.index) == {"q-wuhe", "q-jinghan", "q-hanguang"}
    for _, row in drawn.iterrows():
        start, end = shapely.Point(row.geometry.coords[0]), shapely.Point(row.geometry.coords[-1])
        assert start.distance(wuhan) < 1e-9
        assert hubei.boundary.distance(end) < 1e-6  # stops at the provincial border
        far = terminals[row["far_end_code"]]
        assert end.distance(far) < start.distance(far)  # heads toward the far end
        assert row["geometry_kind"] == "schematic"
    wuhe = lines.loc["q-wuhe"]
    assert (wuhe["in_service_date"], wuhe["length_km"], wuhe["stations"]) == ("2018-11-13", 609, 11)
    assert not lines.loc[lines["far_end_code"].isna(), "drawn"].any()


def test_targets_quote_their_articles():
    targets = features.table("layers/plan_targets.csv")
    assert len(targets) >= 40
    for _, row in targets.iterrows():
        assert row["indicator_zh"] in _article(row["plan_article"]), row["target_id"]
    by_value = {(r.plan_article, r.value, r.unit) for r in targets.itertuples()}
    for expected in [(18, 120000, "个"), (18, 70, "%"), (19, 210000, "架"), (6, 3200, "亿元"), (2, 5500, "亿元")]:
        assert expected in by_value, expected
    gigabit = targets[targets["indicator_zh"].str.contains("千兆宽带用户")]
    assert gigabit["value"].tolist() == [4_000_000]


def test_every_row_cites_a_known_source():
    known = set(features.table("sources.csv")["source_id"])
    for path in schema.TABLES:
        frame = features.table(path)
        if "source_ids" in frame:
            assert frame["source_ids"].map(lambda ids: bool(ids) and set(ids) <= known).all(), path


def test_shipped_data_validates():
    assert [str(p) for p in validate_all()] == []


def _copy_data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _validate(data: Path) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("hubei-map"))
    env = {"HUBEI_MAP_DATA": str(data), "PATH": "/usr/bin:/bin"}
    env |= {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}  # a worktree's code
    return subprocess.run([exe, "validate"], capture_output=True, text=True, env=env)


def test_validate_cli_fails_clearly_on_a_corrupted_copy(tmp_path):
    data = _copy_data(tmp_path)
    facilities = data / "layers" / "facilities.csv"
    lines = facilities.read_text(encoding="utf-8").splitlines()
    assert lines[4].startswith("dc-cmcc-xiangyang,")
    lines[4] = lines[4].replace(",420600,", ",421600,", 1)  # data row 4: a prefecture code that does not exist
    facilities.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = data / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("\nF42,", "\nF42x,"), encoding="utf-8")
    result = _validate(data)
    assert result.returncode == 1
    assert "layers/facilities.csv, row 4, field 'prefecture_code': '421600' is not a prefecture-level Hubei code" in (
        result.stderr
    )
    assert "layers/quantum_lines.csv, row 1, field 'source_ids': unknown source id(s) ['F42']" in result.stderr
    assert "problem(s)" in result.stderr.splitlines()[-1]


def test_validate_cli_catches_a_point_outside_its_unit(tmp_path):
    data = _copy_data(tmp_path)
    facilities = data / "layers" / "facilities.csv"
    text = facilities.read_text(encoding="utf-8").replace("114.20806,30.78361", "30.78361,114.20806")  # swapped
    facilities.write_text(text, encoding="utf-8")
    result = _validate(data)
    assert result.returncode == 1
    assert "field 'lat': must be a latitude in -90..90 (are lon and lat swapped?)" in result.stderr


def test_validate_cli_passes_on_the_shipped_data():
    result = _validate(DATA_DIR)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 11 tables and 14 layers")
