"""The briefing pack's plan-evaluation scorecard: every target with its status, grouped by plan article.

The rows come from ``layers.scorecard.scorecard`` (the one table every output reads); the status
words, colours and symbols from ``layers.evaluation.STATUS_STYLE``; every other word from
``app.i18n``. Pages are cut before anything is drawn (``scorecard_pages``), from the same row
heights the drawing uses, so the pack knows its page count up front and no row is ever cut.

Status symbols are drawn as glyphs of the embedded CJK font when it has them (``glyph_available``),
otherwise as a small marker of the same meaning (``SYMBOL_MARKERS``): the page never shows a
missing-glyph box. The charts of the headline targets are in ``evaluation_charts``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection
from matplotlib import colors as mcolors
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MPath

from app.render import fonts, furniture, geometry, page, text
from app.render.furniture import INK, MUTED
from app.render.request import SnapshotRequest
from layers import evaluation, features

#: Scorecard columns: key, share of the width, type role (``page.FONT_PT``), header word.
SCORE_COLUMNS: tuple[tuple[str, float, str, str], ...] = (
    ("id", 0.13, "small", "eval_col_id"),
    ("indicator", 0.20, "legend", "eval_col_indicator"),
    ("target", 0.15, "legend", "eval_col_target"),
    ("deadline", 0.075, "legend", "eval_col_deadline"),
    ("actual", 0.17, "legend", "eval_col_actual"),
    ("progress", 0.055, "legend", "eval_col_progress"),
    ("status", 0.14, "legend", "eval_col_status"),
    ("sources", 0.08, "legend", "eval_col_sources"),
)
#: Vertical spacing, in multiples of the table's type size.
LEADING = 1.25
ROW_PAD = 0.6
HEADER_ROW = 1.9
GROUP_ROW = 1.8
SUMMARY_BOX = 3.2
SUMMARY_GAP = 1.2
#: Fill of the article rows and the summary box; rule lines.
BAND = "#efefef"
RULE = "#cccccc"
#: Share of black mixed into a status colour for text (the light Okabe-Ito colours are too pale for small type).
TEXT_DARKEN = 0.38
#: Markers drawn for a status symbol the CJK font lacks (same meaning, drawn as a shape, never a missing glyph).
_CHECK = MPath([(-0.45, 0.0), (-0.12, -0.38), (0.48, 0.42)], [MPath.MOVETO, MPath.LINETO, MPath.LINETO])
_ARROW = MPath(
    [(-0.42, -0.42), (0.42, 0.42), (0.0, 0.42), (0.42, 0.42), (0.42, 0.0)],
    [MPath.MOVETO, MPath.LINETO, MPath.MOVETO, MPath.LINETO, MPath.LINETO],
)
SYMBOL_MARKERS: dict[str, Any] = {"✔": _CHECK, "✘": "X", "↗": _ARROW, "⚠": "^", "?": "o"}
#: Markers drawn as strokes only (the others are filled shapes).
STROKED = frozenset({"✔", "↗"})


def word(key: str, lang: str, **values: object) -> str:
    """A phrase from the interface words (``app.i18n``)."""
    return text.word(key, lang, **values)


def number(value: float) -> str:
    """A value as the scorecard prints it: thousands separated, at most two decimals, no trailing zeros."""
    shown = f"{value:,.2f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def comparator(sign: str) -> str:
    """The comparator as printed (``>=`` is ≥; ``=`` in this plan means "reach N")."""
    return {">=": "≥"}.get(sign, sign)


def status_label(status: str, projected: bool, lang: str) -> str:
    """A status in ``lang`` (the evaluation's own labels), marked when the status is projected."""
    style = evaluation.STATUS_STYLE[status]  # type: ignore[index]
    label = style.en if lang == "en" else style.zh
    return word("eval_projected", lang, label=label) if projected else label


def text_colour(colour: str) -> str:
    """A status colour darkened for type (same hue; the swatches and symbols keep the colour itself)."""
    r, g, b = mcolors.to_rgb(colour)
    keep = 1 - TEXT_DARKEN
    return mcolors.to_hex((r * keep, g * keep, b * keep))


# --- symbols --------------------------------------------------------------------------------------


def _font_cmap(path: str, family: str) -> frozenset[int]:
    if path.lower().endswith((".ttc", ".otc")):
        with TTCollection(path, lazy=True) as collection:
            for font in collection.fonts:
                if font["name"].getDebugName(1) == family:
                    return frozenset(font.getBestCmap())
        return frozenset()
    with TTFont(path, lazy=True) as single:
        return frozenset(single.getBestCmap())


@functools.cache
def _cjk_cmaps() -> tuple[frozenset[int], ...]:
    family = fonts.cjk_family()
    files = sorted({entry.fname for entry in font_manager.fontManager.ttflist if entry.name == family})
    return tuple(_font_cmap(f, family) for f in files)


def glyph_available(char: str) -> bool:
    """Whether every face (weight) of the embedded CJK font has a glyph for ``char``."""
    cmaps = _cjk_cmaps()
    return bool(cmaps) and all(ord(char) in cmap for cmap in cmaps)


def draw_symbol(ax: Axes, x: float, cy: float, status: str, size: float) -> None:
    """A status symbol centred on (x, cy) of a points axes: the font's glyph, or a marker if it has none."""
    style = evaluation.STATUS_STYLE[status]  # type: ignore[index]
    if glyph_available(style.symbol):
        ax.text(x, cy, style.symbol, fontsize=size * 1.05, color=style.colour, ha="center", va="center", gid="status")
        return
    stroked = style.symbol in STROKED
    ax.plot(
        [x],
        [cy],
        marker=SYMBOL_MARKERS.get(style.symbol, "o"),
        markersize=size * (0.95 if stroked else 0.75),
        markerfacecolor="none" if stroked else style.colour,
        markeredgecolor=style.colour,
        markeredgewidth=size * 0.17 if stroked else 0.4,
        linestyle="none",
        gid="status",
    )


def draw_status(ax: Axes, x: float, top: float, status: str, projected: bool, lang: str, size: float) -> None:
    """Symbol and label of a status (label in the status colour), first line's top at ``top``."""
    colour = evaluation.STATUS_STYLE[status].colour  # type: ignore[index]
    draw_symbol(ax, x + size * 0.55, top - size * 0.62, status, size)
    label = status_label(status, projected, lang)
    ax.text(x + size * 1.5, top, label, fontsize=size, va="top", color=text_colour(colour))


# --- rows -----------------------------------------------------------------------------------------


def actual_text(row: pd.Series, lang: str) -> str:
    """A scorecard row's latest actual with its unit and as-of date (year-to-date values said so), or a dash."""
    if pd.isna(row["latest_value"]):
        return word("eval_none", lang)
    unit = "%" if row["measure"] == "growth" else row["unit"]
    value = f"{number(float(row['latest_value']))} {unit}"
    key = "eval_actual_ytd" if row["latest_period"] == "ytd" else "eval_actual"
    return word(key, lang, value=value, date=row["latest_date"])


def score_frame(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The scorecard as printed text, one row per target, in plan order (``card`` is ``scorecard()``)."""
    none = word("eval_none", lang)
    rows = []
    for _, row in card.iterrows():
        stretch = row["value_stretch"]
        rows.append(
            {
                "article": int(row["plan_article"]),
                "id": row["target_id"],
                "indicator": row["indicator_en" if lang == "en" else "indicator_zh"],
                "target": f"{comparator(row['comparator'])} {number(float(row['value']))} {row['unit']}",
                "stretch": "" if pd.isna(stretch) else word("eval_stretch", lang, value=number(float(stretch))),
                "deadline": row["target_date"] if isinstance(row["target_date"], str) else none,
                "actual": actual_text(row, lang),
                "progress": none if pd.isna(row["progress"]) else f"{float(row['progress']) * 100:.0f}%",
                "status": row["status"],
                "projected": bool(row["projected"]),
                "sources": ", ".join(s for s in str(row["latest_source_ids"] or "").split(";") if s) or none,
                "as_of": row["as_of"],
                "continues": False,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TableGeometry:
    """Sizes of the scorecard table on one paper, in points of the body's points axes."""

    width: float
    height: float
    size: float
    small: float

    def column_em(self, share: float, role: str) -> float:
        """Width of a column in ems of its type."""
        return share * self.width / (self.small if role == "small" else self.size) - 1.0

    @property
    def line(self) -> float:
        """Height of one line of table type."""
        return self.size * LEADING


def table_geometry(layout: page.PageLayout) -> TableGeometry:
    """The table's box (below the header, above the footer) and its type sizes."""
    x0, y0, x1, y1 = body_box(layout)
    to_pt = 72.0 / 25.4
    return TableGeometry((x1 - x0) * to_pt, (y1 - y0) * to_pt, layout.font("legend"), layout.font("small"))


def body_box(layout: page.PageLayout) -> page.Box:
    """The area between header and footer across the whole page width (mm)."""
    return (layout.map[0], layout.map[1], layout.legend[2], layout.map[3])


def cell_lines(record: dict[str, Any], geo: TableGeometry, lang: str) -> dict[str, list[str]]:
    """Every cell of a row broken into lines at its column's width (the target cell: target, then stretch)."""
    lines: dict[str, list[str]] = {}
    for key, share, role, _ in SCORE_COLUMNS:
        em = geo.column_em(share, role)
        if key == "status":
            lines[key] = geometry.wrap(status_label(record["status"], record["projected"], lang), em - 1.5)
        elif key == "target":
            stretch = geometry.wrap(record["stretch"], em) if record["stretch"] else []
            lines[key] = geometry.wrap(record["target"], em) + stretch
        else:
            lines[key] = geometry.wrap(str(record[key]), em)
    return lines


def row_height(record: dict[str, Any], geo: TableGeometry, lang: str) -> float:
    """Height of one target's row: its tallest cell plus padding."""
    return max(len(v) for v in cell_lines(record, geo, lang).values()) * geo.line + geo.size * ROW_PAD


def scorecard_pages(card: pd.DataFrame, lang: str, layout: page.PageLayout) -> list[pd.DataFrame]:
    """The scorecard cut into pages: whole rows only, an article heading before each article's first row.

    A page that starts inside an article repeats its heading, marked continued (``continues``).
    The first page leaves room for the summary box.
    """
    geo = table_geometry(layout)
    frame = score_frame(card, lang)
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    pages: list[list[dict[str, Any]]] = [[]]
    capacity = geo.height - summary_height(geo) - geo.size * HEADER_ROW
    used, previous = 0.0, None
    for record in records:
        new_group = record["article"] != previous
        need = row_height(record, geo, lang) + (geo.size * GROUP_ROW if new_group else 0.0)
        if pages[-1] and used + need > capacity:
            pages.append([])
            capacity, used = geo.height - geo.size * HEADER_ROW, 0.0
            if not new_group:
                record["continues"] = True
                need += geo.size * GROUP_ROW
        pages[-1].append(record)
        used += need
        previous = record["article"]
    return [pd.DataFrame(p, columns=frame.columns) for p in pages]


def summary_height(geo: TableGeometry) -> float:
    """Height the summary box takes above the table on the first page (box and gap)."""
    return geo.size * (SUMMARY_BOX + SUMMARY_GAP)


# --- drawing --------------------------------------------------------------------------------------


def draw_summary(ax: Axes, counts: Sequence[tuple[str, int]], lang: str, geo: TableGeometry, top: float) -> float:
    """The counts per status in a box (swatch, symbol, label, count); returns the y below it."""
    s = geo.size
    box_h = s * SUMMARY_BOX
    ax.add_patch(Rectangle((0, top - box_h), geo.width, box_h, facecolor=BAND, edgecolor=RULE, linewidth=0.5))
    cy = top - box_h / 2
    total = word("eval_total", lang, n=sum(n for _, n in counts))
    ax.text(s, cy, total, fontsize=s * 1.2, fontweight="bold", va="center", color=INK)
    x = s * (2.5 + geometry.text_width_em(total) * 1.2)
    step = (geo.width - x) / max(len(counts), 1)
    for status, count in counts:
        colour = evaluation.STATUS_STYLE[status].colour  # type: ignore[index]
        ax.add_patch(Rectangle((x, cy - s * 0.55), s * 1.6, s * 1.1, facecolor=colour, edgecolor=INK, linewidth=0.3))
        draw_symbol(ax, x + s * 2.6, cy, status, s * 1.2)
        label = word("eval_count", lang, label=status_label(status, False, lang), n=count)
        ax.text(x + s * 3.7, cy, label, fontsize=s * 1.15, va="center", color=INK, gid="summary-count")
        x += step
    return top - box_h - s * SUMMARY_GAP


def _column_heads(ax: Axes, geo: TableGeometry, lang: str, top: float) -> float:
    x = 0.0
    for _, share, _, head in SCORE_COLUMNS:
        ax.text(x, top, word(head, lang), fontsize=geo.size, fontweight="bold", va="top", color=INK)
        x += share * geo.width
    y = top - geo.size * HEADER_ROW
    ax.axhline(y + geo.size * 0.45, color=INK, linewidth=0.6)
    return y


def _group_row(ax: Axes, geo: TableGeometry, record: dict[str, Any], lang: str, y: float) -> float:
    h = geo.size * GROUP_ROW
    ax.add_patch(Rectangle((0, y - h + geo.size * 0.45), geo.width, h, facecolor=BAND, edgecolor="none"))
    key = "eval_article_more" if record["continues"] else "eval_article"
    ax.text(
        geo.size * 0.3,
        y - h / 2 + geo.size * 0.45,
        word(key, lang, n=record["article"]),
        fontsize=geo.size,
        fontweight="bold",
        va="center",
        color=INK,
    )
    return y - h


def _row(ax: Axes, geo: TableGeometry, record: dict[str, Any], lang: str, y: float) -> float:
    lines = cell_lines(record, geo, lang)
    x = 0.0
    for key, share, role, _ in SCORE_COLUMNS:
        size = geo.small if role == "small" else geo.size
        if key == "status":
            draw_status(ax, x, y, record["status"], record["projected"], lang, geo.size)
        elif key == "target" and record["stretch"]:
            main = geometry.wrap(record["target"], geo.column_em(share, role))
            ax.text(x, y, "\n".join(main), fontsize=size, va="top", color=INK, linespacing=LEADING)
            rest = lines[key][len(main) :]
            ax.text(
                x, y - len(main) * geo.line, "\n".join(rest), fontsize=size, va="top", color=MUTED, linespacing=LEADING
            )
        else:
            colour = MUTED if role == "small" else INK
            ax.text(x, y, "\n".join(lines[key]), fontsize=size, va="top", color=colour, linespacing=LEADING)
        x += share * geo.width
    y -= row_height(record, geo, lang)
    ax.axhline(y + geo.size * 0.45, color=RULE, linewidth=0.4)
    return y


def source_note(ids: Sequence[str], lang: str) -> str:
    """The source ids printed on a page with who published each and when (from ``data/sources.csv``)."""
    register = features.sources()
    parts = []
    for source_id in dict.fromkeys(ids):
        if source_id not in register.index:
            parts.append(source_id)
            continue
        row = {k: (v if isinstance(v, str) and v else "") for k, v in register.loc[source_id].items()}
        name = row["publisher"] or row["title"] or row["url"] or row["read_at"]
        parts.append(" ".join(p for p in (f"[{source_id}]", name, row["date"]) if p))
    return word("eval_sources", lang) + word("sep", lang).join(parts) if parts else ""


def page_ids(rows: pd.DataFrame) -> list[str]:
    """Source ids cited on a scorecard page, in order of appearance."""
    none = {word("eval_none", "zh"), word("eval_none", "en")}
    return [i for cell in rows["sources"] for i in str(cell).split(", ") if i and i not in none]


def subtitle(as_of: str, lang: str, number_: int, total: int) -> str:
    """The evaluation pages' subtitle: evaluation date, rule version, page n of total."""
    return word("eval_subtitle", lang, date=as_of, version=evaluation.RULE_VERSION) + f" · {number_}/{total}"


def draw_scorecard_page(
    rows: pd.DataFrame,
    lang: str,
    approval: str,
    position: tuple[int, int],
    counts: Sequence[tuple[str, int]] = (),
    paper: str = "a4-landscape",
) -> Figure:
    """One page of the scorecard; the summary box on top when ``counts`` are given (the first page)."""
    layout = page.layout(paper)
    fig = Figure(figsize=SnapshotRequest(paper=paper).paper_inches)
    as_of = str(rows["as_of"].iloc[0]) if len(rows) else ""
    furniture.header(fig, layout, word("eval_title", lang), subtitle(as_of, lang, *position))
    ax = furniture.points_axes(fig, layout, body_box(layout))
    geo = table_geometry(layout)
    y = geo.height
    if counts:
        y = draw_summary(ax, counts, lang, geo, y)
    y = _column_heads(ax, geo, lang, y)
    previous = None
    for record in rows.to_dict("records"):
        if record["article"] != previous:
            y = _group_row(ax, geo, record, lang, y)  # type: ignore[arg-type]
        y = _row(ax, geo, record, lang, y)  # type: ignore[arg-type]
        previous = record["article"]
    lines = [word("eval_note", lang), source_note(page_ids(rows), lang)]
    furniture.footer(fig, layout, approval, [line for line in lines if line])
    return fig


def counts_of(card: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """Targets per status, every status listed, in ``evaluation.STATUSES`` order."""
    return tuple(evaluation.summary(card).items())
