"""Zipped shapefiles: 10-character field names, the encoding file, and the full attributes beside them."""

from __future__ import annotations

import re
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from app.export import styles
from app.export.cells import neutralise_formulas
from layers.gis_style import LayerStyle


def shapefile_fields(columns: Sequence[str]) -> dict[str, str]:
    """Field names of at most 10 characters, unique and stable: column -> shapefile field."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        base = re.sub(r"[^A-Za-z0-9_]", "_", column)[:10]
        name, n = base, 1
        while name.lower() in used:
            suffix = str(n)
            name, n = base[: 10 - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        mapping[column] = name
    return mapping


def write_shapefile(
    frame: gpd.GeoDataFrame, path: Path, layer_id: str, encoding: str, style: LayerStyle | None = None
) -> None:
    """A zipped shapefile, its field-name mapping, the full attributes as CSV, and its style.

    With ``style``, ``<layer>.qml`` and ``<layer>.sld`` (on the 10-character field names) go beside
    ``<layer>.shp`` in the zip: QGIS applies the QML when it adds the unzipped layer.

    Shapefile text fields hold at most 254 bytes, so long notes and source lists are cut
    there; ``<layer>_attributes.csv`` in the same zip keeps them whole. Features without
    geometry cannot be stored in a shapefile and are listed only in that CSV.
    """
    fields = shapefile_fields([c for c in frame.columns if c != frame.geometry.name])
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{layer_id}.shp"
        renamed = frame.rename(columns=fields)
        drawn = renamed[~shapely.is_missing(renamed.geometry.values)]
        with warnings.catch_warnings():  # the 254-byte truncation is documented and the CSV keeps the text
            warnings.filterwarnings("ignore", message=".*has been truncated to 254", category=RuntimeWarning)
            pyogrio.write_dataframe(drawn, shp, driver="ESRI Shapefile", encoding=encoding)
        (Path(tmp) / f"{layer_id}.cpg").write_text(encoding.upper(), encoding="ascii")
        mapping = "\n".join(["column,field", *(f"{c},{f}" for c, f in fields.items())]) + "\n"
        full = pd.DataFrame(frame.drop(columns=frame.geometry.name)).map(neutralise_formulas)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)
            zf.writestr(f"{layer_id}_fields.csv", mapping)
            zf.writestr(f"{layer_id}_attributes.csv", "\ufeff" + full.to_csv(index=False, lineterminator="\r\n"))
            if style is not None:
                for suffix, body in styles.sidecars(styles.renamed(style, fields)).items():
                    zf.writestr(f"{layer_id}{suffix}", body)
