"""Open exported layers in QGIS (run by Debian's python3 with python3-qgis) and report their styles as JSON.

Usage: ``QT_QPA_PLATFORM=offscreen python3 tests/qgis_probe.py SPEC.json``; SPEC is
``{"layers": [{"uri": ..., "qml" or "sld": optional style file to load}], "renders": [{"uris":
[top, ..., bottom], "png": path, "width": px}, ...]}``. For each layer it prints whether it is valid, the
renderer QGIS applied, its categories or rules (value/filter, label, colour of the first symbol
layer), the label settings, and the messages QGIS logged while opening it. Kept free of the
project's imports: the project's virtual environment cannot import ``qgis``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # type: ignore[import-not-found]
from qgis.PyQt.QtGui import QColor  # type: ignore[import-not-found]

MESSAGES: list[str] = []


def _symbol(symbol: Any) -> dict[str, Any]:
    layer = symbol.symbolLayer(0)
    out = {"type": symbol.type(), "color": symbol.color().name(), "layers": symbol.symbolLayerCount()}
    props = layer.properties()
    out["props"] = {k: str(v) for k, v in props.items()}
    out["class"] = layer.layerType()
    if symbol.symbolLayerCount() > 1:
        out["outline"] = {k: str(v) for k, v in symbol.symbolLayer(1).properties().items()}
    return out


def describe(layer: QgsVectorLayer) -> dict[str, Any]:
    """The renderer, classes and labels of a layer."""
    r = layer.renderer()
    out: dict[str, Any] = {"valid": layer.isValid(), "features": layer.featureCount(), "renderer": r.type()}
    if r.type() == "categorizedSymbol":
        out["attr"] = r.classAttribute()
        out["classes"] = [{"value": c.value(), "label": c.label(), **_symbol(c.symbol())} for c in r.categories()]
    elif r.type() == "graduatedSymbol":
        out["attr"] = r.classAttribute()
        out["classes"] = [
            {"lower": g.lowerValue(), "upper": g.upperValue(), "label": g.label(), **_symbol(g.symbol())}
            for g in r.ranges()
        ]
    elif r.type() == "RuleRenderer":
        out["classes"] = [
            {"filter": rule.filterExpression(), "label": rule.label(), **_symbol(rule.symbol())}
            for rule in r.rootRule().children()
        ]
    elif r.type() == "singleSymbol":
        out["symbol"] = _symbol(r.symbol())
    out["labels_enabled"] = layer.labelsEnabled()
    if layer.labeling() is not None:
        settings = layer.labeling().settings()
        out["label_field"] = settings.fieldName
        out["label_is_expression"] = settings.isExpression
        out["label_font"] = settings.format().font().family()
    # Which feature each class draws: the symbols QGIS picks for the features (colour names).
    ctx_features = []
    from qgis.core import QgsRenderContext  # type: ignore[import-not-found]

    ctx = QgsRenderContext()
    r2 = r.clone()
    r2.startRender(ctx, layer.fields())
    for f in layer.getFeatures():
        syms = r2.symbolsForFeature(f, ctx)
        ctx_features.append(syms[0].color().name() if syms else None)
    r2.stopRender(ctx)
    out["feature_colors"] = ctx_features
    return out


def render(uris: list[str], png: str, width: int) -> None:
    """Draw layers headless into a PNG (the first on top), framed on the last one."""
    layers = [QgsVectorLayer(uri, f"render{i}", "ogr") for i, uri in enumerate(uris)]
    for layer in layers:
        QgsProject.instance().addMapLayer(layer)
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[-1].crs())
    extent = layers[-1].extent()
    extent.scale(1.05)
    settings.setExtent(extent)
    ratio = extent.height() / max(extent.width(), 1e-9)
    settings.setOutputSize(QSize(width, int(width * ratio)))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png, "PNG")


def main() -> int:
    """Run the probe on the spec file given as the only argument."""
    spec = json.loads(open(sys.argv[1], encoding="utf-8").read())
    app = QgsApplication([], False)
    app.initQgis()
    QgsApplication.messageLog().messageReceived.connect(lambda msg, tag, level: MESSAGES.append(f"{tag}: {msg}"))
    out: dict[str, Any] = {"layers": []}
    for item in spec.get("layers", []):
        del MESSAGES[:]
        layer = QgsVectorLayer(item["uri"], "probe", "ogr")
        if item.get("qml"):
            message, ok = layer.loadNamedStyle(item["qml"])
            out.setdefault("loaded", []).append([ok, message])
        if item.get("sld"):
            message, ok = layer.loadSldStyle(item["sld"])
            out.setdefault("sld_loaded", []).append([ok, message])
        info = describe(layer) if layer.isValid() else {"valid": False}
        info["uri"] = item["uri"]
        info["messages"] = list(MESSAGES)
        out["layers"].append(info)
    for r in spec.get("renders", []):
        render(r["uris"], r["png"], int(r.get("width", 800)))
    print(json.dumps(out, ensure_ascii=False), flush=True)
    sys.stderr.flush()
    os._exit(0)  # QGIS 3.22 can crash while tearing down from Python; the report is out
    return 0


if __name__ == "__main__":
    sys.exit(main())
