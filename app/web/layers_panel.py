"""The layer panel: one row per catalogue layer (on/off, symbol, description, sources, opacity), by group.

Showing and hiding a layer and its opacity are client-side (``assets/hubei_map.js``,
``layerVisibility``); the functions here also read the panel's values for the view state.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, dcc, html

from app import i18n
from app.i18n import t
from app.web import ids
from app.web.viewstate import ViewState
from app.web.widgets import article_list, lazy_details, section
from app.web.wiring import Callbacks
from layers import catalogue, features, provenance
from layers.choropleth import short_sources
from layers.style import style

callbacks = Callbacks()

#: Every layer's on/off checklist and opacity slider (pattern-matching ids, one per catalogue layer).
LAYER_ON_ALL = {"type": ids.LAYER_ON, "layer": ALL}
LAYER_OPACITY_ALL = {"type": ids.LAYER_OPACITY, "layer": ALL}
#: The "counties automatic" checkbox's value when a page opens (on): the layout's URLs and names follow it.
COUNTIES_AUTO_OPENING = ["auto"]


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
                    # The swatch is the item's ::before, coloured by --swatch (one component per category).
                    html.Li(labels[key], style={"--swatch": colour})
                    for key, colour in cats["colors"].items()
                ],
                className="categories",
            )
        )
    return out


def _layer_sources(spec: catalogue.LayerSpec, lang: str) -> str:
    """Short source line of a layer: the sources its features cite."""
    if spec.builder == "vector":
        return provenance.boundary_note(lang)
    frame = features.layer_data(spec.id)
    cited = sorted({i for ids_ in frame["source_ids"].fillna("") for i in str(ids_).split(";") if i})
    return short_sources(cited, lang, limit=4)


def layer_about(spec: catalogue.LayerSpec, state: ViewState) -> list[Any]:
    """A layer's "about" contents: description, plan articles, sources, and its opacity slider."""
    lang = state.lang
    about: list[Any] = [html.P(spec.description_en if lang == "en" else spec.description_zh)]
    if spec.plan_articles:
        about.append(html.P(f"{t('plan_articles', lang)}: {article_list(spec.plan_articles, lang)}"))
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
                    value=dict(state.opacity).get(spec.id, 1.0),
                    className="opacity",
                ),
            ],
            className="opacity-label",
        ),
    ]
    return about


def about_part(layer_id: str) -> str:
    """The name of a layer's "about" contents (``panel_bodies``)."""
    return f"{ABOUT_PART}{layer_id}"


#: The start of a layer's "about" part name (the layer's id follows).
ABOUT_PART = "about:"


def layer_row(spec: catalogue.LayerSpec, state: ViewState) -> html.Li:
    """One layer in the panel: on/off, its symbol, and (one click away) description, sources, opacity.

    The "about" contents are made when first opened, unless the address sets the layer's opacity:
    then its slider is on the page from the start, so the view keeps that opacity. A slider not on
    the page is at 1 (``view_query`` and ``layerVisibility`` read the sliders there are).
    """
    lang = state.lang
    preset = layer_about(spec, state) if spec.id in dict(state.opacity) else None
    return html.Li(
        [
            dcc.Checklist(
                id={"type": ids.LAYER_ON, "layer": spec.id},
                options=[{"label": spec.title(lang), "value": spec.id}],
                value=[spec.id] if spec.id in state.layers else [],
                className="layer-toggle",
            ),
            *layer_symbol(spec, lang),
            lazy_details(t("layer_about", lang), about_part(spec.id), class_name="layer-about", children=preset),
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
            value=COUNTIES_AUTO_OPENING,
            className="counties-auto",
        )
    )
    return section(t("layers", state.lang), blocks, open_=True, class_name="layers")


# Shows and hides the layers' panes and sets their opacity, in the browser.
callbacks.clientside(
    "layerVisibility",
    output=Output(ids.LAYER_VIS, "data"),
    inputs=[
        Input(LAYER_ON_ALL, "value"),
        Input(LAYER_OPACITY_ALL, "value"),
        Input(ids.COUNTIES_AUTO, "value"),
        Input(ids.MAP, "zoom"),
    ],
)


def visible_layers(values: list[list[str] | None] | None) -> list[str]:
    """Catalogue ids of the layers switched on, from the layer checkboxes' values, in catalogue order."""
    on = {v for vs in values or [] for v in vs or []}
    return [layer_id for layer_id in catalogue.catalogue() if layer_id in on]


def opacity_pairs(layer_ids: list[str], levels: list[float | str | None]) -> tuple[tuple[str, float], ...]:
    """(layer, opacity) for the layers not fully opaque, for the view state (range inputs may send text)."""
    out = []
    for layer, level in zip(layer_ids, levels, strict=True):
        try:
            value = float(level) if level not in (None, "") else 1.0
        except ValueError:
            continue
        if 0 <= value < 1:
            out.append((layer, round(value, 2)))
    return tuple(out)
