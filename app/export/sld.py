"""Styled Layer Descriptor 1.1 (Symbology Encoding 1.1) from ``layers.gis_style.LayerStyle``.

One ``NamedLayer`` per layer, one ``se:Rule`` per class with an ``ogc:Filter`` (a category,
a value range, or no data), and a ``se:TextSymbolizer`` for the names. Sizes are in pixels
(SE's default unit), as the web map gives them. Written with ``xml.etree``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from layers.gis_style import (
    LABEL_COLOR,
    LABEL_FONT,
    LABEL_HALO,
    LABEL_HALO_PX,
    LABEL_SIZE_PT,
    LayerStyle,
    StyleClass,
    Symbol,
)

SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{SLD} http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"
for _prefix, _uri in (("sld", SLD), ("se", SE), ("ogc", OGC), ("xlink", XLINK), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)
#: 1 pt = 4/3 CSS px: label sizes are given in points.
PX_PER_PT = 96 / 72


def _se(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{SE}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _param(parent: ET.Element, name: str, value: str) -> None:
    el = ET.SubElement(parent, f"{{{SE}}}SvgParameter", {"name": name})
    el.text = value


def _num(value: float) -> str:
    return f"{value:.6g}"


def _fill(parent: ET.Element, colour: str, opacity: float) -> None:
    fill = _se(parent, "Fill")
    _param(fill, "fill", colour.lower())
    _param(fill, "fill-opacity", _num(opacity))


def _stroke(parent: ET.Element, s: Symbol) -> None:
    stroke = _se(parent, "Stroke")
    _param(stroke, "stroke", s.stroke.lower())
    _param(stroke, "stroke-opacity", _num(s.stroke_opacity * s.opacity))
    _param(stroke, "stroke-width", _num(s.stroke_width))
    _param(stroke, "stroke-linejoin", "round")
    if s.dash:
        _param(stroke, "stroke-dasharray", " ".join(_num(v) for v in s.dash))


def symbolizer(rule: ET.Element, s: Symbol) -> None:
    """The polygon, line or point symbolizer of a symbol."""
    if s.geometry == "polygon":
        sym = _se(rule, "PolygonSymbolizer")
        if s.fill and s.fill_opacity > 0:
            _fill(sym, s.fill, s.fill_opacity)
        _stroke(sym, s)
    elif s.geometry == "line":
        _stroke(_se(rule, "LineSymbolizer"), s)
    else:
        graphic = _se(_se(rule, "PointSymbolizer"), "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", "circle" if s.shape == "circle" else "square")
        _fill(mark, s.fill or s.stroke, s.fill_opacity * s.opacity)
        _stroke(mark, s)
        # A diamond is SE's square turned by 45°, as the web map turns its square marker.
        _se(graphic, "Size", _num(s.size))
        if s.shape == "diamond":
            _se(graphic, "Rotation", "45")


def _compare(parent: ET.Element, op: str, field: str, value: object) -> None:
    el = ET.SubElement(parent, f"{{{OGC}}}{op}")
    ET.SubElement(el, f"{{{OGC}}}PropertyName").text = field
    ET.SubElement(el, f"{{{OGC}}}Literal").text = value if isinstance(value, str) else repr(float(value))  # type: ignore[arg-type]


def rule_filter(rule: ET.Element, style: LayerStyle, c: StyleClass) -> None:
    """The ``ogc:Filter`` of a class: its category, its value range, or no value."""
    field = style.column(style.field or "")
    filt = ET.SubElement(rule, f"{{{OGC}}}Filter")
    if c.no_data:
        el = ET.SubElement(filt, f"{{{OGC}}}PropertyIsNull")
        ET.SubElement(el, f"{{{OGC}}}PropertyName").text = field
    elif c.value is not None:
        _compare(filt, "PropertyIsEqualTo", field, c.value)
    else:
        both = ET.SubElement(filt, f"{{{OGC}}}And")
        _compare(both, "PropertyIsGreaterThanOrEqualTo" if c.first else "PropertyIsGreaterThan", field, c.lower)
        _compare(both, "PropertyIsLessThanOrEqualTo", field, c.upper)


def text_symbolizer(rule: ET.Element, style: LayerStyle, word: str | None = None) -> None:
    """Labels: the label field, or a fixed ``word`` (a category's, in a rule of its own)."""
    text = _se(rule, "TextSymbolizer")
    label = _se(text, "Label")
    if word is None:
        ET.SubElement(label, f"{{{OGC}}}PropertyName").text = style.column(style.label_field or "")
    else:
        ET.SubElement(label, f"{{{OGC}}}Literal").text = word
    font = _se(text, "Font")
    _param(font, "font-family", LABEL_FONT)
    _param(font, "font-size", _num(LABEL_SIZE_PT[style.geometry] * PX_PER_PT))
    halo = _se(text, "Halo")
    _se(halo, "Radius", _num(LABEL_HALO_PX))
    _fill(halo, LABEL_HALO, 1.0)
    _fill(text, LABEL_COLOR, 1.0)


def _named_layer(root: ET.Element, style: LayerStyle) -> None:
    layer = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(layer, "Name", style.name)
    user = ET.SubElement(layer, f"{{{SLD}}}UserStyle")
    _se(user, "Name", style.name)
    _se(_se(user, "Description"), "Title", style.title)
    fts = _se(user, "FeatureTypeStyle")
    if style.renderer == "single":
        rule = _se(fts, "Rule")
        _se(rule, "Name", style.name)
        _se(_se(rule, "Description"), "Title", style.title)
        symbolizer(rule, style.symbol)
    for i, c in enumerate(style.classes):
        rule = _se(fts, "Rule")
        _se(rule, "Name", f"{style.name}_{i}")
        _se(_se(rule, "Description"), "Title", c.label)
        rule_filter(rule, style, c)
        symbolizer(rule, c.symbol)
        if style.label_cases:  # no name field: each category is labelled with its word
            text_symbolizer(rule, style, dict(style.label_cases).get(str(c.value), c.label))
    if style.label_field and not style.label_cases:  # names, in a rule of their own
        rule = _se(fts, "Rule")
        _se(rule, "Name", "labels")
        text_symbolizer(rule, style)


def to_sld(styles: Sequence[LayerStyle]) -> str:
    """One SLD 1.1 document with a ``NamedLayer`` per layer style."""
    root = ET.Element(
        f"{{{SLD}}}StyledLayerDescriptor", {"version": "1.1.0", f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION}
    )
    for style in styles:
        _named_layer(root, style)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
