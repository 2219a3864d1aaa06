from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely

from geo import datafiles
from layers import catalogue, features, style

SPECS = list(catalogue.catalogue().values())


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_layer_loads_and_matches_its_schema(spec):
    gdf = features.layer_data(spec.id)
    assert len(gdf) > 0
    assert set(spec.attributes) <= set(gdf.columns)
    assert gdf.crs.to_epsg() == 4326
    missing = shapely.is_missing(gdf.geometry.values)
    assert shapely.is_valid(gdf.geometry.values[~missing]).all()
    # A feature without geometry is allowed only where the data says its location is not known.
    if missing.any():
        unknown = gdf.get("precision", pd.Series("", index=gdf.index)).eq("unknown") | gdf.get(
            "drawn", pd.Series(True, index=gdf.index)
        ).eq(False)
        assert unknown[missing].all()
    kinds = {"polygon": {"Polygon", "MultiPolygon"}, "line": {"LineString", "MultiLineString"}, "point": {"Point"}}
    assert set(gdf.geom_type.dropna()) <= kinds[spec.geometry]
    if spec.group not in ("boundaries", "context"):  # every plan feature carries its sources
        assert gdf["sources"].str.len().gt(0).all()
        assert gdf["source_ids"].str.len().gt(0).all()
    if spec.coverage:
        assert shapely.coverage_is_valid(gdf.geometry.values)
    assert style.style(spec.style)  # the style it names exists
    assert spec.title_zh and spec.title_en and spec.description_zh and spec.description_en


def test_layer_counts():
    assert len(features.layer_data("prefectures")) == 17
    assert len(features.layer_data("counties")) == 103
    assert len(features.layer_data("neighbours")) == 6
    assert len(features.layer_data("layout")) == 17


def _write(tmp_path, layers):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"layers": layers}, ensure_ascii=False), encoding="utf-8")
    return path


def _entry(**changes):
    base = json.loads(catalogue.CATALOGUE_FILE.read_text(encoding="utf-8"))["layers"][0]
    base.update(changes)
    return base


def test_unknown_and_missing_keys_are_named(tmp_path):
    bad = _entry(colour="red")
    del bad["style"]
    path = _write(tmp_path, [_entry(), bad])
    with pytest.raises(datafiles.DataFileError) as err:
        catalogue.load_catalogue(path)
    message = str(err.value)
    assert str(path) in message and "row 2" in message
    assert "missing keys ['style']" in message and "unknown keys ['colour']" in message


def test_duplicate_ids_and_bad_geometry_kind(tmp_path):
    with pytest.raises(datafiles.DataFileError, match="duplicate layer id 'neighbours'"):
        catalogue.load_catalogue(_write(tmp_path, [_entry(), _entry()]))
    with pytest.raises(datafiles.DataFileError, match="field 'geometry'"):
        catalogue.load_catalogue(_write(tmp_path, [_entry(geometry="raster")]))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match=r"broken\.json"):
        catalogue.load_catalogue(broken)


def test_unknown_layer_and_style_list_the_known_ones():
    with pytest.raises(KeyError, match="prefectures"):
        catalogue.layer("nope")
    with pytest.raises(KeyError, match="prefecture"):
        style.style("nope")
