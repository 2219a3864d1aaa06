"""The page: the app's frame, header, sidebar and map column, drawn for the view in the address.

``shell`` is the fixed frame (address, session stores); ``page`` is redrawn by
``render_page`` when the address names another view (language, comparison on/off, the
targets view); ``view_query`` keeps the address's query in step with the controls and the map.
The targets view (``targets.py``) shares the header and has none of the map's components, so
none of the map's callbacks fire there (Dash skips a callback whose inputs are all missing).
"""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update

from app.i18n import t
from app.web import ids, places, viewstate
from app.web.access_note import access_tools, public_note
from app.web.compare import COMPARE_DEFAULT, compare_legend, compare_map_view, compare_panel
from app.web.downloads import download_panel, snapshot_panel
from app.web.drilldown import breadcrumb
from app.web.feature_info import hover_hint
from app.web.highlight import highlight_note
from app.web.indicator_panel import indicator_panel, opening_choropleth
from app.web.layers_panel import LAYER_ON_ALL, LAYER_OPACITY_ALL, layer_panel, opacity_pairs, visible_layers
from app.web.mapview import basemap_panel, map_view
from app.web.search import search_box
from app.web.targets import language_href, targets_main
from app.web.units_list import units_panel
from app.web.upload import upload_panel
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs, localise_dropdowns
from app.web.wiring import Callbacks
from layers import provenance

callbacks = Callbacks()


def view_nav(state: ViewState) -> html.Nav:
    """The views: the map and the plan's targets (the current one marked, the other a link)."""
    lang = state.lang
    items: list[Any] = []
    views = (("map", "view_map", ids.VIEW_MAP_LINK), ("targets", "view_targets", ids.VIEW_TARGETS_LINK))
    for view, key, link_id in views:
        if view == state.view:
            items.append(html.Span(t(key, lang), className="view-link current", **html_attrs(aria_current="page")))
            continue
        # To the targets in the page's language; back to the map as the targets' address says.
        target = ViewState(lang=lang, view=view) if view == "targets" else state.with_(view=view)
        items.append(dcc.Link(t(key, lang), href=viewstate.to_query(target) or ".", id=link_id, className="view-link"))
    return html.Nav(items, className="view-nav", **html_attrs(aria_label=t("views", lang)))


def language_switch(state: ViewState) -> Any:
    """The language switch: a button on the map (it keeps the map's current view), a link elsewhere."""
    lang = state.lang
    other = "en" if lang == "zh" else "zh"
    if state.view == "map":
        return html.Button(
            t("switch_lang", lang),
            id=ids.LANG_BUTTON,
            n_clicks=0,
            lang=other,
            title=t("switch_lang_label", lang),
            className="lang-button",
        )
    return dcc.Link(
        html.Span(t("switch_lang", lang), lang=other),
        href=language_href(state),
        id=ids.LANG_LINK,
        title=t("switch_lang_label", lang),
        className="lang-button",
    )


def header(state: ViewState) -> html.Header:
    """Title bar: the title, the views, a copy-link button and the language switch."""
    lang = state.lang
    return html.Header(
        [
            html.H1(t("title", lang)),
            view_nav(state),
            html.Div(
                [
                    dcc.Clipboard(id=ids.COPY_LINK, title=t("copy_link_label", lang), className="copy-link"),
                    language_switch(state),
                    *access_tools(lang),
                ],
                className="header-tools",
            ),
        ],
        id="header",
    )


def sidebar(state: ViewState, opening: tuple[Any, ...], uploaded: dict[str, Any] | None = None) -> html.Aside:
    """The control column: search, layers, indicator map, comparison, basemap, download, upload.

    ``opening`` is the indicator map's ``opening_choropleth``, ``uploaded`` the session's uploads.
    """
    lang = state.lang
    return html.Aside(
        [
            search_box(lang),
            units_panel(state),
            layer_panel(state),
            indicator_panel(state, opening, uploaded),
            compare_panel(state),
            basemap_panel(state),
            snapshot_panel(lang),
            download_panel(lang),
            upload_panel(lang),
        ],
        id=ids.SIDEBAR,
        **html_attrs(aria_label=t("layers", lang)),
    )


def map_column(state: ViewState, opening: tuple[Any, ...]) -> html.Div:
    """The map (or two synchronised maps), breadcrumb, hover info, detail panel and boundary note.

    ``opening`` is the indicator map's ``opening_choropleth`` (its URL and style payload).
    """
    lang = state.lang
    first = html.Div(
        [
            html.Div(
                map_view(state, opening[:2]),
                role="region",
                className="map-region",
                **html_attrs(aria_label=t("map_label", lang)),
            ),
            html.Nav(
                breadcrumb(state.unit, lang),
                id=ids.BREADCRUMB,
                className="breadcrumb",
                **html_attrs(aria_label=t("breadcrumb", lang)),
            ),
            html.Div(hover_hint(lang), id=ids.INFO, role="status", **html_attrs(aria_live="polite")),
            html.Aside(
                [
                    html.Button(
                        "×",
                        id=ids.DETAIL_CLOSE,
                        title=t("close", lang),
                        **html_attrs(aria_label=t("close_details", lang)),
                    ),
                    html.Div(html.P(t("detail_hint", lang)), id=ids.DETAIL_BODY),
                ],
                id=ids.DETAIL,
                hidden=True,
                role="region",
                tabIndex="-1",  # the unit list moves the focus here (assets/a11y.js)
                **html_attrs(aria_label=t("feature_details", lang), aria_live="polite"),
            ),
            html.Div(provenance.boundary_note(lang), id=ids.SOURCES),
            *public_note(lang),
            highlight_note(state),
        ],
        className="map-wrap",
    )
    maps = [first]
    if state.compare:
        second = html.Div(
            compare_map_view(state),
            role="region",
            className="map-region",
            **html_attrs(aria_label=t("compare_map_label", lang)),
        )
        maps.append(html.Div([second, compare_legend(lang)], className="map-wrap compare-wrap"))
    return html.Div(maps, id="map-area", className="compare" if state.compare else "")


def page(state: ViewState, uploaded: dict[str, Any] | None = None) -> html.Div:
    """The whole page for ``state``: the map, or the targets view.

    It carries what the map's callbacks would answer for ``state`` (``uploaded``: the session's
    uploaded indicators, when known), so they are declared ``prevent_initial_call`` and the page
    opens without a round of callbacks and re-renders.
    """
    if state.view == "targets":
        body: list[Any] = [header(state), targets_main(state)]
    else:
        opening = opening_choropleth(state, uploaded)
        body = [
            dcc.Store(id=ids.LANG, data=state.lang),
            # A store whose data is None would set it again on mount (dcc.Store's memory backend
            # holds undefined), calling every callback that reads it: no data for none.
            dcc.Store(id=ids.DRILL, **_data(state.unit)),
            dcc.Store(id=ids.HIGHLIGHT, **_data(state.hl)),
            header(state),
            html.Main([sidebar(state, opening, uploaded), map_column(state, opening)], id="main"),
        ]
    return html.Div(localise_dropdowns(body, state.lang), id="page", lang=html_lang(state.lang))


def _data(value: Any) -> dict[str, Any]:
    """A store's ``data`` keyword: the value, or nothing for None (see ``page``)."""
    return {} if value is None else {"data": value}


def html_lang(lang: str) -> str:
    """The BCP 47 tag of a page language (``lang`` attributes): zh-CN or en."""
    return "en" if lang == "en" else "zh-CN"


def shell(query: str | None = None) -> html.Div:
    """The app's fixed frame: the address bar, session stores, and the page for ``query``.

    ``query`` is the address's query string when the server knows it (the page request's
    referrer), so the first view needs no extra round trip; ``RENDERED`` records it, and the
    page is drawn again only when the address says something else.
    """
    state = viewstate.parse(query)
    # With the address's query known, the address bar component starts with it and so does not set
    # it on mount (which would call ``render_page``); unknown, it sets it and the page is drawn for it.
    search = {} if query is None else {"search": f"?{query.lstrip('?')}" if query.lstrip("?") else ""}
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False, **search),
            dcc.Store(id=ids.RENDERED, data=(query or "").lstrip("?")),
            dcc.Store(id=ids.USER_INDICATORS, storage_type="session", data={}),
            dcc.Store(id=ids.VIEW_QUERY),
            dcc.Store(id=ids.ADDRESS),
            dcc.Store(id=ids.LAYER_VIS),
            html.Div(page(state), id=ids.PAGE),
        ]
    )


@callbacks.callback(
    output=[Output(ids.PAGE, "children"), Output(ids.RENDERED, "data")],
    inputs=dict(search_string=Input(ids.URL, "search")),
    state=dict(rendered=State(ids.RENDERED, "data"), uploaded=State(ids.USER_INDICATORS, "data")),
    prevent_initial_call=True,  # the layout is drawn for the address (``shell``)
)
def render_page(search_string: str | None, rendered: str | None, uploaded: dict[str, Any] | None = None) -> Any:
    """The page for the view a URL's query string describes (unchanged if already drawn for it).

    ``uploaded`` (the session's uploaded indicators) are offered, and drawn if the view shows one.
    """
    query = (search_string or "").lstrip("?")
    if rendered is not None and query == rendered:
        return no_update, no_update
    return page(viewstate.parse(query), uploaded), query


def view_state(
    lang: str,
    layer_values: list[list[str] | None],
    indicator: str | None,
    scheme: str,
    k: int,
    palette: str,
    center: Any,
    zoom: float | None,
    unit: str | None,
    compare_on: list[str] | None,
    compare_indicator: str | None,
    basemap: str | None,
    opacity: tuple[tuple[str, float], ...] = (),
    highlight: str | None = None,
) -> ViewState:
    """The view state of the page's controls and map (what a link must reproduce)."""
    lat_lon = None
    if isinstance(center, dict) and "lat" in center:
        lat_lon = (float(center["lat"]), float(center["lng"]))
    elif isinstance(center, list | tuple) and len(center) == 2:
        lat_lon = (float(center[0]), float(center[1]))
    return ViewState(
        lang=lang,
        layers=tuple(visible_layers(layer_values)),
        indicator=indicator,
        scheme=scheme,
        k=int(k),
        palette=palette,
        center=lat_lon if zoom is not None else None,
        zoom=float(zoom) if lat_lon is not None and zoom is not None else None,
        unit=unit,
        compare=compare_indicator if compare_on else None,
        basemap=basemap if basemap in viewstate.BASEMAPS else None,
        opacity=opacity,
        hl=highlight if highlight and highlight in places.target_places() else None,
    )


@callbacks.callback(
    output=Output(ids.VIEW_QUERY, "data"),
    inputs=dict(
        lang=Input(ids.LANG, "data"),
        layer_values=Input(LAYER_ON_ALL, "value"),
        indicator=Input(ids.INDICATOR, "value"),
        scheme=Input(ids.SCHEME, "value"),
        k=Input(ids.CLASSES, "value"),
        palette=Input(ids.PALETTE, "value"),
        center=Input(ids.MAP, "center"),
        zoom=Input(ids.MAP, "zoom"),
        unit=Input(ids.DRILL, "data"),
        compare_on=Input(ids.COMPARE_ON, "value"),
        compare_indicator=Input(ids.COMPARE_INDICATOR, "value"),
        basemap=Input(ids.BASEMAP, "value"),
        opacity_levels=Input(LAYER_OPACITY_ALL, "value"),
        highlight=Input(ids.HIGHLIGHT, "data"),
    ),
    # The address is the page's own until a control or the map moves (the map reports its view once drawn).
    prevent_initial_call=True,
)
def view_query(opacity_levels: list[float | str | None], **controls: Any) -> str:
    """The query string of the current view (written to the address bar without reloading).

    ``controls`` are ``view_state``'s arguments; the opacity sliders' layers are their ids.
    """
    opacity_ids = [item["id"]["layer"] for item in ctx.args_grouping["opacity_levels"]]
    return viewstate.to_query(view_state(**controls, opacity=opacity_pairs(opacity_ids, opacity_levels)))


# Neither has anything to do when the page opens (no view written yet; the link is copied on a click, and
# dcc.Clipboard waits for this callback before it copies): each run at start-up would cost a round of
# store updates before the map paints.
callbacks.clientside(
    "writeAddress",
    output=Output(ids.ADDRESS, "data"),
    inputs=[Input(ids.VIEW_QUERY, "data")],
    prevent_initial_call=True,
)
callbacks.clientside(
    "copyLink",
    output=Output(ids.COPY_LINK, "content"),
    inputs=[Input(ids.COPY_LINK, "n_clicks")],
    prevent_initial_call=True,
)


@callbacks.callback(
    output=Output(ids.URL, "search"),
    inputs=dict(lang_clicks=Input(ids.LANG_BUTTON, "n_clicks"), compare_on=Input(ids.COMPARE_ON, "value")),
    state=dict(query=State(ids.VIEW_QUERY, "data"), address=State(ids.URL, "search")),
    prevent_initial_call=True,
)
def navigate(lang_clicks: int | None, compare_on: list[str] | None, query: str | None, address: str | None) -> Any:
    """A new address for the switches that redraw the page: the language, and comparison on/off.

    ``query`` is the current view (``VIEW_QUERY``); until it is first written, the address
    the page was opened with. The switches appearing on a new page change nothing
    (``no_update``).
    """
    state = viewstate.parse(query if query is not None else address)
    if ctx.triggered_id == ids.LANG_BUTTON and lang_clicks:
        return viewstate.to_query(state.with_(lang="en" if state.lang == "zh" else "zh"))
    if compare_on and not state.compare:
        indicator = state.indicator or COMPARE_DEFAULT[0]
        other = viewstate.default_compare(indicator) or COMPARE_DEFAULT[1]
        return viewstate.to_query(state.with_(indicator=indicator, compare=other))
    if not compare_on and state.compare:
        return viewstate.to_query(state.with_(compare=None))
    return no_update
