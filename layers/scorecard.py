"""The plan's scorecard: every target with its status, latest actual, progress, evidence and places.

One table for every output: the web map's targets view, ``hubei-map targets``, the briefing pack's
evaluation pages and the exported scorecard all read ``scorecard()``. The status itself is decided by
``layers.evaluation`` (rule version ``evaluation.RULE_VERSION``); this module adds what a reader needs
beside it: the target as written, the sources in words and the units the target concerns.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

from layers import evaluation, features

#: Columns of the target as written, carried into the scorecard (``plan_targets.csv``).
TARGET_COLUMNS = (
    "target_id",
    "plan_article",
    "indicator_zh",
    "indicator_en",
    "comparator",
    "value",
    "value_stretch",
    "unit",
    "target_date",
    "measure",
    "responsible_zh",
    "map_layer",
    "map_features",
)


def scorecard(today: dt.date | None = None) -> pd.DataFrame:
    """Every target (``plan_targets.csv`` order) with its evaluation on ``today`` (default: today's date).

    Columns: ``TARGET_COLUMNS``, then the columns of ``evaluation.evaluate_all`` (``base_date`` among
    them: the target's base year, for growth and doubling targets), then ``sources``
    (the latest actual's sources in words) and ``unit_codes`` (``;``-joined prefecture codes the target
    concerns through its ``map_layer``/``map_features``; empty for province-wide targets).
    ``attrs`` carry ``rule_version`` and ``as_of`` (the evaluation date, ISO).
    """
    targets = features.table("layers/plan_targets.csv")
    evaluated = evaluation.evaluate_all(today)
    frame = targets.loc[:, list(TARGET_COLUMNS)].merge(evaluated, on="target_id", how="left", validate="one_to_one")
    frame["sources"] = [
        features.describe_sources(ids.split(";")) if ids else "" for ids in frame["latest_source_ids"].fillna("")
    ]
    frame["unit_codes"] = [
        ";".join(_unit_codes(layer, ids)) for layer, ids in zip(frame["map_layer"], frame["map_features"], strict=True)
    ]
    frame.attrs.update(evaluated.attrs)
    return frame


def _unit_codes(layer: object, ids: object) -> tuple[str, ...]:
    """Prefecture codes of a target's places: the chosen features of its layer (all of them if none are named)."""
    if not isinstance(layer, str) or not layer:
        return ()
    wanted = tuple(ids.split(";")) if isinstance(ids, str) and ids else ()
    return _codes_of(layer, wanted)


@functools.cache
def _codes_of(layer: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    frame = features.layer_data(layer)
    ids = features.feature_ids(layer, frame)
    chosen = frame[ids.isin(wanted).to_numpy()] if wanted else frame
    column = "prefecture_code" if "prefecture_code" in chosen else "code"
    return tuple(sorted({str(c) for c in chosen[column].dropna()}))


def targets_for_unit(code: str, today: dt.date | None = None) -> pd.DataFrame:
    """The scorecard rows of the targets tied to places in the prefecture ``code`` (6 digits)."""
    frame = scorecard(today)
    return frame[frame["unit_codes"].str.split(";").map(lambda codes: code in codes)].reset_index(drop=True)
