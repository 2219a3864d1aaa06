from __future__ import annotations

import json
import math

import pytest

from geo import boundaries, datafiles
from layers import features, indicators
from layers.choropleth import choropleth

SPECS = list(indicators.catalogue().values())
KNOWN_SOURCES = set(features.table("sources.csv")["source_id"])


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_indicator_is_complete_and_sourced(spec):
    for key in ("title_zh", "title_en", "year", "description_zh", "description_en", "licence"):
        assert getattr(spec, key), key
    vals = indicators.values(spec.id)
    assert len(vals) > 0
    assert vals["code"].is_unique
    assert set(vals["code"]) <= set(boundaries.units(spec.level)["code"])  # level consistent
    assert set(spec.source_ids) <= KNOWN_SOURCES
    if spec.derived is None:
        assert vals["source_ids"].map(lambda ids: bool(ids) and set(ids) <= KNOWN_SOURCES).all()
        assert vals["confidence"].isin(["H", "M-H", "M", "L-M", "L"]).all()
    else:
        assert spec.formula_zh and spec.formula_en
    if spec.kind == "numeric":
        numbers = vals["value"].astype(float)
        assert numbers.map(math.isfinite).all()
        assert (numbers >= 0).all() or "growth" in spec.id  # counts, money, people, areas are not negative
        if spec.unit_en == "%" and "growth" not in spec.id:
            assert numbers.between(0, 100).all()
    # and it can be drawn: every indicator classes and gets a legend
    legend = choropleth(spec.id).legend
    assert legend.title == spec.title_zh and legend.source.startswith("来源")


def test_missing_units_are_absent_not_zero():
    gdp = indicators.with_units("gdp_2023").set_index("code")
    assert math.isnan(gdp.loc["422800", "value"])  # Enshi has no GDP in the sources
    legend = choropleth("gdp_2023").legend
    assert legend.entries[-1].no_data and legend.entries[-1].count == 1


def test_derived_area_and_density_against_hand_computation():
    area = indicators.values("land_area").set_index("code")["value"]
    wuhan = boundaries.units("prefecture").set_index("code").loc[["420100"]]
    assert area["420100"] == pytest.approx(boundaries.area_km2(wuhan).iloc[0], abs=0.05)
    assert area["420100"] == pytest.approx(8_569, rel=0.01)  # official 8,569 km²
    pop = indicators.values("pop_census_2020").set_index("code")["value"]
    density = indicators.values("pop_density_2020").set_index("code")["value"]
    for code in ("420100", "429021"):
        assert density[code] == pytest.approx(pop[code] / area[code])
    assert density["420100"] == pytest.approx(12_326_518 / area["420100"])


def test_derived_share_and_facility_count():
    share = indicators.values("pop_share_2020").set_index("code")["value"]
    assert share.sum() == pytest.approx(100)
    assert share["420100"] == pytest.approx(12_326_518 / 57_752_557 * 100, rel=1e-9)
    counts = indicators.values("facility_count").set_index("code")["value"]
    fac = features.table("layers/facilities.csv")
    assert counts["420100"] == (fac["prefecture_code"] == "420100").sum()
    assert counts["420600"] == 2 and counts["422800"] == 0
    assert counts.sum() == fac["prefecture_code"].notna().sum()


def test_categorical_indicators():
    role = indicators.values("layout_role").set_index("code")["value"]
    assert role["420100"] == "core" and role["420500"] == "wing" and (role == "support").sum() == 14
    legend = choropleth("layout_role", lang="en").legend
    assert [(e.label, e.count) for e in legend.entries] == [("Core", 1), ("Wing", 2), ("Support point", 14)]
    circles = indicators.values("metro_circle").set_index("code")["value"]
    assert circles["420100"] == "wuhan" and "422800" not in circles.index


def test_legend_states_what_is_shown():
    legend = choropleth("pop_density_2020", scheme="natural_breaks", k=4, palette="viridis", lang="en").legend
    assert legend.title == "Population density (2020 census)"
    assert legend.subtitle == "Unit: persons/km² · 2020 · Natural breaks (Fisher-Jenks), 4 classes"
    assert sum(e.count for e in legend.entries) == 17
    assert legend.source.startswith("Sources: ")


def test_catalogue_errors_name_the_entry(tmp_path):
    raw = json.loads(indicators.CATALOGUE_FILE.read_text(encoding="utf-8"))
    entry = dict(raw["indicators"][1], level="township")
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"indicators": [entry]}), encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match=r"row 1, field 'level'"):
        indicators.load_catalogue(path)
    del entry["unit_zh"]
    path.write_text(json.dumps({"indicators": [entry]}), encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match=r"missing keys \['unit_zh'\]"):
        indicators.load_catalogue(path)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"confidence": "very high"}, "confidence", "'very high'"),
        ({"title_en": 12}, "title_en", "valid string"),
        ({"id": "gdp-2023"}, "id", "letters, digits, _"),
        ({"data": None, "derived": None}, "data", "exactly one of data and derived"),
        ({"data": None, "derived": {"method": "guess"}}, "(row)", "method must be one of"),
    ],
)
def test_catalogue_entry_types_and_choices_are_checked(tmp_path, change, field, words):
    raw = json.loads(indicators.CATALOGUE_FILE.read_text(encoding="utf-8"))
    entry = dict(raw["indicators"][1], **change)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"indicators": [entry]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(datafiles.DataFileError) as caught:
        indicators.load_catalogue(path)
    assert caught.value.field == field and words in str(caught.value)


def test_table_with_a_wrong_level_code(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,value,source_ids,confidence,note\n420100,1,PLAN,H,\n420102,2,PLAN,H,\n", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match=r"row 2, field 'code': '420102' is not a prefecture-level"):
        indicators.read_values(path, "prefecture")
