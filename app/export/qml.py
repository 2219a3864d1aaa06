"""QGIS layer styles (QML) from a ``layers.gis_style.LayerStyle``: renderer, symbols, labels.

Written with ``xml.etree``; symbol layer properties are written both as ``<Option>`` maps and
as ``<prop>`` pairs, as QGIS 3.22 LTR writes them (older 3.x read the pairs, newer the maps).
Polygons are a fill without outline plus a line symbol layer on the ring, so dashed outlines
keep the web map's dash pattern.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from layers.gis_style import (
    LABEL_COLOR,
    LABEL_FONT,
    LABEL_HALO,
    LABEL_HALO_PX,
    LABEL_SIZE_PT,
    MM_PER_PX,
    LayerStyle,
    StyleClass,
    Symbol,
)

#: The QGIS version the styles are written for (the oldest LTR our users run; newer ones read it).
QGIS_VERSION = "3.22.0-Białowieża"
#: QGIS's marker names for the web map's shapes.
MARKER_NAMES = {"circle": "circle", "square": "square", "diamond": "diamond"}
#: Label placement per geometry: polygons around a centre inside them, lines along them, points around them.
PLACEMENT = {"polygon": "0", "line": "2", "point": "6"}
SYMBOL_TYPES = {"polygon": "fill", "line": "line", "point": "marker"}


def rgba(colour: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` with an opacity as QGIS's ``r,g,b,a`` (0-255)."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(opacity * 255)}"


def mm(px: float) -> str:
    """CSS pixels as millimetres, short."""
    return f"{px * MM_PER_PX:.3g}"


def quoted(name: str) -> str:
    """A field name as a QGIS expression reference."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A value as a QGIS expression literal."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value))  # type: ignore[arg-type]


def _layer(parent: ET.Element, cls: str, props: dict[str, str]) -> None:
    layer = ET.SubElement(parent, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in sorted(props.items()):
        ET.SubElement(options, "Option", {"name": key, "type": "QString", "value": value})
    for key, value in sorted(props.items()):
        ET.SubElement(layer, "prop", {"k": key, "v": value})


def _line_props(s: Symbol) -> dict[str, str]:
    props = {
        "line_color": rgba(s.stroke, s.stroke_opacity),
        "line_width": mm(s.stroke_width),
        "line_width_unit": "MM",
        "line_style": "solid",
        "joinstyle": "round",
        "capstyle": "round",
        "use_custom_dash": "0",
    }
    if s.dash:
        props |= {
            "use_custom_dash": "1",
            "customdash": ";".join(mm(v) for v in s.dash),
            "customdash_unit": "MM",
            "capstyle": "flat",
        }
    return props


def symbol_element(parent: ET.Element, name: str, s: Symbol) -> ET.Element:
    """A ``<symbol>`` drawing ``s``: fill and outline, line, or marker."""
    el = ET.SubElement(
        parent,
        "symbol",
        {
            "name": name,
            "type": SYMBOL_TYPES[s.geometry],
            "alpha": f"{s.opacity:g}",
            "clip_to_extent": "1",
            "force_rhr": "0",
        },
    )
    if s.geometry == "polygon":
        fill = {"color": rgba(s.fill or s.stroke, s.fill_opacity), "style": "solid" if s.fill_opacity > 0 else "no"}
        _layer(el, "SimpleFill", fill | {"outline_style": "no", "outline_width": "0", "outline_width_unit": "MM"})
        _layer(el, "SimpleLine", _line_props(s))
    elif s.geometry == "line":
        _layer(el, "SimpleLine", _line_props(s))
    else:
        props = {
            "name": MARKER_NAMES[s.shape or "circle"],
            "color": rgba(s.fill or s.stroke, s.fill_opacity),
            "outline_color": rgba(s.stroke, s.stroke_opacity),
            "outline_width": mm(s.stroke_width),
            "outline_width_unit": "MM",
            "outline_style": "dash" if s.dash else "solid",
            "size": mm(s.size),
            "size_unit": "MM",
            "joinstyle": "miter",
        }
        _layer(el, "SimpleMarker", props)
    return el


def rule_filter(style: LayerStyle, c: StyleClass) -> str:
    """The QGIS expression a class of a rule-based style matches."""
    field = quoted(style.column(style.field or ""))
    if c.no_data:
        return f"{field} IS NULL"
    if c.value is not None:
        return f"{field} = {literal(c.value)}"
    low = ">=" if c.first else ">"
    return f"{field} {low} {literal(c.lower)} AND {field} <= {literal(c.upper)}"


def _renderer(root: ET.Element, style: LayerStyle) -> None:
    attrs = {"forceraster": "0", "symbollevels": "0", "enableorderby": "0", "referencescale": "-1"}
    if style.renderer == "single":
        renderer = ET.SubElement(root, "renderer-v2", attrs | {"type": "singleSymbol"})
        symbol_element(ET.SubElement(renderer, "symbols"), "0", style.symbol)
        return
    if style.renderer == "categorized":
        renderer = ET.SubElement(
            root, "renderer-v2", attrs | {"type": "categorizedSymbol", "attr": style.column(style.field or "")}
        )
        cats = ET.SubElement(renderer, "categories")
        for i, c in enumerate(style.classes):
            ET.SubElement(
                cats, "category", {"value": str(c.value), "label": c.label, "symbol": str(i), "render": "true"}
            )
    else:
        renderer = ET.SubElement(root, "renderer-v2", attrs | {"type": "RuleRenderer"})
        rules = ET.SubElement(renderer, "rules", {"key": "root"})
        for i, c in enumerate(style.classes):
            ET.SubElement(
                rules, "rule", {"key": f"rule{i}", "symbol": str(i), "label": c.label, "filter": rule_filter(style, c)}
            )
    symbols = ET.SubElement(renderer, "symbols")
    for i, c in enumerate(style.classes):
        symbol_element(symbols, str(i), c.symbol)


def label_expression(style: LayerStyle) -> tuple[str, bool]:
    """The label text: a field, or (for categories without a name field) the category's word."""
    field = style.column(style.label_field or "")
    if not style.label_cases:
        return field, False
    whens = " ".join(f"WHEN {quoted(field)} = {literal(code)} THEN {literal(word)}" for code, word in style.label_cases)
    return f"CASE {whens} ELSE {quoted(field)} END", True


def _labeling(root: ET.Element, style: LayerStyle) -> None:
    if not style.label_field:
        return
    text, is_expression = label_expression(style)
    labeling = ET.SubElement(root, "labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": text,
            "isExpression": "1" if is_expression else "0",
            "fontFamily": LABEL_FONT,
            "fontSize": f"{LABEL_SIZE_PT[style.geometry]:g}",
            "fontSizeUnit": "Point",
            "textColor": rgba(LABEL_COLOR),
            "textOpacity": "1",
            "multilineHeight": "1",
            "namedStyle": "Regular",
        },
    )
    ET.SubElement(
        settings,
        "text-buffer",
        {
            "bufferDraw": "1",
            "bufferSize": mm(LABEL_HALO_PX),
            "bufferSizeUnits": "MM",
            "bufferColor": rgba(LABEL_HALO),
            "bufferOpacity": "1",
        },
    )
    ET.SubElement(
        settings,
        "placement",
        {"placement": PLACEMENT[style.geometry], "dist": "1", "distUnits": "MM", "centroidInside": "1"},
    )
    # Markers and lines keep other labels off them; areas do not (they cover the province, and no name would fit).
    obstacle = "0" if style.geometry == "polygon" else "1"
    ET.SubElement(settings, "rendering", {"obstacle": obstacle, "upsidedownLabels": "0", "displayAll": "0"})


def to_qml(style: LayerStyle) -> str:
    """The QML document of a layer style (symbology and labels)."""
    root = ET.Element(
        "qgis",
        {
            "version": QGIS_VERSION,
            "styleCategories": "Symbology|Labeling",
            "labelsEnabled": "1" if style.label_field else "0",
        },
    )
    _renderer(root, style)
    _labeling(root, style)
    ET.SubElement(root, "layerGeometryType").text = {"point": "0", "line": "1", "polygon": "2"}[style.geometry]
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"
