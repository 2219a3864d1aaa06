"""A standalone interactive map in one HTML file (folium), working with networking off.

Leaflet's JS and CSS are inlined from the installed ``xstatic-leaflet`` package (its
images as data URIs); folium's other CDN assets (jQuery, Bootstrap, Font Awesome,
awesome-markers) are not loaded at all, since only core Leaflet is used: GeoJSON
layers, circle markers, a layer switcher and a scale. No tiles. The layers are the web
map's served data (``layers.webdata``), styled from ``layers.style``; the choropleth
and its legend come from ``layers.choropleth``. Every text from the data is
HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.leaflet as xleaflet

from app import settings
from app.render import text
from app.render.furniture import INK
from app.render.request import SnapshotError, SnapshotRequest, validate
from geo import datafiles
from layers import catalogue, classify, provenance, webdata
from layers.choropleth import Choropleth, choropleth
from layers.style import CHOROPLETH_ABOVE, CHOROPLETH_STYLE, MAP_BACKGROUND, style

#: Zoom band of the served layer data embedded in the file (a whole-province view).
BAND = "z7-8"
#: Feature properties kept (and escaped) for tooltips; everything else is dropped to keep the file small.
TOOLTIP_FIELDS: tuple[str, ...] = ("name_zh", "name_en", "circle_zh", "circle_en", "unit_name_zh", "unit_name_en")
#: Marker radius (px) per style size (px, the web map's icon width).
MARKER_RADIUS_PER_SIZE = 0.45
LEGEND_CSS = (
    ".hm-legend{position:absolute;z-index:1000;right:10px;bottom:24px;background:rgba(255,255,255,.95);"
    "padding:8px 10px;font:12px/1.35 'Noto Sans CJK SC',sans-serif;max-width:300px;box-shadow:0 1px 4px #0004}"
    ".hm-legend .sw{display:inline-block;width:18px;height:11px;margin-right:6px;vertical-align:middle;"
    "border:1px solid #4d4d4d}.hm-legend .nd{background-image:repeating-linear-gradient(45deg,#888 0 1px,"
    "transparent 1px 4px)}.hm-legend .t{font-weight:bold}.hm-legend .s{color:#555;font-size:11px}"
    ".hm-legend .c{float:right;color:#555;margin-left:8px}"
    ".hm-foot{position:absolute;z-index:1000;left:110px;bottom:8px;background:rgba(255,255,255,.9);"
    "padding:4px 8px;font:11px/1.3 sans-serif;max-width:55%}.hm-foot b{font-size:12px}"
)


def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the installed package; the CSS's images become data URIs."""
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((base / "images" / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return js, re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)


def _features(layer_id: str) -> dict[str, Any]:
    """A layer's served GeoJSON, with only the tooltip fields kept, escaped, and the style keys needed."""
    doc = json.loads(webdata.layer_geojson(layer_id, BAND))
    keep = set(TOOLTIP_FIELDS) | {"code", "precision"}
    cats = style(catalogue.layer(layer_id).style).get("categories")
    if cats:
        keep.add(cats["field"])
    doc["features"] = [f for f in doc["features"] if f.get("geometry")]
    for feature in doc["features"]:
        props = feature.get("properties") or {}
        feature["properties"] = {
            k: html.escape(v) if isinstance(v, str) else v for k, v in props.items() if k in keep and v is not None
        }
    return doc


def _path_style(spec: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in spec.items() if k not in ("categories", "marker", "interactive")}
    cats = spec.get("categories")
    if cats:
        colour = cats["colors"].get(props.get(cats["field"]))
        if colour:
            out["fillColor"] = colour
            out.setdefault("color", colour)
    return out


def _tooltip(doc: dict[str, Any], lang: str) -> folium.GeoJsonTooltip | None:
    present = {k for f in doc["features"] for k in f["properties"]}
    order = [f"{p}_{lang}" for p in ("name", "circle", "unit_name")] + list(TOOLTIP_FIELDS)
    fields = list(dict.fromkeys(f for f in order if f in present))[:2]
    return folium.GeoJsonTooltip(fields=fields, labels=False) if fields else None


def add_layer(fmap: folium.Map, layer_id: str, lang: str) -> None:
    """One catalogue layer as a GeoJSON overlay (points as circle markers), styled as on the web map."""
    spec = catalogue.layer(layer_id)
    path_style = style(spec.style)
    doc = _features(layer_id)
    # Leaflet's layer switcher inserts overlay names as HTML: escape them like every other text.
    group = folium.FeatureGroup(name=html.escape(spec.title(lang)), show=True)
    if spec.geometry == "point":
        marker = path_style["marker"]
        folium.GeoJson(
            doc,
            marker=folium.CircleMarker(radius=marker["size"] * MARKER_RADIUS_PER_SIZE),
            style_function=lambda f, m=marker: {
                "fill": True,
                "fillColor": m["color"],
                "color": INK,
                "weight": 1,
                "fillOpacity": 0.95,
                "dashArray": None if f["properties"].get("precision") == "site" else "2 2",
            },
            tooltip=_tooltip(doc, lang),
        ).add_to(group)
    else:
        interactive = path_style.get("interactive", True)
        folium.GeoJson(
            doc,
            style_function=lambda f, s=path_style: _path_style(s, f["properties"]),
            tooltip=_tooltip(doc, lang) if interactive else None,
            interactive=interactive,
        ).add_to(group)
    group.add_to(fmap)


def add_choropleth(fmap: folium.Map, result: Choropleth, lang: str) -> None:
    """The indicator's units filled by class colour (no data grey and dashed), with value tooltips."""
    layer_id = "prefectures" if result.indicator.level == "prefecture" else "counties"
    doc = _features(layer_id)
    table = result.table.set_index("code")
    no_data = classify.NO_DATA_LABEL[0 if lang == "zh" else 1]
    for feature in doc["features"]:
        code = feature["properties"].get("code")
        value = table["value_text"].get(code)
        feature["properties"]["value"] = html.escape(value) if isinstance(value, str) else no_data
        feature["properties"]["fill"] = table["color"].get(code, result.classification.no_data_color)
        feature["properties"]["has_data"] = bool(table["class"].get(code, -1) >= 0)
    name = f"name_{lang}"
    edge = style("prefecture")["color"]
    folium.GeoJson(
        doc,
        name=html.escape(result.legend.title),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": edge,
            "weight": CHOROPLETH_STYLE["weight"],
            "fillOpacity": CHOROPLETH_STYLE["fillOpacity" if f["properties"]["has_data"] else "noDataFillOpacity"],
            "dashArray": None if f["properties"]["has_data"] else CHOROPLETH_STYLE["noDataDashArray"],
        },
        tooltip=folium.GeoJsonTooltip(fields=[name, "value"], labels=False),
    ).add_to(fmap)


def legend_html(result: Choropleth | None, layer_ids: Sequence[str], lang: str) -> str:
    """The legend as escaped HTML: the choropleth's classes with counts, then a row per layer."""
    e = html.escape
    parts = ['<div class="hm-legend" id="hm-legend">']
    if result is not None:
        legend = result.legend
        parts.append(f'<div class="t">{e(legend.title)}</div><div class="s">{e(legend.subtitle)}</div>')
        for entry in legend.entries:
            cls = "sw nd" if entry.no_data else "sw"
            parts.append(
                f'<div><span class="{cls}" style="background-color:{e(entry.color)}"></span>{e(entry.label)}'
                f'<span class="c">{entry.count}</span></div>'
            )
        if legend.note:
            parts.append(f'<div class="s">{e(legend.note)}</div>')
    parts.append(f'<div class="t">{e(text.word("layers", lang))}</div>')
    for layer_id in reversed(list(layer_ids)):
        spec = catalogue.layer(layer_id)
        path_style = style(spec.style)
        colour = path_style.get("marker", {}).get("color") or path_style.get("fillColor") or path_style.get("color")
        if not colour and path_style.get("categories"):
            colour = next(iter(path_style["categories"]["colors"].values()))
        parts.append(
            f'<div><span class="sw" style="background-color:{e(str(colour))}"></span>{e(spec.title(lang))}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def footer_html(result: Choropleth | None, layer_ids: Sequence[str], lang: str, approval: str | None) -> str:
    """Approval line, sources and boundary note (escaped), bottom left."""
    e = html.escape
    lines = [result.legend.source] if result is not None else []
    layer_line = text.layer_sources_line(tuple(layer_ids), lang)
    if layer_line:
        lines.append(layer_line)
    lines.append(provenance.boundary_note(lang))
    body = "<br>".join(e(line) for line in lines)
    return f'<div class="hm-foot" id="hm-foot"><b>{e(text.approval_line(approval, lang))}</b><br>{body}</div>'


def build_map(request: SnapshotRequest) -> folium.Map:
    """The folium map for a snapshot request (its layers, indicator, scheme, language); no tiles, no CDN."""
    request = validate(request)
    fmap = folium.Map(
        location=settings.HUBEI_CENTER,
        zoom_start=7,
        tiles=None,
        min_zoom=settings.MIN_ZOOM,
        max_zoom=settings.MAX_ZOOM,
        control_scale=True,
        prefer_canvas=False,
    )
    fmap.default_js = []  # everything Leaflet needs is inlined below; no jQuery, Bootstrap, icon fonts
    fmap.default_css = []
    js, css = leaflet_assets()
    root: Any = fmap.get_root()  # a branca Figure (header, html); typed as Element
    root.header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    root.header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    root.header.add_child(
        folium.Element(f"<style>{LEGEND_CSS} .folium-map{{background:{MAP_BACKGROUND}}}</style>"), name="hm_css"
    )
    title = html.escape(request.title or text.app_title(request.lang))
    root.header.add_child(folium.Element(f"<title>{title}</title>"), name="hm_title")
    layer_ids = [i for i in catalogue.catalogue() if i in request.layer_ids]
    result = (
        choropleth(request.indicator, scheme=request.scheme, k=request.k, palette=request.palette, lang=request.lang)
        if request.indicator
        else None
    )
    for layer_id in layer_ids:
        add_layer(fmap, layer_id, request.lang)
        if result is not None and layer_id == CHOROPLETH_ABOVE:
            add_choropleth(fmap, result, request.lang)
    if result is not None and CHOROPLETH_ABOVE not in layer_ids:
        add_choropleth(fmap, result, request.lang)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds(settings.HUBEI_BOUNDS)
    root.html.add_child(folium.Element(legend_html(result, layer_ids, request.lang)), name="hm_legend")
    root.html.add_child(
        folium.Element(footer_html(result, layer_ids, request.lang, request.approval_number)), name="hm_foot"
    )
    return fmap


def to_html(request: SnapshotRequest) -> str:
    """The standalone HTML text of the map.

    Raises
    ------
    SnapshotError
        If the page would still reference a remote script or stylesheet (a folium change).
    """
    page = build_map(request).get_root().render()
    remote = re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(https?:)?//", page)
    if remote:
        raise SnapshotError("the HTML map would load scripts or styles from the network; check folium's assets")
    return page


def write(request: SnapshotRequest, path: Path | str) -> Path:
    """Write the standalone HTML map to ``path`` atomically."""
    return datafiles.write_text_atomic(to_html(request), path)
