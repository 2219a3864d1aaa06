"""The ``targets`` command: how the plan is doing, target by target (``layers.scorecard``).

Only the standard library is imported here; the scorecard (pandas, the data) loads when the
command runs, so the parser and ``--help`` stay light. The statuses and the plan's article numbers
are repeated here for the same reason; tests/test_cli.py checks them against ``layers.evaluation``
and ``layers.schema``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.i18n import t

if TYPE_CHECKING:
    import pandas as pd

#: The statuses of ``layers.evaluation.STATUSES``, in its order.
STATUSES = ("met", "not_met", "on_track", "at_risk", "no_data")
#: The plan's articles are its numbered paragraphs 1-27 (``layers.schema.Article``, data/plan/README.md).
PLAN_ARTICLES = range(1, 28)

#: The table's columns: key -> (Chinese header, English header).
COLUMNS: dict[str, tuple[str, str]] = {
    "target_id": ("编号", "ID"),
    "article": ("条款", "Art."),
    "indicator": ("指标", "Indicator"),
    "target": ("目标", "Target"),
    "deadline": ("期限", "By"),
    "status": ("状态", "Status"),
    "latest": ("最新实际值", "Latest actual"),
    "latest_date": ("日期", "Date"),
    "progress": ("进度", "Progress"),
    "sources": ("来源", "Sources"),
}
#: The CSV's columns: the table's, with numbers as numbers and the status also as its code.
CSV_COLUMNS = (
    "target_id",
    "article",
    "indicator",
    "target",
    "deadline",
    "status",
    "status_label",
    "projected",
    "latest_value",
    "unit",
    "latest_date",
    "progress_pct",
    "sources",
)
#: Longest indicator shown in the table, in terminal columns (CSV and JSON keep it whole).
INDICATOR_WIDTH = 34
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plan_article(text: str) -> int:
    """``--article``: a number of one of the plan's articles."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number not in PLAN_ARTICLES:
        raise argparse.ArgumentTypeError(
            f"the plan's articles are numbered {PLAN_ARTICLES[0]}-{PLAN_ARTICLES[-1]}, got {text!r}"
        )
    return number


def iso_date(text: str) -> dt.date:
    """``--as-of``: a calendar date written YYYY-MM-DD."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date written YYYY-MM-DD, got {text!r}") from None


def _number(value: float) -> str:
    """A value for reading: thousands separated, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _present(value: Any) -> bool:
    """Whether a cell holds something (not None, NaN, pandas' NA or blank text)."""
    import pandas as pd

    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and not bool(pd.isna(value))


def _target_text(row: Mapping[str, Any], lang: str) -> str:
    """The target as written: comparator, value and unit, then the stretch value (力争) if any."""
    comparator = str(row["comparator"]).replace(">=", "≥")
    text = f"{comparator} {_with_unit(float(row['value']), str(row['unit']), lang)}"
    if _present(row["value_stretch"]):
        text += t("stretch", lang).format(value=_number(float(row["value_stretch"])))
    return text


def _with_unit(value: float, unit: str, lang: str) -> str:
    """A value with its unit in ``lang`` (``layers.vocabulary``: a bare count has none in English)."""
    from layers import vocabulary

    word = vocabulary.unit_word(unit, lang)
    return f"{_number(value)}{'' if word == '%' else ' '}{word}".strip()


def _status_text(row: Mapping[str, Any], lang: str) -> str:
    label = str(row["label_zh" if lang == "zh" else "label_en"])
    return label + (t("projected", lang) if bool(row["projected"]) else "")


def display_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """One row per target with the values the table and the CSV show (numbers left as numbers)."""
    rows = []
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    for row in records:
        latest = row["latest_value"] if _present(row["latest_value"]) else None
        progress = row["progress"] if _present(row["progress"]) else None
        rows.append(
            {
                "target_id": row["target_id"],
                "article": int(row["plan_article"]),
                "indicator": row["indicator_zh" if lang == "zh" else "indicator_en"],
                "target": _target_text(row, lang),
                "deadline": row["target_date"] if _present(row["target_date"]) else "",
                "status": row["status"],
                "status_label": _status_text(row, lang),
                "projected": bool(row["projected"]),
                "latest_value": latest,
                "unit": row["unit"],
                "latest_date": row["latest_date"] if latest is not None else "",
                "progress_pct": None if progress is None else round(100 * float(progress), 1),
                "sources": row["latest_source_ids"] if _present(row["latest_source_ids"]) else "",
            }
        )
    return rows


def summary_line(counts: Mapping[str, int], lang: str, rule_version: str, as_of: str) -> str:
    """The table's last line: how many targets, how many per status, which rule and evaluation date."""
    from layers import evaluation

    labels = {str(s): (style.zh if lang == "zh" else style.en) for s, style in evaluation.STATUS_STYLE.items()}
    counted = t("cli_sep", lang).join(f"{labels[s]} {counts.get(s, 0)}" for s in STATUSES)
    return t("summary", lang).format(n=sum(counts.values()), counts=counted, rule=rule_version, as_of=as_of)


def _table(rows: list[dict[str, Any]], lang: str) -> str:
    from app.cli.tables import text_table

    none = t("none", lang)
    shown = [
        {
            **row,
            "article": str(row["article"]),
            "status": row["status_label"],
            "latest": none if row["latest_value"] is None else _with_unit(row["latest_value"], row["unit"], lang),
            "latest_date": row["latest_date"] or none,
            "progress": none if row["progress_pct"] is None else f"{row['progress_pct']:.1f}%",
            "sources": row["sources"] or none,
            "deadline": row["deadline"] or none,
        }
        for row in rows
    ]
    headers = [(key, zh if lang == "zh" else en) for key, (zh, en) in COLUMNS.items()]
    right = ("article", "latest", "progress")
    return text_table(shown, headers, right=right, max_width={"indicator": INDICATOR_WIDTH})


def _json(frame: pd.DataFrame, args: argparse.Namespace, counts: Mapping[str, int]) -> str:
    """The targets as JSON: rule version, evaluation date, filters, counts and every column of each target."""
    import pandas as pd

    plain = frame.astype(object).where(frame.notna(), None)
    doc = {
        "rule_version": frame.attrs["rule_version"],
        "as_of": frame.attrs["as_of"],
        "filters": {"status": args.status, "article": args.article},
        "summary": dict(counts),
        "targets": plain.to_dict("records"),
    }

    def default(value: object) -> object:
        if value is pd.NA:
            return None
        if hasattr(value, "item"):  # numpy scalars
            return value.item()
        raise TypeError(f"not JSON serialisable: {value!r}")

    return json.dumps(doc, ensure_ascii=False, indent=1, default=default) + "\n"


def cmd_targets(args: argparse.Namespace) -> int:
    """Run ``hubei-map targets``; returns the exit code."""
    import pandas as pd

    from app import export
    from app.cli.tables import format_table
    from layers import evaluation

    try:
        frame = export.scorecard_table(args.as_of)
    except (evaluation.UnitMismatchError, evaluation.ConflictingActualsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("Run `hubei-map validate` to list every problem in the data.", file=sys.stderr)
        return 1
    attrs = dict(frame.attrs)
    if args.status:
        frame = frame[frame["status"] == args.status]
    if args.article is not None:
        frame = frame[frame["plan_article"] == args.article]
    frame = frame.reset_index(drop=True)
    frame.attrs.update(attrs)
    counts = {str(status): n for status, n in evaluation.summary(frame).items()}
    if args.format == "json":
        sys.stdout.write(_json(frame, args, counts))
        return 0
    rows = display_rows(frame, args.lang)
    if args.format == "csv":
        sys.stdout.write(format_table(pd.DataFrame(rows, columns=list(CSV_COLUMNS)), "csv"))
        return 0
    if rows:
        sys.stdout.write(_table(rows, args.lang))
    else:
        print(t("empty", args.lang))
    print(summary_line(counts, args.lang, attrs["rule_version"], attrs["as_of"]))
    return 0
