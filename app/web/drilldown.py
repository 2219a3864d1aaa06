"""Drill-down into a prefecture: the breadcrumb, the county layer of the prefecture, flying there and back."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, html, no_update

from app import i18n, settings
from app.i18n import t
from app.web import ids
from app.web.layer_urls import bounds_in_datum, datum_for, layer_url, unit_bounds
from app.web.mapview import drill_hideout
from app.web.wiring import Callbacks
from geo import boundaries

callbacks = Callbacks()


def breadcrumb(unit: str | None, lang: str) -> list[Any]:
    """Province › prefecture: the province is a button back to the whole map."""
    home = html.Button(t("province", lang), id=ids.BREADCRUMB_HOME, n_clicks=0, className="crumb", disabled=not unit)
    if not unit:
        return [home]
    row = boundaries.unit(unit, level="prefecture")
    return [home, html.Span(" › ", className="crumb-sep"), html.Span(i18n.pick(row["name_zh"], row["name_en"], lang))]


@callbacks.callback(
    output=[
        Output(ids.DRILL, "data"),
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Output(ids.DETAIL, "hidden", allow_duplicate=True),
    ],
    inputs=dict(
        home=Input(ids.BREADCRUMB_HOME, "n_clicks"),
        clicks=Input({"type": ids.DRILL_BUTTON, "code": ALL}, "n_clicks"),
    ),
    state=dict(basemap=State(ids.BASEMAP, "value")),
    prevent_initial_call=True,
)
def set_drill(home: int | None, clicks: list[int | None], basemap: str | None = None) -> tuple[Any, Any, Any]:
    """The prefecture to drill into (a button) or None (the breadcrumb), the view to fly to, whether the panel hides.

    Only a real click counts: a button appearing on the page (n_clicks 0) changes nothing,
    so a link's own view is kept.
    """
    triggered = ctx.triggered_id if ctx.triggered else None
    if triggered == ids.BREADCRUMB_HOME and home:
        return None, {"bounds": settings.HUBEI_BOUNDS, "transition": "flyToBounds"}, no_update
    if isinstance(triggered, dict) and any(clicks):
        code = str(triggered["code"])
        # The panel that offered the drill-down closes, so the counties are in view.
        bounds = bounds_in_datum(unit_bounds(code), basemap)
        return code, {"bounds": bounds, "transition": "flyToBounds"}, True
    return no_update, no_update, no_update


@callbacks.callback(
    output=[Output(ids.BREADCRUMB, "children"), Output(ids.DRILL_LAYER, "url"), Output(ids.DRILL_LAYER, "hideout")],
    inputs=dict(unit=Input(ids.DRILL, "data")),
    state=dict(lang=State(ids.LANG, "data"), zoom=State(ids.MAP, "zoom"), basemap=State(ids.BASEMAP, "value")),
    prevent_initial_call=True,
)
def drill_view(unit: str | None, lang: str, zoom: float | None, basemap: str | None) -> tuple[Any, ...]:
    """Breadcrumb and drill-down layer (URL and style) for ``unit`` (None: the province)."""
    url = layer_url("counties", zoom, datum_for(basemap)) if unit else None
    return breadcrumb(unit, lang), url, drill_hideout(unit, lang)
