"""The map's highlight of a plan target's places (``?hl=<target id>``), opened from the targets view.

The places are drawn from their layer's own served data (the same URL as the layer, so nothing
new is fetched), picked by feature id in the browser (``hubeiMap.layer.inIds``): points get a
ring around their marker, areas a thick outline, in a pane above every layer. The map opens on
their extent (``mapview.initial_view``), and a note over the map names the target, links back
to the targets view and clears the highlight (which also leaves the address).
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import Input, Output, State, dcc, html, no_update
from dash_extensions.javascript import Namespace

from app import i18n
from app.i18n import t
from app.web import ids, viewstate
from app.web.layer_urls import datum_for, layer_url
from app.web.places import located, places_for
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs
from app.web.wiring import Callbacks
from layers import catalogue
from layers.style import OKABE_ITO, style

callbacks = Callbacks()

NS = Namespace("hubeiMap", "layer")
#: Above every layer's pane (401 and up) and below Leaflet's marker pane (600).
PANE = "pane-highlight"
PANE_Z = 590
#: Black: no layer draws in it (the layers use Okabe-Ito colours; the province outline is navy).
COLOUR = OKABE_ITO["black"]
#: Outline of highlighted areas; a ring this much wider than the marker goes round highlighted points
#: (black in a yellow halo, ``.target-highlight-ring`` in the stylesheet).
AREA_STYLE = {"color": COLOUR, "weight": 4, "opacity": 1, "fill": False, "dashArray": None}
RING_EXTRA_PX = 14


def highlight_children(state: ViewState) -> list[Any]:
    """The highlight's pane and layer for ``state.hl`` (nothing when the view highlights nothing)."""
    places = places_for(state.hl)
    if places is None:
        return []
    marker = style(catalogue.layer(places.layer).style).get("marker") or {}
    hideout = {
        "ids": list(places.ids),
        "field": places.field,
        "style": AREA_STYLE,
        "className": "target-highlight",
        "ring": int(marker.get("size", 12)) + RING_EXTRA_PX,
    }
    return [
        dl.Pane(name=PANE, style={"zIndex": PANE_Z}),
        dl.GeoJSON(
            id=ids.HIGHLIGHT_LAYER,
            format="geobuf",
            url=layer_url(places.layer, state.zoom, datum_for(state.basemap)),
            filter=NS("inIds"),
            style=NS("highlight"),
            pointToLayer=NS("highlightMarker"),
            onEachFeature=NS("noTooltip"),
            hideout=hideout,
            pane=PANE,
        ),
    ]


def highlight_note(state: ViewState) -> html.Div | None:
    """The note over the map: which target's places are highlighted, back to the targets, clear."""
    places = places_for(state.hl)
    if places is None:
        return None
    lang = state.lang
    indicator = i18n.pick(places.indicator_zh, places.indicator_en, lang)
    back = viewstate.to_query(ViewState(lang=lang, view="targets"))
    return html.Div(
        [
            html.Span(t("highlight_note", lang).format(indicator=indicator, n=located(places))),
            dcc.Link(t("highlight_back", lang), href=back, className="highlight-back"),
            html.Button(
                "×",
                id=ids.HIGHLIGHT_CLEAR,
                n_clicks=0,
                title=t("highlight_clear", lang),
                className="highlight-clear",
                **html_attrs(aria_label=t("highlight_clear", lang)),
            ),
        ],
        id=ids.HIGHLIGHT_NOTE,
        role="status",
        className="highlight-note",
    )


@callbacks.callback(
    output=Output(ids.HIGHLIGHT_LAYER, "url"),
    inputs=dict(zoom=Input(ids.MAP, "zoom"), basemap=Input(ids.BASEMAP, "value")),
    state=dict(target_id=State(ids.HIGHLIGHT, "data")),
    prevent_initial_call=True,
)
def highlight_url(zoom: float | None, basemap: str | None, target_id: str | None) -> str | None:
    """The highlighted layer's URL for the zoom band and the basemap's datum (None once cleared)."""
    places = places_for(target_id)
    return layer_url(places.layer, zoom, datum_for(basemap)) if places else None


@callbacks.callback(
    output=[
        Output(ids.HIGHLIGHT_LAYER, "url", allow_duplicate=True),
        Output(ids.HIGHLIGHT, "data"),
        Output(ids.HIGHLIGHT_NOTE, "hidden"),
    ],
    inputs=dict(clicks=Input(ids.HIGHLIGHT_CLEAR, "n_clicks")),
    prevent_initial_call=True,
)
def clear_highlight(clicks: int | None) -> tuple[Any, Any, Any]:
    """Clear the highlight (the address then drops ``hl``); a new page's button changes nothing."""
    if not clicks:
        return no_update, no_update, no_update
    return None, None, True
