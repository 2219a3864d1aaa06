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
from app.web.layer_urls import COUNTIES_FROM_ZOOM
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


def symbol_look(spec: catalogue.LayerSpec) -> tuple[str, dict[str, str]]:
    """The layer's map symbol as it is drawn (fill, line or marker): CSS classes and custom properties.

    The stylesheet draws it after the layer's name (``::after`` of the checkbox's label text), so a layer's
    row is one component.
    """
    s = style(spec.style)
    line_style = "dashed" if s.get("dashArray") else "solid"
    if spec.geometry == "point":
        marker = s.get("marker", {})
        return f"layer-symbol symbol-marker symbol-{marker.get('shape', 'circle')}", {
            "--symbol-fill": str(marker.get("color"))
        }
    if spec.geometry == "line":
        return "layer-symbol symbol-line", {"--symbol-line": f"3px {line_style} {s.get('color')}"}
    look = {"--symbol-fill": str(s.get("fillColor")) if s.get("fillOpacity", 0) > 0 and s.get("fillColor") else ""}
    if s.get("color"):
        look["--symbol-border"] = f"1.5px {line_style} {s.get('color')}"
    elif s.get("dashArray"):
        look["--symbol-border"] = "1.5px dashed #555"
    return "layer-symbol symbol-fill", {k: v for k, v in look.items() if v}


def layer_categories(spec: catalogue.LayerSpec, lang: str) -> html.Ul | None:
    """The layer's categories with their colours (its legend), or None for a one-symbol layer."""
    cats = style(spec.style).get("categories")
    if not cats:
        return None
    labels = cats[f"labels_{'en' if lang == 'en' else 'zh'}"]
    return html.Ul(
        # The swatch is the item's ::before, coloured by --swatch (one component per category).
        [html.Li(labels[key], style={"--swatch": colour}) for key, colour in cats["colors"].items()],
        className=f"categories layer-categories-{spec.id}",
    )


def _layer_sources(spec: catalogue.LayerSpec, lang: str) -> str:
    """Short source line of a layer: the sources its features cite."""
    if spec.builder == "vector":
        return provenance.boundary_note(lang)
    frame = features.layer_data(spec.id)
    cited = sorted({i for ids_ in frame["source_ids"].fillna("") for i in str(ids_).split(";") if i})
    return short_sources(cited, lang, limit=4)


def layer_about(spec: catalogue.LayerSpec, state: ViewState) -> html.Div:
    """A layer's "about": its name, description, plan articles, sources, and its opacity slider."""
    lang = state.lang
    about: list[Any] = [html.H3(spec.title(lang)), html.P(spec.description_en if lang == "en" else spec.description_zh)]
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
    return html.Div(about, className=f"layer-about-{spec.id}")


def group_about(group: str, state: ViewState) -> list[html.Div]:
    """The "about" contents of a group of layers: each layer's ``layer_about``, in catalogue order."""
    return [layer_about(spec, state) for spec in group_layers(group)]


def group_layers(group: str) -> list[catalogue.LayerSpec]:
    """The catalogue's layers of ``group`` in catalogue order (none for a group it does not have)."""
    return [spec for spec in catalogue.catalogue().values() if spec.group == group]


def about_part(group: str) -> str:
    """The name of a layer group's "about" contents (``panel_bodies``)."""
    return f"{ABOUT_PART}{group}"


#: The start of a layer group's "about" part name (the group's id follows).
ABOUT_PART = "about:"


def layer_toggle(spec: catalogue.LayerSpec, state: ViewState) -> list[dcc.Checklist | html.Ul]:
    """One layer in the panel: its on/off box named and followed by its symbol, and its categories if any."""
    symbol_class, symbol_vars = symbol_look(spec)
    toggle = dcc.Checklist(
        id={"type": ids.LAYER_ON, "layer": spec.id},
        options=[{"label": spec.title(state.lang), "value": spec.id}],
        value=[spec.id] if spec.id in state.layers else [],
        className=f"layer-toggle layer-row-{spec.id}",
        labelClassName=symbol_class,
        labelStyle=symbol_vars,
    )
    categories = layer_categories(spec, state.lang)
    return [toggle] if categories is None else [toggle, categories]


def layer_group(group: str, state: ViewState) -> html.Fieldset:
    """A group of layers: its legend, each layer's on/off box, and (one click away) their "about".

    The "about" contents are made when first opened, unless the address sets the opacity of one of the
    group's layers: then its sliders are on the page from the start, so the view keeps that opacity. A
    slider not on the page is at 1 (``view_query`` and ``layerVisibility`` read the sliders there are).
    """
    members = group_layers(group)
    preset = group_about(group, state) if {s.id for s in members} & set(dict(state.opacity)) else None
    return html.Fieldset(
        [
            html.Legend(i18n.group_title(group, state.lang)),
            *(part for spec in members for part in layer_toggle(spec, state)),
            lazy_details(t("layer_about", state.lang), about_part(group), class_name="layer-about", children=preset),
        ],
        className=f"layer-group layer-group-{group}",
    )


def layer_panel(state: ViewState) -> html.Details:
    """Layers grouped as the catalogue groups them, in the order of ``i18n.GROUP_TITLES``."""
    present = {s.group for s in catalogue.catalogue().values()}
    groups = [g for g in i18n.GROUP_TITLES if g in present] + sorted(present - set(i18n.GROUP_TITLES))
    blocks: list[Any] = [layer_group(group, state) for group in groups]
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
    prevent_initial_call=True,  # the panes open as the address says (``pane_look``)
)


def counties_shown(layer_ids: set[str], zoom: float | None, *, counties_auto: bool) -> bool:
    """True when the county layer (and so its names) is on: switched on, or automatic and zoomed in."""
    return "counties" in layer_ids or (counties_auto and zoom is not None and zoom >= COUNTIES_FROM_ZOOM)


def layer_shown(layer: str, state: ViewState) -> bool:
    """Whether ``layer`` is on when the page opens for ``state``: switched on, or the counties from their zoom."""
    return layer in state.layers or (
        layer == "counties" and counties_shown(set(state.layers), state.zoom, counties_auto=bool(COUNTIES_AUTO_OPENING))
    )


def pane_look(layer: str | None, state: ViewState) -> dict[str, Any]:
    """The CSS a layer's map panes open with for ``state``: hidden when the layer is off, the address's opacity.

    ``layer`` None is a pane no layer hides (none). ``layerVisibility`` (``assets/hubei_map.js``) sets the
    same two properties on every pane of the layer when the panel changes; with the panes opening like
    this it has nothing to do when the page opens, and does not run then.
    """
    if layer is None:
        return {}
    look: dict[str, Any] = {} if layer_shown(layer, state) else {"display": "none"}
    opacity = dict(state.opacity).get(layer)
    if opacity is not None and opacity < 1:
        look["opacity"] = opacity
    return look


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
