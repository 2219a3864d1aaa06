"""Place names: the label points (layers/labels.py), how they are served, the web map's label layers, the first view."""

from __future__ import annotations

import json
import re

import pytest
import shapely

from app.serve.server import create_app
from app.web import first_view, labels, viewstate
from app.web.layer_urls import layer_url, preload_links
from geo import boundaries
from layers import webdata
from layers.labels import LABEL_LAYERS, label_layer_id, label_points, wrap_label
from layers.style import LABELS, label_css


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("level", ["prefecture", "county"])
def test_every_unit_has_one_label_inside_it_at_its_representative_point(level):
    points = label_points(level)
    units = boundaries.units(level)
    assert list(points["code"]) == list(units["code"])
    assert shapely.contains(units.geometry.values, points.geometry.values).all()
    expected = boundaries.representative_points(units["code"], level)
    assert shapely.equals_exact(points.geometry.values, expected.values, tolerance=1e-9).all()
    # Both languages, the name itself once its line breaks are taken out.
    assert list(points["label_zh"].str.replace("\n", "")) == list(units["name_zh"])
    assert list(points["label_en"].str.replace("\n", " ")) == list(units["name_en"])


def test_long_names_break_into_balanced_lines_and_short_ones_do_not():
    assert wrap_label("武汉市", "zh") == "武汉市"
    assert wrap_label("恩施土家族苗族自治州", "zh") == "恩施土家族\n苗族自治州"
    assert wrap_label("Enshi Tujia and Miao Autonomous Prefecture", "en").count("\n") == 2
    assert wrap_label("Wujiagang District", "en") == "Wujiagang District"


def test_label_layers_are_served_like_layers_but_not_listed_as_layers():
    for layer_id in LABEL_LAYERS:
        collection = json.loads(webdata.layer_geojson(layer_id, "z7-8"))
        assert collection["features"][0]["geometry"]["type"] == "Point"
        # Rounded to the band's decimals, as the layers are; the first view reads the same frame.
        lon, lat = collection["features"][0]["geometry"]["coordinates"]
        assert round(lon, 3) == lon and round(lat, 3) == lat
    # Shifted with the layers for Gaode's GCJ-02 tiles.
    wgs = webdata.layer_frame("labels_prefecture", "z7-8").geometry.values
    gcj = webdata.layer_frame("labels_prefecture", "z7-8", "gcj02").geometry.values
    assert 0.001 < shapely.distance(wgs, gcj).min() and shapely.distance(wgs, gcj).max() < 0.01
    client = create_app().server.test_client()
    response = client.get(layer_url("labels_prefecture", 7))
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 1500  # the opening view's names cost under 1.5 kB on the wire
    assert client.get("/data/layers/labels_nowhere/z7-8.pbf").status_code == 404
    with pytest.raises(KeyError, match="no label layer"):
        label_layer_id("province")


def test_names_are_dark_type_in_a_light_halo_readable_on_every_fill():
    # The halo is what the type sits on, whatever the class colour under it: WCAG AA contrast or better.
    light, dark = _luminance(LABELS["halo"]), _luminance(LABELS["color"])
    assert (light + 0.05) / (dark + 0.05) >= 7
    for kind in LABELS["size_px"]:
        css = label_css(kind)
        assert f"color:{LABELS['color']}" in css
        # A halo all round: a stroke twice its width, half of it under the type (painted first).
        assert f"-webkit-text-stroke:{2 * LABELS['halo_px']}px {LABELS['halo']}" in css
        assert "paint-order:stroke fill" in css


def test_the_map_names_prefectures_at_the_province_view_and_counties_in_a_drill_down():
    children = labels.label_children(viewstate.parse(""))
    by_id = {c.id: c for c in children if getattr(c, "id", None)}
    assert by_id["labels-prefecture"].url and by_id["labels-prefecture"].hideout["required"]
    assert by_id["labels-county"].url is None and by_id["labels-drill"].url is None
    drill = {c.id: c for c in labels.label_children(viewstate.parse("unit=420500")) if getattr(c, "id", None)}
    assert drill["labels-drill"].url
    assert drill["labels-drill"].hideout["parent"] == "420500" and drill["labels-drill"].hideout["required"]
    around = drill["labels-prefecture"].hideout
    assert around["exclude"] == "420500" and not around["required"]  # the prefectures around it: where room is left
    off = viewstate.parse("layers=layout")
    no_prefectures = {c.id: c for c in labels.label_children(off) if getattr(c, "id", None)}
    assert no_prefectures["labels-prefecture"].url is None  # the layer is off: its names are not even fetched
    # The names' pane carries the layer's pane class, so the layer panel hides them with it.
    panes = {p.name: p for p in labels.label_panes(off)}
    assert "layer-pane-prefectures" in panes["pane-labels-prefecture"].className
    assert "layer-pane-counties" in panes["pane-labels-county"].className
    # ... and opens hidden with it (the layer panel's script does not run when the page opens).
    assert panes["pane-labels-prefecture"].style["display"] == "none"
    assert "display" not in panes["pane-labels-drill"].style  # no layer hides the drill-down's names


def test_label_urls_follow_the_layer_panel_and_the_zoom():
    on = [["prefectures"], [], []]
    pref, county = labels.label_urls(7, None, on, ["auto"])
    assert "labels_prefecture/z7-8" in pref and county is labels.no_update
    pref, county = labels.label_urls(9, None, on, ["auto"])
    assert "labels_county/z9-10" in county
    pref, county = labels.label_urls(9, "gaode", [[]], [])
    assert pref is labels.no_update and county is labels.no_update
    assert "labels_prefecture" in preload_links(viewstate.parse(""))


def test_the_first_view_carries_the_same_names_at_the_same_points():
    page = first_view.html_for(viewstate.parse("lang=en"))
    names = re.findall(r'<div class="map-label map-label-prefecture"[^>]*>([^<]*)</div>', page)
    assert sorted(names) == sorted(label_points("prefecture")["label_en"])
    anchors = re.findall(r'data-x="([\d.]+)" data-y="([\d.]+)"><div class="map-label', page)
    frame = webdata.layer_frame("labels_prefecture", "z7-8")  # the map's own label layer
    expected = first_view.to_svg_units(frame.geometry.values)
    assert [(float(x), float(y)) for x, y in anchors] == [
        (round(shapely.get_x(p), 1), round(shapely.get_y(p), 1)) for p in expected
    ]
    assert label_css("prefecture") in page
    # The layout code is the map's own file, inline; and the picture waits for the map's names too.
    assert "window.hubeiLabels" in page and "[&quot;.map-label-prefecture&quot;, 17]" in page
    assert 'class="first-view-labels"' not in first_view.html_for(viewstate.parse("layers=layout,province"))
