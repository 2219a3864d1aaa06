"""The printed legend's rows: one per layer (and its categories), the choropleth's classes and no data."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from app.render import text
from app.render.draw import (
    CHOROPLETH_FILL_OPACITY,
    CONTEXT_GROUP,
    LEAFLET_DEFAULTS,
    MARKER_SHAPES,
    NO_DATA_FILL_OPACITY,
    NO_DATA_HATCH,
    OUTLINES_OVER_CHOROPLETH,
    PT_PER_PX,
    dashes,
    marker_size_pt,
    rgba,
)
from app.render.furniture import INK, LegendItem
from app.render.request import SnapshotRequest
from layers import catalogue
from layers import choropleth as chor
from layers.style import style


def polygon_item(label: str, spec: dict[str, Any], s: float, color: str | None = None) -> LegendItem:
    """A legend row for a polygon style (``color`` overrides its fill)."""
    opts = {**LEAFLET_DEFAULTS, **spec}
    fill = color or opts.get("fillColor", opts["color"])
    edge = spec.get("color", color or opts["color"])
    return LegendItem(
        "patch",
        label,
        face=rgba(fill, opts["fillOpacity"]),
        edge=rgba(edge, opts["opacity"]),
        linewidth=float(opts["weight"]) * PT_PER_PX * s,
        dashes=dashes(spec, s),
    )


def layer_items(
    layer_id: str, frame: gpd.GeoDataFrame, lang: str, s: float, path_style: dict[str, Any] | None = None
) -> list[LegendItem]:
    """Legend rows of one drawn layer: its symbol (or one row per category present) and title.

    ``path_style`` replaces the layer's own style (a map of one unit draws some layers otherwise).
    """
    spec = catalogue.layer(layer_id)
    path_style = path_style or style(spec.style)
    title = spec.title(lang)
    if spec.geometry == "point":
        marker = path_style["marker"]
        return [
            LegendItem(
                "marker",
                title,
                count=text.word("count", lang, n=len(frame)),
                face=marker["color"],
                edge=INK,
                linewidth=0.7 * s,
                marker=MARKER_SHAPES[marker["shape"]],
                size=marker_size_pt(path_style, s),
            )
        ]
    if spec.geometry == "line":
        opts = {**LEAFLET_DEFAULTS, **path_style}
        return [
            LegendItem(
                "line",
                title,
                edge=rgba(opts["color"], opts["opacity"]),
                linewidth=float(opts["weight"]) * PT_PER_PX * s,
                dashes=dashes(path_style, s),
            )
        ]
    cats = path_style.get("categories")
    if not cats:
        return [polygon_item(title, path_style, s)]
    present = set(frame[cats["field"]].dropna())
    labels = cats["labels_en" if lang == "en" else "labels_zh"]
    rows = [LegendItem("text", title)]
    rows += [polygon_item(labels[k], path_style, s, color=c) for k, c in cats["colors"].items() if k in present]
    return rows


def choropleth_items(result: chor.Choropleth, s: float) -> list[LegendItem]:
    """Legend rows of the choropleth: title, subtitle, one swatch per class with its count, no data, note."""
    legend = result.legend
    edge = style("prefecture")["color"]
    rows = [LegendItem("heading", legend.title), LegendItem("text", legend.subtitle)]
    for entry in legend.entries:
        rows.append(
            LegendItem(
                "patch",
                entry.label,
                count=str(entry.count),
                face=rgba(entry.color, NO_DATA_FILL_OPACITY if entry.no_data else CHOROPLETH_FILL_OPACITY),
                edge=edge,
                linewidth=0.45 * s,
                hatch=NO_DATA_HATCH if entry.no_data else None,
                dashes=(2 * s, 1.5 * s) if entry.no_data else None,
            )
        )
    if legend.note:
        rows.append(LegendItem("text", legend.note))
    return rows


def legend_items(
    request: SnapshotRequest,
    frames: dict[str, gpd.GeoDataFrame],
    result: chor.Choropleth | None,
    s: float,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    first: list[LegendItem] | None = None,
) -> list[LegendItem]:
    """All legend rows: the choropleth's, then ``first``, then every drawn layer, top layer first.

    ``overrides`` are styles by layer id that replace the layers' own in their rows.
    """
    lang = request.lang
    rows = choropleth_items(result, s) if result else []
    rows.append(LegendItem("heading", text.word("layers", lang)))
    rows += first or []
    for layer_id in reversed(list(frames)):
        rows += layer_items(layer_id, frames[layer_id], lang, s, (overrides or {}).get(layer_id))
    if result is not None and OUTLINES_OVER_CHOROPLETH not in frames:
        outline = (overrides or {}).get(OUTLINES_OVER_CHOROPLETH) or {
            **style(catalogue.layer(OUTLINES_OVER_CHOROPLETH).style),
            "fillOpacity": 0.0,
        }
        rows.insert(
            len(rows) - 1 if CONTEXT_GROUP in {catalogue.layer(i).group for i in frames} else len(rows),
            polygon_item(text.layer_title(OUTLINES_OVER_CHOROPLETH, lang), outline, s),
        )
    points = [f for i, f in frames.items() if catalogue.layer(i).geometry == "point" and not f.empty]
    if any((f["precision"] != "site").any() for f in points):
        rows.append(
            LegendItem(
                "marker",
                text.word("approx", lang),
                face="#ffffff",
                edge=INK,
                linewidth=0.7 * s,
                marker="o",
                size=6 * s,
            )
        )
    return rows
