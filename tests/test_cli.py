from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

EXE = str(Path(sys.executable).with_name("hubei-map"))


def _run(*args: str) -> str:
    result = subprocess.run([EXE, *args], capture_output=True, text=True, check=True, encoding="utf-8")
    return result.stdout


def test_units_table_lists_121_units_with_areas():
    out = _run("units")
    lines = out.splitlines()
    assert lines[-1] == "121 units"
    assert lines[0].split() == ["code", "name_zh", "name_en", "level", "parent_code", "kind", "area_km2"]
    wuhan = next(line for line in lines if line.startswith("420100"))
    assert "武汉市" in wuhan and "Wuhan" in wuhan and "8,574.8" in wuhan


def test_units_csv_parses_and_areas_add_up():
    rows = list(csv.DictReader(io.StringIO(_run("units", "--format", "csv"))))
    assert len(rows) == 121
    by_level: dict[str, float] = {}
    for row in rows:
        by_level[row["level"]] = by_level.get(row["level"], 0.0) + float(row["area_km2"])
    assert by_level["province"] == pytest.approx(185_900, rel=0.005)
    assert by_level["prefecture"] == pytest.approx(by_level["province"], abs=1)
    assert by_level["county"] == pytest.approx(by_level["province"], abs=1)


def test_units_json_level_filter():
    records = json.loads(_run("units", "--format", "json", "--level", "prefecture"))
    assert len(records) == 17
    enshi = next(r for r in records if r["code"] == "422800")
    assert enshi["name_zh"] == "恩施土家族苗族自治州" and enshi["kind"] == "autonomous prefecture"


def test_bad_arguments_fail_with_usage():
    result = subprocess.run([EXE, "units", "--format", "xml"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_serve_options_have_defaults():
    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8050)
    args = cli.build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)


def test_csv_tables_neutralise_text_a_spreadsheet_would_run():
    import pandas as pd

    from app.cli.tables import format_table

    table = pd.DataFrame({"title": ['=HYPERLINK("http://x","y")', "@SUM(A1)", "plain"], "value": [-1.5, 2, 3]})
    out = format_table(table, "csv")
    assert "'=HYPERLINK" in out and "'@SUM(A1)" in out and "plain" in out
    assert "-1.5" in out  # numbers stay numbers
    assert '=HYPERLINK("' not in format_table(table, "csv").replace("'=HYPERLINK", "")
