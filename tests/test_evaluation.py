"""The status rule (layers/evaluation.py): fixed cases built here, then the shipped data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from layers import evaluation, features, validate
from layers.evaluation import ConflictingActualsError, UnitMismatchError, evaluate

AFTER = dt.date(2025, 6, 30)  # the plan's deadline 2024-12-31 has passed
DURING = dt.date(2023, 12, 31)  # the plan is running


def target(**kw):
    row = {
        "target_id": "T-x",
        "comparator": ">=",
        "value": 100.0,
        "value_stretch": None,
        "unit": "个",
        "target_date": "2024-12-31",
        "measure": "stock",
        "base_date": None,
        "series_target": None,
    }
    row.update(kw)
    return row


def actual(date, value, period="point", unit="个", use="yes", note=None, sources="S1"):
    return {
        "target_id": "T-x",
        "date": date,
        "value": value,
        "unit": unit,
        "period": period,
        "status_use": use,
        "source_ids": sources,
        "note": note,
    }


CASES = [
    # (name, target overrides, actuals, today, status, projected)
    ("ge-equal-met", {}, [actual("2024-12-31", 100)], AFTER, "met", False),
    ("ge-below-not-met", {}, [actual("2024-12-31", 99)], AFTER, "not_met", False),
    ("gt-equal-not-met", {"comparator": ">"}, [actual("2024-12-31", 100)], AFTER, "not_met", False),
    ("gt-above-met", {"comparator": ">"}, [actual("2025-01-31", 101)], AFTER, "met", False),
    ("eq-reach-n-met", {"comparator": "="}, [actual("2024-12-31", 105)], AFTER, "met", False),
    ("eq-below-not-met", {"comparator": "="}, [actual("2024-12-31", 99)], AFTER, "not_met", False),
    ("stock-early", {}, [actual("2023-06-30", 120)], DURING, "met", False),
    ("new-since-start-early", {"measure": "new_since_start"}, [actual("2023-06-30", 100)], DURING, "met", False),
    (
        "share-not-early",
        {"measure": "share", "unit": "%"},
        [actual("2023-06-30", 120, unit="%")],
        DURING,
        "on_track",
        True,
    ),
    ("compound-on-track", {}, [actual("2022-12-31", 50), actual("2023-12-31", 80)], AFTER, "on_track", True),
    ("compound-at-risk", {}, [actual("2022-12-31", 50), actual("2023-12-31", 55)], AFTER, "at_risk", True),
    ("one-point-below", {}, [actual("2021-12", 25)], AFTER, "at_risk", False),
    ("no-value", {}, [actual("2024-10-31", None, note="not published as a number")], AFTER, "no_data", False),
    ("nothing", {}, [], AFTER, "no_data", False),
    ("after-today-ignored", {}, [actual("2024-12-31", 150)], DURING, "no_data", False),
]


@pytest.mark.parametrize(("name", "over", "rows", "today", "status", "projected"), CASES, ids=[c[0] for c in CASES])
def test_statuses_and_comparators(name, over, rows, today, status, projected):
    ev = evaluate(target(**over), rows, today=today)
    assert (ev.status, ev.projected) == (status, projected)
    assert ev.as_of == today
    assert ev.label_en == evaluation.STATUS_LABELS[status][1]


def test_compound_projection_shows_its_basis():
    ev = evaluate(target(), [actual("2022-12-31", 50), actual("2023-12-31", 80)], today=AFTER)
    assert ev.projected_value == pytest.approx(128, rel=1e-3)
    assert "compound" in ev.basis_en and "2022-12-31: 50" in ev.basis_en and "2023-12-31: 80" in ev.basis_en
    assert "复合增长" in ev.basis_zh
    assert ev.latest_value == 80 and ev.latest_date == "2023-12-31" and ev.progress == pytest.approx(0.8)


def test_linear_projection_when_a_point_is_not_positive():
    t = target(measure="share", unit="%", value=70.0)
    ev = evaluate(t, [actual("2022-12-31", 0, unit="%"), actual("2023-12-31", 30, unit="%")], today=AFTER)
    assert (ev.status, ev.projected) == ("at_risk", True)
    assert ev.projected_value == pytest.approx(60, rel=1e-3)
    assert "linear" in ev.basis_en
    assert ev.progress is None  # a share: progress would mislead


def test_reached_early_is_noted_and_stretch_waits_for_the_deadline():
    ev = evaluate(target(value_stretch=150.0), [actual("2023-06-30", 120)], today=DURING)
    assert ev.status == "met" and "reached early" in ev.note and "reached early" in ev.basis_en
    assert ev.stretch_met is None
    late = evaluate(target(value_stretch=150.0), [actual("2023-06-30", 120)], today=AFTER)
    assert late.stretch_met is False


def test_flow_full_year_decides_and_reports_the_stretch():
    t = target(measure="flow", unit="亿元", value=3200.0, value_stretch=3500.0)
    met = evaluate(t, [actual("2024", 3300, "year", unit="亿元")], today=AFTER)
    assert (met.status, met.stretch_met) == ("met", False)
    assert evaluate(t, [actual("2024", 3600, "year", unit="亿元")], today=AFTER).stretch_met is True
    assert evaluate(t, [actual("2024", 3100, "year", unit="亿元")], today=AFTER).status == "not_met"


def test_ytd_of_the_deadline_year_proves_met_early_or_is_annualised():
    t = target(measure="flow", unit="亿元", value=3200.0)
    early = evaluate(t, [actual("2024-09-30", 3300, "ytd", unit="亿元")], today=AFTER)
    assert (early.status, early.projected) == ("met", False)
    assert "year-to-date" in early.basis_en
    annualised = evaluate(t, [actual("2024-09-30", 2385.29, "ytd", unit="亿元")], today=AFTER)
    assert (annualised.status, annualised.projected) == ("at_risk", True)
    assert annualised.projected_value == pytest.approx(2385.29 * 12 / 9)
    assert "annualised" in annualised.basis_en and "annualised" in annualised.note


def test_flow_projects_full_years_by_compound_growth():
    t = target(measure="flow", unit="亿元", value=5500.0, base_date="2021")
    rows = [actual("2018", 1956.97, "year", unit="亿元"), actual("2021", 3215.83, "year", unit="亿元")]
    ev = evaluate(t, rows, today=AFTER)
    assert (ev.status, ev.projected) == ("at_risk", True)
    assert ev.projected_value == pytest.approx(3215.83 * (3215.83 / 1956.97), rel=1e-9)
    assert (ev.base_value, ev.base_date) == (3215.83, "2021")


def _growth(**kw):
    return (
        target(
            target_id="T-g",
            measure="growth",
            unit="%",
            value=15.0,
            comparator=">",
            base_date="2021",
            series_target="T-l",
        )
        | kw
    )


LEVEL = target(target_id="T-l", measure="flow", unit="亿元", value=10000.0)


def test_growth_is_the_compound_rate_from_the_base_year():
    rows = [actual("2021", 8000, "year", unit="亿元"), actual("2024", 12500, "year", unit="亿元")]
    ev = evaluate(_growth(), rows, today=AFTER, level_target=LEVEL)
    assert (ev.status, ev.projected) == ("met", False)
    assert ev.latest_value == pytest.approx(((12500 / 8000) ** (1 / 3) - 1) * 100)
    assert (ev.base_value, ev.base_date) == (8000, "2021") and "2021 (base) 8,000" in ev.basis_en
    assert ev.progress is None
    slow = [actual("2021", 8000, "year", unit="亿元"), actual("2023", 10000, "year", unit="亿元")]
    ev = evaluate(_growth(), slow, today=AFTER, level_target=LEVEL)
    assert (ev.status, ev.projected) == ("at_risk", True)
    assert ev.projected_value == pytest.approx(11.80, abs=0.01)


def test_growth_without_a_base_year_value_has_no_data():
    ev = evaluate(_growth(), [actual("2023", 10000, "year", unit="亿元")], today=AFTER, level_target=LEVEL)
    assert ev.status == "no_data" and "base year 2021" in ev.basis_en
    with pytest.raises(ValueError, match=r"T-g.*level_target"):
        evaluate(_growth(), [], today=AFTER)


def test_annual_target_is_judged_year_by_year():
    t = target(measure="annual", target_date=None, value=30.0, comparator="=")
    rows = [actual("2022", 32, "year"), actual("2023", 35, "year")]
    ev = evaluate(t, rows, today=AFTER)
    assert ev.status == "met" and "2024" in ev.note and "no data for 2024" in ev.basis_en
    assert evaluate(t, [*rows, actual("2024", 29, "year")], today=AFTER).status == "not_met"
    assert evaluate(t, rows, today=dt.date(2024, 3, 1)).status == "on_track"
    assert evaluate(t, [actual("2024-06", 31, "ytd")], today=AFTER).status == "met"  # year-to-date already there


def test_revised_series_uses_the_row_marked_yes():
    rows = [
        actual("2024-12-31", 90, sources="S1"),
        actual("2024-12-31", 110, use="no", note="revised later, narrower scope", sources="S2"),
    ]
    ev = evaluate(target(), rows, today=AFTER)
    assert ev.status == "not_met" and ev.latest_value == 90 and ev.latest_source_ids == ("S1",)
    assert "set aside" in ev.note and "narrower scope" in ev.note
    both = [actual("2024-12-31", 90), actual("2024-12", 110, sources="S2")]
    with pytest.raises(ConflictingActualsError, match=r"T-x: rows 1 and 2"):
        evaluate(target(), both, today=AFTER)
    agree = evaluate(target(), [actual("2024-12-31", 100), actual("2024-12", 100, sources="S2")], today=AFTER)
    assert agree.latest_source_ids == ("S1", "S2")


def test_unit_mismatch_is_refused_naming_target_and_row():
    rows = pd.DataFrame([actual("2023-12-31", 50), actual("2024-12-31", 12, unit="万个")], index=[6, 7])
    with pytest.raises(UnitMismatchError, match=r"target T-x: actual row 8 \(2024-12-31, S1\).*'万个'.*'个'"):
        evaluate(target(), rows, today=AFTER)


def test_a_period_the_measure_does_not_allow_is_refused():
    with pytest.raises(ValueError, match=r"T-x.*period 'ytd'"):
        evaluate(target(), [actual("2024-06", 50, "ytd")], today=AFTER)


def test_no_data_keeps_the_note_of_an_empty_value():
    ev = evaluate(target(), [actual("2024-10-31", None, note="村村通, no percentage published")], today=AFTER)
    assert ev.status == "no_data" and "村村通" in ev.note and ev.latest_value is None


def test_styles_are_defined_once_and_distinct():
    assert set(evaluation.STATUS_STYLE) == set(evaluation.STATUSES)
    assert len({s.colour for s in evaluation.STATUS_STYLE.values()}) == len(evaluation.STATUSES)
    assert len({s.symbol for s in evaluation.STATUS_STYLE.values()}) == len(evaluation.STATUSES)
    assert evaluation.STATUS_LABELS["at_risk"] == ("滞后", "At risk")


# --- the shipped data ---------------------------------------------------------------------------

SHIPPED_TODAY = dt.date(2026, 11, 30)


def test_every_actual_is_in_its_targets_unit_and_cites_known_sources():
    targets = features.table("layers/plan_targets.csv").set_index("target_id")
    actuals = features.table("layers/target_actuals.csv")
    known = set(features.table("sources.csv")["source_id"])
    for row in actuals.itertuples():
        assert row.unit == targets.loc[row.target_id, "unit"], (row.target_id, row.date)
        assert set(row.source_ids) <= known, (row.target_id, row.source_ids)


def test_every_target_has_a_measure_and_growth_targets_a_base():
    targets = features.table("layers/plan_targets.csv")
    assert len(targets) == 50
    growth = targets[targets["measure"] == "growth"]
    assert set(growth["target_id"]) == {"T-art5-electronics-growth", "T-art7-telecom-growth"}
    assert set(growth["base_date"]) == {"2021"}
    assert set(targets.loc[targets["measure"] == "annual", "target_id"]) == {
        "T-art4-rd-projects",
        "T-art8-fortune500",
        "T-art9-cases",
        "T-art20-scenarios",
    }


def test_evaluate_all_on_the_shipped_data():
    frame = evaluation.evaluate_all(SHIPPED_TODAY)
    targets = features.table("layers/plan_targets.csv")
    assert list(frame["target_id"]) == list(targets["target_id"])
    assert frame["status"].isin(evaluation.STATUSES).all()
    assert frame.attrs["rule_version"] == evaluation.RULE_VERSION and (frame["as_of"] == "2026-11-30").all()
    status = frame.set_index("target_id")
    assert status.loc["T-art18-5g", "status"] == "met"  # 163,800 by 2024-10-31 >= 120,000, 182,500 after
    assert status.loc["T-art13-id-reg", "status"] == "met"
    assert tuple(status.loc["T-art6-software", ["status", "projected"]]) == ("met", False)  # 3,546.96 in 2024
    assert tuple(status.loc["T-art2-core-va-2024", ["status", "projected"]]) == ("at_risk", True)
    assert status.loc["T-art2-core-va-2024", "base_value"] == pytest.approx(3215.83)
    assert status.loc["T-art19-racks", "status"] == "at_risk" and "set aside" in status.loc["T-art19-racks", "note"]
    assert tuple(status.loc["T-art18-village-5g", ["status", "projected"]]) == ("on_track", True)  # 100% (村村通)
    assert sum(evaluation.summary(frame).values()) == 50


def test_validate_names_file_row_and_field_of_a_unit_mismatch_and_a_conflict():
    tables = {p: features.table(p) for p in ("layers/plan_targets.csv", "layers/target_actuals.csv")}
    assert validate.check_target_actuals(tables) == []
    actuals = tables["layers/target_actuals.csv"].copy()
    actuals.loc[2, "unit"] = "万个"
    used = actuals.index[(actuals["target_id"] == "T-art18-5g") & (actuals["status_use"] == "no")][0]
    actuals.loc[used, "status_use"] = "yes"
    actuals.loc[used, "date"] = "2022-12-31"  # same date as the all-stations row, another value
    problems = validate.check_target_actuals({**tables, "layers/target_actuals.csv": actuals})
    text = [str(p) for p in problems]
    assert any(t.startswith("layers/target_actuals.csv, row 3, field 'unit'") and "T-art18-5g" in t for t in text)
    assert any("field 'status_use'" in t and "different values" in t for t in text)
