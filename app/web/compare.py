"""Comparison: a second map beside the first, its indicator and choropleth, classes shared when comparable.

Its view follows the first map's and the other way round (two client-side callbacks,
``syncView``, one per map: the second map exists only in comparisons).
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import Input, Output, State, dcc, html

from app.i18n import t
from app.web import ids
from app.web.indicator_panel import SHARED_OPENING, choropleth_view, indicator_options, shared_breaks
from app.web.labels import prefecture_names
from app.web.layer_urls import datum_for, layer_url
from app.web.mapview import NS, choropleth_layer, leaflet_map, pane_name, panes
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs, section
from app.web.wiring import Callbacks
from layers import catalogue
from layers.style import style

callbacks = Callbacks()

#: What a comparison opens with when no indicator is chosen yet: GDP, first and last year.
COMPARE_DEFAULT = ("gdp_2023", "gdp_2020")


def compare_panel(state: ViewState) -> html.Details:
    """Switch on a second, synchronised map and choose what it shows."""
    lang = state.lang
    return section(
        t("compare", lang),
        [
            dcc.Checklist(
                id=ids.COMPARE_ON,
                options=[{"label": t("compare_on", lang), "value": "on"}],
                value=["on"] if state.compare else [],
            ),
            html.Label(t("compare_indicator", lang), htmlFor=ids.COMPARE_INDICATOR),
            dcc.Dropdown(
                id=ids.COMPARE_INDICATOR,
                options=indicator_options(lang),
                value=state.compare,
                placeholder=t("choose", lang),
                disabled=not state.compare,
            ),
            dcc.Checklist(
                id=ids.SHARED_CLASSES,
                options=[{"label": t("shared_classes", lang), "value": "shared"}],
                value=SHARED_OPENING,
            ),
        ],
        open_=bool(state.compare),
        class_name="compare",
    )


#: Layers the comparison map repeats under its choropleth (context and outlines only).
COMPARE_LAYERS = ("neighbours", "prefectures", "province")


def compare_map_view(state: ViewState) -> dl.Map:
    """The second map of a comparison: context, outlines, its own choropleth and the prefectures' names.

    Its view is synced with the first map's.
    """
    specs = [catalogue.layer(i) for i in COMPARE_LAYERS]
    children = [
        *panes(state, list(COMPARE_LAYERS)),
        *[
            dl.GeoJSON(
                url=layer_url(s.id, state.zoom, datum_for(state.basemap)),
                format="geobuf",
                style=NS("style"),
                hideout={"style": {**style(s.style), "interactive": False}, "className": f"compare-{s.style}"},
                interactive=False,
                onEachFeature=NS("noTooltip"),
                pane=pane_name(s.id),
            )
            for s in specs
        ],
        choropleth_layer(ids.CHOROPLETH2),
        *prefecture_names(state),
        dl.ScaleControl(position="bottomleft", imperial=False),
    ]
    return leaflet_map(ids.MAP2, children, state)


def compare_legend(lang: str) -> html.Div:
    """The comparison map's legend (filled by ``compare_choropleth``)."""
    return html.Div(
        id=ids.LEGEND2,
        className="legend floating",
        role="region",
        **html_attrs(aria_label=t("compare_legend", lang)),
    )


@callbacks.callback(
    output=[Output(ids.CHOROPLETH2, "url"), Output(ids.CHOROPLETH2, "hideout"), Output(ids.LEGEND2, "children")],
    inputs=dict(
        compare_id=Input(ids.COMPARE_INDICATOR, "value"),
        indicator_id=Input(ids.INDICATOR, "value"),
        scheme=Input(ids.SCHEME, "value"),
        k=Input(ids.CLASSES, "value"),
        palette=Input(ids.PALETTE, "value"),
        zoom=Input(ids.MAP, "zoom"),
        shared=Input(ids.SHARED_CLASSES, "value"),
        basemap=Input(ids.BASEMAP, "value"),
    ),
    state=dict(uploaded=State(ids.USER_INDICATORS, "data"), lang=State(ids.LANG, "data")),
)
def compare_choropleth(
    compare_id: str | None,
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    shared: list[str] | None,
    basemap: str | None,
    uploaded: dict[str, Any] | None,
    lang: str,
) -> tuple[Any, ...]:
    """URL, style payload and legend of the comparison map."""
    breaks = None
    if indicator_id and compare_id and shared:
        breaks = shared_breaks(indicator_id, compare_id, scheme, int(k), uploaded)
    url, hideout, legend, _ = choropleth_view(
        compare_id, scheme, k, palette, zoom, uploaded=uploaded, lang=lang, basemap=basemap, breaks=breaks
    )
    return url, hideout, legend


# Each map follows the other's view: two one-way callbacks, as the second map exists only in comparisons.
callbacks.clientside(
    "syncView",
    output=Output(ids.MAP2, "viewport"),
    inputs=[Input(ids.MAP, "center"), Input(ids.MAP, "zoom")],
    prevent_initial_call=True,
)
callbacks.clientside(
    "syncView",
    output=Output(ids.MAP, "viewport", allow_duplicate=True),
    inputs=[Input(ids.MAP2, "center"), Input(ids.MAP2, "zoom")],
    prevent_initial_call=True,
)
