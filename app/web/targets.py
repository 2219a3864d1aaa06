"""The targets view (``?view=targets``): how the plan is doing, target by target.

On top a summary (targets per status with its colour swatch, symbol and label; the evaluation
date and rule version), then filters (status, plan article) and a grouping (by article or by
status), then the scorecard as a table: each target's id, indicator, target as written (the
stretch figure apart), deadline, latest actual with its date and sources, progress, status
(symbol and label; a projected status says so, with its basis one click away), a small chart of
its series (``target_chart``) and, for a target tied to places, a link to the map with them
highlighted (``highlight``).

The scorecard (``layers.scorecard``) is computed only when this view is drawn or a unit's
profile asks for its targets, once per evaluation date (``card_on``). The filters redraw the
table by callback and are written to the address (``&status=at_risk&art=18&group=status``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from app import i18n
from app.i18n import t
from app.web import ids, target_chart, viewstate
from app.web.places import places_for
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs
from app.web.wiring import Callbacks
from layers import evaluation, features, scorecard, vocabulary

callbacks = Callbacks()

#: The filters' value for "every status" / "every article".
ALL = "all"
#: The table's columns (``app.i18n`` keys of their headers).
COLUMNS = (
    "eval_col_id",
    "eval_col_indicator",
    "eval_col_target",
    "eval_col_deadline",
    "eval_col_actual",
    "eval_col_progress",
    "eval_col_status",
    "targets_col_chart",
    "targets_col_places",
)
#: Status colours are darkened for text until they reach this contrast with white (WCAG AA).
TEXT_CONTRAST = 4.5
#: The darkest light background status words sit on (the filters' and sidebar's #f7f7f5, in
#: ``hubei_map.css``): a shade that reads on it reads on white and on the summary's #fafafa.
TEXT_BACKGROUND = "#f7f7f5"


def today() -> dt.date:
    """The evaluation date: today."""
    return dt.date.today()


@functools.lru_cache(maxsize=4)
def card_on(day: dt.date) -> pd.DataFrame:
    """The scorecard evaluated on ``day``, computed once per date (callers must not modify it)."""
    return scorecard.scorecard(day)


def unit_targets(code: str, day: dt.date | None = None) -> pd.DataFrame:
    """``scorecard.targets_for_unit(code)``, read from the scorecard cached for ``day`` (default today)."""
    frame = card_on(day or today())
    concerned = [code in codes.split(";") for codes in frame["unit_codes"]]
    return frame[concerned].reset_index(drop=True)


# --- words ----------------------------------------------------------------------------------------


def present(value: Any) -> bool:
    """Whether a cell holds something (not None, NaN or blank text)."""
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and not bool(pd.isna(value))


def number(value: float) -> str:
    """A value for reading: thousands separated, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def with_unit(value: float, unit: str, lang: str) -> str:
    """A value and its unit in ``lang`` (a bare count in English has none)."""
    word = vocabulary.unit_word(unit, lang)
    return f"{number(value)}{'' if word == '%' else ' '}{word}".strip()


def target_text(row: Mapping[str, Any], lang: str) -> str:
    """The target as written: comparator (``>=`` is ≥; ``=`` means "reach"), value and unit."""
    sign = {">=": "≥"}.get(str(row["comparator"]), str(row["comparator"]))
    return f"{sign} {with_unit(float(row['value']), str(row['unit']), lang)}"


def deadline_text(row: Mapping[str, Any], lang: str) -> str:
    """The deadline as written, or the plan's years for a target judged every year."""
    if present(row["target_date"]):
        return str(row["target_date"])
    years = evaluation.PLAN_YEARS
    return t("targets_each_year", lang).format(first=years[0], last=years[-1])


def actual_value(row: Mapping[str, Any], lang: str) -> str:
    """The latest actual with its unit (a growth target's is its annual growth in %), or a dash."""
    if not present(row["latest_value"]):
        return t("eval_none", lang)
    unit = "%" if row["measure"] == "growth" else str(row["unit"])
    return with_unit(float(row["latest_value"]), unit, lang)


def status_label(row: Mapping[str, Any], lang: str) -> str:
    """The status in words, marked （推算）/(projected) when it is projected."""
    label = str(row["label_en" if lang == "en" else "label_zh"])
    return label + (t("projected", lang) if bool(row["projected"]) else "")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour(colour: str, background: str = TEXT_BACKGROUND) -> str:
    """``colour`` darkened (same hue) until text in it reads on ``background`` (contrast ``TEXT_CONTRAST``)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    light = _luminance(background) + 0.05
    shade = colour
    for step in range(20):
        shade = "#" + "".join(f"{round(c * (1 - step * 0.05)):02x}" for c in channels)
        if light / (_luminance(shade) + 0.05) >= TEXT_CONTRAST:
            break
    return shade


# --- the chart ------------------------------------------------------------------------------------


def chart_lines(row: Mapping[str, Any]) -> target_chart.Lines:
    """What a target's chart is drawn against (a growth target's % cannot share its levels' axis)."""
    growth = row["measure"] == "growth"
    deadline = None
    if present(row["target_date"]):
        deadline = target_chart.decimal_year(evaluation.as_of_date(str(row["target_date"])))
    projection = None
    if bool(row["projected"]) and present(row["projected_value"]) and deadline is not None and not growth:
        projection = (deadline, float(row["projected_value"]))
    return target_chart.Lines(
        target=None if growth else float(row["value"]),
        stretch=float(row["value_stretch"]) if present(row["value_stretch"]) and not growth else None,
        deadline=deadline,
        projection=projection,
        projection_colour=str(row["colour"]),
    )


def chart_label(row: Mapping[str, Any], lang: str) -> str:
    """The chart's text: indicator, latest actual and its date, target.

    For example 「5G基站：188,000 个（2025-12-31），目标 ≥ 120,000 个」.
    """
    indicator = i18n.pick(str(row["indicator_zh"]), str(row["indicator_en"]), lang)
    target = target_text(row, lang)
    if not present(row["latest_value"]):
        return t("targets_chart_none", lang).format(indicator=indicator, target=target)
    label = t("targets_chart_label", lang).format(
        indicator=indicator, value=actual_value(row, lang), date=row["latest_date"], target=target
    )
    return label + (t("targets_chart_levels", lang) if row["measure"] == "growth" else "")


@functools.lru_cache(maxsize=8)
def charts_on(day: dt.date, lang: str) -> dict[str, tuple[str, str]]:
    """Every target's chart on ``day`` in ``lang``: its ``data:`` address and its text, by target id."""
    card = card_on(day)
    actuals = target_chart.actuals_table()
    plan = features.table("layers/plan_targets.csv")
    series_of = {str(i): s for i, s in zip(plan["target_id"], plan["series_target"], strict=True) if present(s)}
    out = {}
    records: list[dict[str, Any]] = card.to_dict("records")  # type: ignore[assignment]
    for row in records:
        target_id = str(row["target_id"])
        points = target_chart.used_points(actuals, str(series_of.get(target_id, target_id)), day)
        label = chart_label(row, lang)
        svg = target_chart.chart_svg(points, chart_lines(row), label, t("eval_no_data", lang))
        out[target_id] = (target_chart.data_url(svg), label)
    return out


# --- the page -------------------------------------------------------------------------------------


def status_badge(status: str, label: str, title: str = "") -> html.Span:
    """A status as symbol and words in its colour (the words carry it; the symbol and colour repeat it)."""
    style = evaluation.STATUS_STYLE[status]  # type: ignore[index]
    return html.Span(
        [html.Span(style.symbol, className="status-symbol", **html_attrs(aria_hidden="true")), label],
        className=f"status-badge status-{status}",
        style={"color": text_colour(style.colour), "borderColor": style.colour},
        title=title or None,
    )


def summary(card: pd.DataFrame, lang: str) -> html.Section:
    """Targets per status (swatch, symbol, label, count), the total, the evaluation date and rule version."""
    items = []
    for status, count in evaluation.summary(card).items():
        style = evaluation.STATUS_STYLE[status]
        items.append(
            html.Li(
                [
                    html.Span(className="swatch", style={"background": style.colour}),
                    status_badge(status, style.en if lang == "en" else style.zh),
                    html.Strong(str(count), className="summary-count"),
                ],
                className=f"summary-item status-{status}",
            )
        )
    when = t("eval_subtitle", lang).format(date=card.attrs["as_of"], version=card.attrs["rule_version"])
    return html.Section(
        [
            html.H3(t("targets_summary", lang)),
            html.Ul(items, className="targets-summary"),
            html.P(f"{t('eval_total', lang).format(n=len(card))} · {when}", className="targets-when"),
        ],
        className="targets-summary-box",
        **html_attrs(aria_label=t("targets_summary", lang)),
    )


def filters(state: ViewState, card: pd.DataFrame) -> html.Section:
    """The filters (status, plan article) and the grouping, as labelled form controls."""
    lang = state.lang
    statuses = [{"label": t("targets_all", lang), "value": ALL}] + [
        {"label": f"{s.symbol} {s.en if lang == 'en' else s.zh}", "value": key}
        for key, s in evaluation.STATUS_STYLE.items()
    ]
    articles = [{"label": t("targets_all", lang), "value": ALL}] + [
        {"label": t("eval_article", lang).format(n=n), "value": str(n)} for n in sorted(set(card["plan_article"]))
    ]
    grouping = [
        {"label": t(key, lang), "value": value}
        for key, value in (("targets_by_article", "article"), ("targets_by_status", "status"))
    ]
    return html.Section(
        [
            html.Fieldset(
                [
                    html.Legend(t("eval_col_status", lang)),
                    dcc.RadioItems(id=ids.TARGETS_STATUS, options=statuses, value=state.status or ALL, inline=True),
                ],
                className="targets-filter",
            ),
            html.Div(
                [
                    html.Label(t("targets_article", lang), htmlFor=ids.TARGETS_ARTICLE),
                    dcc.Dropdown(
                        id=ids.TARGETS_ARTICLE,
                        options=articles,
                        value=str(state.article) if state.article is not None else ALL,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                className="targets-filter targets-article",
            ),
            html.Fieldset(
                [
                    html.Legend(t("targets_group", lang)),
                    dcc.RadioItems(id=ids.TARGETS_GROUP, options=grouping, value=state.group, inline=True),
                ],
                className="targets-filter",
            ),
        ],
        className="targets-filters",
        **html_attrs(aria_label=t("targets_filters", lang)),
    )


def _actual_cell(row: Mapping[str, Any], lang: str) -> list[Any]:
    """Latest actual and date, and its source ids (their words on hover)."""
    if not present(row["latest_value"]):
        return [t("eval_none", lang)]
    key = "eval_actual_ytd" if row["latest_period"] == "ytd" else "eval_actual"
    out: list[Any] = [html.Div(t(key, lang).format(value=actual_value(row, lang), date=row["latest_date"]))]
    if present(row["latest_source_ids"]):
        shown = ", ".join(str(row["latest_source_ids"]).split(";"))
        out.append(
            html.Div(
                [t("eval_sources", lang), html.Span(shown, title=str(row["sources"]), className="source-ids")],
                className="sources",
            )
        )
    return out


def _progress_cell(row: Mapping[str, Any], lang: str) -> list[Any]:
    if not present(row["progress"]):
        return [t("eval_none", lang)]
    share = float(row["progress"])
    bar = html.Span(
        html.Span(style={"width": f"{min(share, 1) * 100:.0f}%"}),
        className="progress-bar",
        **html_attrs(aria_hidden="true"),
    )
    return [f"{share * 100:.0f}%", bar]


def _status_cell(row: Mapping[str, Any], lang: str) -> list[Any]:
    """The status, and its basis and sources behind a disclosure (the basis also on hover)."""
    basis = str(row["basis_en" if lang == "en" else "basis_zh"])
    body = [html.P(basis)] + ([html.P(str(row["sources"]), className="sources")] if present(row["sources"]) else [])
    return [
        status_badge(str(row["status"]), status_label(row, lang), basis),
        html.Details([html.Summary(t("targets_basis", lang)), *body], className="basis"),
    ]


def place_link(row: Mapping[str, Any], lang: str) -> dcc.Link | str:
    """「在地图上查看」: the map with the target's layer on and its places highlighted ('' for none)."""
    places = places_for(str(row["target_id"]))
    if places is None:
        return ""
    layers = tuple(dict.fromkeys((*viewstate.default_layers(), places.layer)))
    href = viewstate.to_query(ViewState(lang=lang, layers=layers, hl=places.target_id))
    indicator = i18n.pick(places.indicator_zh, places.indicator_en, lang)
    return dcc.Link(
        [t("show_on_map", lang), html.Span(f" · {indicator}", className="visually-hidden")],
        href=href,
        className="map-link",
        title=t("show_on_map_label", lang).format(indicator=indicator),
    )


def target_row(row: Mapping[str, Any], lang: str, chart: tuple[str, str]) -> html.Tr:
    """One target: id and article, indicator, target, deadline, actual, progress, status, chart, places."""
    stretch = []
    if present(row["value_stretch"]):
        stretch_value = with_unit(float(row["value_stretch"]), str(row["unit"]), lang)
        stretch = [html.Div(t("eval_stretch", lang).format(value=stretch_value), className="stretch")]
    status = str(row["status"])
    head = [
        html.Span(str(row["target_id"]), className="target-id"),
        html.Span(t("eval_article", lang).format(n=int(row["plan_article"])), className="target-article"),
    ]
    return html.Tr(
        [
            html.Th(head, scope="row"),
            html.Td(i18n.pick(str(row["indicator_zh"]), str(row["indicator_en"]), lang), className="indicator"),
            html.Td([html.Div(target_text(row, lang)), *stretch], className="target"),
            html.Td(deadline_text(row, lang), className="deadline"),
            html.Td(_actual_cell(row, lang), className="actual"),
            html.Td(_progress_cell(row, lang), className="progress"),
            html.Td(_status_cell(row, lang), className="status"),
            html.Td(
                html.Img(
                    src=chart[0],
                    alt=chart[1],
                    width=target_chart.WIDTH,
                    height=target_chart.HEIGHT,
                    className="target-chart",
                )
            ),
            html.Td(place_link(row, lang), className="places"),
        ],
        className=f"target-row status-{status}",
        **html_attrs(data_status=status, data_target=str(row["target_id"])),
    )


def selected(card: pd.DataFrame, state: ViewState) -> pd.DataFrame:
    """The targets the filters let through, in plan order."""
    keep = pd.Series(True, index=card.index)
    if state.status:
        keep &= card["status"] == state.status
    if state.article is not None:
        keep &= card["plan_article"] == state.article
    return card[keep]


def groups(frame: pd.DataFrame, state: ViewState) -> list[tuple[str, pd.DataFrame]]:
    """The rows in groups: by plan article (in order), or by status (``evaluation.STATUSES`` order)."""
    lang = state.lang
    if state.group == "status":
        return [
            (s.en if lang == "en" else s.zh, frame[frame["status"] == key])
            for key, s in evaluation.STATUS_STYLE.items()
            if (frame["status"] == key).any()
        ]
    articles = sorted({int(a) for a in frame["plan_article"]})
    return [(t("eval_article", lang).format(n=a), frame[frame["plan_article"] == a]) for a in articles]


def scorecard_table(card: pd.DataFrame, state: ViewState, day: dt.date) -> html.Table:
    """The scorecard as a table: caption, column headers, one row group per article or status."""
    lang = state.lang
    shown = selected(card, state)
    charts = charts_on(day, lang)
    head = html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in COLUMNS]))
    bodies = []
    for title, part in groups(shown, state):
        heading = t("targets_group_count", lang).format(title=title, n=len(part))
        records: list[dict[str, Any]] = part.to_dict("records")  # type: ignore[assignment]
        rows = [target_row(r, lang, charts[str(r["target_id"])]) for r in records]
        group_row = html.Tr(html.Th(heading, scope="rowgroup", colSpan=len(COLUMNS)), className="group-row")
        bodies.append(html.Tbody([group_row, *rows]))
    if not bodies:
        bodies = [html.Tbody(html.Tr(html.Td(t("empty", lang), colSpan=len(COLUMNS), className="empty")))]
    caption = html.Caption(t("targets_caption", lang).format(shown=len(shown), total=len(card)))
    return html.Table([caption, head, *bodies], className="targets-table")


def targets_main(state: ViewState) -> html.Main:
    """The targets view for ``state`` (its filters and grouping included)."""
    lang = state.lang
    day = today()
    card = card_on(day)
    return html.Main(
        [
            dcc.Store(id=ids.TARGETS_QUERY, data=viewstate.to_query(state)),
            html.H2(t("targets_heading", lang)),
            html.P(t("targets_plan", lang).format(n=len(card)), className="targets-plan"),
            summary(card, lang),
            filters(state, card),
            html.Div(scorecard_table(card, state, day), id=ids.TARGETS_TABLE, className="targets-table-wrap"),
            html.P(t("eval_note", lang), className="help targets-note"),
        ],
        id=ids.TARGETS,
        className="targets-view",
    )


def language_href(state: ViewState) -> str:
    """The address of ``state`` in the other language."""
    return viewstate.to_query(state.with_(lang="en" if state.lang == "zh" else "zh")) or "."


@callbacks.callback(
    output=[
        Output(ids.TARGETS_TABLE, "children"),
        Output(ids.TARGETS_QUERY, "data"),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        Output(ids.LANG_LINK, "href"),
    ],
    inputs=dict(
        status=Input(ids.TARGETS_STATUS, "value"),
        article=Input(ids.TARGETS_ARTICLE, "value"),
        group=Input(ids.TARGETS_GROUP, "value"),
    ),
    state=dict(query=State(ids.TARGETS_QUERY, "data")),
    prevent_initial_call=True,
)
def filter_targets(status: str | None, article: str | None, group: str | None, query: str | None) -> tuple[Any, ...]:
    """The table for the filters chosen, the query it is drawn for (also the address's), the language switch.

    ``query`` is the view the table on the page was drawn for: filters equal to its change nothing
    (a newly drawn page reports its filters as if chosen). Values that are not a status, an article
    or a grouping count as "all" and "by article".
    """
    chosen = {"status": [status or ""], "art": [article or ""], "group": [group or ""]}
    drawn = viewstate.parse(query).with_(view="targets")
    state = drawn.with_(**viewstate.targets_filters(chosen))
    if state == drawn:
        return no_update, no_update, no_update, no_update
    day = today()
    address = viewstate.to_query(state)
    return scorecard_table(card_on(day), state, day), address, address, language_href(state)
