from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from matplotlib import colors as mcolors
from pypdf import PdfReader

from app.i18n import t
from app.render import briefing, callouts, evaluation_pages, focus, fonts, furniture, labels
from app.render import page as pagelayout
from geo import boundaries
from layers import catalogue, features, scorecard
from layers.style import style

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


# --- atlas pages: each about its unit ------------------------------------------------------------
EZHOU, WUHAN = "420700", "420100"


@pytest.fixture(scope="module")
def ezhou_page():
    """The atlas page of Ezhou as the pack draws it, drawn to pixels (60 dpi is enough to tell colours apart)."""
    pages = briefing.plan_pages(atlas=True)
    index = next(i for i, p in enumerate(pages) if p.request is not None and p.request.extent == EZHOU)
    with fonts.style():
        fig = briefing.draw_page(pages, index, "zh", None)
        fig.set_dpi(60)
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    return fig, pixels


def _map_axes(fig):
    return next(ax for ax in fig.axes if any(c.get_gid() == focus.VEIL_GID for c in ax.collections))


def _pixel(fig, pixels, code: str) -> np.ndarray:
    """The colour drawn at a point of the unit ``code`` on the map (away from its edges)."""
    ax = _map_axes(fig)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    shown = focus.unit_shape(code, 0.0).intersection(shapely.box(x0, y0, x1, y1)).buffer(-2000)
    assert not shown.is_empty
    point = shown.representative_point()
    x, y = ax.transData.transform([(point.x, point.y)])[0]
    row, col = round(fig.bbox.height - y), round(x)
    return pixels[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3).mean(axis=0)


def test_atlas_page_of_ezhou_draws_wuhan_muted_and_ezhou_in_its_layout_colour(ezhou_page):
    fig, pixels = ezhou_page
    outside = style("outside_unit")
    veil = [c for c in _map_axes(fig).collections if c.get_gid() == focus.VEIL_GID]
    assert len(veil) == 1
    assert tuple(veil[0].get_facecolor()[0]) == pytest.approx(
        mcolors.to_rgba(outside["fillColor"], outside["fillOpacity"])
    )
    wuhan, ezhou = _pixel(fig, pixels, WUHAN), _pixel(fig, pixels, EZHOU)
    assert wuhan.min() > 215 and np.ptp(wuhan) < 20  # light grey: Wuhan's orange no longer shows
    layout = style("layout_role")
    roles = features.layer_data("layout").set_index("code")["role"]
    own = np.array(mcolors.to_rgb(layout["categories"]["colors"][roles[EZHOU]])) * 255
    core = np.array(mcolors.to_rgb(layout["categories"]["colors"][roles[WUHAN]])) * 255
    assert np.abs(ezhou - own).max() < 30  # Ezhou in its own layout colour (over the paper it is drawn on)
    assert np.abs(wuhan - core).max() > 100


def test_atlas_page_names_its_counties_in_ink_and_its_neighbours_in_grey(ezhou_page):
    fig, _ = ezhou_page
    texts = {t.get_text(): t.get_color() for t in _map_axes(fig).texts}
    counties = boundaries.units("county")
    for name in counties.loc[counties["parent_code"] == EZHOU, "name_zh"]:
        assert mcolors.to_hex(texts[name]) == furniture.INK
    assert mcolors.to_hex(texts["武汉市"]) == style("outside_unit")["labelColor"]
    assert "鄂州市" not in texts  # its name is the page's title
    legend = {t.get_text() for ax in fig.axes for t in ax.texts} - set(texts)
    assert "鄂州市" in legend  # the unit's outline in the legend
    core = style("layout_role")["categories"]["labels_zh"]["core"]
    assert core not in legend  # Wuhan's role is not Ezhou's: only the roles in the unit are listed


def test_atlas_pdf_has_the_unit_county_names(ezhou_page, tmp_path):
    fig, _ = ezhou_page
    path = tmp_path / "ezhou.pdf"
    with fonts.style():
        fig.savefig(path, format="pdf")
    content = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    counties = boundaries.units("county")
    for name in counties.loc[counties["parent_code"] == EZHOU, "name_zh"]:
        assert name in content


@pytest.fixture(scope="module")
def wuhan_page():
    """The atlas page of Wuhan (the most facilities of any unit) as the pack draws it, with its renderer."""
    pages = briefing.plan_pages(atlas=True)
    index = next(i for i, p in enumerate(pages) if p.request is not None and p.request.extent == WUHAN)
    with fonts.style():
        fig = briefing.draw_page(pages, index, "zh", None)
        renderer = fig.canvas.get_renderer()
        texts = [(t.get_gid(), t.get_text(), t.get_window_extent(renderer)) for ax in fig.axes for t in ax.texts]
        leaders = [line for line in _map_axes(fig).lines if line.get_gid() == callouts.LEADER_GID]
    return fig, texts, leaders


def test_atlas_page_of_wuhan_numbers_its_facilities_without_overlaps(wuhan_page):
    _, texts, _ = wuhan_page
    numbers = [(int(text), box) for gid, text, box in texts if gid == callouts.NUMBER_GID]
    names = [(text, box) for gid, text, box in texts if gid == labels.GLYPH_GID]
    own = [f.loc[f["prefecture_code"] == WUHAN] for f in _point_layers()]
    expected = sorted(n for f in own for n in f.loc[f.geometry.notna(), "name_zh"])
    assert len(expected) > 10
    assert sorted(n for n, _ in numbers) == list(range(1, len(expected) + 1))  # one number per facility of Wuhan
    boxes = [b for _, b in numbers] + [b for _, b in names]
    for i, a in enumerate(boxes):  # numbers clear of each other and of every place name
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    counties = boundaries.units("county")
    assert set(counties.loc[counties["parent_code"] == WUHAN, "name_zh"]) <= {n for n, _ in names}  # all named
    key = [text.replace("\n", "") for gid, text, _ in texts if gid is None and text.replace("\n", "") in expected]
    assert sorted(key) == expected  # the key names every numbered facility
    assert t("facts", "zh") in {text for _, text, _ in texts}  # the unit's summary panel is kept


def test_leader_lines_run_from_a_marker_towards_its_number(wuhan_page):
    fig, texts, leaders = wuhan_page
    ax = _map_axes(fig)
    assert leaders  # Wuhan's centre is crowded: some numbers had to move away from their markers
    numbers = [box for gid, _, box in texts if gid == callouts.NUMBER_GID]
    for line in leaders:
        _, (x1, y1) = ax.transData.transform(np.column_stack(line.get_data()))
        end = min(numbers, key=lambda b: np.hypot((b.x0 + b.x1) / 2 - x1, (b.y0 + b.y1) / 2 - y1))
        gap = np.hypot(max(end.x0 - x1, 0, x1 - end.x1), max(end.y0 - y1, 0, y1 - end.y1))
        assert gap < 3 * fig.dpi / 72  # the line ends at its number's box, within 3 points


def _point_layers():
    return [features.layer_data(i) for i, spec in catalogue.catalogue().items() if spec.geometry == "point"]
