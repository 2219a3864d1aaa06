from __future__ import annotations

import json
import re

import pytest
from dash import no_update
from plotly.utils import PlotlyJSONEncoder

from app import i18n, settings
from app.web import compare, drilldown, ids, indicator_panel, layer_urls, layers_panel, mapview, page, search, viewstate
from app.web.viewstate import ViewState
from layers import catalogue, classify, palettes, webdata
from layers.style import style


def _fake_ctx(monkeypatch, triggered_id):
    fake = type("Ctx", (), {"triggered": bool(triggered_id), "triggered_id": triggered_id})
    for module in (page, drilldown, search):
        monkeypatch.setattr(module, "ctx", fake)


def test_the_default_view_is_an_empty_query():
    assert viewstate.to_query(ViewState()) == ""
    assert viewstate.parse("") == ViewState() == viewstate.parse(None)
    assert ViewState().layers == tuple(s.id for s in catalogue.catalogue().values() if s.visible)


def test_every_field_round_trips_through_the_url():
    state = ViewState(
        lang="en",
        layers=("prefectures", "counties", "hubs"),
        indicator="gdp_2023",
        scheme="natural_breaks",
        k=7,
        palette="viridis",
        center=(30.59276, 114.30525),
        zoom=9.5,
        unit="420100",
        compare="gdp_2020",
        basemap="gaode",
        opacity=(("counties", 0.4),),
    )
    query = viewstate.to_query(state)
    assert query.startswith("?lang=en&layers=prefectures,counties,hubs&ind=gdp_2023&scheme=natural_breaks&k=7")
    assert viewstate.parse(query) == state
    assert viewstate.parse(viewstate.to_query(state.with_(layers=()))).layers == ()  # "no layer" is kept


@pytest.mark.parametrize(
    ("query", "field", "expected"),
    [
        ("?lang=fr", "lang", "zh"),
        ("?layers=prefectures,../../etc/passwd,prefectures", "layers", ("prefectures",)),
        ("?ind=<script>alert(1)</script>", "indicator", None),
        ("?ind=upload_3", "indicator", "upload_3"),  # a session upload: kept, the page says if it is unknown
        ("?k=99", "k", classify.DEFAULT_K),
        ("?k=-3", "k", classify.DEFAULT_K),
        ("?scheme=user_defined", "scheme", classify.DEFAULT_SCHEME),
        ("?pal=rainbow", "palette", palettes.DEFAULT_SEQUENTIAL),
        ("?c=nan,114&z=8", "center", None),
        ("?c=30.5,114.3&z=99", "zoom", None),
        ("?c=30.5,114.3", "center", None),  # a centre without a zoom is not a view
        ("?unit=999999", "unit", None),
        ("?unit=420106", "unit", None),  # a county: drill-down goes one level, from a prefecture
        ("?base=tianditu", "basemap", None),
        ("?op=counties:0.5,counties:x,nope:0.2,hubs:7", "opacity", (("counties", 0.5),)),
    ],
)
def test_a_bad_link_opens_the_default_for_what_is_wrong(query, field, expected):
    assert getattr(viewstate.parse(query), field) == expected


@pytest.mark.parametrize("name", sorted(palettes.PALETTES))
def test_the_address_and_the_snapshot_accept_the_same_palettes(name):
    from app import render

    state = viewstate.parse(f"?ind=gdp_2023&pal={name}")
    accepted_by_address = state.palette == name
    try:
        render.request_from_state({"indicator": "gdp_2023", "palette": name})
        accepted_by_snapshot = True
    except render.SnapshotError:
        accepted_by_snapshot = False
    assert accepted_by_address == accepted_by_snapshot == (name in palettes.CLASS_PALETTES)


def test_opacity_from_the_range_inputs():
    pairs = layers_panel.opacity_pairs(["layout", "counties", "hubs", "computing"], ["0.7", 1, None, "x"])
    assert pairs == (("layout", 0.7),)


def test_comparison_defaults_to_another_year_of_the_same_series():
    assert viewstate.default_compare("gdp_2023") == "gdp_2020"
    assert viewstate.default_compare("gdp_2020") == "gdp_2021"
    assert viewstate.default_compare("land_area") is None
    assert viewstate.default_compare(None) is None


def test_view_state_from_the_controls():
    state = page.view_state(
        lang="en",
        layer_values=[["layout"], [], ["prefectures"]],
        indicator="gdp_2023",
        scheme="quantiles",
        k=5,
        palette="blues",
        center={"lat": 30.5, "lng": 114.25},
        zoom=8,
        unit="420100",
        compare_on=["on"],
        compare_indicator="gdp_2020",
        basemap="none",
        opacity=(("layout", 0.5),),
    )
    assert state.layers == ("prefectures", "layout")  # catalogue order, whatever order the panel has
    assert state.center == (30.5, 114.25) and state.zoom == 8.0
    assert state.compare == "gdp_2020" and state.basemap is None and state.unit == "420100"
    off = page.view_state(
        lang="zh",
        layer_values=[],
        indicator=None,
        scheme="quantiles",
        k=5,
        palette="blues",
        center=None,
        zoom=None,
        unit=None,
        compare_on=[],
        compare_indicator="gdp_2020",
        basemap="osm",
    )
    assert off.compare is None and off.center is None and off.basemap == "osm"


def test_language_switch_and_comparison_rewrite_the_address(monkeypatch):
    query = "?ind=gdp_2023&c=30.50000,114.30000&z=8"
    _fake_ctx(monkeypatch, ids.LANG_BUTTON)

    def navigate(lang_clicks, compare_on, query, address=""):
        return page.navigate(lang_clicks=lang_clicks, compare_on=compare_on, query=query, address=address)

    switched = navigate(1, [], query)
    assert viewstate.parse(switched) == viewstate.parse(query).with_(lang="en")
    assert viewstate.parse(navigate(2, [], switched)).lang == "zh"
    assert navigate(0, [], query) is no_update  # a new page's button: not a click
    _fake_ctx(monkeypatch, ids.COMPARE_ON)
    on = viewstate.parse(navigate(1, ["on"], query))
    assert (on.indicator, on.compare, on.center) == ("gdp_2023", "gdp_2020", (30.5, 114.3))
    fresh = viewstate.parse(navigate(1, ["on"], ""))
    assert (fresh.indicator, fresh.compare) == compare.COMPARE_DEFAULT
    assert viewstate.parse(navigate(1, [], viewstate.to_query(on))).compare is None
    assert navigate(1, ["on"], viewstate.to_query(on)) is no_update
    # Before the view is first written, the address the page opened with is the view.
    assert navigate(1, ["on"], None, address=viewstate.to_query(on)) is no_update


def test_drill_down_and_back(monkeypatch):
    _fake_ctx(monkeypatch, {"type": ids.DRILL_BUTTON, "code": "420500"})
    unit, viewport, hide_panel = drilldown.set_drill(home=0, clicks=[1], basemap=None)
    assert unit == "420500" and viewport["transition"] == "flyToBounds" and hide_panel is True
    (south, west), (north, east) = viewport["bounds"]
    assert 29.9 < south < 30.3 and 110 < west < 110.5 and 31.2 < north < 31.7 and 111.9 < east < 112.1
    nothing = (no_update,) * 3
    assert drilldown.set_drill(home=0, clicks=[0], basemap=None) == nothing  # the button appearing
    _fake_ctx(monkeypatch, ids.BREADCRUMB_HOME)
    home = {"bounds": settings.HUBEI_BOUNDS, "transition": "flyToBounds"}
    assert drilldown.set_drill(home=1, clicks=[], basemap=None) == (None, home, no_update)
    assert drilldown.set_drill(home=0, clicks=[], basemap=None) == nothing
    crumbs, url, hideout = drilldown.drill_view(unit="420500", lang="zh", zoom=8, basemap=None)
    assert [getattr(c, "children", c) for c in crumbs] == ["湖北省", " › ", "宜昌市"]
    assert crumbs[0].disabled is False
    assert "/counties/z7-8.pbf" in url and hideout["parent"] == "420500"
    crumbs, url, hideout = drilldown.drill_view(unit=None, lang="en", zoom=8, basemap=None)
    assert crumbs[0].children == "Hubei" and crumbs[0].disabled is True and url is None


def test_a_county_indicator_in_a_drill_down_lists_only_that_prefectures_counties():
    classes = {"scheme": "quantiles", "k": 5, "palette": "blues"}
    url, hideout, _legend, _ = indicator_panel.choropleth_view(
        "land_area_county", **classes, zoom=8, uploaded={}, lang="zh", unit="420100"
    )
    table = indicator_panel.table_for(
        opened=1, indicator_id="land_area_county", **classes, uploaded={}, unit="420100", lang="zh"
    )
    assert "/counties/" in url and hideout["parent"] == "420100" and len(hideout["colors"]) == 103
    rows = table[0].children[1].children
    assert len(rows) == 13  # Wuhan's 13 districts
    assert {r.children[0].children for r in rows} >= {"武昌区", "江夏区"}


def test_table_view_lists_every_unit_with_value_and_class():
    def table_for(opened):
        return indicator_panel.table_for(
            opened=opened,
            indicator_id="gdp_2023",
            scheme="quantiles",
            k=5,
            palette="blues",
            uploaded={},
            unit=None,
            lang="en",
        )

    assert table_for(0) is no_update
    table = table_for(1)
    head, body = table[0].children
    assert [th.children for th in head.children.children] == ["Unit", "Value", "Class"]
    rows = [[td.children for td in tr.children] for tr in body.children]
    assert len(rows) == 17 and rows[0][0] == "Wuhan"  # largest class first
    assert rows[-1] == ["Enshi Tujia and Miao Autonomous Prefecture", "no data", "no data"]


def test_comparison_maps_share_classes_when_comparable():
    breaks = indicator_panel.shared_breaks("gdp_2023", "gdp_2020", "quantiles", 5)
    assert breaks is not None and len(breaks) == 5
    common = {
        "scheme": "quantiles",
        "k": 5,
        "palette": "blues",
        "zoom": 7,
        "uploaded": {},
        "basemap": None,
        "lang": "zh",
    }
    first = indicator_panel.main_choropleth(
        indicator_id="gdp_2023", compare_id="gdp_2020", shared=["shared"], unit=None, **common
    )
    second = compare.compare_choropleth(compare_id="gdp_2020", indicator_id="gdp_2023", shared=["shared"], **common)

    def uppers(legend):  # class upper bounds (each map's lowest value starts its first class)
        return [tr.children[1].children.split(" – ")[1] for tr in legend[2].children[:5]]

    assert uppers(first[2]) == uppers(second[2])  # one set of classes for both years
    own = compare.compare_choropleth(compare_id="gdp_2020", indicator_id="gdp_2023", shared=[], **common)
    assert own[1]["colors"] != second[1]["colors"] or own[2] != second[2]
    assert indicator_panel.shared_breaks("gdp_2023", "pop_census_2020", "quantiles", 5) is None  # different units
    assert indicator_panel.shared_breaks("gdp_2023", "layout_role", "quantiles", 5) is None  # categorical


def test_gaode_basemap_shifts_every_layer_to_gcj02():
    urls = mapview.zoom_urls(zoom=7, basemap="gaode")
    assert all(u.endswith("&datum=gcj02") for u in urls)
    assert not any("datum" in u for u in mapview.zoom_urls(zoom=7, basemap="osm"))
    tiles, note = mapview.basemap_view(basemap="gaode", lang="en")
    assert "autonavi.com" in tiles[0].url and "Gaode" in tiles[0].attribution and "GCJ-02" in note
    tiles, note = mapview.basemap_view(basemap="osm", lang="zh")
    assert "openstreetmap.org" in tiles[0].url and "OpenStreetMap" in tiles[0].attribution and note == ""
    assert mapview.basemap_view(basemap="none", lang="zh") == ([], "")


def test_search_and_drill_fly_to_where_the_unit_is_drawn_over_gaode(monkeypatch):
    _, hits = search.search_results(query="wuchang", lang="zh")
    _fake_ctx(monkeypatch, {"type": ids.SEARCH_HIT, "index": 0})
    plain = search.fly_to_hit(clicks=[1], hits=hits, basemap="osm")["bounds"]
    shifted = search.fly_to_hit(clicks=[1], hits=hits, basemap="gaode")["bounds"]
    assert plain == hits[0]["bounds"]
    assert 0.003 < shifted[0][1] - plain[0][1] < 0.008 and -0.006 < shifted[0][0] - plain[0][0] < 0  # east, south
    _fake_ctx(monkeypatch, {"type": ids.DRILL_BUTTON, "code": "420100"})
    drill = drilldown.set_drill(home=0, clicks=[1], basemap="gaode")[1]["bounds"]
    wuhan = layer_urls.unit_bounds("420100")
    assert drill != wuhan and abs(drill[1][1] - wuhan[1][1]) < 0.01


def test_gcj02_layer_data_is_the_wgs84_data_shifted(tmp_path):
    from app.serve.server import create_app
    from geo import crs

    client = create_app().server.test_client()
    plain = json.loads(client.get("/data/layers/hubs/z7-8.geojson").data)
    shifted = json.loads(client.get("/data/layers/hubs/z7-8.geojson?datum=gcj02").data)
    (lon, lat), (glon, glat) = (
        plain["features"][0]["geometry"]["coordinates"],
        shifted["features"][0]["geometry"]["coordinates"],
    )
    elon, elat = crs.wgs84_to_gcj02(lon, lat)
    assert abs(glon - float(elon)) < 1e-3 and abs(glat - float(elat)) < 1e-3  # served to 3 decimals at z7-8
    assert 0.003 < glon - lon < 0.008  # a few hundred metres east in Hubei
    assert client.get("/data/layers/hubs/z7-8.geojson?datum=bd09").status_code == 404
    assert webdata.DATUMS == ("wgs84", "gcj02")


def test_layer_panel_groups_layers_with_symbols_and_sources():
    panel = layers_panel.layer_panel(ViewState())
    groups = [c for c in panel.children if getattr(c, "className", "").startswith("layer-group ")]
    titles = [g.children[0].children for g in groups]
    assert titles[:2] == ["发展布局", "算力设施"]
    toggles = {c.id["layer"]: c for g in groups for c in g.children if isinstance(getattr(c, "id", None), dict)}
    assert sorted(toggles) == sorted(catalogue.catalogue())  # one box per layer
    assert toggles["layout"].value == ["layout"] and toggles["counties"].value == []
    computing = toggles["computing"]
    assert "symbol-circle" in computing.labelClassName and computing.labelStyle["--symbol-fill"] == "#D55E00"
    quantum = toggles["quantum_lines"]
    assert "symbol-line" in quantum.labelClassName and quantum.labelStyle["--symbol-line"] == "3px dashed #CC79A7"
    layout_group = next(g for g in groups if "layer-group-layout" in g.className)
    categories = next(c for c in layout_group.children if "layer-categories-layout" in getattr(c, "className", ""))
    assert [li.children for li in categories.children] == ["一主引领（核心）", "两翼驱动（两翼）", "多点支撑（支撑点）"]
    assert [li.style["--swatch"] for li in categories.children] == list(
        style("layout_role")["categories"]["colors"].values()
    )
    # A group's "about" (made when opened) names each of its layers with its sources and opacity slider.
    about = layers_panel.group_about("computing", ViewState())
    assert [block.className for block in about] == ["layer-about-computing"]
    assert any("来源" in str(getattr(c, "children", "")) for c in about[0].children)


_CJK = re.compile(r"[\u3400-\u9fff]")


def _strings(node) -> list[str]:
    out = []
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for child in node for s in _strings(child)]
    for prop in ("children", "placeholder", "title", "label"):
        value = getattr(node, prop, None)
        if value is not None:
            out += _strings(value)
    for prop in ("options",):
        for option in getattr(node, prop, None) or []:
            out += _strings(option.get("label") if isinstance(option, dict) else option)
    return out


def test_english_page_has_no_chinese_only_label():
    texts = _strings(page.page(ViewState(lang="en", compare="gdp_2020", unit="420100")))
    switch = i18n.t("switch_lang", "en")  # the button back to Chinese is named in Chinese
    chinese_only = [s for s in texts if _CJK.search(s) and not re.search(r"[A-Za-z]", s) and s != switch]
    # Data names keep their Chinese form beside the English one; a label is never Chinese alone.
    assert chinese_only == [], chinese_only[:10]
    assert "Hubei Digital Economy Map" in texts and "中文" in texts  # the switch names the other language


def test_page_for_a_link_shows_what_the_link_says():
    state = viewstate.parse("?lang=en&ind=gdp_2023&k=7&layers=prefectures,counties&unit=420500&cmp=gdp_2020")
    drawn = page.page(state)
    flat = json.dumps(drawn, cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert '"value": "gdp_2023"' in flat and '"value": 7' in flat and '"value": "gdp_2020"' in flat
    assert '"id": "map-compare"' in flat and "Yichang" in flat
    assert '"coordinates"' not in flat  # still no geometry in the page
