"""Styled exports: QML and SLD from the web map's styles, the GeoPackage's layer_styles, the indicator choropleth.

The QGIS checks run Debian's python3 with python3-qgis (``tests/qgis_probe.py``) as a subprocess,
because the project's virtual environment cannot import ``qgis``; they are skipped, saying why,
where it is not installed.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from app import export
from app.export import qml, shapefile, sld, styles
from layers import catalogue, classify, gis_style
from layers.choropleth import choropleth
from layers.style import CHOROPLETH_STYLE, STYLES, style
from layers.vocabulary import PRECISION_TEXT, category_labels

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
SE = "{http://www.opengis.net/se}"
SLD = "{http://www.opengis.net/sld}"
OGC = "{http://www.opengis.net/ogc}"
#: Layers with categories, markers and dashes, a boundary, and the indicator choropleth.
LAYERS = ["layout", "metro_circles", "river_belt", "quantum_lines", "computing", "hubs", "prefectures"]
INDICATOR = export.IndicatorRequest("gdp_2023", scheme="quantiles", k=5, palette="blues")


def _qgis_missing() -> str | None:
    """Why QGIS cannot be used here, or None."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if probe.returncode:
        return "Debian's python3-qgis is not installed (apt-get install qgis python3-qgis)"
    return None


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    out = tmp_path_factory.mktemp("styled") / "hubei.gpkg"
    export.export_layers(LAYERS, "gpkg", out, indicator=INDICATOR)
    return out


@pytest.fixture(scope="module")
def geojson_en(tmp_path_factory):
    out = tmp_path_factory.mktemp("styled-geojson")
    export.export_layers(["layout", "computing"], "geojson", out, lang="en")
    return out


def _rgba(colour: str, opacity: float) -> str:
    return qml.rgba(colour, opacity)


# --- the styles, from layers/style.py ----------------------------------------------------------


@pytest.mark.parametrize("layer_id", list(catalogue.catalogue()))
def test_every_category_value_in_the_data_has_a_class(layer_id):
    frame = export.select(layer_id)
    described = gis_style.layer_style(layer_id, "zh", columns=list(frame.columns))
    if described.renderer == "single":
        assert "categories" not in style(catalogue.layer(layer_id).style)
        return
    present = {v for v in frame[described.field].dropna()}
    assert present, f"{layer_id}: no {described.field} values"
    assert present <= {c.value for c in described.classes}


def test_category_colours_and_words_are_those_of_the_web_map():
    for layer_id, style_name in (
        ("layout", "layout_role"),
        ("metro_circles", "metro_circle"),
        ("river_belt", "river_belt"),
    ):
        web = STYLES[style_name]["categories"]
        for lang in ("zh", "en"):
            described = gis_style.layer_style(layer_id, lang)
            assert described.field == web["field"]
            assert {c.value: c.symbol.fill for c in described.classes} == web["colors"]
            assert {c.value: c.label for c in described.classes} == category_labels(web["field"])[f"labels_{lang}"]
            assert {c.symbol.fill_opacity for c in described.classes} == {STYLES[style_name]["fillOpacity"]}
    circles = gis_style.layer_style("metro_circles")
    # The circles have no outline colour of their own: each is outlined in its category's colour, dashed.
    assert all(c.symbol.stroke == c.symbol.fill for c in circles.classes)
    assert {c.symbol.dash for c in circles.classes} == {(8.0, 4.0)}


def test_facility_groups_keep_their_shape_and_colour_and_approximate_places_are_dashed():
    for layer_id in ("computing", "parks_platforms", "hubs"):
        marker = STYLES[catalogue.layer(layer_id).style]["marker"]
        described = gis_style.layer_style(layer_id, "en")
        assert described.renderer == "categorized" and described.field == "precision"
        assert [c.value for c in described.classes] == list(PRECISION_TEXT)
        assert {(c.symbol.shape, c.symbol.fill, c.symbol.size) for c in described.classes} == {
            (marker["shape"], marker["color"], marker["size"])
        }
        dashed = {c.value: c.symbol.dash is not None for c in described.classes}
        assert dashed == {"site": False, "district": True, "city": True, "unknown": True}
        assert described.classes[0].label == PRECISION_TEXT["site"][1]


def test_schematic_lines_are_dashed_and_boundaries_keep_their_weights():
    lines = gis_style.layer_style("quantum_lines")
    web = STYLES["quantum_line"]
    assert lines.renderer == "single" and lines.symbol.stroke == web["color"]
    assert lines.symbol.dash == tuple(float(v) for v in web["dashArray"].split())
    assert lines.symbol.stroke_width == web["weight"]
    for layer_id in ("province", "prefectures", "counties", "neighbours"):
        web = STYLES[catalogue.layer(layer_id).style]
        described = gis_style.layer_style(layer_id)
        assert (described.symbol.stroke, described.symbol.stroke_width) == (web["color"], web["weight"])
    document = ET.fromstring(qml.to_qml(gis_style.layer_style("province")).split("\n", 1)[1])
    line = document.find(".//layer[@class='SimpleLine']")
    assert line is not None
    width = {p.get("k"): p.get("v") for p in line.iter("prop")}["line_width"]
    assert math.isclose(float(width), STYLES["province"]["weight"] * gis_style.MM_PER_PX, rel_tol=1e-2)


def test_labels_are_names_in_the_export_language():
    assert gis_style.layer_style("prefectures", "zh").label_field == "name_zh"
    assert gis_style.layer_style("layout", "en").label_field == "unit_name_en"
    assert gis_style.layer_style("metro_circles", "en").label_field == "circle_en"
    belt = gis_style.layer_style("river_belt", "en")  # no name field: the category's word
    text, is_expression = qml.label_expression(belt)
    assert is_expression and "'Along the Yangtze'" in text and "'Along the Han'" in text


def test_qml_categories_carry_the_colours_of_layers_style():
    described = gis_style.layer_style("layout", "zh")
    document = ET.fromstring(qml.to_qml(described).split("\n", 1)[1])
    renderer = document.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "role"
    cats = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    web = STYLES["layout_role"]
    for value, colour in web["categories"]["colors"].items():
        symbol = renderer.find(f"symbols/symbol[@name='{cats[value]}']")
        assert symbol is not None
        fill = {p.get("k"): p.get("v") for p in symbol.find("layer[@class='SimpleFill']").iter("prop")}
        assert fill["color"] == _rgba(colour, web["fillOpacity"])
    assert document.find("labeling/settings/text-style").get("fieldName") == "unit_name_zh"


def test_sld_is_one_named_layer_per_layer_in_the_sld_and_se_namespaces():
    described = [gis_style.layer_style(i, "zh") for i in LAYERS]
    root = ET.fromstring(sld.to_sld(described).encode("utf-8"))
    assert root.tag == f"{SLD}StyledLayerDescriptor" and root.get("version") == "1.1.0"
    named = root.findall(f"{SLD}NamedLayer")
    assert [n.find(f"{SE}Name").text for n in named] == LAYERS
    for layer, item in zip(named, described, strict=True):
        styles_ = layer.findall(f"{SLD}UserStyle")
        assert len(styles_) == 1
        rules = styles_[0].findall(f"{SE}FeatureTypeStyle/{SE}Rule")
        drawn = [r for r in rules if r.find(f"{SE}TextSymbolizer") is None or len(r) > 2]
        assert len([r for r in drawn if r.find(f"{OGC}Filter") is not None]) == len(item.classes)
        fills = [p.text for p in layer.iter(f"{SE}SvgParameter") if p.get("name") == "fill"]
        for c in item.classes:
            assert (c.symbol.fill or c.symbol.stroke).lower() in fills
    belt = root.findall(f"{SLD}NamedLayer")[LAYERS.index("river_belt")]
    assert {lit.text for lit in belt.iter(f"{OGC}Literal")} >= {"长江沿线", "汉江沿线"}


def test_the_choropleth_style_has_the_maps_exact_classes_and_the_no_data_class():
    result = choropleth("gdp_2023", scheme="quantiles", k=5, palette="blues", lang="en")
    described = gis_style.choropleth_style(result, "indicator_gdp_2023", "en")
    numeric = [c for c in described.classes if not c.no_data]
    bins = result.classification.bins
    assert [(c.lower, c.upper, c.symbol.fill, c.label) for c in numeric] == [
        (b.lower, b.upper, b.color, b.label("en")) for b in bins
    ]
    assert [e.label for e in result.legend.entries if not e.no_data] == [c.label for c in numeric]
    no_data = described.classes[-1]
    assert no_data.no_data and no_data.label == classify.NO_DATA_LABEL[1]
    assert no_data.symbol.fill == result.classification.no_data_color
    assert no_data.symbol.fill_opacity == CHOROPLETH_STYLE["noDataFillOpacity"] and no_data.symbol.dash
    # The rules select exactly the units the map puts in each class (QGIS's and SLD's filter semantics).
    values = pd.to_numeric(result.table["value"], errors="coerce").to_numpy()
    chosen = np.full(len(values), -1)
    for i, c in enumerate(numeric):
        low = values >= c.lower if c.first else values > c.lower
        chosen[np.where(low & (values <= c.upper) & (chosen < 0))] = i
    assert chosen.tolist() == result.classification.class_index(result.table["value"]).tolist()


# --- the files ---------------------------------------------------------------------------------


def test_geopackage_is_version_1_2_with_a_default_style_per_layer(gpkg):
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        geometry_columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        rows = db.execute(
            "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD,"
            " useAsDefault, description, owner, ui, update_time FROM layer_styles"
        ).fetchall()
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert registered == ("attributes",)
    layer_names = [*LAYERS, "indicator_gdp_2023"]
    assert [r[2] for r in rows] == layer_names
    for catalog, schema, name, geom, style_name, qml_text, sld_text, default, description, *_ in rows:
        assert (catalog, schema, geom, default) == ("", "", geometry_columns[name], 1)
        assert style_name == styles.STYLE_NAME and description
        ET.fromstring(qml_text.split("\n", 1)[1])
        assert ET.fromstring(sld_text.encode("utf-8")).find(f"{SLD}NamedLayer/{SE}Name").text == name
    renderer = ET.fromstring(rows[-1][5].split("\n", 1)[1]).find("renderer-v2")
    assert renderer.get("type") == "RuleRenderer"
    assert [r.get("filter") for r in renderer.iter("rule")][-1] == '"value" IS NULL'


def test_the_indicator_layer_holds_values_classes_and_labels(gpkg):
    frame = pyogrio.read_dataframe(gpkg, layer="indicator_gdp_2023")
    result = choropleth("gdp_2023", scheme="quantiles", k=5, palette="blues")
    expected = result.table.set_index("code")
    assert len(frame) == 17 and frame.crs.to_epsg() == 4326
    for _, row in frame.iterrows():
        index = int(result.classification.class_index([expected.loc[row["code"], "value"]])[0])
        if index < 0:
            assert pd.isna(row["value"]) and pd.isna(row["class"]) and row["class_label"] == "无数据"
        else:
            assert row["value"] == pytest.approx(float(expected.loc[row["code"], "value"]))
            assert row["class"] == index + 1 and row["class_label"] == result.classification.bins[index].label_zh
    assert frame["class"].isna().sum() == result.classification.no_data_count > 0


def test_geojson_and_shapefile_exports_carry_style_files_with_their_base_name(geojson_en, tmp_path):
    names = sorted(p.name for p in geojson_en.iterdir())
    assert names == [f"{i}.{s}" for i in ("computing", "layout") for s in ("geojson", "qml", "sld")]
    assert "Support point" in (geojson_en / "layout.qml").read_text(encoding="utf-8")
    export.export_layers(["layout"], "shp", tmp_path)
    with zipfile.ZipFile(tmp_path / "layout.shp.zip") as zf:
        assert {"layout.shp", "layout.qml", "layout.sld"} <= set(zf.namelist())
        text = zf.read("layout.qml").decode("utf-8")
    fields = shapefile.shapefile_fields(list(export.select("layout").columns))
    # The label field's Shapefile name (10 characters), not the GeoPackage's.
    assert f'fieldName="{fields["unit_name_zh"]}"' in text and fields["unit_name_zh"] != "unit_name_zh"


def test_download_zips_carry_the_styles_and_the_views_indicator(tmp_path):
    packed = export.download(["hubs"], "shp", tmp_path, lang="en", indicator=INDICATOR)
    assert packed.layers == 2
    path = tmp_path / "x.zip"
    path.write_bytes(packed.body)
    with zipfile.ZipFile(path) as zf:
        assert {"hubs.shp.zip", "indicator_gdp_2023.shp.zip"} == set(zf.namelist())
    packed = export.download([], "geojson", tmp_path / "g", indicator=INDICATOR)
    path.write_bytes(packed.body)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {f"indicator_gdp_2023.{s}" for s in ("geojson", "qml", "sld")}


def test_bad_indicator_requests_are_refused_by_name(tmp_path):
    with pytest.raises(export.ExportError, match="cannot export indicator 'nope'"):
        export.export_layers([], "gpkg", tmp_path / "a.gpkg", indicator=export.IndicatorRequest("nope"))
    with pytest.raises(export.ExportError, match="number of classes must be"):
        export.export_layers([], "gpkg", tmp_path / "a.gpkg", indicator=export.IndicatorRequest("gdp_2023", k=42))
    with pytest.raises(export.ExportError, match="--lang must be zh or en"):
        export.export_layers(["hubs"], "geojson", tmp_path / "b", lang="fr")
    with pytest.raises(export.ExportError, match="unknown layer"):
        export.export_layers([], "geojson", tmp_path / "c")
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_an_indicator_as_a_styled_layer(tmp_path):
    exe = str(Path(sys.executable).with_name("hubei-map"))
    out = tmp_path / "gdp"
    done = subprocess.run(
        [exe, "export", "--indicator", "gdp_2023", "--k", "4", "--palette", "orrd", "--lang", "en", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "[1/1] indicator_gdp_2023: 17 features" in done.stderr
    assert f"wrote {out / 'indicator_gdp_2023.qml'} (style of indicator_gdp_2023)" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"indicator_gdp_2023.{s}" for s in ("geojson", "qml", "sld")]
    result = choropleth("gdp_2023", k=4, palette="orrd", lang="en")
    text = (out / "indicator_gdp_2023.qml").read_text(encoding="utf-8")
    for b in result.classification.bins:
        assert f'label="{b.label_en}"' in text and _rgba(b.color, CHOROPLETH_STYLE["fillOpacity"]) in text
    bad = subprocess.run(
        [exe, "export", "--indicator", "gdp_2023", "--k", "42", "--out", str(tmp_path / "bad")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "number of classes must be" in bad.stderr and not (tmp_path / "bad").exists()


# --- in QGIS itself ----------------------------------------------------------------------------


def _probe(spec: dict, tmp_path: Path) -> tuple[dict, str]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    run = subprocess.run(
        [SYSTEM_PYTHON, str(PROBE), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


def _gdal_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("Warning", "ERROR"))]


@pytest.mark.slow
def test_qgis_opens_the_geopackage_styled_and_without_warnings(gpkg, geojson_en, tmp_path, artifacts):
    missing = _qgis_missing()
    if missing:
        pytest.skip(missing)
    png = artifacts / "qgis-styled-choropleth.png"
    uris = [f"{gpkg}|layername={name}" for name in [*LAYERS, "indicator_gdp_2023"]]
    spec = {
        "layers": [
            *({"uri": uri} for uri in uris),
            {"uri": str(geojson_en / "layout.geojson")},
            {"uri": str(geojson_en / "computing.geojson"), "qml": str(geojson_en / "computing.qml")},
            {"uri": str(geojson_en / "layout.geojson"), "sld": str(geojson_en / "layout.sld")},
        ],
        "renders": [
            {
                "uris": [uris[4], uris[3], uris[1], uris[0]],
                "png": str(artifacts / "qgis-styled-layout.png"),
                "width": 900,
            },
            {"uris": [uris[-1]], "png": str(png), "width": 900},
        ],
    }
    report, stderr = _probe(spec, tmp_path)
    assert _gdal_warnings(stderr) == []
    *opened, from_sld = report["layers"]
    got = {Path(item["uri"].split("|")[0]).name + item["uri"].partition("=")[2]: item for item in opened}
    layout = got["hubei.gpkglayout"]
    web = STYLES["layout_role"]["categories"]
    assert layout["valid"] and layout["renderer"] == "categorizedSymbol" and layout["attr"] == "role"
    assert {c["value"]: c["color"] for c in layout["classes"]} == {k: v.lower() for k, v in web["colors"].items()}
    assert {c["value"]: c["label"] for c in layout["classes"]} == web["labels_zh"]
    assert layout["labels_enabled"] and layout["label_field"] == "unit_name_zh"
    # Every unit is drawn in its role's colour (not one random colour for all).
    frame = export.select("layout")
    assert sorted(layout["feature_colors"]) == sorted(frame["role"].map(web["colors"]).str.lower())
    computing = got["hubei.gpkgcomputing"]
    assert computing["renderer"] == "categorizedSymbol" and computing["attr"] == "precision"
    assert {c["props"]["name"] for c in computing["classes"]} == {"circle"}
    assert {c["color"] for c in computing["classes"]} == {STYLES["computing"]["marker"]["color"].lower()}
    assert got["hubei.gpkghubs"]["classes"][0]["props"]["name"] == "diamond"
    lines = got["hubei.gpkgquantum_lines"]
    assert lines["renderer"] == "singleSymbol" and lines["symbol"]["props"]["use_custom_dash"] == "1"
    assert lines["symbol"]["color"] == STYLES["quantum_line"]["color"].lower()
    circles = got["hubei.gpkgmetro_circles"]
    assert circles["renderer"] == "categorizedSymbol" and circles["classes"][0]["outline"]["use_custom_dash"] == "1"
    prefectures = got["hubei.gpkgprefectures"]
    assert prefectures["renderer"] == "singleSymbol"
    assert prefectures["symbol"]["color"] == STYLES["prefecture"]["fillColor"].lower()
    chor = got["hubei.gpkgindicator_gdp_2023"]
    result = choropleth("gdp_2023", scheme="quantiles", k=5, palette="blues")
    assert chor["renderer"] == "RuleRenderer"
    assert [c["label"] for c in chor["classes"]] == [e.label for e in result.legend.entries]
    assert [c["color"] for c in chor["classes"]] == [e.color.lower() for e in result.legend.entries]
    assert sorted(chor["feature_colors"]) == sorted(c.lower() for c in result.table["color"])
    # GeoJSON: QGIS applies layout.qml by itself; computing.qml loads with loadNamedStyle.
    beside = got["layout.geojson"]
    assert beside["renderer"] == "categorizedSymbol" and beside["label_field"] == "unit_name_en"
    assert {c["label"] for c in beside["classes"]} == set(web["labels_en"].values())
    assert report["loaded"] == [[True, report["loaded"][0][1]]]
    assert got["computing.geojson"]["renderer"] == "categorizedSymbol"
    # The SLD, as another client reads it: QGIS turns its rules into a rule-based renderer.
    assert report["sld_loaded"] == [[True, ""]] and from_sld["renderer"] == "RuleRenderer"
    assert {c["label"]: c["color"] for c in from_sld["classes"]} == {
        web["labels_en"][k]: v.lower() for k, v in web["colors"].items()
    }
    assert from_sld["labels_enabled"] and from_sld["label_field"] == "unit_name_en"
    _looks_styled(png)


def _looks_styled(png: Path) -> None:
    """The rendered PNG shows the choropleth's class colours (QGIS drew our style, not one random colour)."""
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
    result = choropleth("gdp_2023", scheme="quantiles", k=5, palette="blues")
    for colour in {result.classification.bins[0].color, result.classification.bins[-1].color}:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        opacity = CHOROPLETH_STYLE["fillOpacity"]
        seen = opacity * rgb + (1 - opacity) * 255  # over the white background
        assert (np.abs(pixels - seen).sum(axis=1) < 12).sum() > 500, colour


@pytest.mark.slow
def test_the_gdal_warning_check_sees_a_version_1_4_geopackage(tmp_path):
    """The control for the check above: GDAL 3.6 (QGIS 3.22) warns about GDAL's default GeoPackage 1.4."""
    missing = _qgis_missing()
    if missing:
        pytest.skip(missing)
    path = tmp_path / "v14.gpkg"
    pyogrio.write_dataframe(
        export.select("hubs"), path, layer="hubs", driver="GPKG", dataset_options={"VERSION": "1.4"}
    )
    report, stderr = _probe({"layers": [{"uri": f"{path}|layername=hubs"}]}, tmp_path)
    assert any("1.4" in w for w in _gdal_warnings(stderr)), stderr
    assert report["layers"][0]["renderer"] == "singleSymbol"  # no layer_styles: QGIS's default, one colour


# --- the app's Download button and GET /export ------------------------------------------------


def test_get_export_offers_styles_and_the_indicator_choropleth(tmp_path, monkeypatch):
    from app.serve.server import create_app

    monkeypatch.setenv("HUBEI_MAP_WORK_DIR", str(tmp_path / "work"))
    client = create_app().server.test_client()
    styled = client.get("/export?layers=hubs&format=geojson&lang=en")
    assert styled.status_code == 200
    path = tmp_path / "a.zip"
    path.write_bytes(styled.data)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"hubs.geojson", "hubs.qml", "hubs.sld"}
        assert "exact site" in zf.read("hubs.qml").decode("utf-8")
    chosen = client.get("/export?indicator=gdp_2023&k=4&palette=orrd&format=gpkg")
    assert chosen.status_code == 200
    path = tmp_path / "b.gpkg"
    path.write_bytes(chosen.data)
    assert pyogrio.list_layers(path)[:, 0].tolist()[0] == "indicator_gdp_2023"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT f_table_name FROM layer_styles").fetchall() == [("indicator_gdp_2023",)]
    for query, message in (
        ("indicator=gdp_2023&k=four", "k must be a whole number"),
        ("indicator=nope", "cannot export indicator 'nope'"),
        ("indicator=gdp_2023&palette=pink", "cannot export indicator 'gdp_2023'"),
        ("layers=hubs&lang=fr", "--lang must be zh or en"),
    ):
        bad = client.get(f"/export?{query}")
        assert bad.status_code == 400 and message in bad.get_json()["error"], query


def test_the_download_button_sends_the_views_indicator_styled(monkeypatch):
    import base64
    import io

    from app.web import downloads

    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "thread")
    payload, status = downloads.download_layers(
        n_clicks=1,
        layer_values=[["hubs"]],
        fmt="shp",
        crs_choice="wgs84",
        only_view=[],
        bounds=None,
        lang="en",
        query="?lang=en&ind=gdp_2023&scheme=quantiles&k=4&pal=orrd",
    )
    assert "2 layers" in status[0].children
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["content"])))
    assert set(archive.namelist()) == {"hubs.shp.zip", "indicator_gdp_2023.shp.zip"}
    inner = zipfile.ZipFile(io.BytesIO(archive.read("indicator_gdp_2023.shp.zip")))
    text = inner.read("indicator_gdp_2023.qml").decode("utf-8")
    result = choropleth("gdp_2023", k=4, palette="orrd", lang="en")
    assert [b.label_en for b in result.classification.bins] == [
        r.get("label") for r in ET.fromstring(text.split("\n", 1)[1]).iter("rule")
    ][:-1]
    assert downloads.view_indicator("?ind=upload_12") is None
    assert downloads.view_indicator(None) is None
