"""Callbacks of the web map: unpack inputs, call one pure function, return. No geometry."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, html

from app import ids
from app.layout import DETAIL_HINT, layer_url, legend_view
from layers import catalogue
from layers.choropleth import choropleth
from layers.describe import feature_record, unit_lines

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


def choropleth_view(
    indicator_id: str | None, scheme: str, k: int, palette: str, zoom: float | None
) -> tuple[str | None, dict[str, Any], list[Any], bool]:
    """URL, style payload and legend of the indicator choropleth; whether the class controls apply.

    Returns no URL and an empty payload when no indicator is chosen. Geometry is not
    sent: the URL is the unit layer already served for the current zoom band.
    """
    if not indicator_id:
        return None, {}, legend_view(None), False
    chosen = choropleth(indicator_id, scheme=scheme, k=int(k), palette=palette)
    layer = "prefectures" if chosen.indicator.level == "prefecture" else "counties"
    numeric = chosen.indicator.kind == "numeric"
    return layer_url(layer, zoom), chosen.hideout(), legend_view(chosen.legend), not numeric


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
    )(choropleth_view)
    app.callback(
        [Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
        [Input(ids.DETAIL_CLOSE, "n_clicks")]
        + [Input(ids.layer_id(layer_id), "clickData") for layer_id in CLICK_LAYERS],
        prevent_initial_call=True,
    )(clicked_detail)
