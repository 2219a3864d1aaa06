"""The bad-input corpus (tests/corpus/cases.toml): every case through the real command line.

Each case copies data/, puts its file where the entry point reads it, runs `hubei-map`,
and checks the exit code, that the message names file, row and field, that no traceback
reaches the user, and that nothing in the data folder changed unless the case is an
accepted upload (then exactly the three files an upload writes, and the data still
validates). Runs go through tests/cli_forkserver.py, which forks a process that has the
heavy libraries imported; cases marked `real` run the installed executable instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import cli_forkserver
import pytest

from app.export.cells import FORMULA_START as _FORMULA_START
from geo.paths import DATA_DIR
from layers import user_indicators

CORPUS = Path(__file__).parent / "corpus"
CASES: list[dict] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
EXE = str(Path(sys.executable).with_name("hubei-map"))
INDICATOR_ID = "corpus_case"
UPLOAD_ARGS = ["--id", INDICATOR_ID, "--title", "语料测试", "--unit", "个", "--year", "2023", "--source", "语料"]
Runner = Callable[[list[str], Path, bool], tuple[int, str, str]]


def test_manifest_lists_every_corpus_file_once():
    listed = [case["file"] for case in CASES if "file" in case]
    on_disk = sorted(
        str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".toml", ".md")
    )
    assert sorted(listed) == on_disk
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        assert case["entry"] in ("validate", "upload", "export"), case["id"]
        assert ("file" in case) != ("generate" in case), case["id"]
        assert case["exit"] == 0 or case.get("message"), f"{case['id']}: a refusal must say what the message holds"


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """Run `hubei-map ARGS` with HUBEI_MAP_DATA=data: (exit code, stdout, stderr)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with cli_forkserver.running(tmp_path_factory.mktemp("cli-output")) as call:

        def run(args: list[str], data: Path, real: bool) -> tuple[int, str, str]:
            case_env = {"HUBEI_MAP_DATA": str(data), "PYTHONWARNINGS": "default"}
            if real:
                done = subprocess.run(
                    [EXE, *args], capture_output=True, text=True, env={**env, **case_env}, cwd=data.parent, timeout=120
                )
                return done.returncode, done.stdout, done.stderr
            return call(args, case_env, data.parent)

        yield run


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (hidden temporary files included), by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _place(case: dict, path: Path) -> bytes | None:
    """Put the case's input at ``path``; return its bytes (None for a generated sparse file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if "generate" in case:
        with path.open("wb") as f:
            f.truncate(case["generate"])  # sparse: no disk, no memory
        return None
    content = (CORPUS / case["file"]).read_bytes()
    path.write_bytes(content)
    return content


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case, cli, data_copy, tmp_path):
    inputs = tmp_path / "input"
    if case["entry"] == "upload":
        source = inputs / (Path(case["file"]).name if "file" in case else "huge.csv")
        content = _place(case, source)
        args = ["indicators", "add", str(source), "--level", case.get("level", "prefecture"), *UPLOAD_ARGS]
    else:
        content = _place(case, data_copy / case["target"])
        args = ["validate"]
    before, inputs_before = checksums(data_copy), checksums(inputs)

    code, out, err = cli(args, data_copy, case.get("real", False))

    assert code == case["exit"], f"exit {code}\nstdout:\n{out}\nstderr:\n{err}"
    assert "Traceback" not in out + err and "Warning" not in err, err
    for part in case.get("message", []):
        assert part in err, f"{part!r} not in:\n{err}"
    for part in case.get("stdout", []):
        assert part in out, f"{part!r} not in:\n{out}"
    assert _changed(before, checksums(data_copy)) == set(case.get("written", [])), "data folder changed"
    assert checksums(inputs) == inputs_before

    if case["entry"] == "upload":
        # The web upload calls the same parser with the same bytes: the same verdict, the same messages.
        parsed = user_indicators.parse_table(
            content if content is not None else (source.read_bytes()),
            level=case.get("level", "prefecture"),
            source_id="USER",
            name=str(source),
        )
        assert parsed.ok == (case["exit"] == 0)
        for problem in parsed.problems:
            assert problem in err
        if parsed.ok:  # what was written is what was parsed
            assert parsed.values is not None
            with (data_copy / "indicators" / f"{INDICATOR_ID}.csv").open(encoding="utf-8", newline="") as f:
                written = list(csv.DictReader(f))
            assert [(r["code"], float(r["value"])) for r in written] == list(
                zip(parsed.values["code"], parsed.values["value"], strict=True)
            )
            if "notes" in case:  # text, formulas included, is stored as given: never evaluated, never altered
                assert [r["note"] for r in written] == case["notes"]
    if case["entry"] == "export":
        check_exports_neutralise_formulas(cli, data_copy, tmp_path / "out")


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _assert_neutralised(rows: list[list[str]], where: str) -> None:
    header, body = rows[0], rows[1:]
    assert len(body) == 6, where
    column = {name: [row[i] for row in body] for i, name in enumerate(header)}
    # name_zh and note held the formulas (the schema strips the tab and CR prefixes): each starts with "'".
    expected = ['\'=HYPERLINK("http://x","y")', "'+cmd|' /C calc'!A0", "'-1+1", "'@SUM(A1:A9)", "'=1+1", "'=1+1"]
    assert column["name_zh"] == expected, where
    assert column["note"] == expected, where
    assert column["operator_zh"] == expected, where
    assert column["name_en"] == [f"Formula\r{i}" for i in range(6)], f"{where}: a carriage return split a row"
    risky = [cell for row in body for cell in row if cell.startswith(_FORMULA_START)]
    assert risky == [], f"{where}: cells a spreadsheet would run: {risky}"


def check_exports_neutralise_formulas(cli: Runner, data: Path, out: Path) -> None:
    """Export the layer as CSV and as a zipped shapefile; read both CSVs back."""
    code, _, err = cli(["export", "--layers", "computing", "--format", "csv", "--out", str(out / "csv")], data, False)
    assert code == 0, err
    _assert_neutralised(_cells((out / "csv" / "computing.csv").read_bytes().decode("utf-8")), "export csv")
    code, _, err = cli(["export", "--layers", "computing", "--format", "shp", "--out", str(out / "shp")], data, False)
    assert code == 0, err
    with zipfile.ZipFile(out / "shp" / "computing.shp.zip") as zf:
        companion = zf.read("computing_attributes.csv").decode("utf-8")
    _assert_neutralised(_cells(companion), "shapefile attributes csv")
