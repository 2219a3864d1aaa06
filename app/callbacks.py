"""Callbacks of the web map: unpack inputs, call one pure function, return. No geometry."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from app import export, ids
from app.layout import DETAIL_HINT, indicator_options, layer_ids_for_overlays, layer_url, legend_view
from geo import boundaries
from layers import catalogue, indicators, user_indicators
from layers.choropleth import choropleth
from layers.describe import VALUE_TEXT, feature_record, unit_lines
from layers.search import search

#: Layers of admin units whose hover fills the info panel.
HOVER_LAYERS = tuple(
    spec.id
    for spec in catalogue.catalogue().values()
    if spec.geometry == "polygon"
    and spec.builder in ("vector", "units")
    and spec.group != "context"
    and spec.id != "province"
)
#: Layers whose features open a record when clicked.
CLICK_LAYERS = tuple(spec.id for spec in catalogue.catalogue().values() if spec.group not in ("context", "boundaries"))


def zoom_urls(zoom: float | None) -> list[str]:
    """URLs of every catalogue layer for the zoom band of ``zoom``."""
    return [layer_url(layer_id, zoom) for layer_id in catalogue.catalogue()]


def hover_panel(*args: Any) -> list[Any]:
    """Children of the info panel for the unit hovered last, with the indicator value if mapped.

    ``args`` are the ``hoverData`` of every ``HOVER_LAYERS`` layer, then the choropleth's
    ``hoverData``, then the choropleth's ``hideout`` (its value labels by unit code).
    """
    *features, hideout = args
    triggered = ctx.triggered_id if ctx.triggered else None
    layer_ids = [*(ids.layer_id(i) for i in HOVER_LAYERS), ids.CHOROPLETH]
    if triggered in layer_ids and features[layer_ids.index(triggered)]:
        feature = features[layer_ids.index(triggered)]
    else:
        feature = next((f for f in reversed(features) if f), None)
    props = feature.get("properties") if feature else None
    lines = unit_lines(props)
    if not lines:
        return [html.Span("将鼠标移到地图上查看名称 · Hover over the map for names")]
    out = [html.Strong(lines[0]), *[html.Div(line) for line in lines[1:]]]
    if hideout and props and hideout.get("title"):
        value = (hideout.get("labels") or {}).get(props.get("code"))
        out.append(
            html.Div(f"{hideout['title']}：{value if value is not None else '无数据 no data'}", className="hover-value")
        )
    return out


def detail_panel(feature: dict[str, Any] | None, lang: str = "zh") -> list[Any]:
    """Children of the detail panel for a clicked feature: its full record with sources."""
    record = feature_record(feature.get("properties") if feature else None, lang)
    if not record:
        return [html.P(DETAIL_HINT)]
    rows = []
    for label, value in record:
        parts = value.split(" | ") if label in ("来源", "Sources") else [value]
        rows.append(html.Tr([html.Th(label), html.Td([html.Div(p) for p in parts])]))
    return [html.Table(rows, className="record")]


def clicked_detail(*inputs: Any) -> tuple[list[Any], bool]:
    """The detail panel for whichever layer was clicked last; hidden again by its close button.

    ``inputs`` are the close button's ``n_clicks`` then every click layer's ``clickData``.
    Returns the panel's children and whether it is hidden.
    """
    features = inputs[1:]
    triggered = ctx.triggered_id if ctx.triggered else None
    layer_ids = [ids.layer_id(i) for i in CLICK_LAYERS]
    if triggered not in layer_ids:
        return detail_panel(None), True
    feature = features[layer_ids.index(triggered)]
    return detail_panel(feature), feature is None


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
        source_ids=(f"用户上传 uploaded: {meta['filename']}",),
        licence="unknown",
        confidence="L",
        description_zh="本会话上传的指标",
        description_en="Indicator uploaded in this session",
    )
    frame = pd.DataFrame(stored["values"], columns=list(indicators.VALUE_COLUMNS))
    return spec, frame


def choropleth_view(
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    uploaded: dict[str, Any] | None = None,
) -> tuple[str | None, dict[str, Any], list[Any], bool]:
    """URL, style payload and legend of the indicator choropleth; whether the class controls apply.

    Returns no URL and an empty payload when no indicator is chosen. Geometry is not
    sent: the URL is the unit layer already served for the current zoom band. Indicators
    uploaded in this session come from ``uploaded`` (the session store).
    """
    if not indicator_id:
        return None, {}, legend_view(None), False
    if uploaded and indicator_id in uploaded:
        spec, frame = _user_spec(indicator_id, uploaded[indicator_id])
        chosen = choropleth(indicator_id, scheme=scheme, k=int(k), palette=palette, values=frame, spec=spec)
    else:
        chosen = choropleth(indicator_id, scheme=scheme, k=int(k), palette=palette)
    layer = "prefectures" if chosen.indicator.level == "prefecture" else "counties"
    numeric = chosen.indicator.kind == "numeric"
    return layer_url(layer, zoom), chosen.hideout(), legend_view(chosen.legend), not numeric


def upload_indicator(
    contents: str | None, filename: str | None, title: str | None, unit: str | None, level: str, store: dict[str, Any]
) -> tuple[dict[str, Any], list[Any], Any, Any]:
    """Check an uploaded CSV; if every row joins, keep it in the session store and select it.

    Returns the new store, the result message, the indicator options and the indicator to
    select (options and selection unchanged on error). Options and selection change
    together so the dropdown never holds a value it has no option for.
    """
    if not contents:
        return store, [], no_update, no_update
    name = filename or "upload.csv"
    try:
        content = base64.b64decode(contents.split(",", 1)[1])
    except (IndexError, ValueError):
        return (
            store,
            [html.P(f"{name}: 无法读取 could not read the file", className="upload-error")],
            no_update,
            no_update,
        )
    parsed = user_indicators.parse_table(content, level=level, source_id="USER", name=name)
    if not parsed.ok or parsed.values is None:
        items = [html.Li(p) for p in parsed.problems[:20]]
        more = len(parsed.problems) - len(items)
        if more > 0:
            items.append(html.Li(f"… {more} more"))
        head = f"未添加：{len(parsed.problems)} 处问题 · Not added: {len(parsed.problems)} problem(s)"
        return store, [html.P(head, className="upload-error"), html.Ul(items)], no_update, no_update
    indicator_id = f"upload_{len(store or {}) + 1}"
    values = parsed.values.assign(source_ids=[["USER"]] * len(parsed.values))
    entry = {
        "meta": {"title": title or name, "unit": unit or "", "level": level, "filename": name},
        "values": values.to_dict(orient="records"),
    }
    new_store = {**(store or {}), indicator_id: entry}
    total = len(boundaries.units(level))
    join_zh = "代码" if parsed.join == "code" else "名称"
    message = (
        f"已添加“{entry['meta']['title']}”：{len(values)}/{total} 个单位（按{join_zh}匹配）"
        f" · Added: {len(values)} of {total} units joined on {parsed.join}"
    )
    return new_store, [html.P(message, className="upload-ok")], indicator_choices(new_store), indicator_id


def indicator_choices(store: dict[str, Any] | None) -> list[dict[str, str]]:
    """Dropdown options: the catalogue's indicators, then those uploaded in this session."""
    uploaded = [
        {"label": f"{entry['meta']['title']}（上传 uploaded）", "value": key} for key, entry in (store or {}).items()
    ]
    return indicator_options() + uploaded


def download_layers(
    n_clicks: int,
    overlays: list[str] | None,
    fmt: str,
    crs_choice: str,
    only_view: list[str] | None,
    bounds: list[list[float]] | None,
) -> tuple[Any, list[Any]]:
    """Export the layers switched on (optionally only the current view) and send them as one file.

    Uses ``app.export.export_layers``, the CLI's exporter, so the files are the same as
    ``hubei-map export`` with the same choices. One GeoPackage is sent as it is; other
    formats are zipped.
    """
    layer_ids = layer_ids_for_overlays(overlays)
    if not n_clicks or not layer_ids:
        return no_update, [html.P("没有打开的图层 · No layer is switched on", className="upload-error")]
    bbox = None
    if only_view and "view" in only_view and bounds:
        (south, west), (north, east) = bounds
        bbox = (west, south, east, north)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("hubei-layers.gpkg" if fmt == "gpkg" else "hubei-layers")
        try:
            written = export.export_layers(layer_ids, fmt, target, crs_choice=crs_choice, bbox=bbox)
        except export.ExportError as exc:
            return no_update, [html.P(str(exc), className="upload-error")]
        count = sum(w.features for w in written)
        if fmt == "gpkg":
            payload = dcc.send_bytes(written[0].path.read_bytes(), written[0].path.name)
        else:
            label = written[0].crs if written else "EPSG-4326"
            payload = dcc.send_bytes(export.as_zip_bytes(written), f"hubei-layers_{fmt}_{label}.zip")
    message = f"已导出 {len(layer_ids)} 个图层、{count} 个要素 · Exported {len(layer_ids)} layers, {count} features"
    return payload, [html.P(message, className="upload-ok")]


def _hit_kind(detail: str) -> str:
    """Chinese name of a hit's level or facility category."""
    levels = {"prefecture": "市州", "county": "县级", "province": "省"}
    return levels.get(detail) or VALUE_TEXT["category"].get(detail, (detail, detail))[0]


def search_results(query: str | None) -> tuple[list[Any], list[dict[str, Any]]]:
    """Result buttons and their records for a search (at most 10; empty query: nothing)."""
    hits = search(query or "")
    if query and not hits:
        return [html.Li("无结果 · No match", className="search-empty")], []
    items = [
        html.Li(
            html.Button(
                f"{h['name_zh']} · {h['name_en']}（{_hit_kind(str(h['detail']))}）",
                id={"type": ids.SEARCH_HIT, "index": i},
                n_clicks=0,
                className="search-hit",
            )
        )
        for i, h in enumerate(hits)
    ]
    return items, hits


def fly_to_hit(clicks: list[int | None], hits: list[dict[str, Any]]) -> Any:
    """The map viewport for the result clicked: fly to its bounds."""
    triggered = ctx.triggered_id if ctx.triggered else None
    if not isinstance(triggered, dict) or not any(clicks):
        return no_update
    index = int(triggered["index"])
    if index >= len(hits):
        return no_update
    return {"bounds": hits[index]["bounds"], "transition": "flyToBounds"}


def register(app: Dash) -> None:
    """Attach the callbacks to ``app``."""
    app.callback(
        [Output(ids.layer_id(layer_id), "url") for layer_id in catalogue.catalogue()],
        Input(ids.MAP, "zoom"),
    )(zoom_urls)
    app.callback(
        Output(ids.INFO, "children"),
        [Input(ids.layer_id(layer_id), "hoverData") for layer_id in HOVER_LAYERS]
        + [Input(ids.CHOROPLETH, "hoverData"), State(ids.CHOROPLETH, "hideout")],
    )(hover_panel)
    app.callback(
        [
            Output(ids.CHOROPLETH, "url"),
            Output(ids.CHOROPLETH, "hideout"),
            Output(ids.LEGEND, "children"),
            Output(ids.SCHEME, "disabled"),
        ],
        [
            Input(ids.INDICATOR, "value"),
            Input(ids.SCHEME, "value"),
            Input(ids.CLASSES, "value"),
            Input(ids.PALETTE, "value"),
            Input(ids.MAP, "zoom"),
        ],
        State(ids.USER_INDICATORS, "data"),
    )(choropleth_view)
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
        ],
        prevent_initial_call=True,
    )(upload_indicator)
    app.callback(
        [Output(ids.DOWNLOAD, "data"), Output(ids.DOWNLOAD_STATUS, "children")],
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        [
            State(ids.LAYERS_CONTROL, "overlays"),
            State(ids.DOWNLOAD_FORMAT, "value"),
            State(ids.DOWNLOAD_CRS, "value"),
            State(ids.DOWNLOAD_VIEW, "value"),
            State(ids.MAP, "bounds"),
        ],
        prevent_initial_call=True,
    )(download_layers)
    app.callback(
        [Output(ids.SEARCH_RESULTS, "children"), Output(ids.SEARCH_HITS, "data")],
        Input(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )(search_results)
    app.callback(
        Output(ids.MAP, "viewport"),
        Input({"type": ids.SEARCH_HIT, "index": ALL}, "n_clicks"),
        State(ids.SEARCH_HITS, "data"),
        prevent_initial_call=True,
    )(fly_to_hit)
    # On page load: the catalogue plus what this session uploaded before a reload.
    app.callback(Output(ids.INDICATOR, "options"), Input(ids.USER_INDICATORS, "data"))(indicator_choices)
    app.callback(
        [Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
        [Input(ids.DETAIL_CLOSE, "n_clicks")]
        + [Input(ids.layer_id(layer_id), "clickData") for layer_id in CLICK_LAYERS],
        prevent_initial_call=True,
    )(clicked_detail)
