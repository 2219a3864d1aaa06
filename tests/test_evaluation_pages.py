"""The briefing pack's plan evaluation: scorecard pages, headline charts, the status column, both languages."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from app.render import briefing, evaluation_charts, evaluation_pages, fonts, page, text
from layers import evaluation, features, scorecard

DAY = dt.date(2026, 11, 30)
LAYOUT = page.layout(briefing.PAPER)


@pytest.fixture(scope="module")
def card() -> pd.DataFrame:
    return scorecard.scorecard(DAY)


def cjk_cmap() -> set[int]:
    """The code points of the CJK face the renderer embeds, read here independently of the renderer."""
    path, family = str(fonts.cjk_font_file()), fonts.cjk_family()
    if path.endswith(".ttc"):
        with TTCollection(path, lazy=True) as collection:
            faces = [f for f in collection.fonts if f["name"].getDebugName(1) == family]
            return set(faces[0].getBestCmap())
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def page_text(pdf: Path, number: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- symbols --------------------------------------------------------------------------------------


def test_glyph_availability_agrees_with_the_font_file():
    cmap = cjk_cmap()
    for style in evaluation.STATUS_STYLE.values():
        assert evaluation_pages.glyph_available(style.symbol) == (ord(style.symbol) in cmap), style.symbol


@pytest.mark.parametrize("status", evaluation.STATUSES)
def test_a_symbol_is_a_glyph_when_the_font_has_it_else_a_marker(status, monkeypatch):
    symbol = evaluation.STATUS_STYLE[status].symbol
    for available in (True, False):
        monkeypatch.setattr(evaluation_pages, "glyph_available", lambda _c, a=available: a)
        fig = Figure()
        ax = fig.add_axes((0, 0, 1, 1))
        evaluation_pages.draw_symbol(ax, 10, 10, status, 7)
        texts = [t.get_text() for t in ax.texts]
        markers = [line.get_marker() for line in ax.lines]
        if available:
            assert texts == [symbol] and not markers
        else:
            assert not texts and markers == [evaluation_pages.SYMBOL_MARKERS[symbol]]


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _all_figures(card: pd.DataFrame, lang: str) -> list[Figure]:
    pages = evaluation_pages.scorecard_pages(card, lang, LAYOUT)
    counts = evaluation_pages.counts_of(card)
    figs = [
        evaluation_pages.draw_scorecard_page(rows, lang, "x", (i + 1, len(pages)), counts if i == 0 else ())
        for i, rows in enumerate(pages)
    ]
    figs.append(evaluation_charts.draw_charts_page(evaluation_charts.headline_rows(card), lang, "x"))
    return figs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_on_the_evaluation_pages_needs_a_glyph_the_font_lacks(card, lang):
    cmap = cjk_cmap()
    with fonts.style():
        figs = _all_figures(card, lang)
        for fig in figs:
            for t in _texts(fig):
                missing = {c for c in t.get_text() if not c.isspace() and ord(c) not in cmap}
                assert not missing, f"{t.get_text()!r} would show {missing} as missing glyphs"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_stays_on_the_page_and_inside_its_panel(card, lang):
    """Header, table, titles and footer are drawn in invisible panels: no text may leave its panel."""
    with fonts.style():
        for fig in _all_figures(card, lang):
            renderer = FigureCanvasAgg(fig).get_renderer()
            for t in _texts(fig):
                box = t.get_window_extent(renderer)
                assert fig.bbox.x0 - 0.5 <= box.x0 and box.x1 <= fig.bbox.x1 + 0.5, t
                assert fig.bbox.y0 - 0.5 <= box.y0 and box.y1 <= fig.bbox.y1 + 0.5, t
                if t.axes is not None and not t.axes.axison:
                    panel = t.axes.get_window_extent(renderer)
                    assert panel.y0 - 0.5 <= box.y0 and box.y1 <= panel.y1 + 0.5, f"{t.get_text()!r} leaves its panel"
                    assert panel.x0 - 0.5 <= box.x0 and box.x1 <= panel.x1 + 0.5, f"{t.get_text()!r} leaves its panel"


# --- the scorecard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_hold_every_target_once_whole_rows_and_fit_their_page(card, lang):
    pages = evaluation_pages.scorecard_pages(card, lang, LAYOUT)
    assert 2 <= len(pages) <= 3
    assert [i for p in pages for i in p["id"]] == card["target_id"].tolist()
    geo = evaluation_pages.table_geometry(LAYOUT)
    for n, rows in enumerate(pages):
        records = rows.to_dict("records")
        used = geo.size * evaluation_pages.HEADER_ROW + (evaluation_pages.summary_height(geo) if n == 0 else 0)
        previous = None
        for record in records:
            if record["article"] != previous:
                used += geo.size * evaluation_pages.GROUP_ROW
            used += evaluation_pages.row_height(record, geo, lang)
            previous = record["article"]
        assert used <= geo.height + 1e-6, f"page {n + 1} overflows"
        continued = n > 0 and pages[n - 1]["article"].iloc[-1] == records[0]["article"]
        assert records[0]["continues"] == continued
        assert not any(r["continues"] for r in records[1:])


def test_projected_statuses_are_marked_in_both_languages():
    assert evaluation_pages.status_label("at_risk", True, "zh") == "滞后（推算）"
    assert evaluation_pages.status_label("at_risk", True, "en") == "At risk (projected)"
    assert evaluation_pages.status_label("met", False, "zh") == "已达成"


def test_the_targets_table_carries_the_scorecard_status_and_latest_actual(card):
    table = briefing.targets_table("zh", card)
    assert table["status"].tolist() == card["status"].tolist()
    assert table["projected"].tolist() == card["projected"].astype(bool).tolist()
    for actual, value in zip(table["actual"], card["latest_value"], strict=True):
        assert (actual == "—") == pd.isna(value)


# --- the charts -------------------------------------------------------------------------------------


def test_headline_charts_use_only_the_actuals_the_status_may_use(card):
    rows = evaluation_charts.headline_rows(card)
    assert rows["target_id"].tolist() == list(evaluation_charts.HEADLINE_TARGETS)
    table = features.table("layers/target_actuals.csv")
    for target_id in evaluation_charts.HEADLINE_TARGETS:
        used = evaluation_charts.used_actuals(target_id, DAY)
        filed = table[(table["target_id"] == target_id) & (table["status_use"] == "yes") & table["value"].notna()]
        dates = {d for d in filed["date"] if evaluation.as_of_date(d) <= DAY}
        assert set(used["date"]) == dates
        assert used["x"].is_monotonic_increasing
    assert evaluation_charts.used_actuals("T-art18-5g", dt.date(2021, 1, 1))["date"].tolist() == ["2020-12-31"]


def test_decimal_year_puts_a_date_at_the_end_of_its_day():
    assert evaluation_charts.decimal_year(dt.date(2024, 12, 31)) == 2025.0
    assert evaluation_charts.decimal_year(dt.date(2023, 1, 1)) == pytest.approx(2023 + 1 / 365)


def test_a_panel_without_actuals_says_no_data_instead_of_an_empty_axis(card, monkeypatch):
    row = evaluation_charts.headline_rows(card).iloc[0]
    none = evaluation_charts.used_actuals("no-such-target", DAY)
    assert none.empty
    monkeypatch.setattr(evaluation_charts, "used_actuals", lambda *_: none)
    with fonts.style():
        fig = Figure()
        ax = evaluation_charts.draw_panel(fig, (0.1, 0.1, 0.8, 0.8), row, "en", 6)
    assert "No data" in [t.get_text() for t in ax.texts]
    assert not ax.get_xticks().size and not ax.lines


def test_a_projected_panel_draws_the_projection_to_the_deadline(card):
    rows = evaluation_charts.headline_rows(card)
    projected = rows[rows["projected"].astype(bool) & rows["projected_value"].notna()]
    if projected.empty:
        pytest.skip("no headline target is projected with these data")
    row = projected.iloc[0]
    with fonts.style():
        ax = evaluation_charts.draw_panel(Figure(), (0.1, 0.1, 0.8, 0.8), row, "zh", 6)
    ends = [line for line in ax.lines if line.get_marker() == "D"]
    deadline = evaluation_charts.decimal_year(evaluation.as_of_date(row["target_date"]))
    assert len(ends) == 1 and list(ends[0].get_xdata()) == [deadline]
    assert list(ends[0].get_ydata()) == [pytest.approx(float(row["projected_value"]))]


# --- the pack -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packs(tmp_path_factory, card) -> dict[str, tuple[Path, list[briefing.PackPage], list[tuple[int, int, str]]]]:
    out = {}
    for lang in ("zh", "en"):
        pdf = tmp_path_factory.mktemp("pack") / f"pack-{lang}.pdf"
        calls: list[tuple[int, int, str]] = []
        n = briefing.write_pack(pdf, [], lang=lang, today=DAY, progress=lambda *a, c=calls: c.append(a))
        pages = briefing.plan_pages([], lang=lang, today=DAY)
        assert n == len(pages)
        out[lang] = (pdf, pages, calls)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pack_grows_by_the_scorecard_and_chart_pages_and_counts_them(packs, card, lang):
    from pypdf import PdfReader

    pdf, pages, calls = packs[lang]
    scorecard_pages = evaluation_pages.scorecard_pages(card, lang, LAYOUT)
    before = 1 + 1 + len(briefing.thematic_groups()) + len(briefing.targets_pages(lang, card))
    assert len(PdfReader(pdf).pages) == before + len(scorecard_pages) + 1
    assert [k.kind for k in pages[before:]] == ["evaluation"] * len(scorecard_pages) + ["evaluation_charts"]
    assert [c[0] for c in calls] == list(range(1, len(pages) + 1)) and {c[1] for c in calls} == {len(pages)}
    assert calls[-1][2] == text.word("eval_charts_title", lang)
    contents = page_text(pdf, 1)
    assert text.word("eval_title", lang) in contents and text.word("eval_charts_title", lang) in contents


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scorecard_pages_show_the_counts_every_target_and_the_status_words(packs, card, lang):
    pdf, pages, _ = packs[lang]
    numbers = [i + 1 for i, p in enumerate(pages) if p.kind == "evaluation"]
    first = page_text(pdf, numbers[0])
    counts = evaluation.summary(card)
    assert sum(counts.values()) == 50
    for status, n in counts.items():
        label = evaluation_pages.status_label(status, False, lang)
        assert text.word("eval_count", lang, label=label, n=n) in first, (status, n)
    assert text.word("eval_total", lang, n=50) in first
    assert text.word("eval_subtitle", lang, date="2026-11-30", version=evaluation.RULE_VERSION) in first
    body = "\n".join(page_text(pdf, n) for n in numbers)
    for target_id in card["target_id"]:
        assert target_id in body, target_id
    for _, row in card.iterrows():
        label = evaluation_pages.status_label(row["status"], bool(row["projected"]), lang)
        assert label in body, (row["target_id"], label)
    other = "en" if lang == "zh" else "zh"
    assert evaluation_pages.status_label("met", False, other) not in body


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_page_names_the_six_headline_targets(packs, card, lang):
    pdf, pages, _ = packs[lang]
    charts = page_text(pdf, len(pages))
    rows = evaluation_charts.headline_rows(card)
    names = rows["indicator_en" if lang == "en" else "indicator_zh"]
    for name in names:
        assert name in charts, name
    # A panel without actuals says so (the word is also its status label, hence twice).
    empty = [t for t in rows["target_id"] if evaluation_charts.used_actuals(t, DAY).empty]
    assert charts.count(text.word("eval_no_data", lang)) >= 2 * len(empty)


@pytest.mark.slow
def test_the_targets_table_pages_have_a_status_column(packs, card):
    pdf, pages, _ = packs["zh"]
    numbers = [i + 1 for i, p in enumerate(pages) if p.kind == "targets"]
    body = "\n".join(page_text(pdf, n) for n in numbers)
    assert text.word("eval_col_status", "zh") in body
    for _, row in card.iterrows():
        assert evaluation_pages.status_label(row["status"], bool(row["projected"]), "zh") in body
