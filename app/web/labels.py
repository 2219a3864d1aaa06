"""Place names on the web map: prefectures, county-level units and facilities, in the page's language.

The names come from the label layers of ``layers.labels`` (one point per unit, fetched by URL
like any layer); ``assets/hubei_map.js`` (``label``) draws each as text in a halo at its point,
in a pane of its own above every layer, and ``assets/hubei_labels.js`` moves names clear of
each other and of the map's controls (the first view, ``first_view.py``, runs the same file).

- Prefecture names show at the province view, in the ``prefectures`` layer's pane class, so
  the layer panel hides them with the layer.
  The comparison map names the prefectures too (``prefecture_names``).
- County-level names show with the ``counties`` layer (from ``COUNTIES_FROM_ZOOM`` when
  "automatic" is on); in a drill-down the prefecture's own units are always named.
- Facility names are drawn by the facility markers themselves, from ``FACILITY_LABELS_FROM_ZOOM``,
  and at any zoom for the facilities of the prefecture drilled into.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import Input, Output, State, ctx, no_update
from dash_extensions.javascript import Namespace

from app.web import ids
from app.web.layer_urls import datum_for, layer_url
from app.web.layers_panel import COUNTIES_AUTO_OPENING, LAYER_ON_ALL, counties_shown, pane_look, visible_layers
from app.web.viewstate import ViewState
from app.web.wiring import Callbacks
from layers import catalogue
from layers.labels import label_layer_id
from layers.style import FACILITY_LABELS_FROM_ZOOM, label_css

callbacks = Callbacks()

NS = Namespace("hubeiMap", "layer")
#: Label panes: above every layer's pane (401 up) and Leaflet's markers (600), below tooltips (650).
LABEL_PANE_Z = 610
#: (component id, pane, the catalogue layer whose pane class it shares: hidden with it; None: never hidden).
LABEL_LAYERS: tuple[tuple[str, str, str | None], ...] = (
    (ids.LABELS_PREFECTURE, "pane-labels-prefecture", "prefectures"),
    (ids.LABELS_COUNTY, "pane-labels-county", "counties"),
    (ids.LABELS_DRILL, "pane-labels-drill", None),
)


def label_panes(state: ViewState) -> list[dl.Pane]:
    """The label panes; a name's pane carries its layer's pane class, so the layer panel reaches it.

    Each opens shown or hidden, and with its opacity, as its layer's panes do for ``state`` (``pane_look``).
    """
    return [
        dl.Pane(
            name=pane,
            className=" ".join(["map-label-pane", ids.layer_panes_class(layer) if layer else ""]).strip(),
            style={"zIndex": LABEL_PANE_Z + i, "pointerEvents": "none", **pane_look(layer, state)},
        )
        for i, (_, pane, layer) in enumerate(LABEL_LAYERS)
    ]


def label_hideout(
    kind: str,
    lang: str,
    *,
    required: bool,
    parent: str | None = None,
    exclude: str | None = None,
    county_only: bool = False,
) -> dict[str, Any]:
    """What ``hubeiMap.layer.label`` needs: language, CSS, whether every name must show, which units.

    ``parent``: only that prefecture's units; ``exclude``: not that unit; ``county_only``: not the four
    units that are both prefecture- and county-level (their prefecture name is already there).
    """
    return {
        "kind": kind,
        "lang": lang,
        "css": label_css(kind),
        "required": required,
        "parent": parent,
        "exclude": exclude,
        "countyOnly": county_only,
    }


def facility_names() -> dict[str, Any]:
    """The ``names`` entry of a facility layer's hideout: the label's CSS and the zoom they show from.

    In a drill-down the prefecture's own facilities are named at any zoom (``hubei_labels.js``).
    """
    return {"css": label_css("facility"), "fromZoom": FACILITY_LABELS_FROM_ZOOM}


def _label_layer(component_id: str | None, pane: str, url: str | None, hideout: dict[str, Any]) -> dl.GeoJSON:
    """A label layer in ``pane``; ``component_id`` None for one no callback updates."""
    return dl.GeoJSON(
        **({} if component_id is None else {"id": component_id}),
        format="geobuf",
        url=url,
        pointToLayer=NS("label"),
        onEachFeature=NS("noTooltip"),
        filter=NS("labelFilter"),
        hideout=hideout,
        pane=pane,
    )


def label_children(state: ViewState) -> list[Any]:
    """The label panes and layers of the main map for ``state``.

    At the province view every prefecture is named (``required``); in a drill-down the
    prefecture's own county-level units are, and the prefectures around it are named where room is left.
    """
    datum = datum_for(state.basemap)
    lang = state.lang
    layer_ids = set(state.layers)
    pref_url = layer_url(label_layer_id("prefecture"), state.zoom, datum) if "prefectures" in layer_ids else None
    counties = counties_shown(layer_ids, state.zoom, counties_auto=bool(COUNTIES_AUTO_OPENING))
    county_url = layer_url(label_layer_id("county"), state.zoom, datum) if counties else None
    drill_url = layer_url(label_layer_id("county"), state.zoom, datum) if state.unit else None
    hideouts = _hideouts(state.unit, lang)
    urls = (pref_url, county_url, drill_url)
    layers = [
        _label_layer(component_id, pane, url, hideout)
        for (component_id, pane, _), url, hideout in zip(LABEL_LAYERS, urls, hideouts, strict=True)
    ]
    return [*label_panes(state), *layers]


def prefecture_names(state: ViewState) -> list[Any]:
    """The prefectures' names for the comparison map: their pane and label layer (no id: no callback moves them).

    They share the ``prefectures`` layer's pane class, so the layer panel hides them on both maps.
    """
    _, pane, _ = LABEL_LAYERS[0]
    url = layer_url(label_layer_id("prefecture"), state.zoom, datum_for(state.basemap))
    hideout = label_hideout("prefecture", state.lang, required=True)
    return [label_panes(state)[0], _label_layer(None, pane, url, hideout)]


def _hideouts(unit: str | None, lang: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Hideouts of the prefecture, county and drill-down label layers for a drill-down into ``unit`` (or none)."""
    return (
        label_hideout("prefecture", lang, required=not unit, exclude=unit),
        label_hideout("county", lang, required=False, county_only=True),
        label_hideout("county", lang, required=True, parent=unit or "-"),
    )


@callbacks.callback(
    output=[Output(ids.LABELS_PREFECTURE, "url"), Output(ids.LABELS_COUNTY, "url")],
    inputs=dict(
        zoom=Input(ids.MAP, "zoom"),
        basemap=Input(ids.BASEMAP, "value"),
        layer_values=Input(LAYER_ON_ALL, "value"),
        counties_auto=Input(ids.COUNTIES_AUTO, "value"),
    ),
    prevent_initial_call=True,
)
def label_urls(
    zoom: float | None,
    basemap: str | None = None,
    layer_values: list[list[str] | None] | None = None,
    counties_auto: list[str] | None = None,
) -> list[Any]:
    """URLs of the prefecture and county names for the zoom band and datum; not fetched while hidden."""
    datum = datum_for(basemap)
    shown = set(catalogue.catalogue()) if layer_values is None else set(visible_layers(layer_values))
    pref = layer_url(label_layer_id("prefecture"), zoom, datum) if "prefectures" in shown else no_update
    counties = counties_shown(shown, zoom, counties_auto=bool(counties_auto and "auto" in counties_auto))
    county = layer_url(label_layer_id("county"), zoom, datum) if counties else no_update
    return [pref, county]


@callbacks.callback(
    output=[
        Output(ids.LABELS_PREFECTURE, "hideout"),
        Output(ids.LABELS_COUNTY, "hideout"),
        Output(ids.LABELS_DRILL, "hideout"),
        Output(ids.LABELS_DRILL, "url"),
    ],
    inputs=dict(unit=Input(ids.DRILL, "data")),
    state=dict(lang=State(ids.LANG, "data"), zoom=State(ids.MAP, "zoom"), basemap=State(ids.BASEMAP, "value")),
    prevent_initial_call=True,
)
def drill_labels(unit: str | None, lang: str, zoom: float | None, basemap: str | None) -> tuple[Any, ...]:
    """Names for a drill-down into ``unit`` (None: back at the province): its county-level units all named."""
    if not ctx.triggered:
        return no_update, no_update, no_update, no_update
    url = layer_url(label_layer_id("county"), zoom, datum_for(basemap)) if unit else None
    return (*_hideouts(unit, lang), url)
