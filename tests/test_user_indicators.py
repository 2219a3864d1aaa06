from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.paths import DATA_DIR
from layers import user_indicators

EXE = str(Path(sys.executable).with_name("hubei-map"))
GOOD = "code,value,note\n420100,12.5,\n420200,3,\n429021,0.4,small\n"


def test_a_good_table_joins_on_code():
    parsed = user_indicators.parse_table(GOOD.encode(), name="t.csv")
    assert parsed.ok and parsed.join == "code" and parsed.encoding == "utf-8-sig"
    assert parsed.values["code"].tolist() == ["420100", "420200", "429021"]
    assert parsed.values["value"].tolist() == [12.5, 3.0, 0.4]


def test_gbk_and_chinese_names_join():
    text = "名称,数值\n武汉市,1\n襄阳,2\n恩施土家族苗族自治州,3\n神农架林区,4\n"
    parsed = user_indicators.parse_table(text.encode("gbk"), name="t.csv")
    assert parsed.ok and parsed.join == "name" and parsed.encoding == "gb18030"
    assert parsed.values["code"].tolist() == ["420100", "420600", "422800", "429021"]


def test_county_names_join_with_or_without_their_suffix():
    parsed = user_indicators.parse_table(
        "name,value\n江夏区,1\n仙桃,2\n沙市,3\n　襄州 ,4\n".encode(), level="county", name="t.csv"
    )
    assert parsed.ok, parsed.problems
    assert parsed.values["code"].tolist() == ["420115", "429004", "421002", "420607"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"code,value\n420100,1\n999999,2\n",
            "row 2, field 'code': '999999' is not a prefecture-level Hubei code",
        ),
        (b"code,value\n420100,1\n420100,2\n", "row 2: unit 420100 already given in row 1"),
        (b"code,value\n420100,abc\n", "row 1, field 'value': 'abc' is not a finite number"),
        (b"code,value\n420100,inf\n", "row 1, field 'value': 'inf' is not a finite number"),
        ("name,value\n火星市,1\n".encode(), "'火星市' matches no prefecture-level unit"),
        (b"", "the file is empty"),
        (b"code,value\n", "has a header but no rows"),
        (b"city,amount\n420100,1\n", "needs a 'value' column"),
        ("code,value\n420100,1\n".encode("utf-16"), "looks like UTF-16"),
        ("名称,数值\n武汉市,1\n".encode() + "宜昌市,2\n".encode("gbk"), "not UTF-8 or GB18030 text (line 3"),
        (b'code,value\n420100,"1,5"\n', "'1,5' is not a finite number"),
        ("code,name,value\n420100,宜昌市,1\n".encode(), "'宜昌市' is not the unit of code 420100 (武汉市)"),
        (b"x" * (user_indicators.MAX_BYTES + 1), "over the 2,000,000-byte limit"),
    ],
)
def test_bad_tables_name_the_row_and_value(content, message):
    parsed = user_indicators.parse_table(content, name="bad.csv")
    assert not parsed.ok and parsed.values is None
    assert any(message in p for p in parsed.problems), parsed.problems


def test_every_bad_row_is_reported():
    parsed = user_indicators.parse_table(b"code,value\n420100,x\n999999,1\n420200,2\n420200,3\n", name="b.csv")
    assert len(parsed.problems) == 3


@pytest.fixture
def data_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HUBEI_MAP_DATA": str(data), "PATH": "/usr/bin:/bin"}
    env |= {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}  # a worktree's code
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=env)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_add_registers_and_lists_the_indicator(tmp_path, data_copy):
    table = tmp_path / "rd.csv"
    table.write_text("名称,数值\n武汉市,100\n宜昌市,20\n", encoding="gbk")
    args = ["indicators", "add", str(table), "--id", "rd_test", "--title", "研发测试", "--unit", "亿元"]
    result = _cli(data_copy, *args, "--year", "2023", "--source", "某统计公报", "--source-date", "2024-03-01")
    assert result.returncode == 0, result.stderr
    assert "2 units joined on name (gb18030)" in result.stdout
    listing = _cli(data_copy, "indicators", "--format", "csv")
    assert "rd_test,研发测试,亿元,2023,prefecture,2/17,U-rd_test" in listing.stdout
    assert _cli(data_copy, "validate").returncode == 0
    again = _cli(data_copy, *args, "--year", "2023", "--source", "x")
    assert again.returncode == 1 and "pass --replace" in again.stderr
    assert _cli(data_copy, *args, "--year", "2023", "--source", "x", "--replace").returncode == 0


def test_cli_add_of_a_bad_table_writes_nothing(tmp_path, data_copy):
    before = _snapshot(data_copy)
    table = tmp_path / "bad.csv"
    table.write_text("code,value\n420100,1\n999999,2\n420100,3\n", encoding="utf-8")
    result = _cli(data_copy, "indicators", "add", str(table), "--id", "bad_one", "--title", "坏", "--source", "x")
    assert result.returncode == 1
    assert "row 2, field 'code': '999999'" in result.stderr and "row 3: unit 420100 already given" in result.stderr
    assert "nothing was written" in result.stderr
    assert _snapshot(data_copy) == before


def test_cli_refuses_a_50_mb_file_without_reading_it(tmp_path, data_copy):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    before = _snapshot(data_copy)
    result = _cli(data_copy, "indicators", "add", str(big), "--id", "big", "--title", "大", "--source", "x")
    assert result.returncode == 1 and "over the 2,000,000-byte limit" in result.stderr
    assert _snapshot(data_copy) == before


def test_register_refuses_a_bad_id_before_writing(data_copy, monkeypatch):
    parsed = user_indicators.parse_table(GOOD.encode())
    with pytest.raises(ValueError, match="lower-case"):
        user_indicators.register(
            parsed, indicator_id="Bad Id", title_zh="x", title_en="x", unit_zh="", unit_en="", year="2023",
            level="prefecture", source_title="x",
        )  # fmt: skip
    catalogue = json.loads((DATA_DIR / "indicators" / "catalogue.json").read_text(encoding="utf-8"))
    assert "Bad Id" not in [e["id"] for e in catalogue["indicators"]]
