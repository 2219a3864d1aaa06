"""The briefing pack: one multi-page PDF of maps, the plan's targets and an optional atlas.

The pages: a cover, the layout map, a map per layer group, a map per indicator, the
plan's targets table (with each target's status), the plan evaluation (the scorecard,
``evaluation_pages``, and the headline charts, ``evaluation_charts``) and, optionally,
an atlas page per prefecture-level unit. Every
map page is a snapshot (``figure.build_figure``), so the pack looks like the single
snapshots. The pages are listed first (``plan_pages``), which gives the page count and
the cover's contents before anything is drawn.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from app.i18n import t
from app.render import evaluation_charts, evaluation_pages, figure, fonts, furniture, geometry, page, text
from app.render.furniture import INK, MUTED, LegendItem
from app.render.request import SnapshotError, SnapshotRequest, validate
from geo import boundaries, datafiles
from layers import catalogue, classify, features, indicators, provenance, scorecard
from layers.choropleth import choropleth
from layers.style import style

#: Catalogue groups drawn on every map page, so they get no page of their own.
BASE_GROUPS: tuple[str, ...] = ("context", "boundaries")
#: Indicators in the pack when none are chosen: output, its level per person, innovation, the plan's facilities.
DEFAULT_INDICATORS: tuple[str, ...] = (
    "gdp_2023",
    "gdp_per_capita_2023",
    "high_tech_enterprises_2023",
    "facility_count",
)
PAPER = "a4-landscape"
#: Targets table: rows per page and the column layout (share of the width, header word in ``app.i18n``).
TARGET_ROWS_PER_PAGE = 24
TARGET_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("article", 0.05, "eval_col_article"),
    ("indicator", 0.30, "eval_col_indicator"),
    ("target", 0.16, "eval_col_target"),
    ("deadline", 0.09, "eval_col_deadline"),
    ("actual", 0.18, "eval_col_actual"),
    ("status", 0.13, "eval_col_status"),
    ("sources", 0.09, "eval_col_sources"),
)


@dataclass(frozen=True)
class PackPage:
    """One page of the pack: its kind, title, and the map request or table rows it shows."""

    kind: str  # cover | map | targets | evaluation | evaluation_charts
    title: str
    request: SnapshotRequest | None = None
    rows: pd.DataFrame | None = None
    facts: tuple[LegendItem, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()  # targets per status, on the first evaluation page


def _w(key: str, lang: str, **values: object) -> str:
    return t(key, lang).format(**values)


def thematic_groups() -> list[str]:
    """The catalogue's layer groups that get a page, in catalogue order."""
    groups = [spec.group for spec in catalogue.catalogue().values() if spec.group not in BASE_GROUPS]
    return list(dict.fromkeys(groups))


def group_layers(group: str) -> tuple[str, ...]:
    """The catalogue layers of one group."""
    return tuple(i for i, spec in catalogue.catalogue().items() if spec.group == group)


def group_title(group: str, lang: str) -> str:
    """A group's page title: the titles of its layers."""
    sep = "、" if lang == "zh" else "; "
    return sep.join(catalogue.layer(i).title(lang) for i in group_layers(group))


def _number(value: float) -> str:
    return classify.format_number(value, classify.decimals_for([value], 4))


def targets_table(lang: str = "zh", card: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan's numeric targets with their status and latest actual (text columns, one row per target).

    ``status``, ``projected`` and the latest actual (the one the status rests on) come from ``card``
    (``scorecard.scorecard()``; evaluated today when not given), so the table and the evaluation agree.
    """
    card = (scorecard.scorecard() if card is None else card).set_index("target_id")
    targets = features.table("layers/plan_targets.csv")
    rows = []
    for row in targets.to_dict("records"):
        target = f"{row['comparator']} {_number(row['value'])} {row['unit']}".replace(">=", "≥")
        if pd.notna(row["value_stretch"]):
            target += _w("stretch", lang, value=_number(row["value_stretch"]))
        evaluated = card.loc[row["target_id"]]
        rows.append(
            {
                "article": str(row["plan_article"]),
                "indicator": row["indicator_en" if lang == "en" else "indicator_zh"],
                "target": target,
                "deadline": row["target_date"] if isinstance(row["target_date"], str) else "",
                "actual": evaluation_pages.actual_text(evaluated, lang),
                "status": evaluated["status"],
                "projected": bool(evaluated["projected"]),
                "sources": ";".join(row["source_ids"]),
            }
        )
    return pd.DataFrame(rows)


def targets_pages(lang: str = "zh", card: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """The targets table cut into pages of ``TARGET_ROWS_PER_PAGE`` rows."""
    table = targets_table(lang, card)
    count = max(1, math.ceil(len(table) / TARGET_ROWS_PER_PAGE))
    return [table.iloc[i * TARGET_ROWS_PER_PAGE : (i + 1) * TARGET_ROWS_PER_PAGE] for i in range(count)]


def unit_facts(code: str, lang: str, indicator_ids: Sequence[str]) -> tuple[LegendItem, ...]:
    """Facts of one prefecture-level unit for its atlas page, all computed from the data."""
    unit = boundaries.units("prefecture")
    row = unit[unit["code"] == code]
    area = float(boundaries.area_km2(row).iloc[0])
    counties = boundaries.units("county")
    facts = [
        _w("area", lang, area=f"{area:,.0f}"),
        _w("counties", lang, n=int((counties["parent_code"] == code).sum())),
    ]
    layout = features.layer_data("layout")
    role = layout.loc[layout["code"] == code, "role"]
    if not role.empty:
        labels = style(catalogue.layer("layout").style)["categories"]["labels_en" if lang == "en" else "labels_zh"]
        facts.append(_w("role", lang, role=labels[role.iloc[0]]))
    points = [features.layer_data(i) for i, s in catalogue.catalogue().items() if s.geometry == "point"]
    count = sum(int((p["prefecture_code"] == code).sum()) for p in points)
    facts.append(_w("pack_facilities", lang, n=count))
    for indicator_id in indicator_ids:
        spec = indicators.indicator(indicator_id)
        if spec.level != "prefecture":
            continue
        table = choropleth(indicator_id, lang=lang).table
        value = table.loc[table["code"] == code, "value_text"]
        shown = value.iloc[0] if not value.empty and isinstance(value.iloc[0], str) else _w("none", lang)
        facts.append(f"{spec.title(lang)}：{shown}" if lang == "zh" else f"{spec.title(lang)}: {shown}")
    return (LegendItem("heading", _w("facts", lang)), *(LegendItem("text", f) for f in facts))


def plan_pages(
    indicator_ids: Sequence[str] | None = None,
    *,
    atlas: bool = False,
    lang: str = "zh",
    approval_number: str | None = None,
    today: dt.date | None = None,
) -> list[PackPage]:
    """Every page of the pack, in order, before anything is drawn (targets evaluated on ``today``).

    Raises
    ------
    SnapshotError
        For an unknown indicator or language.
    """
    chosen = tuple(DEFAULT_INDICATORS if indicator_ids is None else indicator_ids)
    base = validate(SnapshotRequest(paper=PAPER, lang=lang, approval_number=approval_number))
    for indicator_id in chosen:
        validate(replace(base, indicator=indicator_id))
    pages = [PackPage("cover", text.app_title(lang))]
    layout_request = base
    pages.append(PackPage("map", figure.title_lines(layout_request, None)[0], layout_request))
    for group in thematic_groups():
        title = group_title(group, lang)
        pages.append(PackPage("map", title, replace(base, layers=group_layers(group), title=title)))
    for indicator_id in chosen:
        request = replace(base, indicator=indicator_id)
        pages.append(PackPage("map", indicators.indicator(indicator_id).title(lang), request))
    card = scorecard.scorecard(today)
    for rows in targets_pages(lang, card):
        pages.append(PackPage("targets", _w("targets", lang), rows=rows))
    counts = evaluation_pages.counts_of(card)
    for i, rows in enumerate(evaluation_pages.scorecard_pages(card, lang, page.layout(PAPER))):
        pages.append(PackPage("evaluation", text.word("eval_title", lang), rows=rows, counts=counts if i == 0 else ()))
    charts = evaluation_charts.headline_rows(card)
    pages.append(PackPage("evaluation_charts", text.word("eval_charts_title", lang), rows=charts))
    if atlas:
        for code, name in boundaries.units("prefecture")[["code", "name_en" if lang == "en" else "name_zh"]].values:
            request = replace(base, extent=str(code))
            facts = unit_facts(str(code), lang, chosen)
            pages.append(PackPage("map", _w("atlas", lang) + str(name), request, facts=facts))
    return pages


def draw_cover(pages: list[PackPage], lang: str, approval_number: str | None) -> Figure:
    """The cover: title, the plan, the contents with page numbers, the approval and boundary lines."""
    layout = page.layout(PAPER)
    fig = Figure(figsize=SnapshotRequest(paper=PAPER).paper_inches)
    ax = furniture.points_axes(fig, layout, (layout.header[0], layout.footer[1], layout.header[2], layout.header[3]))
    width, top = ax.get_xlim()[1], ax.get_ylim()[1]
    y = top - layout.font("title") * 2
    ax.text(0, y, text.app_title(lang), fontsize=layout.font("title") * 1.6, fontweight="bold", color=INK)
    y -= layout.font("title") * 1.6
    ax.text(0, y, _w("pack", lang) + " · " + text.plan_line(lang), fontsize=layout.font("subtitle") * 1.3, color=MUTED)
    y -= layout.font("title") * 2.2
    ax.text(0, y, _w("contents", lang), fontsize=layout.font("heading") * 1.3, fontweight="bold", color=INK)
    size = layout.font("legend")
    y -= size * 2.2
    columns = 2 if len(pages) > 24 else 1
    per_column = math.ceil((len(pages) - 1) / columns)
    for i, item in enumerate(pages[1:], start=2):
        col, row = divmod(i - 2, per_column)
        x = col * width / columns
        line = geometry.balanced_wrap(item.title, (width / columns - size * 6) / size)[0]
        ax.text(x, y - row * size * 1.6, f"{i:>2}  {line}", fontsize=size, color=INK)
    footer = [provenance.boundary_note(lang), text.projection_note(lang)]
    furniture.footer(fig, layout, text.approval_line(approval_number, lang), footer)
    return fig


def draw_targets(item: PackPage, lang: str, approval_number: str | None, number: int, total: int) -> Figure:
    """One page of the targets table, long cells wrapped."""
    layout = page.layout(PAPER)
    fig = Figure(figsize=SnapshotRequest(paper=PAPER).paper_inches)
    furniture.header(fig, layout, item.title, text.plan_line(lang) + f" · {number}/{total}")
    box = (layout.map[0], layout.map[1], layout.legend[2], layout.map[3])
    ax = furniture.points_axes(fig, layout, box)
    width, top = ax.get_xlim()[1], ax.get_ylim()[1]
    size = layout.font("legend")
    rows = item.rows if item.rows is not None else pd.DataFrame()
    y = top
    x = 0.0
    for _, share, head in TARGET_COLUMNS:
        ax.text(x, y, text.word(head, lang), fontsize=size, fontweight="bold", va="top", color=INK)
        x += share * width
    y -= size * 1.8
    ax.axhline(y + size * 0.4, color=INK, linewidth=0.6)
    for record in rows.to_dict("records"):
        x = 0.0
        height = 1
        for key, share, _ in TARGET_COLUMNS:
            if key == "status":
                label = evaluation_pages.status_label(record["status"], record["projected"], lang)
                lines = geometry.wrap(label, share * width / size - 2.5)
                evaluation_pages.draw_status(ax, x, y, record["status"], record["projected"], lang, size)
            else:
                lines = geometry.wrap(str(record[key]), share * width / size - 1)
                ax.text(x, y, "\n".join(lines), fontsize=size, va="top", color=INK, linespacing=1.25)
            height = max(height, len(lines))
            x += share * width
        y -= height * size * 1.25 + size * 0.6
        ax.axhline(y + size * 0.35, color="#cccccc", linewidth=0.4)
    sources = text.layer_sources_line(("layout",), lang) or ""
    furniture.footer(fig, layout, text.approval_line(approval_number, lang), [sources])
    return fig


def draw_page(pages: list[PackPage], index: int, lang: str, approval_number: str | None) -> Figure:
    """Draw page ``index`` (0-based) of ``pages``; numbered tables say which of their kind they are (n/total)."""
    item = pages[index]
    same = [i for i, p in enumerate(pages) if p.kind == item.kind]
    position = (same.index(index) + 1, len(same))
    approval = text.approval_line(approval_number, lang)
    if item.kind == "cover":
        return draw_cover(pages, lang, approval_number)
    if item.kind == "targets":
        return draw_targets(item, lang, approval_number, *position)
    if item.kind == "evaluation" and item.rows is not None:
        return evaluation_pages.draw_scorecard_page(item.rows, lang, approval, position, item.counts, PAPER)
    if item.kind == "evaluation_charts" and item.rows is not None:
        return evaluation_charts.draw_charts_page(item.rows, lang, approval, PAPER)
    if item.request is None:
        raise SnapshotError(f"page {index + 1} ({item.kind}) has nothing to draw")
    return figure.build_figure(item.request, facts=list(item.facts)).figure


def write_pack(
    out: Path | str,
    indicator_ids: Sequence[str] | None = None,
    *,
    atlas: bool = False,
    lang: str = "zh",
    approval_number: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    today: dt.date | None = None,
) -> int:
    """Write the pack to ``out`` (atomically) and return its number of pages.

    ``progress(done, total, title)`` is called after each page. The plan's targets are evaluated
    on ``today`` (default: today's date), which the evaluation pages print.

    Raises
    ------
    SnapshotError
        For an unknown indicator or language (before anything is written).
    """
    pages = plan_pages(indicator_ids, atlas=atlas, lang=lang, approval_number=approval_number, today=today)
    with fonts.style(), datafiles.atomic_path(out) as tmp:
        metadata = {"CreationDate": None, "ModDate": None, "Creator": "hubei-digital-map", "Title": pages[0].title}
        with PdfPages(tmp, metadata=metadata) as pdf:
            for index, item in enumerate(pages):
                pdf.savefig(draw_page(pages, index, lang, approval_number))
                if progress:
                    progress(index + 1, len(pages), item.title)
    return len(pages)
