"""The indicator map: pickers, the choropleth (catalogue or uploaded indicator), its legend and table view."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from app.i18n import t
from app.web import ids
from app.web.layer_urls import datum_for, layer_url
from app.web.viewstate import ViewState
from app.web.widgets import dropdown_options, html_attrs, section
from app.web.wiring import Callbacks
from geo import boundaries
from layers import classify, indicators, palettes
from layers.choropleth import Choropleth, Legend, choropleth

callbacks = Callbacks()


def indicator_options(lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options: every catalogue indicator, prefecture level first."""
    specs = sorted(indicators.catalogue().values(), key=lambda s: s.level != "prefecture")
    return [{"label": f"{s.title(lang)}（{t(s.level, lang)}）", "value": s.id} for s in specs]


def indicator_panel(
    state: ViewState, opening: tuple[Any, ...] | None = None, uploaded: dict[str, Any] | None = None
) -> html.Details:
    """Indicator, scheme, class count and palette pickers (keyboard-usable), legend and table view.

    ``opening`` is ``opening_choropleth(state, uploaded)`` (its legend and whether the class controls are
    off); ``uploaded`` the indicators this session uploaded (the session store), offered after the catalogue's.
    """
    lang = state.lang
    _url, _hideout, legend, fixed = opening if opening is not None else opening_choropleth(state, uploaded)
    schemes = [(key, zh, en) for key, (_, zh, en) in classify.SCHEMES.items() if key != "user_defined"]
    pals = [(p.name, p.title_zh, p.title_en) for p in map(palettes.palette, palettes.CLASS_PALETTES)]
    return section(
        t("indicator_map", lang),
        [
            html.Label(t("indicator", lang), htmlFor=ids.INDICATOR),
            dcc.Dropdown(
                id=ids.INDICATOR,
                options=indicator_choices(uploaded, lang),
                value=state.indicator,
                placeholder=t("choose", lang),
            ),
            html.Label(t("scheme", lang), htmlFor=ids.SCHEME),
            dcc.Dropdown(
                id=ids.SCHEME,
                options=dropdown_options(schemes, lang),
                value=state.scheme,
                clearable=False,
                disabled=fixed,
            ),
            html.Label(t("classes", lang), htmlFor=ids.CLASSES),
            dcc.Dropdown(
                id=ids.CLASSES,
                options=[{"label": str(k), "value": k} for k in range(classify.K_RANGE[0], classify.K_RANGE[1] + 1)],
                value=state.k,
                clearable=False,
            ),
            html.Label(t("palette", lang), htmlFor=ids.PALETTE),
            dcc.Dropdown(id=ids.PALETTE, options=dropdown_options(pals, lang), value=state.palette, clearable=False),
            html.Div(
                legend, id=ids.LEGEND, className="legend", role="region", **html_attrs(aria_label=t("legend", lang))
            ),
            html.Details(
                [html.Summary(t("table_view", lang), id=ids.TABLE_SUMMARY, n_clicks=0), html.Div(id=ids.TABLE_VIEW)],
                className="table-view",
            ),
        ],
        open_=True,
        class_name="indicator",
    )


def legend_view(legend: Legend | None, lang: str = "zh") -> list[html.Div | html.P | html.Table]:
    """The legend as components: title, subtitle, one row per class with its count, note, source."""
    if legend is None:
        return [html.P(t("no_indicator", lang), className="legend-empty")]
    rows = [
        html.Tr(
            [
                html.Td(
                    html.Span(className="swatch" + (" no-data" if e.no_data else ""), style={"background": e.color})
                ),
                html.Td(e.label, className="legend-label"),
                html.Td(f"{e.count}", className="legend-count"),
            ]
        )
        for e in legend.entries
    ]
    out: list[html.Div | html.P | html.Table] = [
        html.Div(legend.title, className="legend-title"),
        html.Div(legend.subtitle, className="legend-subtitle"),
        html.Table(rows, className="legend-table"),
    ]
    if legend.note:
        out.append(html.P(legend.note, className="legend-note"))
    out.append(html.P(legend.source, className="legend-source"))
    return out


def table_view(chosen: Choropleth | None, lang: str = "zh", unit: str | None = None) -> list[Any]:
    """The choropleth as a table (a text alternative to the map): unit, value, class; no-data last.

    With ``unit`` (a prefecture drilled into) a county-level indicator lists only its counties.
    """
    if chosen is None:
        return [html.P(t("no_indicator", lang))]
    frame = chosen.table
    if unit and chosen.indicator.level == "county":
        parents = boundaries.units("county").set_index("code")["parent_code"]
        frame = frame[frame["code"].map(parents) == unit]
    labels = [b.label(lang) for b in chosen.classification.bins]
    frame = frame.assign(_missing=frame["class"] < 0).sort_values(
        ["_missing", "class", "code"], ascending=[True, False, True]
    )
    name = frame["name_en"] if lang == "en" else frame["name_zh"]
    rows = [
        html.Tr(
            [
                html.Td(n),
                html.Td(v if isinstance(v, str) else t("no_data", lang)),
                html.Td(labels[c] if 0 <= c < len(labels) else t("no_data", lang)),
            ]
        )
        for n, v, c in zip(name, frame["value_text"], frame["class"], strict=True)
    ]
    head = html.Tr([html.Th(t("unit", lang)), html.Th(t("value", lang)), html.Th(t("class", lang))])
    return [html.Table([html.Thead(head), html.Tbody(rows)], className="data-table")]


def _user_spec(indicator_id: str, stored: dict[str, Any]) -> tuple[indicators.IndicatorSpec, pd.DataFrame]:
    meta = stored["meta"]
    spec = indicators.IndicatorSpec(
        id=indicator_id,
        title_zh=meta["title"],
        title_en=meta["title"],
        unit_zh=meta["unit"],
        unit_en=meta["unit"],
        year="",
        level=meta["level"],
        kind="numeric",
        data=None,
        derived=None,
        formula_zh=None,
        formula_en=None,
        source_ids=(f"{t('user_upload', 'zh')} {t('user_upload', 'en')}: {meta['filename']}",),
        licence="unknown",
        confidence="L",
        description_zh=t("upload_description", "zh"),
        description_en=t("upload_description", "en"),
    )
    frame = pd.DataFrame(stored["values"], columns=list(indicators.VALUE_COLUMNS))
    return spec, frame


def _classify(
    indicator_id: str,
    uploaded: dict[str, Any] | None,
    lang: str,
    **options: Any,
) -> Choropleth | None:
    """The choropleth of a catalogue or uploaded indicator (None: unknown, e.g. an upload from another session)."""
    if uploaded and indicator_id in uploaded:
        try:
            spec, frame = _user_spec(indicator_id, uploaded[indicator_id])
        except (KeyError, TypeError, ValueError):  # the store lives in the browser: an edited entry maps nothing
            return None
        return choropleth(indicator_id, values=frame, spec=spec, lang=lang, **options)
    if indicator_id not in indicators.catalogue():
        return None
    return choropleth(indicator_id, lang=lang, **options)


def shared_breaks(
    first: str, second: str, scheme: str, k: int, uploaded: dict[str, Any] | None = None
) -> list[float] | None:
    """Class breaks over the values of two comparable indicators, so both maps share one legend.

    Comparable: both numeric, at the same level and in the same unit (e.g. GDP in two
    years). Returns None otherwise; each map then has its own classes.
    """
    pair = [_classify(i, uploaded, "zh") for i in (first, second)]
    if any(c is None for c in pair):
        return None
    a, b = (c.indicator for c in pair if c is not None)
    if not (a.kind == b.kind == "numeric" and a.level == b.level and a.unit("zh") == b.unit("zh")):
        return None
    values = pd.concat([c.table["value"] for c in pair if c is not None], ignore_index=True)
    return list(classify.classify(values, scheme=scheme, k=k).breaks)


def choropleth_view(
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    uploaded: dict[str, Any] | None = None,
    lang: str = "zh",
    unit: str | None = None,
    basemap: str | None = None,
    breaks: list[float] | None = None,
) -> tuple[str | None, dict[str, Any], list[Any], bool]:
    """URL, style payload and legend of the indicator choropleth; whether the class controls are off.

    Returns no URL and an empty payload when no indicator is chosen. Geometry is not
    sent: the URL is the unit layer already served for the current zoom band. Indicators
    uploaded in this session come from ``uploaded`` (the session store). ``unit`` (a
    prefecture drilled into) dims the counties outside it; ``breaks`` (shared with a
    comparison map) replace the scheme's own.
    """
    options: dict[str, Any] = {"scheme": scheme, "k": int(k), "palette": palette}
    if breaks:
        options.update(scheme="user_defined", breaks=breaks)
    chosen = _classify(indicator_id, uploaded, lang, **options) if indicator_id else None
    if chosen is None:
        return None, {}, legend_view(None, lang), False
    level_layer = "prefectures" if chosen.indicator.level == "prefecture" else "counties"
    numeric = chosen.indicator.kind == "numeric"
    hideout = {**chosen.hideout(), "lang": lang, "parent": unit if chosen.indicator.level == "county" else None}
    return (
        layer_url(level_layer, zoom, datum_for(basemap)),
        hideout,
        legend_view(chosen.legend, lang),
        not numeric,
    )


@callbacks.callback(
    output=Output(ids.TABLE_VIEW, "children"),
    inputs=dict(
        opened=Input(ids.TABLE_SUMMARY, "n_clicks"),
        indicator_id=Input(ids.INDICATOR, "value"),
        scheme=Input(ids.SCHEME, "value"),
        k=Input(ids.CLASSES, "value"),
        palette=Input(ids.PALETTE, "value"),
        uploaded=Input(ids.USER_INDICATORS, "data"),
        unit=Input(ids.DRILL, "data"),
    ),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,  # nothing until the table is opened
)
def table_for(
    opened: int | None,
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    uploaded: dict[str, Any] | None,
    unit: str | None,
    lang: str,
) -> Any:
    """The table view of the choropleth, made once a person has opened it (so a switch stays small)."""
    if not opened:
        return no_update
    options = {"scheme": scheme, "k": int(k), "palette": palette}
    chosen = _classify(indicator_id, uploaded, lang, **options) if indicator_id else None
    return table_view(chosen, lang, unit)


@callbacks.callback(
    output=[
        Output(ids.CHOROPLETH, "url"),
        Output(ids.CHOROPLETH, "hideout"),
        Output(ids.LEGEND, "children"),
        Output(ids.SCHEME, "disabled"),
    ],
    inputs=dict(
        indicator_id=Input(ids.INDICATOR, "value"),
        scheme=Input(ids.SCHEME, "value"),
        k=Input(ids.CLASSES, "value"),
        palette=Input(ids.PALETTE, "value"),
        zoom=Input(ids.MAP, "zoom"),
        compare_id=Input(ids.COMPARE_INDICATOR, "value"),
        shared=Input(ids.SHARED_CLASSES, "value"),
        uploaded=Input(ids.USER_INDICATORS, "data"),
        unit=Input(ids.DRILL, "data"),
        basemap=Input(ids.BASEMAP, "value"),
    ),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,  # the layout carries the opening view's (``opening_choropleth``)
)
def main_choropleth(
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    compare_id: str | None,
    shared: list[str] | None,
    uploaded: dict[str, Any] | None,
    unit: str | None,
    basemap: str | None,
    lang: str,
) -> tuple[Any, ...]:
    """The first map's choropleth (``choropleth_view``), on classes shared with the comparison if asked.

    The session's uploads changing alone (restored from the session on page load) change nothing unless
    one of the two indicators is an upload: the map, drawn with the page, is not drawn again.
    """
    if _triggered_only_by(ids.USER_INDICATORS) and not {indicator_id, compare_id} & set(uploaded or {}):
        return no_update, no_update, no_update, no_update
    breaks = None
    if indicator_id and compare_id and shared:
        breaks = shared_breaks(indicator_id, compare_id, scheme, int(k), uploaded)
    return choropleth_view(
        indicator_id, scheme, k, palette, zoom, uploaded=uploaded, lang=lang, unit=unit, basemap=basemap, breaks=breaks
    )


def _triggered_only_by(component_id: str) -> bool:
    """Whether the running callback was triggered by ``component_id`` alone (False outside a callback)."""
    try:
        return ctx.triggered_id == component_id and len(ctx.triggered_prop_ids) == 1
    except (LookupError, MissingCallbackContextException):  # Dash's context variable is unset outside callbacks
        return False


#: The comparison panel's "shared classes" checkbox when a page opens (on).
SHARED_OPENING = ["shared"]


def opening_choropleth(state: ViewState, uploaded: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """What ``main_choropleth`` answers for a page opened on ``state``: drawn into the layout, so no callback.

    ``uploaded`` is the session's store when the server has it (a page redrawn by ``page.render_page``);
    on page load the session store, if it holds uploads, sets its data and so calls the callbacks.
    """
    return main_choropleth(
        indicator_id=state.indicator,
        scheme=state.scheme,
        k=state.k,
        palette=state.palette,
        zoom=state.zoom,
        compare_id=state.compare,
        shared=SHARED_OPENING,
        uploaded=uploaded,
        unit=state.unit,
        basemap=state.basemap,
        lang=state.lang,
    )


# After a reload: the catalogue plus what this session uploaded (the session store sets its data on load).
@callbacks.callback(
    output=Output(ids.INDICATOR, "options"),
    inputs=dict(store=Input(ids.USER_INDICATORS, "data")),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,  # the layout carries the options (``indicator_panel``)
)
def indicator_choices(store: dict[str, Any] | None, lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options: the catalogue's indicators, then those uploaded in this session."""
    uploaded = [
        {"label": f"{entry['meta']['title']}（{t('uploaded', lang)}）", "value": key}
        for key, entry in (store or {}).items()
    ]
    return indicator_options(lang) + uploaded
