"""Layer styles for GIS files (QGIS QML, SLD), described once from the web map's styles.

``layer_style`` reads a catalogue layer's entry in ``layers.style`` (the same dict the web
map and the print renderer draw with), the words in ``layers.vocabulary`` and the palette
colours, and returns a ``LayerStyle``: a renderer (single symbol, categories, or rules for a
choropleth's classes and its no-data class), its symbols and the label field. The QML and
SLD writers in ``app.export`` only translate it into their XML; no colour is typed there.

Sizes stay in CSS pixels, as the web map's style gives them; writers convert
(``MM_PER_PX``: 1 px = 1/96 in).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from layers import catalogue, classify
from layers.choropleth import Choropleth
from layers.style import CHOROPLETH_STYLE, LEAFLET_DEFAULTS, MARKER_EDGE, style
from layers.vocabulary import PRECISION_TEXT, category_labels

#: Millimetres per CSS pixel (1/96 inch), to write the web map's widths and sizes in print units.
MM_PER_PX = 25.4 / 96
Geometry = Literal["polygon", "line", "point"]
RendererKind = Literal["single", "categorized", "rules"]
#: Type of the labels: family (Noto Sans CJK, as the print renderer), sizes (points) by geometry, halo.
LABEL_FONT = "Noto Sans CJK SC"
LABEL_SIZE_PT: dict[str, float] = {"polygon": 9.0, "line": 8.0, "point": 8.0}
LABEL_COLOR = "#1a1a1a"
LABEL_HALO = "#ffffff"
LABEL_HALO_PX = 2.0
#: The field a point layer's symbol changes with: exact sites solid, representative points dashed.
PRECISION_FIELD = "precision"


@dataclass(frozen=True)
class Symbol:
    """How one class is drawn: fill, outline or line, marker shape; sizes in CSS pixels."""

    geometry: Geometry
    stroke: str
    stroke_opacity: float
    stroke_width: float
    fill: str | None = None
    fill_opacity: float = 0.0
    dash: tuple[float, ...] | None = None
    shape: str | None = None
    size: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class StyleClass:
    """One legend row: its label and symbol, and what it matches (a category, a value range, or no data)."""

    label: str
    symbol: Symbol
    value: str | None = None
    lower: float | None = None
    upper: float | None = None
    first: bool = False
    no_data: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: title, renderer and its classes (or one symbol), and the label field."""

    name: str
    title: str
    geometry: Geometry
    renderer: RendererKind
    symbol: Symbol
    field: str | None = None
    classes: tuple[StyleClass, ...] = ()
    label_field: str | None = None
    label_cases: tuple[tuple[str, str], ...] = ()
    description: str = ""
    columns: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def column(self, name: str) -> str:
        """The field ``name`` is written as in the file (Shapefile fields are cut to 10 characters)."""
        return self.columns.get(name, name)


def _dash(value: object) -> tuple[float, ...] | None:
    return tuple(float(v) for v in str(value).replace(",", " ").split()) if value else None


def _area_symbol(spec: Mapping[str, Any], fill: str | None, geometry: Geometry) -> Symbol:
    """A polygon or line symbol from a Leaflet path style; a category's colour fills, and outlines without one."""
    opts = {**LEAFLET_DEFAULTS, **spec}
    fill = fill or opts.get("fillColor", opts["color"])
    stroke = spec.get("color") or fill
    return Symbol(
        geometry=geometry,
        stroke=str(stroke),
        stroke_opacity=float(opts["opacity"]),
        stroke_width=float(opts["weight"]),
        fill=str(fill) if geometry == "polygon" else None,
        fill_opacity=float(opts["fillOpacity"]) if geometry == "polygon" else 0.0,
        dash=_dash(spec.get("dashArray")),
    )


def _marker_symbol(marker: Mapping[str, Any], approximate: bool) -> Symbol:
    """A facility marker: the group's shape, colour and size; a dashed rim where the place is approximate."""
    return Symbol(
        geometry="point",
        stroke=MARKER_EDGE["color"],
        stroke_opacity=1.0,
        stroke_width=float(MARKER_EDGE["weight"]),
        fill=str(marker["color"]),
        fill_opacity=1.0,
        dash=_dash(MARKER_EDGE["approxDashArray"]) if approximate else None,
        shape=str(marker["shape"]),
        size=float(marker["size"]),
        opacity=float(MARKER_EDGE["approxOpacity"]) if approximate else 1.0,
    )


def _label_field(columns: Collection[str], lang: str) -> str | None:
    for base in ("name", "unit_name", "circle"):
        if f"{base}_{lang}" in columns:
            return f"{base}_{lang}"
    return None


def layer_style(layer_id: str, lang: str = "zh", columns: Collection[str] = ()) -> LayerStyle:
    """The style of catalogue layer ``layer_id`` with legend and labels in ``lang``.

    ``columns`` are the attributes the file holds (the label field is chosen among them: the
    feature's name, unit name or circle name in ``lang``; a categorised layer without one is
    labelled by its category's word).
    """
    spec = catalogue.layer(layer_id)
    web = style(spec.style)
    geometry: Geometry = spec.geometry
    label = _label_field(columns or spec.attributes, lang)
    base = LayerStyle(
        layer_id,
        spec.title(lang),
        geometry,
        "single",
        _area_symbol(web, None, geometry),
        label_field=label,
    )
    if "marker" in web:
        words = {code: (zh if lang == "zh" else en) for code, (zh, en) in PRECISION_TEXT.items()}
        classes = tuple(StyleClass(words[c], _marker_symbol(web["marker"], c != "site"), value=c) for c in words)
        return replace(base, renderer="categorized", symbol=classes[0].symbol, field=PRECISION_FIELD, classes=classes)
    cats = web.get("categories")
    if not cats:
        return base
    words = category_labels(cats["field"])[f"labels_{lang}"]
    classes = tuple(
        StyleClass(words.get(code, code), _area_symbol(web, colour, geometry), value=code)
        for code, colour in cats["colors"].items()
    )
    cases = () if label else tuple((code, words.get(code, code)) for code in cats["colors"])
    return replace(
        base,
        renderer="categorized",
        field=cats["field"],
        classes=classes,
        label_field=label or cats["field"],
        label_cases=cases,
    )


def choropleth_style(result: Choropleth, name: str, lang: str = "zh") -> LayerStyle:
    """An indicator choropleth layer's style: the map's classes (exact breaks, colours, legend labels), then no data.

    Numeric classes match ``lower <= value <= upper`` for the first and ``lower < value <= upper``
    after (mapclassify's classes, as ``Classification.class_index``); categorical ones their
    category. Units without a value get the no-data class, drawn as on the web map.
    """
    look = CHOROPLETH_STYLE
    base = {"color": look["color"], "weight": look["weight"], "opacity": 1.0}
    cls = result.classification
    classes = []
    for i, b in enumerate(cls.bins):
        symbol = _area_symbol({**base, "fillOpacity": look["fillOpacity"]}, b.color, "polygon")
        symbol = replace(symbol, stroke=look["color"])
        if b.category is not None:
            classes.append(StyleClass(b.label(lang), symbol, value=b.category))
        else:
            classes.append(StyleClass(b.label(lang), symbol, lower=b.lower, upper=b.upper, first=i == 0))
    no_data = _area_symbol(
        {**base, "fillOpacity": look["noDataFillOpacity"], "dashArray": look["noDataDashArray"]},
        cls.no_data_color,
        "polygon",
    )
    classes.append(
        StyleClass(
            classify.NO_DATA_LABEL[0 if lang == "zh" else 1], replace(no_data, stroke=look["color"]), no_data=True
        )
    )
    return LayerStyle(
        name,
        result.legend.title,
        "polygon",
        "rules",
        classes[0].symbol,
        field="value",
        classes=tuple(classes),
        label_field=f"name_{lang}",
        description=result.legend.subtitle,
    )
