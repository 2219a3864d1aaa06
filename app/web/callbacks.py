"""Wiring of the web map: ``register`` attaches the feature modules' callbacks to the Dash app.

The functions live with their features (``page``, ``mapview``, ``layers_panel``,
``indicator_panel``, ``compare``, ``feature_info``, ``drilldown``, ``search``, ``upload``,
``downloads``). Client-side callbacks (layer visibility, address bar, view sync) live in
``assets/hubei_map.js`` under ``window.dash_clientside.hubeiMap``.
"""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, html

from app.i18n import t
from app.web import ids
from app.web.compare import compare_choropleth
from app.web.downloads import download_layers, snapshot_view
from app.web.drilldown import drill_view, set_drill
from app.web.feature_info import CLICK_LAYERS, EXTRA_CLICK_IDS, HOVER_LAYERS, clicked_detail, hover_panel
from app.web.indicator_panel import indicator_choices, main_choropleth, table_for
from app.web.mapview import basemap_view, zoom_urls
from app.web.page import navigate, render_page, view_query
from app.web.search import fly_to_hit, search_results
from app.web.upload import upload_indicator
from layers import catalogue


def _clientside(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="hubeiMap", function_name=name)


def register(app: Dash) -> None:
    """Attach the callbacks to ``app``."""
    lang = State(ids.LANG, "data")
    busy_message = [html.P(f"{t('snapshot_busy', 'zh')} {t('snapshot_busy', 'en')}", className="help")]
    layer_on = {"type": ids.LAYER_ON, "layer": ALL}
    layer_opacity = {"type": ids.LAYER_OPACITY, "layer": ALL}
    app.callback(
        [Output(ids.PAGE, "children"), Output(ids.RENDERED, "data")],
        Input(ids.URL, "search"),
        State(ids.RENDERED, "data"),
    )(render_page)
    app.callback(
        Output(ids.VIEW_QUERY, "data"),
        [
            Input(ids.LANG, "data"),
            Input(layer_on, "value"),
            Input(ids.INDICATOR, "value"),
            Input(ids.SCHEME, "value"),
            Input(ids.CLASSES, "value"),
            Input(ids.PALETTE, "value"),
            Input(ids.MAP, "center"),
            Input(ids.MAP, "zoom"),
            Input(ids.DRILL, "data"),
            Input(ids.COMPARE_ON, "value"),
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.BASEMAP, "value"),
            Input(layer_opacity, "value"),
        ],
    )(view_query)
    app.clientside_callback(_clientside("writeAddress"), Output(ids.ADDRESS, "data"), Input(ids.VIEW_QUERY, "data"))
    app.callback(
        Output(ids.URL, "search"),
        [Input(ids.LANG_BUTTON, "n_clicks"), Input(ids.COMPARE_ON, "value")],
        [State(ids.VIEW_QUERY, "data"), State(ids.URL, "search")],
        prevent_initial_call=True,
    )(navigate)
    app.clientside_callback(_clientside("copyLink"), Output(ids.COPY_LINK, "content"), Input(ids.COPY_LINK, "n_clicks"))
    app.clientside_callback(
        _clientside("layerVisibility"),
        Output(ids.LAYER_VIS, "data"),
        [
            Input(layer_on, "value"),
            Input(layer_opacity, "value"),
            Input(ids.COUNTIES_AUTO, "value"),
            Input(ids.MAP, "zoom"),
        ],
    )
    app.clientside_callback(
        _clientside("syncView"),
        Output(ids.MAP2, "viewport"),
        [Input(ids.MAP, "center"), Input(ids.MAP, "zoom")],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _clientside("syncView"),
        Output(ids.MAP, "viewport", allow_duplicate=True),
        [Input(ids.MAP2, "center"), Input(ids.MAP2, "zoom")],
        prevent_initial_call=True,
    )
    app.callback(
        [Output(ids.layer_id(layer_id), "url") for layer_id in catalogue.catalogue()],
        [
            Input(ids.MAP, "zoom"),
            Input(ids.BASEMAP, "value"),
            Input(layer_on, "value"),
            Input(ids.COUNTIES_AUTO, "value"),
        ],
    )(zoom_urls)
    app.callback(
        [Output(ids.BASEMAP_LAYER, "children"), Output(ids.BASEMAP_NOTE, "children")],
        Input(ids.BASEMAP, "value"),
        lang,
        prevent_initial_call=True,
    )(basemap_view)
    app.callback(
        Output(ids.INFO, "children"),
        [Input(ids.layer_id(layer_id), "hoverData") for layer_id in HOVER_LAYERS]
        + [Input(ids.CHOROPLETH, "hoverData"), Input(ids.DRILL_LAYER, "hoverData")],
        [State(ids.CHOROPLETH, "hideout"), lang],
    )(hover_panel)
    app.callback(
        [Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
        [Input(ids.DETAIL_CLOSE, "n_clicks")]
        + [Input(ids.layer_id(layer_id), "clickData") for layer_id in CLICK_LAYERS]
        + [Input(i, "clickData") for i in EXTRA_CLICK_IDS],
        lang,
        prevent_initial_call=True,
    )(clicked_detail)
    app.callback(
        [
            Output(ids.DRILL, "data"),
            Output(ids.MAP, "viewport", allow_duplicate=True),
            Output(ids.DETAIL, "hidden", allow_duplicate=True),
        ],
        [Input(ids.BREADCRUMB_HOME, "n_clicks"), Input({"type": ids.DRILL_BUTTON, "code": ALL}, "n_clicks")],
        State(ids.BASEMAP, "value"),
        prevent_initial_call=True,
    )(set_drill)
    app.callback(
        [Output(ids.BREADCRUMB, "children"), Output(ids.DRILL_LAYER, "url"), Output(ids.DRILL_LAYER, "hideout")],
        Input(ids.DRILL, "data"),
        [lang, State(ids.MAP, "zoom"), State(ids.BASEMAP, "value")],
        prevent_initial_call=True,
    )(drill_view)
    common = [
        Input(ids.SCHEME, "value"),
        Input(ids.CLASSES, "value"),
        Input(ids.PALETTE, "value"),
        Input(ids.MAP, "zoom"),
    ]
    app.callback(
        [
            Output(ids.CHOROPLETH, "url"),
            Output(ids.CHOROPLETH, "hideout"),
            Output(ids.LEGEND, "children"),
            Output(ids.SCHEME, "disabled"),
        ],
        [
            Input(ids.INDICATOR, "value"),
            *common,
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.SHARED_CLASSES, "value"),
            Input(ids.USER_INDICATORS, "data"),
            Input(ids.DRILL, "data"),
            Input(ids.BASEMAP, "value"),
            lang,
        ],
    )(main_choropleth)
    app.callback(
        Output(ids.TABLE_VIEW, "children"),
        [
            Input(ids.TABLE_SUMMARY, "n_clicks"),
            Input(ids.INDICATOR, "value"),
            Input(ids.SCHEME, "value"),
            Input(ids.CLASSES, "value"),
            Input(ids.PALETTE, "value"),
            Input(ids.USER_INDICATORS, "data"),
            Input(ids.DRILL, "data"),
            lang,
        ],
    )(table_for)
    app.callback(
        [Output(ids.CHOROPLETH2, "url"), Output(ids.CHOROPLETH2, "hideout"), Output(ids.LEGEND2, "children")],
        [
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.INDICATOR, "value"),
            *common,
            Input(ids.SHARED_CLASSES, "value"),
            Input(ids.BASEMAP, "value"),
            State(ids.USER_INDICATORS, "data"),
            lang,
        ],
    )(compare_choropleth)
    app.callback(
        [
            Output(ids.USER_INDICATORS, "data"),
            Output(ids.UPLOAD_RESULT, "children"),
            Output(ids.INDICATOR, "options", allow_duplicate=True),
            Output(ids.INDICATOR, "value"),
        ],
        Input(ids.UPLOAD, "contents"),
        [
            State(ids.UPLOAD, "filename"),
            State(ids.UPLOAD_TITLE, "value"),
            State(ids.UPLOAD_UNIT, "value"),
            State(ids.UPLOAD_LEVEL, "value"),
            State(ids.USER_INDICATORS, "data"),
            lang,
        ],
        prevent_initial_call=True,
    )(upload_indicator)
    # On page load: the catalogue plus what this session uploaded before a reload.
    app.callback(Output(ids.INDICATOR, "options"), Input(ids.USER_INDICATORS, "data"), lang)(indicator_choices)
    app.callback(
        [Output(ids.DOWNLOAD, "data"), Output(ids.DOWNLOAD_STATUS, "children")],
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        [
            State(layer_on, "value"),
            State(ids.DOWNLOAD_FORMAT, "value"),
            State(ids.DOWNLOAD_CRS, "value"),
            State(ids.DOWNLOAD_VIEW, "value"),
            State(ids.MAP, "bounds"),
            lang,
        ],
        prevent_initial_call=True,
    )(download_layers)
    app.callback(
        [Output(ids.SNAPSHOT, "data"), Output(ids.SNAPSHOT_STATUS, "children")],
        Input(ids.SNAPSHOT_BUTTON, "n_clicks"),
        [State(ids.VIEW_QUERY, "data"), State(ids.SNAPSHOT_PAPER, "value"), State(ids.SNAPSHOT_FORMAT, "value"), lang],
        prevent_initial_call=True,
        running=[
            (Output(ids.SNAPSHOT_BUTTON, "disabled"), True, False),
            (Output(ids.SNAPSHOT_STATUS, "children"), busy_message, []),
        ],
    )(snapshot_view)
    app.callback(
        [Output(ids.SEARCH_RESULTS, "children"), Output(ids.SEARCH_HITS, "data")],
        Input(ids.SEARCH, "value"),
        lang,
        prevent_initial_call=True,
    )(search_results)
    app.callback(
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input({"type": ids.SEARCH_HIT, "index": ALL}, "n_clicks"),
        [State(ids.SEARCH_HITS, "data"), State(ids.BASEMAP, "value")],
        prevent_initial_call=True,
    )(fly_to_hit)
