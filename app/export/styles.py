"""Styled exports: each layer's QML and SLD (from ``layers.gis_style``), and an indicator as a choropleth layer.

A GeoPackage keeps the styles in its ``layer_styles`` table (the table QGIS writes and reads:
the row marked ``useAsDefault`` is applied when the layer is added); GeoJSON and Shapefile
exports get ``<layer>.qml`` and ``<layer>.sld`` beside the layer file, which QGIS loads with a
layer of the same base name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from app.export.qml import to_qml
from app.export.sld import to_sld
from app.messages import shown
from geo import boundaries
from layers import catalogue, classify, indicators, palettes
from layers.choropleth import Choropleth, choropleth
from layers.gis_style import LayerStyle, choropleth_style, layer_style

#: Layer name of an indicator exported as a choropleth: ``indicator_<id>``.
INDICATOR_PREFIX = "indicator_"
#: The GeoPackage table of layer styles, as QGIS (and GDAL's GPKG driver) name it.
STYLES_TABLE = "layer_styles"
#: GeoPackage version written: 1.2, which GDAL 3.6 and QGIS 3.22 LTR open without a warning (GDAL writes 1.4).
GPKG_VERSION = "1.2"
#: The name the default style gets in ``layer_styles``.
STYLE_NAME = "hubei-map"
GPKG_GEOMETRY_COLUMN = "geom"


@dataclass(frozen=True)
class IndicatorRequest:
    """An indicator to export as a choropleth layer, classed as on the map."""

    indicator: str
    scheme: str = classify.DEFAULT_SCHEME
    k: int = classify.DEFAULT_K
    palette: str = palettes.DEFAULT_SEQUENTIAL


def indicator_layer_id(indicator_id: str) -> str:
    """The exported layer name of an indicator choropleth."""
    return f"{INDICATOR_PREFIX}{indicator_id}"


def layer_spec(layer_id: str) -> catalogue.LayerSpec:
    """The catalogue spec of an exported layer; an indicator choropleth gets one made from the indicator's."""
    if not layer_id.startswith(INDICATOR_PREFIX) or layer_id in catalogue.catalogue():
        return catalogue.layer(layer_id)
    spec = indicators.indicator(layer_id.removeprefix(INDICATOR_PREFIX))
    return catalogue.LayerSpec(
        id=layer_id,
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        group="indicators",
        geometry="polygon",
        data=spec.data or "",
        builder="units",
        options={"level": spec.level},
        schema=("code", "name_zh", "name_en", "value"),
        coverage=True,
        style="prefecture",
        visible=True,
        plan_articles=(),
        description_zh=spec.description_zh,
        description_en=spec.description_en,
    )


def indicator_frame(request: IndicatorRequest, lang: str = "zh") -> tuple[gpd.GeoDataFrame, Choropleth]:
    """The units with the indicator's value and class (as the map classes it), and the choropleth.

    ``class`` is 1 for the lowest class up to k, empty for units without data; ``class_label``
    is the legend's label (``无数据``/``No data`` for those). Raises ValueError or KeyError for an
    unknown indicator, scheme, class count or palette (the choropleth's own messages).
    """
    result = choropleth(request.indicator, scheme=request.scheme, k=request.k, palette=request.palette, lang=lang)
    spec = result.indicator
    table = result.table
    labels = [b.label(lang) for b in result.classification.bins]
    no_data = classify.NO_DATA_LABEL[0 if lang == "zh" else 1]
    cls = table["class"].to_numpy()
    out = pd.DataFrame(
        {
            "feature_id": table["code"].astype(str),
            "code": table["code"],
            "name_zh": table["name_zh"],
            "name_en": table["name_en"],
            "indicator": spec.id,
            "value": pd.to_numeric(table["value"], errors="coerce") if spec.kind != "categorical" else table["value"],
            "unit": spec.unit(lang),
            "year": spec.year,
            "class": pd.array([int(c) + 1 if c >= 0 else None for c in cls], dtype="Int64"),
            "class_label": [labels[c] if c >= 0 else no_data for c in cls],
            "source_ids": [
                ";".join(v) if isinstance(v, list | tuple) else (v if isinstance(v, str) else None)
                for v in table.get("source_ids", pd.Series([None] * len(table)))
            ],
        }
    )
    shapes = boundaries.units(spec.level)[["code", "geometry"]]
    frame = gpd.GeoDataFrame(out.merge(shapes, on="code", how="left"), geometry="geometry", crs=shapes.crs)
    return frame, result


def styles_for(
    frames: Mapping[str, gpd.GeoDataFrame], lang: str = "zh", choro: Choropleth | None = None
) -> dict[str, LayerStyle]:
    """The style of every exported layer (its columns as written), labels and legend in ``lang``."""
    out = {}
    for layer_id, frame in frames.items():
        if choro is not None and layer_id == indicator_layer_id(choro.indicator.id):
            out[layer_id] = choropleth_style(choro, layer_id, lang)
        else:
            out[layer_id] = layer_style(layer_id, lang, columns=list(frame.columns))
    return out


def styled(
    frames: dict[str, gpd.GeoDataFrame], lang: str, indicator: IndicatorRequest | None = None
) -> dict[str, LayerStyle]:
    """Every layer's style in ``lang``, after adding ``indicator``'s choropleth layer to ``frames``.

    Raises ValueError naming a bad language, or the indicator and what is wrong with its classes.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"--lang must be zh or en, got {shown(lang)}")
    choro = None
    if indicator is not None:
        try:
            frames[indicator_layer_id(indicator.indicator)], choro = indicator_frame(indicator, lang)
        except (KeyError, ValueError) as exc:
            reason = exc.args[0] if exc.args else exc
            raise ValueError(f"cannot export indicator {shown(indicator.indicator)}: {reason}") from exc
    return styles_for(frames, lang, choro)


def renamed(style: LayerStyle, mapping: Mapping[str, str]) -> LayerStyle:
    """``style`` for a file whose fields are renamed (a Shapefile's 10-character names)."""
    return replace(style, columns=dict(mapping))


def sidecars(style: LayerStyle) -> dict[str, bytes]:
    """The style files that go beside a layer file: ``.qml`` and ``.sld`` by suffix."""
    return {".qml": to_qml(style).encode("utf-8"), ".sld": to_sld([style]).encode("utf-8")}


def write_beside(layer_file: Path, style: LayerStyle) -> list[Path]:
    """Write ``<base>.qml`` and ``<base>.sld`` beside ``layer_file`` (its name without the format's suffix)."""
    base = layer_file.name.split(".")[0]
    paths = []
    for suffix, body in sidecars(style).items():
        path = layer_file.with_name(base + suffix)
        path.write_bytes(body)
        paths.append(path)
    return paths


def write_gpkg_styles(path: Path, styles: Mapping[str, LayerStyle]) -> None:
    """The ``layer_styles`` table of a GeoPackage: one default style (QML and SLD) per layer."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    rows = [
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": layer_id,
            "f_geometry_column": GPKG_GEOMETRY_COLUMN,
            "styleName": STYLE_NAME,
            "styleQML": to_qml(style),
            "styleSLD": to_sld([style]),
            "useAsDefault": True,
            "description": " · ".join(p for p in (style.title, style.description) if p),
            "owner": "",
            "ui": None,
            "update_time": now,
        }
        for layer_id, style in styles.items()
    ]
    table = pd.DataFrame(rows).astype({"useAsDefault": bool, "update_time": "datetime64[ms]"})
    pyogrio.write_dataframe(table, path, layer=STYLES_TABLE, driver="GPKG", layer_options={"FID": "id"})
