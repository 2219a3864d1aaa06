"""The server-drawn first view (app/web/first_view.py): path encoding, colours, which views get one, the page."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely

from app.serve.server import create_app
from app.web import first_view, viewstate
from layers import features
from layers.style import MAP_BACKGROUND, STYLES, style


def test_svg_path_encodes_rings_with_relative_integer_steps():
    assert first_view.svg_path(shapely.box(0, 0, 10, 5), closed=True) == "M10 0l0 5 -10 0 0 -5z"
    # Two polygons, one with a hole: one move per ring.
    square = shapely.Polygon([(0, 0), (8, 0), (8, 8), (0, 8)], [[(2, 2), (2, 4), (4, 4), (4, 2)]])
    assert first_view.svg_path(shapely.MultiPolygon([square, shapely.box(20, 0, 21, 1)]), closed=True).count("M") == 3


def test_svg_path_drops_steps_and_rings_that_round_to_nothing():
    assert first_view.svg_path(shapely.box(0, 0, 0.2, 0.2), closed=True) == ""
    line = shapely.LineString([(0, 0), (3, 4), (3.2, 4.1), (6, 4)])
    assert first_view.svg_path(line, closed=False) == "M0 0l3 4 3 0"


def test_blend_paints_a_colour_over_another():
    assert first_view.blend("#000000", 0.5, "#ffffff") == "#808080"
    assert first_view.blend("#D55E00", 1.0, "#ffffff") == "#d55e00"
    assert first_view.blend("#D55E00", 0.0, "#123456") == "#123456"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", True),
        ("lang=en", True),
        ("c=31.00000,112.00000&z=8", True),
        ("c=31.00000,112.00000&z=10", False),  # finer than the picture's geometry
        ("ind=gdp_2023", False),
        ("ind=gdp_2023&cmp=gdp_2020", False),
        ("unit=420100", False),
        ("base=osm", False),
        ("layers=hubs", False),  # no prefectures to show
    ],
)
def test_which_views_get_a_first_view(query, expected):
    state = viewstate.parse(query)
    assert viewstate.to_query(state).lstrip("?") == query  # each case is a view the app writes
    assert first_view.wanted(state) is expected
    assert (first_view.html_for(state) != "") is expected


def _fills(page: str) -> list[str]:
    return re.findall(r'<path class="first-view-unit" d="[^"]*" fill="(#[0-9a-f]{6})"', page)


def test_the_first_view_colours_prefectures_by_layout_role():
    page = first_view.html_for(viewstate.parse(""))
    roles = features.layer_data("layout")["role"].tolist()
    prefecture = style("prefecture")
    paper = first_view.blend(prefecture["fillColor"], prefecture["fillOpacity"], MAP_BACKGROUND)
    layout = STYLES["layout_role"]
    expected = [first_view.blend(layout["categories"]["colors"][r], layout["fillOpacity"], paper) for r in roles]
    assert _fills(page) == expected
    assert len(set(expected)) == 3  # core, wings, support points look different
    assert 'data-count="17"' in page and 'data-wait="path.unit-prefecture"' in page


def test_without_the_layout_layer_prefectures_are_plain_paper():
    fills = _fills(first_view.html_for(viewstate.parse("layers=prefectures,province")))
    assert len(fills) == 17 and len(set(fills)) == 1


def test_the_first_view_speaks_the_page_language():
    zh = first_view.html_for(viewstate.parse(""))
    en = first_view.html_for(viewstate.parse("lang=en"))
    assert "湖北省数字经济发展布局图" in zh and "<title>武汉市</title>" in zh
    assert "Hubei Digital Economy Map" in en and "<title>Wuhan</title>" in en
    # All text but the language switch (which names the other language, as the page's does).
    text = re.sub(r"<script>.*?</script>|<span class=\"lang-button\">[^<]*</span>|<[^>]+>", " ", en, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff]", text)


def test_the_first_view_fits_hubei_in_leaflet_pixels():
    page = first_view.html_for(viewstate.parse(""))
    box = [int(v) for v in re.search(r'<svg viewBox="([^"]+)"', page).group(1).split()]
    units = first_view.to_svg_units(features.layer_data("prefectures").geometry.values)
    xmin, ymin, xmax, ymax = shapely.total_bounds(units)
    # Hubei's bounds (settings.HUBEI_BOUNDS) hold every prefecture, with under 1° (~180 units) to spare.
    assert box[0] <= xmin and box[1] <= ymin and box[0] + box[2] >= xmax and box[1] + box[3] >= ymax
    assert np.allclose([xmin, ymin, xmax, ymax], [box[0], box[1], box[0] + box[2], box[1] + box[3]], atol=180)


def test_the_index_page_carries_the_first_view_before_the_react_root():
    client = create_app().server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert page.index('id="first-view"') < page.index('id="react-entry-point"')
    assert page.count('class="first-view-unit"') == 17
    assert 'id="first-view"' not in client.get("/?ind=gdp_2023").get_data(as_text=True)
