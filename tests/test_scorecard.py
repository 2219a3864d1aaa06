"""The scorecard: every target once, with its evaluation, sources in words and the units it concerns."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from layers import evaluation, features, scorecard, validate

DAY = dt.date(2026, 11, 30)


def test_every_target_once_in_file_order_with_status_and_rule_version():
    frame = scorecard.scorecard(DAY)
    targets = features.table("layers/plan_targets.csv")
    assert frame["target_id"].tolist() == targets["target_id"].tolist()
    assert set(frame["status"]) <= set(evaluation.STATUSES)
    assert frame.attrs == {"rule_version": evaluation.RULE_VERSION, "as_of": "2026-11-30"}


def test_sources_are_named_in_words_for_every_target_with_an_actual():
    frame = scorecard.scorecard(DAY)
    with_actual = frame[frame["latest_value"].notna()]
    assert not with_actual.empty
    for ids, words in zip(with_actual["latest_source_ids"], with_actual["sources"], strict=True):
        for source_id in ids.split(";"):
            assert f"[{source_id}]" in words


def test_places_come_from_the_linked_layer():
    frame = scorecard.scorecard(DAY).set_index("target_id")
    # The gigabit cities are Wuhan, Yichang and Jingmen (network_designations.csv).
    assert frame.loc["T-art18-gigabit", "unit_codes"] == "420100;420500;420800"
    # Only the two airports named: Wuhan (Tianhe) and Ezhou (Huahu).
    assert frame.loc["T-art11-cargo-cities", "unit_codes"] == "420100;420700"
    assert frame.loc["T-art2-core-va-2024", "unit_codes"] == ""


def test_a_prefecture_lists_the_targets_that_concern_it():
    xiangyang = scorecard.targets_for_unit("420600", DAY)
    assert xiangyang["target_id"].tolist() == ["T-art19-racks"]  # two data centres in Xiangyang
    assert scorecard.targets_for_unit("421300", DAY).empty  # Suizhou: no place of any target


def test_validate_names_a_target_link_to_a_missing_feature():
    targets = features.table("layers/plan_targets.csv").copy()
    row = targets.index[targets["target_id"] == "T-art13-id-reg"][0]
    targets.loc[row, "map_features"] = "node-that-is-not-there"
    targets.loc[0, "map_layer"] = "no_such_layer"
    problems = validate.check_target_places(pd.DataFrame(targets))
    messages = {(p.row, p.field): p.message for p in problems}
    assert "node-that-is-not-there" in messages[(row + 1, "map_features")]
    assert "no_such_layer" in messages[(1, "map_layer")]
