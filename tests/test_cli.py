from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import cli_forkserver
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


# --- targets ----------------------------------------------------------------------------------------

DAY = "2026-11-30"
Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def hubei_map(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """Run `hubei-map ARGS` through tests/cli_forkserver.py (heavy libraries imported once): (code, stdout, stderr)."""
    outputs = tmp_path_factory.mktemp("targets-output")
    with cli_forkserver.running(outputs) as call:
        yield lambda *args: call(list(args), {}, outputs)


def _scorecard():
    from layers import scorecard

    return scorecard.scorecard(dt.date.fromisoformat(DAY))


def _label(row, lang: str) -> str:
    label = row["label_zh" if lang == "zh" else "label_en"]
    return label + (("（推算）" if lang == "zh" else " (projected)") if row["projected"] else "")


def test_targets_statuses_and_articles_are_the_evaluations_and_the_plans():
    from pydantic import TypeAdapter, ValidationError

    from app.cli import targets_command
    from layers import evaluation, schema

    assert targets_command.STATUSES == evaluation.STATUSES
    article = TypeAdapter(schema.Article)
    for number in range(-1, 40):
        try:
            article.validate_python(number)
            valid = True
        except ValidationError:
            valid = False
        assert (number in targets_command.PLAN_ARTICLES) == valid, number


def test_targets_table_lists_every_target_and_counts_them_by_status():
    from layers import evaluation

    frame = _scorecard()
    lines = _run("targets", "--as-of", DAY).splitlines()
    header, rows, summary = lines[0], lines[1:-1], lines[-1]
    assert header.split() == ["编号", "条款", "指标", "目标", "期限", "状态", "最新实际值", "日期", "进度", "来源"]
    assert [line.split()[0] for line in rows] == frame["target_id"].tolist()
    for line, row in zip(rows, frame.to_dict("records"), strict=True):
        assert f"  {_label(row, 'zh')}  " in line, line
        assert line.split()[1] == str(row["plan_article"])
        if row["latest_value"] == row["latest_value"]:  # not NaN
            assert row["latest_date"] in line and line.endswith(row["latest_source_ids"])
        if row["progress"] == row["progress"]:
            assert f" {100 * row['progress']:.1f}%  " in line
    counts = evaluation.summary(frame)
    assert summary.startswith(f"共 {len(frame)} 项：")
    for status, style in evaluation.STATUS_STYLE.items():
        assert f"{style.zh} {counts[status]}" in summary
    assert f"评估规则第 {evaluation.RULE_VERSION} 版" in summary and DAY in summary


def test_targets_columns_line_up_with_chinese_text():
    from app.cli.tables import display_width

    lines = _run("targets", "--as-of", DAY, "--article", "9").splitlines()[:-1]
    dated = [line for line in lines if "2024-12-31" in line]
    # The deadline starts in the same terminal column on every row (Chinese counted two columns wide)
    # although the indicators before it differ in length.
    columns = {display_width(line[: line.index("2024-12-31")]) for line in dated}
    assert len(dated) > 5 and len(columns) == 1
    assert len({line.index("2024-12-31") for line in dated}) > 1  # characters alone would not line up


@pytest.mark.parametrize("status", ["met", "at_risk", "no_data"])
def test_targets_status_filter(hubei_map, status):
    from layers import evaluation

    frame = _scorecard()
    chosen = frame[frame["status"] == status]
    code, out, err = hubei_map("targets", "--as-of", DAY, "--status", status, "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    summary = lines[-1]
    assert summary.startswith(f"{len(chosen)} targets: ")
    assert f"{evaluation.STATUS_STYLE[status].en} {len(chosen)}" in summary  # type: ignore[index]
    if chosen.empty:
        assert lines[:-1] == ["no target matches"]
    else:
        assert [line.split()[0] for line in lines[1:-1]] == chosen["target_id"].tolist()


def test_targets_article_filter_as_csv_in_english(hubei_map):
    frame = _scorecard()
    chosen = frame[frame["plan_article"] == 18]
    code, out, err = hubei_map("targets", "--as-of", DAY, "--article", "18", "--format", "csv", "--lang", "en")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["target_id"] for r in rows] == chosen["target_id"].tolist() and rows
    for row, expected in zip(rows, chosen.to_dict("records"), strict=True):
        assert row["article"] == "18" and row["indicator"] == expected["indicator_en"]
        assert row["status"] == expected["status"] and row["status_label"] == _label(expected, "en")
        if expected["latest_value"] == expected["latest_value"]:
            assert float(row["latest_value"]) == pytest.approx(expected["latest_value"])
        else:
            assert row["latest_value"] == ""
    gigabit = next(r for r in rows if r["target_id"] == "T-art18-gigabit")
    # The unit in words in English (layers.vocabulary), the unit column as written in the data.
    assert gigabit["target"] == "≥ 4,000,000 households" and gigabit["unit"] == "户"


def test_targets_json_has_full_records_rule_version_and_date(hubei_map):
    from layers import evaluation

    frame = _scorecard()
    code, out, err = hubei_map("targets", "--as-of", DAY, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rule_version"] == evaluation.RULE_VERSION and doc["as_of"] == DAY
    assert doc["summary"] == evaluation.summary(frame) and sum(doc["summary"].values()) == len(frame) == 50
    assert doc["filters"] == {"status": None, "article": None}
    records = {r["target_id"]: r for r in doc["targets"]}
    assert list(records) == frame["target_id"].tolist()
    for row in frame.to_dict("records"):
        record = records[row["target_id"]]
        assert record["status"] == row["status"] and record["plan_article"] == row["plan_article"]
        assert isinstance(record["value"], float) and record["value"] == row["value"]
        if row["latest_value"] == row["latest_value"]:
            assert record["latest_value"] == pytest.approx(row["latest_value"])
        else:
            assert record["latest_value"] is None
        assert record["evaluated_on"] == DAY and record["rule_version"] == evaluation.RULE_VERSION
        assert record["stretch_met"] in (None, True, False)


def test_targets_csv_neutralises_formula_like_text(monkeypatch, capsys):
    from app import export

    real = export.scorecard_table

    def hostile(as_of=None):
        frame = real(as_of)
        frame.loc[0, "indicator_zh"] = '=HYPERLINK("http://x","y")'
        frame.loc[0, "latest_source_ids"] = "@SUM(A1)"
        return frame

    monkeypatch.setattr(export, "scorecard_table", hostile)
    args = cli.build_parser().parse_args(["targets", "--as-of", DAY, "--format", "csv"])
    assert args.func(args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["indicator"] == '\'=HYPERLINK("http://x","y")' and rows[0]["sources"] == "'@SUM(A1)"
    for row in rows:  # the plan's "= N" targets too: no cell starts as a formula
        assert not any(v.startswith(("=", "+", "@")) for v in row.values()), row
    assert any(r["target"].startswith("'= ") for r in rows) == any(_scorecard()["comparator"] == "=")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--status", "done"], "argument --status: invalid choice: 'done'"),
        (["--article", "30"], "argument --article: the plan's articles are numbered 1-27, got '30'"),
        (["--article", "two"], "argument --article"),
        (["--as-of", "2024-13-01"], "argument --as-of: must be a date written YYYY-MM-DD, got '2024-13-01'"),
        (["--as-of", "30/11/2026"], "argument --as-of"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_targets_bad_options_exit_2_naming_the_option(hubei_map, args, named):
    code, out, err = hubei_map("targets", *args)
    assert code == 2 and out == ""
    assert named in err and "Traceback" not in err


def test_an_article_without_targets_is_an_empty_list_not_an_error(hubei_map):
    code, out, err = hubei_map("targets", "--as-of", DAY, "--article", "3")
    assert code == 0, err
    assert out.splitlines()[0] == "没有符合条件的目标"
    assert out.splitlines()[-1].startswith("共 0 项：已达成 0，")


def test_the_parser_loads_no_heavy_library():
    """`hubei-map --help` and a bad option answer at once: building the parser imports no data or web library."""
    code = (
        "import sys\n"
        "from app.cli import build_parser\n"
        "build_parser()\n"
        "heavy = ('scipy', 'matplotlib', 'geopandas', 'dash', 'mapclassify', 'pandas', 'shapely', 'pyproj')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("args", "heavy"),
    [
        (["units"], ("geopandas", "shapely", "pyproj", "pyogrio", "scipy", "matplotlib")),
        (["snapshot", "--out", "{tmp}/a.pdf"], ("scipy", "mapclassify", "sklearn", "matplotlib.pyplot")),
    ],
)
def test_commands_load_only_what_they_need(tmp_path, args, heavy):
    """`units` reads the stored unit table without geometry libraries; a layout map never loads classification."""
    code = (
        "import sys, contextlib, io\n"
        "from app.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({[a.format(tmp=tmp_path) for a in args]!r}) == 0\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_drawing_command_freezes_loaded_libraries_for_its_own_process_only(tmp_path):
    """As the program, `hubei-map snapshot` leaves the libraries it loaded frozen for the cyclic GC (its exit is
    quick); run inside a caller's process, the caller's collector gets everything back."""
    code = (
        "import gc, sys, contextlib, io\n"
        "from app.cli.main import main\n"
        f"sys.argv = ['hubei-map', 'snapshot', '--out', {str(tmp_path / 'a.pdf')!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main() == 0\n"
        "frozen = gc.get_freeze_count()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['snapshot', '--out', {str(tmp_path / 'b.pdf')!r}]) == 0\n"
        "print(frozen, gc.get_freeze_count())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    as_program, in_process = map(int, result.stdout.split())
    assert as_program > 100_000  # matplotlib, pandas, GDAL's bindings...
    assert in_process == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_a_command_run_in_process_leaves_the_callers_sigpipe_handler_alone(capsys):
    """The console script lets `| head` end it quietly; a caller running a command in its own process
    (a test runner, a job) keeps its own handler, or a later write to a closed pipe would kill it."""
    import signal

    from app.cli.main import main

    before = signal.getsignal(signal.SIGPIPE)
    assert before != signal.SIG_DFL  # Python ignores SIGPIPE in its own processes
    assert main(["units", "--level", "province", "--format", "csv"]) == 0
    assert "420000" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGPIPE) == before
