"""The map: Leaflet map components, panes, catalogue layers, choropleth and drill-down layers, basemap.

Callbacks here fetch each shown layer for the zoom band in view and switch the basemap.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dash_leaflet as dl
import xyzservices.providers as xyz
from dash import Input, Output, State, dcc, html, no_update
from dash_extensions.javascript import Namespace

from app import settings
from app.i18n import t
from app.web import ids
from app.web.highlight import highlight_children
from app.web.labels import facility_names, label_children
from app.web.layer_urls import COUNTIES_FROM_ZOOM, INITIAL_ZOOM, bounds_in_datum, datum_for, layer_url, unit_bounds
from app.web.layers_panel import LAYER_ON_ALL, layer_shown, pane_look, visible_layers
from app.web.places import places_bounds, places_for
from app.web.viewstate import BASEMAPS, ViewState
from app.web.widgets import section, text_options
from app.web.wiring import Callbacks
from geo import crs
from layers import catalogue
from layers.style import CHOROPLETH_ABOVE, HOVER_STYLE, MAP_BACKGROUND, style

callbacks = Callbacks()

#: The style functions of ``assets/hubei_map.js`` (``window.hubeiMap.layer``).
NS = Namespace("hubeiMap", "layer")

#: Map panes stack the catalogue's layers in catalogue order whatever order their data
#: arrives in; Leaflet's overlay pane is z-index 400 and markers start at 600. Panes are
#: three apart so the choropleth and the drill-down counties sit just above the layout layer.
PANE_BASE_Z = 401
PANE_STEP = 3
CHOROPLETH_PANE = "pane-choropleth"
#: Pixels kept free around a target's places when the map opens on them: (left, top), (right, bottom).
HIGHLIGHT_PADDING = ((20, 70), (20, 70))
DRILL_PANE = "pane-drill"


def pane_name(layer_id: str) -> str:
    """Name of the map pane a catalogue layer is drawn in."""
    return f"pane-{layer_id}"


def panes(state: ViewState, layer_ids: list[str] | None = None) -> list[dl.Pane]:
    """One pane per catalogue layer (the first lowest), then the choropleth's and the drill-down's.

    A layer's pane opens shown or hidden, and with its opacity, as ``state`` says (``pane_look``).
    """
    order = list(catalogue.catalogue())
    out = [
        dl.Pane(
            name=pane_name(layer_id),
            className=ids.layer_panes_class(layer_id),
            style={"zIndex": PANE_BASE_Z + PANE_STEP * i, **pane_look(layer_id, state)},
        )
        for i, layer_id in enumerate(order)
        if layer_ids is None or layer_id in layer_ids
    ]
    above = PANE_BASE_Z + PANE_STEP * (order.index(CHOROPLETH_ABOVE) if CHOROPLETH_ABOVE in order else len(order))
    out.append(dl.Pane(name=CHOROPLETH_PANE, style={"zIndex": above + 1}))
    out.append(dl.Pane(name=DRILL_PANE, style={"zIndex": above + 2}))
    return out


def choropleth_layer(
    component_id: str = ids.CHOROPLETH, url: str | None = None, hideout: dict[str, Any] | None = None
) -> dl.GeoJSON:
    """The indicator choropleth: unit polygons by URL, coloured from ``hideout`` (empty until chosen)."""
    return dl.GeoJSON(
        id=component_id,
        url=url,
        format="geobuf",
        style=NS("choropleth"),
        onEachFeature=NS("bindTooltip"),
        hideout=hideout or {},
        hoverStyle=HOVER_STYLE,
        pane=CHOROPLETH_PANE,
    )


def drill_layer(state: ViewState) -> dl.GeoJSON:
    """The county-level units of the prefecture drilled into (nothing at province level)."""
    return dl.GeoJSON(
        id=ids.DRILL_LAYER,
        format="geobuf",
        url=layer_url("counties", state.zoom, datum_for(state.basemap)) if state.unit else None,
        filter=NS("inUnit"),
        style=NS("style"),
        onEachFeature=NS("bindTooltip"),
        hideout=drill_hideout(state.unit, state.lang),
        hoverStyle=HOVER_STYLE,
        pane=DRILL_PANE,
    )


def drill_hideout(unit: str | None, lang: str) -> dict[str, Any]:
    """Style payload of the drill-down layer: the prefecture's code and the county style."""
    return {"parent": unit, "style": style("drill_county"), "className": "unit-drill", "lang": lang}


def geojson_layer(spec: catalogue.LayerSpec, state: ViewState) -> dl.GeoJSON:
    """A GeoJSON component for a catalogue layer, fetched by URL and styled via ``hideout``.

    Its URL is what ``zoom_urls`` answers for ``state`` (the page opens without that callback).
    """
    path_style = style(spec.style)
    shown = layer_shown(spec.id, state)
    interactive = path_style.get("interactive", True)
    extra = {"pointToLayer": NS("pointToLayer")} if spec.geometry == "point" else {}
    names = {"names": facility_names()} if spec.geometry == "point" else {}
    return dl.GeoJSON(
        id=ids.layer_id(spec.id),
        format="geobuf",
        url=layer_url(spec.id, state.zoom, datum_for(state.basemap)) if shown else None,
        style=NS("style"),
        # Never None: dash-leaflet's default binds a feature's "popup"/"tooltip" property as HTML.
        onEachFeature=NS("bindTooltip") if interactive else NS("noTooltip"),
        hideout={"style": path_style, "className": f"unit-{spec.style}", "lang": state.lang, **names},
        hoverStyle=HOVER_STYLE if interactive and spec.geometry != "point" else None,
        pane=pane_name(spec.id),
        **extra,
    )


def initial_view(state: ViewState) -> dict[str, Any]:
    """Map props for the first view: the link's centre and zoom, a target's places, the drilled unit, or Hubei."""
    if state.center is not None and state.zoom is not None:
        return {"center": list(state.center), "zoom": state.zoom}
    places = places_for(state.hl)
    around = places_bounds(places) if places else None
    if around is not None:  # clear of the note above and the hover line below (Leaflet's fitBounds padding)
        bounds = bounds_in_datum(around, state.basemap)
        padding = {"paddingTopLeft": list(HIGHLIGHT_PADDING[0]), "paddingBottomRight": list(HIGHLIGHT_PADDING[1])}
        return {
            "bounds": bounds,
            "boundsOptions": padding,
            "viewport": {"bounds": bounds, "options": padding},
            "center": settings.HUBEI_CENTER,
            "zoom": INITIAL_ZOOM,
        }
    bounds = unit_bounds(state.unit) if state.unit else settings.HUBEI_BOUNDS
    # The centre Leaflet fits the bounds on: when the fit also lands on INITIAL_ZOOM, the map has nothing to
    # report once drawn, and no callback runs before its layers are painted.
    return {"bounds": bounds, "viewport": {"bounds": bounds}, "center": crs.fit_center(bounds), "zoom": INITIAL_ZOOM}


def leaflet_map(component_id: str, children: list[Any], state: ViewState) -> dl.Map:
    """A Leaflet map with the app's zoom limits and background, opening on ``state``'s view."""
    return dl.Map(
        children,
        id=component_id,
        minZoom=settings.MIN_ZOOM,
        maxZoom=settings.MAX_ZOOM,
        style={"height": "100%", "background": MAP_BACKGROUND},
        keyboard=True,
        trackViewport=True,
        className="hubei-map",
        **initial_view(state),
    )


def map_view(state: ViewState, choropleth: tuple[str | None, dict[str, Any]] = (None, {})) -> dl.Map:
    """The main map: no tiles unless a basemap is chosen (works offline), boundaries from our own data.

    ``choropleth`` is the indicator choropleth's URL and style payload for ``state`` (``opening_choropleth``).
    """
    layers = [geojson_layer(s, state) for s in catalogue.catalogue().values()]
    children = [
        dl.LayerGroup(basemap_children(state.basemap), id=ids.BASEMAP_LAYER),
        *panes(state),
        *layers,
        choropleth_layer(ids.CHOROPLETH, *choropleth),
        drill_layer(state),
        *label_children(state),
        *highlight_children(state),
        dl.ScaleControl(position="bottomleft", imperial=False),
    ]
    return leaflet_map(ids.MAP, children, state)


#: ``app.i18n`` keys of the basemap choices (``viewstate.BASEMAPS``, and none).
BASEMAP_NAMES = {
    "none": "basemap_none",
    "osm": "basemap_osm",
    "esri_imagery": "basemap_esri_imagery",
    "gaode": "basemap_gaode",
}


def basemap_panel(state: ViewState) -> html.Details:
    """Optional online basemap (none by default); Gaode's GCJ-02 tiles shift the overlays to GCJ-02."""
    lang = state.lang
    options = text_options([(key, BASEMAP_NAMES[key]) for key in ("none", *BASEMAPS)], lang)
    return section(
        t("basemap", lang),
        [
            html.Label(t("basemap", lang), htmlFor=ids.BASEMAP),
            dcc.Dropdown(id=ids.BASEMAP, options=options, value=state.basemap or "none", clearable=False),
            html.P(t("basemap_help", lang), className="help"),
            html.P(basemap_note(state.basemap, lang), id=ids.BASEMAP_NOTE, className="help"),
        ],
        open_=bool(state.basemap),
        class_name="basemap",
    )


def basemap_note(basemap: str | None, lang: str) -> str:
    """What the person must know about a basemap's datum (empty for WGS-84 tiles)."""
    return t("gcj_note", lang) if datum_for(basemap) == "gcj02" else ""


def tile_url(basemap: str) -> str:
    """A basemap's tile URL template, always https: a page served over TLS blocks ``http://`` tiles as mixed content.

    xyzservices gives Gaode's as ``http://``; its tile servers answer the same paths over https.
    """
    url = xyz.query_name(BASEMAPS[basemap][0]).build_url()
    return "https://" + url.removeprefix("http://") if url.startswith("http://") else url


def tile_origins() -> tuple[str, ...]:
    """The servers the online basemaps' tiles come from (``https://host``), for the page's CSP ``img-src``."""
    return tuple(sorted({"https://" + urlsplit(tile_url(key)).netloc for key in BASEMAPS}))


def basemap_children(basemap: str | None) -> list[dl.TileLayer]:
    """The tile layer of an online basemap (attributed by its provider), or nothing."""
    if basemap not in BASEMAPS:
        return []
    provider = xyz.query_name(BASEMAPS[basemap][0])
    return [
        dl.TileLayer(
            url=tile_url(basemap),
            attribution=provider.html_attribution,
            maxZoom=provider.get("max_zoom", settings.MAX_ZOOM),
        )
    ]


@callbacks.callback(
    output=[Output(ids.layer_id(layer_id), "url") for layer_id in catalogue.catalogue()],
    inputs=dict(
        zoom=Input(ids.MAP, "zoom"),
        basemap=Input(ids.BASEMAP, "value"),
        layer_values=Input(LAYER_ON_ALL, "value"),
        counties_auto=Input(ids.COUNTIES_AUTO, "value"),
    ),
    prevent_initial_call=True,  # the layout carries the opening view's URLs (``geojson_layer``)
)
def zoom_urls(
    zoom: float | None,
    basemap: str | None = None,
    layer_values: list[list[str] | None] | None = None,
    counties_auto: list[str] | None = None,
) -> list[Any]:
    """URLs of the catalogue layers shown, for the zoom band of ``zoom``, in the basemap's datum.

    A layer switched off is not fetched (``no_update``: what it loaded before stays, hidden,
    and comes back at once). ``layer_values`` None means every layer; with ``counties_auto``
    the counties load from ``COUNTIES_FROM_ZOOM`` on.
    """
    datum = datum_for(basemap)
    shown = set(catalogue.catalogue()) if layer_values is None else set(visible_layers(layer_values))
    if counties_auto and zoom is not None and zoom >= COUNTIES_FROM_ZOOM:
        shown.add("counties")
    return [layer_url(i, zoom, datum) if i in shown else no_update for i in catalogue.catalogue()]


@callbacks.callback(
    output=[Output(ids.BASEMAP_LAYER, "children"), Output(ids.BASEMAP_NOTE, "children")],
    inputs=dict(basemap=Input(ids.BASEMAP, "value")),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,
)
def basemap_view(basemap: str | None, lang: str) -> tuple[list[Any], str]:
    """The basemap's tile layer (or none) and the note on its datum."""
    return basemap_children(basemap), basemap_note(basemap, lang)
