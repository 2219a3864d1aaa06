"""Tables without geometry that go with exports.

The indicator catalogue, the plan's targets and actuals, and the evaluation scorecard.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from app.export.cells import TOOL, neutralise_formulas, tool_version
from app.i18n import t
from layers import features


def write_table_csv(table: pd.DataFrame, path: Path) -> None:
    """A table as CSV for spreadsheets: UTF-8 with BOM, formulas neutralised, CRLF rows."""
    table = table.map(neutralise_formulas)
    # CRLF rows (RFC 4180): a line break inside a value is then always quoted, never a new row.
    table.to_csv(path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


SCORECARD_TABLE = "plan_scorecard"


def scorecard_table(as_of: dt.date | None = None) -> pd.DataFrame:
    """The plan's scorecard (``layers.scorecard``) as one flat table for files: a row per target, no geometry.

    The scorecard's columns, with ``as_of`` renamed ``evaluated_on`` and preceded by ``rule_version``
    (``evaluation.RULE_VERSION``), so that every row names the rule and the date its status comes from;
    ``stretch_met`` is a nullable boolean. ``attrs`` keep ``rule_version`` and ``as_of``.
    """
    from layers import scorecard  # the evaluation loads for the exports that carry it (gpkg, csv) only

    frame = scorecard.scorecard(as_of)
    attrs = dict(frame.attrs)
    frame["stretch_met"] = frame["stretch_met"].astype("boolean")
    position = frame.columns.get_loc("as_of")
    frame = frame.rename(columns={"as_of": "evaluated_on"})
    frame.insert(int(position), "rule_version", attrs["rule_version"])  # type: ignore[arg-type]
    frame.attrs.update(attrs)
    return frame


def scorecard_metadata(table: pd.DataFrame) -> dict[str, Any]:
    """The metadata block of the exported scorecard: what it is, which rule and evaluation date, when."""
    from layers import evaluation

    return {
        "table": SCORECARD_TABLE,
        "title_zh": t("scorecard_table_title", "zh"),
        "title_en": t("scorecard_table_title", "en"),
        "description_zh": t("scorecard_table_description", "zh"),
        "description_en": t("scorecard_table_description", "en"),
        "rule": "layers/evaluation.py; data/layers/README.md, 'How a target's status is decided'",
        "rule_version": table.attrs["rule_version"],
        "evaluated_on": table.attrs["as_of"],
        "statuses": {s: {"zh": v.zh, "en": v.en} for s, v in evaluation.STATUS_STYLE.items()},
        "rows": len(table),
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "tool": f"{TOOL} {tool_version()}",
    }


def gpkg_tables() -> dict[str, pd.DataFrame]:
    """The indicator catalogue, the plan's targets and their actuals as flat tables, by GeoPackage table name."""
    from layers import indicators

    specs = indicators.catalogue().values()
    catalogue_table = pd.DataFrame(
        [
            {k: v if not isinstance(v, tuple | dict) else json.dumps(v, ensure_ascii=False) for k, v in vars(s).items()}
            for s in specs
        ]
    )
    return {
        "indicator_catalogue": catalogue_table,
        "plan_targets": pd.DataFrame(features.table("layers/plan_targets.csv")).map(
            lambda v: ";".join(v) if isinstance(v, list) else v
        ),
        "target_actuals": pd.DataFrame(features.table("layers/target_actuals.csv")).map(
            lambda v: ";".join(v) if isinstance(v, list) else v
        ),
    }
