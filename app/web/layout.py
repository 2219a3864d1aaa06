"""Layout factories for the web map. Each returns a component for one view state; no data is embedded.

The page is drawn from a ``ViewState`` (``app.web.viewstate``), which the address bar carries,
so a link reproduces a view. Every label is in the state's language (``app.i18n``).
"""

from __future__ import annotations

from html import escape
from typing import Any

import dash_leaflet as dl
import xyzservices.providers as xyz
from dash import dcc, html
from dash_extensions.javascript import Namespace

from app import i18n, settings
from app.i18n import t
from app.web import ids, viewstate
from app.web.viewstate import BASEMAPS, ViewState
from geo import boundaries, crs
from geo.simplify import band_for_zoom
from layers import catalogue, classify, features, indicators, palettes, user_indicators, webdata
from layers.choropleth import Choropleth, Legend, short_sources
from layers.style import CHOROPLETH_ABOVE, HOVER_STYLE, MAP_BACKGROUND, style

_NS = Namespace("hubeiMap", "layer")
#: Zoom at which the map first opens (the bounds decide the view; this picks the band).
INITIAL_ZOOM = 7
#: Zoom from which county boundaries show by themselves (when "automatic" is on).
COUNTIES_FROM_ZOOM = 9


def layer_url(layer_id: str, zoom: float | None, datum: str = "wgs84") -> str:
    """URL of a layer's data for the zoom band containing ``zoom`` (None: the initial zoom).

    ``datum="gcj02"`` asks for the layer shifted to GCJ-02, to overlay Gaode tiles.
    """
    band = band_for_zoom(INITIAL_ZOOM if zoom is None else zoom)
    shift = "&datum=gcj02" if datum == "gcj02" else ""
    return f"{settings.LAYER_URL_PREFIX}/{layer_id}/{band.name}.{LAYER_FORMAT}?v={webdata.data_version()}{shift}"


#: The map fetches layers as Geobuf (``.pbf``): a third of gzipped GeoJSON's bytes.
LAYER_FORMAT = "pbf"


def datum_for(basemap: str | None) -> str:
    """Datum the overlays must be served in to line up with ``basemap`` (``wgs84`` without one)."""
    return BASEMAPS[basemap][1] if basemap in BASEMAPS else "wgs84"


#: Map panes stack the catalogue's layers in catalogue order whatever order their data
#: arrives in; Leaflet's overlay pane is z-index 400 and markers start at 600. Panes are
#: three apart so the choropleth and the drill-down counties sit just above the layout layer.
PANE_BASE_Z = 401
PANE_STEP = 3
CHOROPLETH_PANE = "pane-choropleth"
DRILL_PANE = "pane-drill"


def pane_name(layer_id: str) -> str:
    """Name of the map pane a catalogue layer is drawn in."""
    return f"pane-{layer_id}"


def panes(layer_ids: list[str] | None = None) -> list[dl.Pane]:
    """One pane per catalogue layer (the first lowest), then the choropleth's and the drill-down's."""
    order = list(catalogue.catalogue())
    out = [
        dl.Pane(
            name=pane_name(layer_id),
            className=ids.layer_panes_class(layer_id),
            style={"zIndex": PANE_BASE_Z + PANE_STEP * i},
        )
        for i, layer_id in enumerate(order)
        if layer_ids is None or layer_id in layer_ids
    ]
    above = PANE_BASE_Z + PANE_STEP * (order.index(CHOROPLETH_ABOVE) if CHOROPLETH_ABOVE in order else len(order))
    out.append(dl.Pane(name=CHOROPLETH_PANE, style={"zIndex": above + 1}))
    out.append(dl.Pane(name=DRILL_PANE, style={"zIndex": above + 2}))
    return out


def choropleth_layer(component_id: str = ids.CHOROPLETH) -> dl.GeoJSON:
    """The indicator choropleth: unit polygons by URL, coloured from ``hideout`` (empty until chosen)."""
    return dl.GeoJSON(
        id=component_id,
        url=None,
        format="geobuf",
        style=_NS("choropleth"),
        onEachFeature=_NS("bindTooltip"),
        hideout={},
        hoverStyle=HOVER_STYLE,
        pane=CHOROPLETH_PANE,
    )


def drill_layer(state: ViewState) -> dl.GeoJSON:
    """The county-level units of the prefecture drilled into (nothing at province level)."""
    return dl.GeoJSON(
        id=ids.DRILL_LAYER,
        format="geobuf",
        url=layer_url("counties", state.zoom, datum_for(state.basemap)) if state.unit else None,
        filter=_NS("inUnit"),
        style=_NS("style"),
        onEachFeature=_NS("bindTooltip"),
        hideout=drill_hideout(state.unit, state.lang),
        hoverStyle=HOVER_STYLE,
        pane=DRILL_PANE,
    )


def drill_hideout(unit: str | None, lang: str) -> dict[str, Any]:
    """Style payload of the drill-down layer: the prefecture's code and the county style."""
    return {"parent": unit, "style": style("drill_county"), "className": "unit-drill", "lang": lang}


def indicator_options(lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options: every catalogue indicator, prefecture level first."""
    specs = sorted(indicators.catalogue().values(), key=lambda s: s.level != "prefecture")
    return [{"label": f"{s.title(lang)}（{t(s.level, lang)}）", "value": s.id} for s in specs]


def _options(items: list[tuple[str, str, str]], lang: str) -> list[dict[str, str]]:
    """Dropdown options from (value, Chinese label, English label) triples."""
    return [{"label": i18n.pick(zh, en, lang), "value": value} for value, zh, en in items]


def _section(title: str, children: list[Any], *, open_: bool = False, class_name: str = "") -> html.Details:
    """A collapsible sidebar section (a native <details>: keyboard-usable, no script)."""
    return html.Details([html.Summary(html.H2(title)), *children], open=open_, className=f"panel {class_name}".strip())


def search_box(lang: str) -> html.Div:
    """Find a unit or facility by Chinese, English or pinyin name (Enter to search), then fly to it."""
    return html.Div(
        [
            html.Label(t("search", lang), htmlFor=ids.SEARCH),
            dcc.Input(
                id=ids.SEARCH,
                type="search",
                debounce=True,
                placeholder=t("search_placeholder", lang),
                autoComplete="off",
            ),
            html.Ul(id=ids.SEARCH_RESULTS, className="search-results"),
            dcc.Store(id=ids.SEARCH_HITS, data=[]),
        ],
        className="search",
    )


def layer_symbol(spec: catalogue.LayerSpec, lang: str) -> list[html.Span | html.Ul]:
    """The layer's map symbol as it is drawn (fill, line or marker), and its categories if any."""
    s = style(spec.style)
    if spec.geometry == "point":
        marker = s.get("marker", {})
        swatch = html.Span(
            className=f"facility-marker facility-{marker.get('shape', 'circle')} symbol",
            style={"background": marker.get("color")},
        )
    elif spec.geometry == "line":
        swatch = html.Span(
            className="symbol line",
            style={"borderTop": f"3px {'dashed' if s.get('dashArray') else 'solid'} {s.get('color')}"},
        )
    else:
        swatch = html.Span(
            className="symbol fill",
            style={
                "background": s.get("fillColor") if s.get("fillOpacity", 0) > 0 else "transparent",
                "borderColor": s.get("color"),
                "borderStyle": "dashed" if s.get("dashArray") else "solid",
            },
        )
    out: list[html.Span | html.Ul] = [swatch]
    cats = s.get("categories")
    if cats:
        labels = cats[f"labels_{'en' if lang == 'en' else 'zh'}"]
        out.append(
            html.Ul(
                [
                    html.Li([html.Span(className="symbol fill", style={"background": colour}), labels[key]])
                    for key, colour in cats["colors"].items()
                ],
                className="categories",
            )
        )
    return out


def _layer_sources(spec: catalogue.LayerSpec, lang: str) -> str:
    """Short source line of a layer: the sources its features cite."""
    if spec.builder == "vector":
        return t("boundary_note", lang)
    frame = features.layer_data(spec.id)
    cited = sorted({i for ids_ in frame["source_ids"].fillna("") for i in str(ids_).split(";") if i})
    return short_sources(cited, lang, limit=4)


def layer_row(spec: catalogue.LayerSpec, state: ViewState) -> html.Li:
    """One layer in the panel: on/off, its symbol, and (one click away) description, sources, opacity."""
    lang = state.lang
    opacity = dict(state.opacity).get(spec.id, 1.0)
    about: list[Any] = [html.P(spec.description_en if lang == "en" else spec.description_zh)]
    if spec.plan_articles:
        articles = (
            "、".join(f"第{a}条" for a in spec.plan_articles)
            if lang == "zh"
            else ", ".join(str(a) for a in spec.plan_articles)
        )
        about.append(html.P(f"{t('plan_articles', lang)}: {articles}"))
    about += [
        html.P(_layer_sources(spec, lang), className="layer-sources"),
        # A native range input inside its label: keyboard-usable, named, and light enough
        # to have one per layer.
        html.Label(
            [
                t("opacity", lang),
                dcc.Input(
                    id={"type": ids.LAYER_OPACITY, "layer": spec.id},
                    type="range",
                    min=0,
                    max=1,
                    step=0.05,
                    value=opacity,
                    className="opacity",
                ),
            ],
            className="opacity-label",
        ),
    ]
    return html.Li(
        [
            dcc.Checklist(
                id={"type": ids.LAYER_ON, "layer": spec.id},
                options=[{"label": spec.title(lang), "value": spec.id}],
                value=[spec.id] if spec.id in state.layers else [],
                className="layer-toggle",
            ),
            *layer_symbol(spec, lang),
            html.Details([html.Summary(t("layer_about", lang)), *about], className="layer-about"),
        ],
        className=f"layer-row layer-row-{spec.id}",
    )


def layer_panel(state: ViewState) -> html.Details:
    """Layers grouped as the catalogue groups them, in the order of ``i18n.GROUP_TITLES``."""
    specs = list(catalogue.catalogue().values())
    groups = list(i18n.GROUP_TITLES) + sorted({s.group for s in specs} - set(i18n.GROUP_TITLES))
    blocks: list[Any] = []
    for group in groups:
        members = [s for s in specs if s.group == group]
        if not members:
            continue
        blocks.append(
            html.Fieldset(
                [html.Legend(i18n.group_title(group, state.lang)), html.Ul([layer_row(s, state) for s in members])],
                className=f"layer-group layer-group-{group}",
            )
        )
    blocks.append(
        dcc.Checklist(
            id=ids.COUNTIES_AUTO,
            options=[{"label": t("counties_auto", state.lang), "value": "auto"}],
            value=["auto"],
            className="counties-auto",
        )
    )
    return _section(t("layers", state.lang), blocks, open_=True, class_name="layers")


def indicator_panel(state: ViewState) -> html.Details:
    """Indicator, scheme, class count and palette pickers (keyboard-usable), legend and table view."""
    lang = state.lang
    schemes = [(key, zh, en) for key, (_, zh, en) in classify.SCHEMES.items() if key != "user_defined"]
    pals = [(p.name, p.title_zh, p.title_en) for p in palettes.PALETTES.values() if p.kind != "qualitative"]
    return _section(
        t("indicator_map", lang),
        [
            html.Label(t("indicator", lang), htmlFor=ids.INDICATOR),
            dcc.Dropdown(
                id=ids.INDICATOR,
                options=indicator_options(lang),
                value=state.indicator,
                placeholder=t("choose", lang),
            ),
            html.Label(t("scheme", lang), htmlFor=ids.SCHEME),
            dcc.Dropdown(id=ids.SCHEME, options=_options(schemes, lang), value=state.scheme, clearable=False),
            html.Label(t("classes", lang), htmlFor=ids.CLASSES),
            dcc.Dropdown(
                id=ids.CLASSES,
                options=[{"label": str(k), "value": k} for k in range(classify.K_RANGE[0], classify.K_RANGE[1] + 1)],
                value=state.k,
                clearable=False,
            ),
            html.Label(t("palette", lang), htmlFor=ids.PALETTE),
            dcc.Dropdown(id=ids.PALETTE, options=_options(pals, lang), value=state.palette, clearable=False),
            html.Div(id=ids.LEGEND, className="legend", role="region", **{"aria-label": t("legend", lang)}),
            html.Details(
                [html.Summary(t("table_view", lang), id=ids.TABLE_SUMMARY, n_clicks=0), html.Div(id=ids.TABLE_VIEW)],
                className="table-view",
            ),
        ],
        open_=True,
        class_name="indicator",
    )


def compare_panel(state: ViewState) -> html.Details:
    """Switch on a second, synchronised map and choose what it shows."""
    lang = state.lang
    return _section(
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
                value=["shared"],
            ),
        ],
        open_=bool(state.compare),
        class_name="compare",
    )


def basemap_panel(state: ViewState) -> html.Details:
    """Optional online basemap (none by default); Gaode's GCJ-02 tiles shift the overlays to GCJ-02."""
    lang = state.lang
    names = {
        "osm": ("OpenStreetMap（WGS-84）", "OpenStreetMap (WGS-84)"),
        "esri_imagery": ("Esri 影像（WGS-84）", "Esri World Imagery (WGS-84)"),
        "gaode": ("高德地图（GCJ-02，图层随之偏移）", "Gaode (GCJ-02; layers shifted to match)"),
    }
    options = [{"label": i18n.pick("无（离线）", "None (offline)", lang), "value": "none"}] + [
        {"label": i18n.pick(*names[key], lang), "value": key} for key in BASEMAPS
    ]
    return _section(
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


def basemap_children(basemap: str | None) -> list[dl.TileLayer]:
    """The tile layer of an online basemap (attributed by its provider), or nothing."""
    if basemap not in BASEMAPS:
        return []
    provider = xyz.query_name(BASEMAPS[basemap][0])
    return [
        dl.TileLayer(
            url=provider.build_url(),
            attribution=provider.html_attribution,
            maxZoom=provider.get("max_zoom", settings.MAX_ZOOM),
        )
    ]


#: Snapshot choices: paper sizes and formats (the renderer's own names).
SNAPSHOT_PAPERS = [
    ("a4-landscape", "A4 横向", "A4 landscape"),
    ("a4-portrait", "A4 纵向", "A4 portrait"),
    ("a3-landscape", "A3 横向", "A3 landscape"),
    ("a3-portrait", "A3 纵向", "A3 portrait"),
]
SNAPSHOT_FORMATS = [
    ("pdf", "PDF（矢量，可打印）", "PDF (vector, for print)"),
    ("png", "PNG（300 dpi）", "PNG (300 dpi)"),
    ("svg", "SVG（矢量，可编辑）", "SVG (vector, editable)"),
    ("html", "交互式 HTML（离线可用）", "Interactive HTML (works offline)"),
]


def snapshot_panel(lang: str) -> html.Details:
    """Make a briefing map of the current view (layers, indicator, classes, extent, language)."""
    return _section(
        t("snapshot", lang),
        [
            html.Label(t("paper", lang), htmlFor=ids.SNAPSHOT_PAPER),
            dcc.Dropdown(
                id=ids.SNAPSHOT_PAPER, options=_options(SNAPSHOT_PAPERS, lang), value="a4-landscape", clearable=False
            ),
            html.Label(t("format", lang), htmlFor=ids.SNAPSHOT_FORMAT),
            dcc.Dropdown(
                id=ids.SNAPSHOT_FORMAT, options=_options(SNAPSHOT_FORMATS, lang), value="pdf", clearable=False
            ),
            html.Button(t("snapshot_button", lang), id=ids.SNAPSHOT_BUTTON, n_clicks=0, className="action-button"),
            html.Div(id=ids.SNAPSHOT_STATUS, role="status", **{"aria-live": "polite"}),
            dcc.Download(id=ids.SNAPSHOT),
        ],
        class_name="snapshot",
    )


#: Download choices shown in the app (the CLI offers the same and a few more).
DOWNLOAD_FORMATS = [
    ("geojson", "GeoJSON（WGS-84）", "GeoJSON (WGS-84)"),
    ("gpkg", "GeoPackage（单文件）", "GeoPackage (one file)"),
    ("shp", "Shapefile（zip）", "Shapefile (zipped)"),
    ("csv", "CSV 属性表", "CSV attributes"),
]
DOWNLOAD_CRS = [
    ("wgs84", "WGS-84 经纬度", "WGS-84 lon/lat"),
    ("cgcs2000", "CGCS2000 经纬度", "CGCS2000 lon/lat"),
    ("cgcs2000-gk", "CGCS2000 高斯-克吕格3度带", "CGCS2000 Gauss-Kruger 3° zone"),
    ("webmercator", "Web 墨卡托", "Web Mercator"),
    ("gcj02", "GCJ-02（高德，仅供叠加）", "GCJ-02 (Amap overlay only)"),
]


def download_panel(lang: str) -> html.Details:
    """Download the layers now switched on, in a chosen format and CRS (same files as the CLI)."""
    return _section(
        t("download", lang),
        [
            html.Label(t("format", lang), htmlFor=ids.DOWNLOAD_FORMAT),
            dcc.Dropdown(
                id=ids.DOWNLOAD_FORMAT, options=_options(DOWNLOAD_FORMATS, lang), value="geojson", clearable=False
            ),
            html.Label(t("crs", lang), htmlFor=ids.DOWNLOAD_CRS),
            dcc.Dropdown(id=ids.DOWNLOAD_CRS, options=_options(DOWNLOAD_CRS, lang), value="wgs84", clearable=False),
            dcc.Checklist(id=ids.DOWNLOAD_VIEW, options=[{"label": t("only_view", lang), "value": "view"}], value=[]),
            html.Button(t("download_button", lang), id=ids.DOWNLOAD_BUTTON, n_clicks=0, className="action-button"),
            html.Div(id=ids.DOWNLOAD_STATUS, role="status", **{"aria-live": "polite"}),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        class_name="download",
    )


def upload_panel(lang: str) -> html.Details:
    """Bring your own indicator: a CSV (code or Chinese name, value) checked before it is mapped."""
    return _section(
        t("upload", lang),
        [
            html.P(t("upload_help", lang), className="help"),
            html.Label(t("upload_title", lang), htmlFor=ids.UPLOAD_TITLE),
            dcc.Input(id=ids.UPLOAD_TITLE, type="text", placeholder=t("upload_title_placeholder", lang), debounce=True),
            html.Label(t("upload_unit", lang), htmlFor=ids.UPLOAD_UNIT),
            dcc.Input(id=ids.UPLOAD_UNIT, type="text", placeholder=t("upload_unit_placeholder", lang), debounce=True),
            html.Label(t("level", lang), htmlFor=ids.UPLOAD_LEVEL),
            dcc.Dropdown(
                id=ids.UPLOAD_LEVEL,
                options=[
                    {"label": t("prefecture", lang), "value": "prefecture"},
                    {"label": t("county", lang), "value": "county"},
                ],
                value="prefecture",
                clearable=False,
            ),
            dcc.Upload(
                html.Div(t("upload_drop", lang)),
                id=ids.UPLOAD,
                accept=".csv,text/csv",
                # Bigger files are not sent: dcc.Upload drops them silently, so the page's script
                # (assets/hubei_map.js) says why in the note below. The parser checks the size again.
                max_size=user_indicators.MAX_BYTES,
                className="upload-box",
            ),
            html.P(
                id=ids.UPLOAD_SIZE_NOTE,
                hidden=True,
                className="upload-error",
                role="alert",
                **{
                    "data-max-bytes": str(user_indicators.MAX_BYTES),
                    "data-message": t("upload_too_big", lang).replace("{limit}", f"{user_indicators.MAX_BYTES:,}"),
                },
            ),
            html.Div(id=ids.UPLOAD_RESULT, role="status", **{"aria-live": "polite"}),
        ],
        class_name="upload",
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


def geojson_layer(spec: catalogue.LayerSpec, state: ViewState) -> dl.GeoJSON:
    """A GeoJSON component for a catalogue layer, fetched by URL and styled via ``hideout``."""
    path_style = style(spec.style)
    interactive = path_style.get("interactive", True)
    extra = {"pointToLayer": _NS("pointToLayer")} if spec.geometry == "point" else {}
    return dl.GeoJSON(
        id=ids.layer_id(spec.id),
        format="geobuf",
        url=layer_url(spec.id, state.zoom, datum_for(state.basemap)) if spec.id in state.layers else None,
        style=_NS("style"),
        # Never None: dash-leaflet's default binds a feature's "popup"/"tooltip" property as HTML.
        onEachFeature=_NS("bindTooltip") if interactive else _NS("noTooltip"),
        hideout={"style": path_style, "className": f"unit-{spec.style}", "lang": state.lang},
        hoverStyle=HOVER_STYLE if interactive and spec.geometry != "point" else None,
        pane=pane_name(spec.id),
        **extra,
    )


def initial_view(state: ViewState) -> dict[str, Any]:
    """Map props for the first view: the link's centre and zoom, the drilled unit, or all of Hubei."""
    if state.center is not None and state.zoom is not None:
        return {"center": list(state.center), "zoom": state.zoom}
    bounds = unit_bounds(state.unit) if state.unit else settings.HUBEI_BOUNDS
    return {"bounds": bounds, "viewport": {"bounds": bounds}, "center": settings.HUBEI_CENTER, "zoom": INITIAL_ZOOM}


def bounds_in_datum(bounds: list[list[float]], basemap: str | None) -> list[list[float]]:
    """``[[south, west], [north, east]]`` (WGS-84) as drawn over ``basemap``: shifted to GCJ-02 for Gaode."""
    if datum_for(basemap) != "gcj02":
        return bounds
    (south, west), (north, east) = bounds
    lons, lats = crs.wgs84_to_gcj02([west, east], [south, north])
    return [[float(lats[0]), float(lons[0])], [float(lats[1]), float(lons[1])]]


def unit_bounds(code: str, level: str = "prefecture") -> list[list[float]]:
    """A unit's bounding box as Leaflet takes it: [[south, west], [north, east]] (degrees, WGS-84)."""
    west, south, east, north = boundaries.unit(code, level=level).geometry.bounds
    return [[south, west], [north, east]]


def _map(component_id: str, children: list[Any], state: ViewState) -> dl.Map:
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


def map_view(state: ViewState) -> dl.Map:
    """The main map: no tiles unless a basemap is chosen (works offline), boundaries from our own data."""
    layers = [geojson_layer(s, state) for s in catalogue.catalogue().values()]
    children = [
        dl.LayerGroup(basemap_children(state.basemap), id=ids.BASEMAP_LAYER),
        *panes(),
        *layers,
        choropleth_layer(),
        drill_layer(state),
        dl.ScaleControl(position="bottomleft", imperial=False),
    ]
    return _map(ids.MAP, children, state)


#: Layers the comparison map repeats under its choropleth (context and outlines only).
COMPARE_LAYERS = ("neighbours", "prefectures", "province")


def compare_map_view(state: ViewState) -> dl.Map:
    """The second map of a comparison: context, outlines and its own choropleth, view synced with the first."""
    specs = [catalogue.layer(i) for i in COMPARE_LAYERS]
    children = [
        *panes(list(COMPARE_LAYERS)),
        *[
            dl.GeoJSON(
                url=layer_url(s.id, state.zoom, datum_for(state.basemap)),
                format="geobuf",
                style=_NS("style"),
                hideout={"style": {**style(s.style), "interactive": False}, "className": f"compare-{s.style}"},
                interactive=False,
                onEachFeature=_NS("noTooltip"),
                pane=pane_name(s.id),
            )
            for s in specs
        ],
        choropleth_layer(ids.CHOROPLETH2),
        dl.ScaleControl(position="bottomleft", imperial=False),
    ]
    return _map(ids.MAP2, children, state)


def breadcrumb(unit: str | None, lang: str) -> list[Any]:
    """Province › prefecture: the province is a button back to the whole map."""
    home = html.Button(t("province", lang), id=ids.BREADCRUMB_HOME, n_clicks=0, className="crumb", disabled=not unit)
    if not unit:
        return [home]
    row = boundaries.unit(unit, level="prefecture")
    return [home, html.Span(" › ", className="crumb-sep"), html.Span(i18n.pick(row["name_zh"], row["name_en"], lang))]


def header(state: ViewState) -> html.Header:
    """Title bar: the title, the language switch and a copy-link button."""
    lang = state.lang
    other = "en" if lang == "zh" else "zh"
    return html.Header(
        [
            html.H1(t("title", lang)),
            html.Div(
                [
                    dcc.Clipboard(id=ids.COPY_LINK, title=t("copy_link_label", lang), className="copy-link"),
                    html.Button(
                        t("switch_lang", lang),
                        id=ids.LANG_BUTTON,
                        n_clicks=0,
                        lang=other,
                        title=t("switch_lang_label", lang),
                        className="lang-button",
                    ),
                ],
                className="header-tools",
            ),
        ],
        id="header",
    )


def sidebar(state: ViewState) -> html.Aside:
    """The control column: search, layers, indicator map, comparison, basemap, download, upload."""
    lang = state.lang
    return html.Aside(
        [
            search_box(lang),
            layer_panel(state),
            indicator_panel(state),
            compare_panel(state),
            basemap_panel(state),
            snapshot_panel(lang),
            download_panel(lang),
            upload_panel(lang),
        ],
        id=ids.SIDEBAR,
        **{"aria-label": t("layers", lang)},
    )


def _compare_legend(lang: str) -> html.Div:
    return html.Div(id=ids.LEGEND2, className="legend floating", role="region", **{"aria-label": t("legend", lang)})


def map_column(state: ViewState) -> html.Div:
    """The map (or two synchronised maps), breadcrumb, hover info, detail panel and boundary note."""
    lang = state.lang
    first = html.Div(
        [
            html.Div(map_view(state), role="region", className="map-region", **{"aria-label": t("map_label", lang)}),
            html.Nav(
                breadcrumb(state.unit, lang),
                id=ids.BREADCRUMB,
                className="breadcrumb",
                **{"aria-label": t("breadcrumb", lang)},
            ),
            html.Div(id=ids.INFO, role="status", **{"aria-live": "polite"}),
            html.Aside(
                [
                    html.Button(
                        "×", id=ids.DETAIL_CLOSE, title=t("close", lang), **{"aria-label": t("close_details", lang)}
                    ),
                    html.Div(html.P(t("detail_hint", lang)), id=ids.DETAIL_BODY),
                ],
                id=ids.DETAIL,
                hidden=True,
                role="region",
                **{"aria-label": t("feature_details", lang), "aria-live": "polite"},
            ),
            html.Div(t("boundary_note", lang), id=ids.SOURCES),
        ],
        className="map-wrap",
    )
    maps = [first]
    if state.compare:
        second = html.Div(
            compare_map_view(state),
            role="region",
            className="map-region",
            **{"aria-label": t("compare_map_label", lang)},
        )
        maps.append(html.Div([second, _compare_legend(lang)], className="map-wrap compare-wrap"))
    return html.Div(maps, id="map-area", className="compare" if state.compare else "")


def page(state: ViewState) -> html.Div:
    """The whole page for ``state``."""
    return html.Div(
        [
            dcc.Store(id=ids.LANG, data=state.lang),
            dcc.Store(id=ids.DRILL, data=state.unit),
            header(state),
            html.Main([sidebar(state), map_column(state)], id="main"),
        ],
        id="page",
        lang="en" if state.lang == "en" else "zh-CN",
    )


def shell(query: str | None = None) -> html.Div:
    """The app's fixed frame: the address bar, session stores, and the page for ``query``.

    ``query`` is the address's query string when the server knows it (the page request's
    referrer), so the first view needs no extra round trip; ``RENDERED`` records it, and the
    page is drawn again only when the address says something else.
    """
    state = viewstate.parse(query)
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.RENDERED, data=(query or "").lstrip("?")),
            dcc.Store(id=ids.USER_INDICATORS, storage_type="session", data={}),
            dcc.Store(id=ids.VIEW_QUERY),
            dcc.Store(id=ids.ADDRESS),
            dcc.Store(id=ids.LAYER_VIS),
            html.Div(page(state), id=ids.PAGE),
        ]
    )


def preload_links(state: ViewState) -> str:
    """``<link rel=preload>`` tags for the layers a view opens with, for the page's <head>.

    The browser then fetches the layer data while it is still loading the scripts,
    instead of after the map has mounted.
    """
    datum = datum_for(state.basemap)
    urls = [layer_url(i, state.zoom, datum) for i in catalogue.catalogue() if i in state.layers]
    return "".join(f'<link rel="preload" href="{escape(u)}" as="fetch" crossorigin="anonymous">' for u in urls)


def visible_layers(values: list[list[str] | None] | None) -> list[str]:
    """Catalogue ids of the layers switched on, from the layer checkboxes' values, in catalogue order."""
    on = {v for vs in values or [] for v in vs or []}
    return [layer_id for layer_id in catalogue.catalogue() if layer_id in on]


def opacity_pairs(layer_ids: list[str], levels: list[float | str | None]) -> tuple[tuple[str, float], ...]:
    """(layer, opacity) for the layers not fully opaque, for the view state (range inputs may send text)."""
    out = []
    for layer, level in zip(layer_ids, levels, strict=True):
        try:
            value = float(level) if level not in (None, "") else 1.0  # type: ignore[arg-type]
        except ValueError:
            continue
        if 0 <= value < 1:
            out.append((layer, round(value, 2)))
    return tuple(out)
