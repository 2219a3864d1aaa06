from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.render import briefing, evaluation_pages
from app.render import page as pagelayout
from layers import catalogue, scorecard

BIN = Path(sys.executable).parent


def test_thematic_groups_come_from_the_catalogue():
    groups = {spec.group for spec in catalogue.catalogue().values()} - set(briefing.BASE_GROUPS)
    assert set(briefing.thematic_groups()) == groups


def test_targets_table_has_every_target_once_with_its_status():
    table = briefing.targets_table()
    from layers import evaluation, features

    assert len(table) == len(features.table("layers/plan_targets.csv"))
    assert sum(len(p) for p in briefing.targets_pages()) == len(table)
    assert set(table["status"]) <= set(evaluation.STATUSES)
    assert [key for key, _, _ in briefing.TARGET_COLUMNS].count("status") == 1


@pytest.mark.slow
def test_pack_has_cover_layout_groups_indicators_and_targets_pages(tmp_path, artifacts):
    out = artifacts / "briefing-pack.pdf"
    chosen = ["gdp_2023", "layout_role"]
    lines = []
    result = subprocess.run(
        [str(BIN / "hubei-map"), "briefing", "--out", str(out), "--indicators", ",".join(chosen)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    groups = {spec.group for spec in catalogue.catalogue().values()} - set(briefing.BASE_GROUPS)
    card = scorecard.scorecard()  # the CLI evaluates the targets today
    evaluation = len(evaluation_pages.scorecard_pages(card, "zh", pagelayout.layout(briefing.PAPER))) + 1  # + charts
    expected = 1 + 1 + len(groups) + len(chosen) + len(briefing.targets_pages("zh", card)) + evaluation
    reader = PdfReader(out)
    assert len(reader.pages) == expected
    assert len(lines) == expected and lines[-1].startswith("[" + "#" * 24 + "]")
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "行动计划目标与实际值" in text
    assert "规划实施评估" in text and "重点目标进展" in text
    assert "地区生产总值" in text
    assert text.count("内部资料，非公开") == expected


def test_pack_refuses_an_unknown_indicator_and_writes_nothing(tmp_path):
    out = tmp_path / "pack.pdf"
    result = subprocess.run(
        [str(BIN / "hubei-map"), "briefing", "--out", str(out), "--indicators", "gdp_1066"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "gdp_1066" in result.stderr
    assert not out.exists()
