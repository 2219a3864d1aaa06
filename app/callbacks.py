"""Callbacks of the web map: unpack inputs, call one pure function, return. No geometry."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, html

from app import ids
from app.layout import layer_url
from layers import catalogue
from layers.describe import unit_lines

HOVER_LAYERS = ("prefectures", "counties")


def zoom_urls(zoom: float | None) -> list[str]:
    """URLs of every catalogue layer for the zoom band of ``zoom``."""
    return [layer_url(layer_id, zoom) for layer_id in catalogue.catalogue()]


def hover_panel(*features: dict[str, Any] | None) -> list[Any]:
    """Children of the info panel for the most specific hovered unit (county over prefecture)."""
    feature = next((f for f in reversed(features) if f), None)
    lines = unit_lines(feature.get("properties") if feature else None)
    if not lines:
        return [html.Span("将鼠标移到地图上查看名称 · Hover over the map for names")]
    return [html.Strong(lines[0]), *[html.Div(line) for line in lines[1:]]]


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
