"""The 5G coverage layer (article 18), its CSV template, and the plan elements added from issue 15."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo import boundaries
from geo.paths import DATA_DIR
from layers import catalogue, features, palettes, style
from layers.vocabulary import NO_FIGURE_NOTE, VALUE_TEXT

EXE = str(Path(sys.executable).with_name("hubei-map"))
ROOT = Path(__file__).resolve().parents[1]  # this checkout's code, also for the CLI run in a subprocess
TEMPLATE = DATA_DIR / "templates" / "5g_stations_template.csv"
PLAN_TEXT = (DATA_DIR / "plan" / "hubei-digital-economy-plan-2022-2024.txt").read_text(encoding="utf-8")


def _article(number: int) -> str:
    match = re.search(rf"^{number}\.(.*?)(?=^\d+\.|\Z)", PLAN_TEXT, flags=re.S | re.M)
    assert match, f"article {number} not found in the plan text"
    return match.group(1)


@pytest.fixture(scope="module")
def fiveg() -> pd.DataFrame:
    return features.layer_data("5g_coverage").set_index("code")


def test_every_prefecture_is_a_feature_of_the_5g_layer(fiveg):
    assert sorted(fiveg.index) == sorted(boundaries.units("prefecture")["code"])
    assert catalogue.layer("5g_coverage").plan_articles == (18,)


def test_every_5g_value_has_its_source_date_and_confidence(fiveg):
    register = set(features.sources().index)
    for column in ("base_stations", "base_stations_per_10k"):
        shown = fiveg[fiveg[column].notna()]
        assert len(shown) > 0
        for code, row in shown.iterrows():
            ids = row[f"{column}_source_ids"].split(";")
            assert ids and set(ids) <= register, (code, column)
            assert set(ids) <= set(row["source_ids"].split(";")), "the feature's sources include each value's"
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row[f"{column}_date"]), (code, column)
            assert row[f"{column}_confidence"] in ("H", "M-H", "M", "L-M", "L")


def test_5g_values_are_the_latest_published_rows_of_the_network_series(fiveg):
    series = features.table("layers/network_series.csv")
    wuhan = series[(series["area_code"] == "420100") & (series["indicator"] == "5g_base_stations_all")]
    assert len(wuhan) >= 2  # several published values: the layer shows the latest
    latest = wuhan.loc[wuhan["date"].idxmax()]
    assert fiveg.loc["420100", "base_stations"] == latest["value"] == 34000
    assert fiveg.loc["420100", "base_stations_date"] == latest["date"] == "2022-09-28"
    assert fiveg.loc["420600", "base_stations"] == 1600 and fiveg.loc["420600", "base_stations_date"] == "2020-10-27"


def test_units_without_a_published_figure_are_no_data_never_zero(fiveg):
    values = fiveg[["base_stations", "base_stations_per_10k"]]
    assert not (values == 0).any().any()
    empty = values.isna().all(axis=1)
    assert empty.sum() == 15  # only Wuhan and Xiangyang have a published city figure
    assert (fiveg.loc[empty, "has_figure"] == "no").all()
    assert (fiveg.loc[empty, "note"] == NO_FIGURE_NOTE).all()
    assert fiveg.loc[empty, "coverage_class"].str.startswith("no_figure").all()


def test_gigabit_status_comes_from_the_designation_table(fiveg):
    designated = set(features.table("layers/network_designations.csv")["code"])
    assert designated == {"420100", "420500", "420800"}
    assert set(fiveg.index[fiveg["gigabit_city"] == "yes"]) == designated
    assert fiveg.loc["420500", "coverage_class"] == "no_figure_gigabit_city"
    assert fiveg.loc["420100", "coverage_class"] == "figure_gigabit_city"
    assert "T01" in fiveg.loc["420500", "source_ids"].split(";")


def test_5g_style_colours_every_class_and_uses_the_no_data_grey():
    categories = style.style("fiveg_coverage")["categories"]
    assert set(categories["colors"]) == set(VALUE_TEXT["coverage_class"])
    assert categories["colors"]["no_figure"] == palettes.NO_DATA_COLOR
    assert set(categories["labels_zh"]) == set(categories["labels_en"]) == set(categories["colors"])


def test_5g_panel_entry_says_what_is_and_is_not_published():
    spec = catalogue.layer("5g_coverage")
    assert "已公布" in spec.description_zh and "未公布" in spec.description_zh and "不是零" in spec.description_zh
    assert "Not published" in spec.description_en and "not zero" in spec.description_en
    assert "5g_stations_template.csv" in spec.description_en


def test_the_template_lists_every_prefecture_with_an_empty_value_column():
    with TEMPLATE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    units = boundaries.units("prefecture").set_index("code")["name_zh"]
    assert [r["code"] for r in rows] == list(units.index)
    assert [r["name"] for r in rows] == list(units)
    assert all(r["value"] == "" for r in rows)


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HUBEI_MAP_DATA": str(data), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=env)


def test_the_filled_template_is_accepted_and_mapped(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    filled = [lines[0]]
    for i, line in enumerate(lines[1:]):
        code, name, _, note = line.split(",")
        if code == "429021":
            continue  # a unit the office has no figure for: its row is deleted, so it stays no data
        filled.append(f"{code},{name},{1000 + i},{note}")
    table = tmp_path / "filled.csv"
    table.write_text("\n".join(filled) + "\n", encoding="utf-8")
    args = ["indicators", "add", str(table), "--id", "fiveg_stations_test", "--title", "5G基站数", "--unit", "个"]
    result = _cli(data, *args, "--year", "2024", "--source", "省通信管理局（内部数据）")
    assert result.returncode == 0, result.stderr
    assert "16 units joined on code" in result.stdout
    shown = _cli(data, "indicators", "show", "fiveg_stations_test", "--format", "json")
    values = {r["code"]: r["value"] for r in json.loads(shown.stdout)}
    assert values["420100"] == 1000 and values.get("429021") is None  # no data, not zero
    assert _cli(data, "validate").returncode == 0
    # Mapped: the choropleth classes the new indicator and counts the unit left out as no data.
    code = (
        "from layers import choropleth;"
        "c = choropleth.choropleth('fiveg_stations_test', scheme='quantiles', k=4);"
        "t = c.table.set_index('code');"
        "print(c.classification.no_data_count, t.loc['429021', 'value'], t.loc['420100', 'value'])"
    )
    env = {"HUBEI_MAP_DATA": str(data), "PYTHONPATH": str(ROOT)}
    mapped = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert mapped.returncode == 0, mapped.stderr
    assert mapped.stdout.split() == ["1", "nan", "1000.0"]


def test_an_unfilled_template_row_is_refused_with_what_to_do(tmp_path):
    result = _cli(DATA_DIR, "indicators", "add", str(TEMPLATE), "--id", "x", "--title", "x", "--source", "x")
    assert result.returncode == 1
    assert "row 1, field 'value': empty; a unit without a figure has no data: delete its row" in result.stderr


# --- the plan elements issue 15 found missing ---------------------------------------------------


def test_new_facilities_are_named_in_their_articles_with_honest_places():
    fac = features.table("layers/facilities.csv").set_index("id")
    ltps = fac.loc["line-ltps-display"]
    assert ltps["name_zh"] in _article(5) and ltps["plan_article"] == 5
    assert ltps["precision"] == "city" and ltps["prefecture_code"] == "420100" and "P02" in ltps["source_ids"]
    centre = fac.loc["plat-basic-software-centre"]
    assert centre["name_zh"] in _article(6) and centre["plan_article"] == 6
    assert centre["precision"] == "unknown" and pd.isna(centre["prefecture_code"]) and centre["note"]


def test_huahu_airport_is_at_its_cited_coordinate():
    hubs = features.layer_data("hubs").set_index("id")
    huahu = hubs.loc["apt-ezhou-huahu"]
    assert huahu["precision"] == "site" and "P03" in huahu["source_ids"].split(";")
    assert (huahu.geometry.x, huahu.geometry.y) == pytest.approx((115.0296111, 30.3428556))
    assert boundaries.unit("420704").geometry.contains(huahu.geometry)  # 鄂城区, as the sources say


def test_plan_designations_follow_their_articles():
    table = features.table("layers/plan_designations.csv").set_index("id")
    for _, row in table.iterrows():
        assert row["designation_zh"] in _article(row["plan_article"])
        assert "PLAN" in row["source_ids"]
    assert table.loc["wuhan-international-consumption-centre", ["code", "designation_status"]].tolist() == [
        "420100",
        "aim",
    ]
    regional = table[table["designation_zh"] == "区域消费中心城市"]
    assert sorted(regional["code"]) == ["420500", "420600"]
    assert table.loc["wuhan-software-city", "designation_status"] == "held"
    assert sorted(table.loc[table["designation_zh"] == "零碳绿色大数据中心集群", "code"]) == ["420300", "420500"]
    hub = table.loc["computing-hub-central-node"]
    assert pd.isna(hub["code"]) and hub["plan_article"] == 19 and "NO PLACE" in hub["note"]
    drawn = features.layer_data("plan_designations").set_index("code")
    records = [i for ids in drawn["record_ids"] for i in ids.split(";")]
    assert sorted(records) == sorted(set(table.index) - {"computing-hub-central-node"})  # no place: not drawn
    # One feature per unit, listing all its titles and aims (Wuhan's two do not hide each other).
    assert sorted(drawn.index) == ["420100", "420300", "420500", "420600"]
    assert drawn.loc["420100", "designation_zh"].split(";") == ["国际消费中心城市", "中国软件特色名城"]
    assert drawn.loc["420100", "designation_status"] == "aim;held"
    assert drawn.loc["420500", "plan_articles"] == "7;19"
    colours = style.style("plan_designation")["categories"]["colors"]
    assert set(drawn["designation_status"]) <= set(colours) == set(VALUE_TEXT["designation_status"])


def test_a_designation_without_place_or_note_is_refused(tmp_path):
    from layers import schema

    path = tmp_path / "plan_designations.csv"
    path.write_text(
        "id,code,designation_zh,designation_en,designation_status,date,plan_article,source_ids,note\n"
        "x,,某称号,A title,aim,,19,PLAN,\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match=r"row 1.*needs a note"):
        schema.read_table(path, "plan_designation")
