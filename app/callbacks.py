"""Callbacks of the web map: unpack inputs, call one pure function, return. No geometry."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, ctx, html

from app import ids
from app.layout import DETAIL_HINT, layer_url
from layers import catalogue
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


def hover_panel(*features: dict[str, Any] | None) -> list[Any]:
    """Children of the info panel for the unit hovered last (else the top-most hovered layer's)."""
    triggered = ctx.triggered_id if ctx.triggered else None
    layer_ids = [ids.layer_id(i) for i in HOVER_LAYERS]
    if triggered in layer_ids and features[layer_ids.index(triggered)]:
        feature = features[layer_ids.index(triggered)]
    else:
        feature = next((f for f in reversed(features) if f), None)
    lines = unit_lines(feature.get("properties") if feature else None)
    if not lines:
        return [html.Span("将鼠标移到地图上查看名称 · Hover over the map for names")]
    return [html.Strong(lines[0]), *[html.Div(line) for line in lines[1:]]]


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


def register(app: Dash) -> None:
    """Attach the callbacks to ``app``."""
    app.callback(
        [Output(ids.layer_id(layer_id), "url") for layer_id in catalogue.catalogue()],
        Input(ids.MAP, "zoom"),
    )(zoom_urls)
    app.callback(
        Output(ids.INFO, "children"),
        [Input(ids.layer_id(layer_id), "hoverData") for layer_id in HOVER_LAYERS],
    )(hover_panel)
    app.callback(
        [Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
        [Input(ids.DETAIL_CLOSE, "n_clicks")]
        + [Input(ids.layer_id(layer_id), "clickData") for layer_id in CLICK_LAYERS],
        prevent_initial_call=True,
    )(clicked_detail)
