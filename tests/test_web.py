from __future__ import annotations

import gzip
import json

import pytest
from dash import no_update

from app.serve.server import create_app
from app.web import (
    dashapp,
    downloads,
    feature_info,
    ids,
    indicator_panel,
    mapview,
    page,
    panel_bodies,
    search,
    upload,
    viewstate,
)
from app.web.layer_urls import layer_url
from app.web.viewstate import ViewState
from geo import boundaries
from geo.simplify import ZOOM_BANDS
from layers import catalogue, webdata


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.mark.parametrize("band", [b.name for b in ZOOM_BANDS])
@pytest.mark.parametrize(
    ("layer_id", "count"), [("prefectures", 17), ("counties", 103), ("neighbours", 6), ("province", 1)]
)
def test_layer_route_serves_geojson_per_band(client, layer_id, count, band):
    response = client.get(f"/data/layers/{layer_id}/{band}.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert "max-age" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == count


def test_coarser_bands_are_smaller(client):
    sizes = [len(client.get(f"/data/layers/counties/{b.name}.geojson").data) for b in ZOOM_BANDS]
    assert sizes == sorted(sizes)
    assert sizes[0] * 5 < sizes[-1]


def test_layer_route_sends_gzip_to_browsers_that_accept_it(client):
    plain = client.get("/data/layers/counties/z7-8.geojson")
    packed = client.get("/data/layers/counties/z7-8.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"]
    assert len(packed.data) * 3 < len(plain.data)


def test_dash_responses_are_compressed(client):
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"


def test_etag_gives_304(client):
    first = client.get("/data/layers/prefectures/z7-8.geojson")
    again = client.get("/data/layers/prefectures/z7-8.geojson", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/data/layers/nope/z7-8.geojson", "/data/layers/prefectures/z99.geojson"])
def test_unknown_layer_or_band_is_a_clear_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "expected one of" in response.json["error"] or "known layers" in response.json["error"]


def test_page_and_health(client):
    assert client.get("/healthz").json["status"] == "ok"  # version, data hash, pid: tests/test_deploy.py
    page = client.get("/")
    assert page.status_code == 200 and b"_dash-config" in page.data


def test_layout_carries_no_geometry(client):
    plain = client.get("/_dash-layout", headers={"Referer": "http://localhost/?ind=gdp_2023&lang=en"})
    assert b'"coordinates"' not in plain.data
    assert b'"value":"gdp_2023"' in plain.data and b"Hubei Digital Economy Map" in plain.data  # the linked view
    assert len(plain.data) < 100_000
    packed = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert len(packed.data) < 15_000  # the whole page, compressed


def test_the_index_preloads_the_first_layers_and_scripts(client):
    page = client.get("/?layers=prefectures,hubs").data.decode()
    # The two layers, the prefectures' names (app/web/labels.py), the lazy chunks, layout and dependencies.
    assert page.count('rel="preload"') == 2 + 1 + len(dashapp.LAZY_CHUNKS) + 2
    # ... after the stylesheet and the scripts the page waits for, which go first to the server.
    last_script = page.rindex("<script defer src=")
    assert page.index('rel="preload"') > max(last_script, page.index('rel="stylesheet"'))
    assert f'href="{layer_url("prefectures", None)}" as="fetch"' in page and "async-GeoJSON.js" in page
    assert f'href="{layer_url("labels_prefecture", None)}" as="fetch"' in page


def test_zoom_urls_follow_the_band():
    urls = mapview.zoom_urls(zoom=7)
    assert len(urls) == len(catalogue.catalogue())
    version = webdata.data_version()
    assert all(u.endswith(f"/z7-8.pbf?v={version}") for u in urls)
    assert all(u.endswith(f"/z11+.pbf?v={version}") for u in mapview.zoom_urls(zoom=12))
    assert mapview.zoom_urls(zoom=None) == [layer_url(i, 7) for i in catalogue.catalogue()]


def test_layers_switched_off_are_not_fetched():
    def urls(zoom, layer_values, counties_auto):
        shown = mapview.zoom_urls(zoom=zoom, basemap=None, layer_values=layer_values, counties_auto=counties_auto)
        return dict(zip(catalogue.catalogue(), shown, strict=True))

    first = urls(7, [["prefectures"], [], ["hubs"]], ["auto"])
    assert first["prefectures"].startswith("/data/layers/prefectures/z7-8") and "/hubs/" in first["hubs"]
    assert first["counties"] is no_update and first["layout"] is no_update
    # Zoomed in: counties come by themselves.
    assert "/counties/z9-10" in urls(9, [["prefectures"]], ["auto"])["counties"]
    assert urls(9, [["prefectures"]], [])["counties"] is no_update


def _fake_ctx(monkeypatch, triggered_id):
    fake = type("Ctx", (), {"triggered": bool(triggered_id), "triggered_id": triggered_id})
    for module in (feature_info, search):
        monkeypatch.setattr(module, "ctx", fake)


def test_hover_panel_shows_the_unit_hovered_last(monkeypatch):
    pref = {"properties": {"code": "420100", "name_zh": "武汉市", "name_en": "Wuhan", "kind": "sub-provincial city"}}
    county = {"properties": {"code": "420106", "name_zh": "武昌区", "name_en": "Wuchang District", "kind": "district"}}
    layout = {"properties": {"code": "420600", "unit_name_zh": "襄阳市", "unit_name_en": "Xiangyang", "role": "wing"}}
    layers = {ids.layer_id("prefectures"): pref, ids.layer_id("counties"): county, ids.layer_id("layout"): layout}
    hovers = [layers.get(i) for i in feature_info.HOVER_IDS]
    _fake_ctx(monkeypatch, ids.layer_id("counties"))
    children = feature_info.hover_panel(hovers=hovers, hideout={}, lang="zh")
    assert children[0].children == "武昌区"
    assert [c.children for c in children[1:]] == ["Wuchang District", "市辖区 · 420106"]
    children = feature_info.hover_panel(hovers=hovers, hideout={}, lang="en")
    assert [c.children for c in children] == ["Wuchang District", "武昌区", "district · 420106"]
    _fake_ctx(monkeypatch, ids.layer_id("layout"))
    children = feature_info.hover_panel(hovers=hovers, hideout={}, lang="zh")
    assert [c.children for c in children] == ["襄阳市", "Xiangyang", "两翼驱动（两翼） · 420600"]
    _fake_ctx(monkeypatch, None)
    nothing = [None] * len(feature_info.HOVER_IDS)
    assert feature_info.hover_panel(hovers=nothing, hideout={}, lang="zh")[0].children == "将鼠标移到地图上查看名称"
    assert feature_info.hover_panel(hovers=nothing, hideout={}, lang="en")[0].children == "Hover over the map for names"

    def only(component_id, feature):
        return [feature if i == component_id else None for i in feature_info.HOVER_IDS]

    # With an indicator mapped, the panel adds its value (or says there is none).
    hideout = {"title": "GDP", "labels": {"420100": "20,012 亿元"}}
    _fake_ctx(monkeypatch, ids.CHOROPLETH)
    children = feature_info.hover_panel(hovers=only(ids.CHOROPLETH, pref), hideout=hideout, lang="zh")
    assert children[-1].children == "GDP: 20,012 亿元"
    children = feature_info.hover_panel(hovers=only(ids.CHOROPLETH, layout), hideout=hideout, lang="en")
    assert children[-1].children == "GDP: no data"
    # The counties of a prefecture drilled into report their hover too.
    _fake_ctx(monkeypatch, ids.DRILL_LAYER)
    children = feature_info.hover_panel(hovers=only(ids.DRILL_LAYER, county), hideout={}, lang="zh")
    assert children[0].children == "武昌区"


def test_the_address_follows_the_controls_through_dash(client):
    """``view_query`` as Dash calls it: keyword arguments, the sliders' layers read from their ids."""
    import dashclient

    deps = client.get("/_dash-dependencies").get_json()
    dep = dashclient.find(deps, f"{ids.VIEW_QUERY}.data")
    values = {
        f"{ids.LANG}.data": "en",
        f"{ids.SCHEME}.value": "quantiles",
        f"{ids.CLASSES}.value": 5,
        f"{ids.PALETTE}.value": "blues",
        f"{ids.MAP}.zoom": 9,
        f"{ids.MAP}.center": {"lat": 30.5, "lng": 114.25},
        f"{ids.INDICATOR}.value": "gdp_2023",
        f"{ids.COMPARE_ON}.value": [],  # what the page holds (the server refuses values a page cannot send)
        f"{ids.BASEMAP}.value": "none",
    }
    on = [({"layer": layer, "type": ids.LAYER_ON}, [layer]) for layer in ("prefectures", "hubs")]
    opacity = [
        ({"layer": "hubs", "type": ids.LAYER_OPACITY}, "0.4"),
        ({"layer": "counties", "type": ids.LAYER_OPACITY}, 1),
    ]
    for spec in dep["inputs"]:
        if spec["id"].startswith("{"):
            values[f"{spec['id']}.{spec['property']}"] = on if ids.LAYER_ON in spec["id"] else opacity
    body = dashclient.callback_body(dep, values, [f"{ids.MAP}.zoom"])
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data
    query = dashclient.response_values(response.data)[ids.VIEW_QUERY]["data"]
    state = viewstate.parse(query)
    assert state.layers == ("prefectures", "hubs") and state.opacity == (("hubs", 0.4),)
    assert (state.lang, state.indicator, state.zoom, state.center) == ("en", "gdp_2023", 9.0, (30.5, 114.25))


def _component_ids(node) -> list:
    """Every component id in a layout tree, depth first."""
    found = [node.id] if getattr(node, "id", None) else []
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found += _component_ids(child)
    return found


def test_component_ids_are_unique():
    app = create_app()
    # The fullest map page (comparison, drill-down, a target's places highlighted) and the targets view.
    # With every part made when first opened (a layer's "about", the closed sections) opened.
    states = [ViewState(compare="gdp_2020", unit="420100", hl="T-art19-racks"), ViewState(view="targets")]
    found = []
    for state in states:
        drawn = panel_bodies.with_parts(page.shell(viewstate.to_query(state)), state)
        page_ids = [c.id for c in drawn if getattr(c, "id", None)]
        keys = [json.dumps(i, sort_keys=True) if isinstance(i, dict) else i for i in page_ids]
        assert len(keys) == len(set(keys))
        found += page_ids
    keys = [json.dumps(i, sort_keys=True) if isinstance(i, dict) else i for i in found]
    assert {ids.MAP, ids.MAP2, ids.INFO, *(ids.layer_id(i) for i in catalogue.catalogue())} <= set(keys)
    # Every id a callback names is on one of the pages (the page is drawn by a callback, so
    # Dash cannot check this itself).
    string_ids = {k for k in keys if not k.startswith("{")}
    pattern_types = {i["type"] for i in found if isinstance(i, dict)} | {ids.SEARCH_HIT, ids.DRILL_BUTTON}
    for callback in app.callback_map.values():
        for dep in [*callback["inputs"], *callback["state"]]:
            key = dep["id"]
            if key.startswith("{"):
                assert json.loads(key)["type"] in pattern_types
            else:
                assert key in string_ids, key


def test_detail_panel_shows_the_full_record_with_sources():
    feature = {
        "properties": {
            "name_zh": "武汉人工智能计算中心",
            "name_en": "Wuhan Artificial Intelligence Computing Center",
            "category": "computing_centre",
            "precision": "city",
            "status": "operating",
            "capacity_pflops": 100.0,
            "plan_article": 19,
            "sources": "[PLAN] 计划 | [F06] Huawei",
            "note": None,
        }
    }
    table = feature_info.detail_panel(feature)[0]
    rows = {row.children[0].children: [d.children for d in row.children[1].children] for row in table.children}
    assert rows["名称"] == ["武汉人工智能计算中心"]
    assert rows["类别"] == ["计算中心"]
    assert rows["位置精度"] == ["市州代表点（非实际地址）"]
    assert rows["算力（PFLOPS）"] == ["100"]
    assert rows["计划条款"] == ["第19条"]
    assert rows["来源"] == ["[PLAN] 计划", "[F06] Huawei"]
    assert "说明" not in rows  # empty values are left out


def test_clicked_detail_opens_and_closes(monkeypatch):
    feature = {"properties": {"name_zh": "甲", "plan_article": 3, "sources": "[PLAN] x"}}
    layer = ids.layer_id("computing")
    clicks = _clicked(layer, feature)
    _fake_ctx(monkeypatch, layer)
    children, hidden = feature_info.clicked_detail(closed=None, clicks=clicks, lang="zh")
    assert hidden is False and children[0].children[0].children[1].children[0].children == "甲"
    _fake_ctx(monkeypatch, ids.DETAIL_CLOSE)
    assert feature_info.clicked_detail(closed=1, clicks=clicks, lang="zh")[1] is True


def _clicked(component_id, feature):
    """``clicked_detail``'s ``clicks`` when ``feature`` of ``component_id`` was clicked."""
    return [feature if i == component_id else None for i in feature_info.CLICK_IDS]


def _texts(node) -> list[str]:
    """Every string in a component tree, depth first."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [t for child in node for t in _texts(child)]
    children = getattr(node, "children", None)
    return _texts(children) if children is not None else []


def test_clicking_a_prefecture_opens_its_profile(monkeypatch):
    wuhan = {"properties": {"code": "420100", "name_zh": "武汉市", "level": "prefecture"}}
    clicks = _clicked(ids.layer_id("prefectures"), wuhan)
    _fake_ctx(monkeypatch, ids.layer_id("prefectures"))
    children, hidden = feature_info.clicked_detail(closed=None, clicks=clicks, lang="zh")
    text = "\n".join(_texts(children))
    assert hidden is False
    assert "武汉市" in text and "一主引领（核心）（第3条）" in text and "武汉都市圈（第3条）" in text
    assert "国家超算武汉中心 — 计算中心 · 运营（第19条）" in text
    assert "武合干线 — 示意线，非实际路由（第18条）" in text
    assert "12,326,518 人" in text  # 2020 census, with its source beside it
    assert "涉及计划条款: 第3条、" in text
    drill = [c for c in children if getattr(c, "id", None) == {"type": ids.DRILL_BUTTON, "code": "420100"}]
    assert drill and drill[0].children == "查看下辖区县"
    # English mode: the same panel in English.
    text_en = "\n".join(_texts(feature_info.clicked_detail(closed=None, clicks=clicks, lang="en")[0]))
    assert "Wuhan" in text_en and "Role in the layout: Core" in text_en and "Show its counties" in text_en


def test_a_county_clicked_in_a_drill_down_opens_the_county_profile(monkeypatch):
    county = {"properties": {"code": "420502", "name_zh": "西陵区", "parent_code": "420500"}}
    _fake_ctx(monkeypatch, ids.DRILL_LAYER)
    children, _hidden = feature_info.clicked_detail(closed=None, clicks=_clicked(ids.DRILL_LAYER, county), lang="zh")
    text = "\n".join(_texts(children))
    assert "西陵区" in text and "宜昌市" in text and "长江沿线（第3条）" in text
    assert "另有 1 项指标无数据" in text  # no county census figure found for Xiling
    assert not any(isinstance(getattr(c, "id", None), dict) for c in children)  # no drill below counties


def test_data_version_changes_with_the_data(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    monkeypatch.setattr(webdata, "DATA_DIR", tmp_path)
    webdata.data_version.cache_clear()
    try:
        first = webdata.data_version()
        (tmp_path / "a.csv").write_text("x\n2\n", encoding="utf-8")
        webdata.data_version.cache_clear()
        assert webdata.data_version() != first and len(first) == 12
    finally:
        webdata.data_version.cache_clear()


def _data_url(text: str, encoding: str = "utf-8") -> str:
    import base64

    return "data:text/csv;base64," + base64.b64encode(text.encode(encoding)).decode()


def test_upload_keeps_a_valid_table_in_the_session_and_selects_it():
    store, message, options, selected = upload.upload_indicator(
        contents=_data_url("名称,数值\n武汉市,5\n宜昌市,2\n襄阳,3\n", "gbk"),
        filename="rd.csv",
        title="研发投入",
        unit="亿元",
        level="prefecture",
        store={},
        lang="zh",
    )
    assert selected == "upload_1" and set(store) == {"upload_1"}
    assert options == indicator_panel.indicator_choices(store=store, lang="zh")
    assert "3/17" in message[0].children and "按名称匹配" in message[0].children
    options = indicator_panel.indicator_choices(store=store, lang="zh")
    assert options[-1] == {"label": "研发投入（上传）", "value": "upload_1"}
    url, hideout, legend, disabled = indicator_panel.choropleth_view("upload_1", "quantiles", 5, "blues", 7, store)
    assert "/prefectures/" in url and len(hideout["colors"]) == 3 and disabled is False
    texts = [getattr(c, "children", None) for c in legend]
    assert texts[0] == "研发投入" and any("用户上传 uploaded: rd.csv" in str(t) for t in texts)


def test_upload_of_a_bad_table_is_refused_with_the_reasons():
    before = {"upload_1": {"meta": {}, "values": []}}
    store, message, options, selected = upload.upload_indicator(
        contents=_data_url("code,value\n420100,x\n999999,1\n"),
        filename="bad.csv",
        title=None,
        unit=None,
        level="prefecture",
        store=before,
        lang="zh",
    )
    assert store is before and selected is no_update and options is no_update
    assert "2 处问题" in message[0].children
    items = [li.children for li in message[1].children]
    assert "bad.csv, row 1, field 'value': 'x' is not a finite number" in items
    assert "bad.csv, row 2, field 'code': '999999' is not a prefecture-level Hubei code" in items


def test_choropleth_view_without_an_indicator_sends_nothing():
    url, hideout, _legend, disabled = indicator_panel.choropleth_view(None, "quantiles", 5, "blues", 7, {})
    assert url is None and hideout == {} and disabled is False


def test_download_matches_the_cli_export(tmp_path):
    import base64
    import io as _io
    import json as _json
    import zipfile

    from app.export import files as export

    values = [["prefectures"], [], ["hubs"], ["not a layer"]]
    payload, status = downloads.download_layers(
        n_clicks=1, layer_values=values, fmt="geojson", crs_choice="wgs84", only_view=[], bounds=None, lang="zh"
    )
    assert payload["filename"] == "hubei-layers_geojson_EPSG-4326.zip"
    assert "2 个图层" in status[0].children and "22 个要素" in status[0].children
    archive = zipfile.ZipFile(_io.BytesIO(base64.b64decode(payload["content"])))
    cli = export.export_layers(["prefectures", "hubs"], "geojson", tmp_path)
    for item in cli:
        if item.style_of:  # the layer's .qml and .sld: the same bytes
            assert archive.read(item.path.name) == item.path.read_bytes()
            continue
        app_doc = _json.loads(archive.read(item.path.name))
        cli_doc = _json.loads(item.path.read_text(encoding="utf-8"))
        app_doc["metadata"].pop("exported_at"), cli_doc["metadata"].pop("exported_at")
        assert app_doc == cli_doc


def test_download_of_the_current_view_and_in_a_projected_crs():
    bounds = [[30.3, 114.0], [30.9, 114.7]]  # around central Wuhan: [[south, west], [north, east]]
    payload, status = downloads.download_layers(
        n_clicks=1,
        layer_values=[["counties"]],
        fmt="gpkg",
        crs_choice="cgcs2000-gk",
        only_view=["view"],
        bounds=bounds,
        lang="zh",
    )
    assert payload["filename"] == "hubei-layers.gpkg"
    assert "1 个图层" in status[0].children
    nothing, status = downloads.download_layers(
        n_clicks=1, layer_values=[[], []], fmt="gpkg", crs_choice="wgs84", only_view=[], bounds=None, lang="en"
    )
    assert nothing is no_update and status[0].children == "No layer is switched on"


def test_search_results_and_fly_to(monkeypatch):
    items, hits = search.search_results(query="wuchang", lang="zh")
    assert hits[0]["name_zh"] == "武昌区"
    assert items[0].children.children == "武昌区 · Wuchang District（县级）"
    assert search.search_results(query="zzzz", lang="zh")[0][0].children == "无结果"
    assert search.search_results(query="zzzz", lang="en")[0][0].children == "No match"
    english = search.search_results(query="wuchang", lang="en")[0][0]
    assert english.children.children == "Wuchang District · 武昌区 (county)"
    _fake_ctx(monkeypatch, {"type": ids.SEARCH_HIT, "index": 0})
    flown = search.fly_to_hit(clicks=[1], hits=hits, basemap=None)
    assert flown == {"bounds": hits[0]["bounds"], "transition": "flyToBounds"}
    _fake_ctx(monkeypatch, None)
    assert search.fly_to_hit(clicks=[0], hits=hits, basemap=None) is no_update


def test_the_browser_shows_counties_from_the_same_zoom_the_server_loads_them():
    import re
    from pathlib import Path

    script = (Path(mapview.__file__).parent / "assets" / "hubei_map.js").read_text(encoding="utf-8")
    assert int(re.search(r"const COUNTIES_FROM_ZOOM = (\d+);", script)[1]) == mapview.COUNTIES_FROM_ZOOM


def test_the_web_choropleth_takes_its_outline_and_opacities_from_layers_style():
    import json
    from pathlib import Path

    from layers.style import CHOROPLETH_STYLE

    _, hideout, _, _ = indicator_panel.choropleth_view("gdp_2023", "quantiles", 5, "blues", 7)
    color, weight, fill, no_data_fill, no_data_dash = hideout["look"]
    assert (color, weight, fill) == (
        CHOROPLETH_STYLE["color"],
        CHOROPLETH_STYLE["weight"],
        CHOROPLETH_STYLE["fillOpacity"],
    )
    assert (no_data_fill, no_data_dash) == (CHOROPLETH_STYLE["noDataFillOpacity"], CHOROPLETH_STYLE["noDataDashArray"])
    assert len(json.dumps(hideout["look"], separators=(",", ":"))) < 40  # a few bytes per choropleth answer
    script = (Path(mapview.__file__).parent / "assets" / "hubei_map.js").read_text(encoding="utf-8")
    function = script[script.index("choropleth: function") : script.index("pointToLayer: function")]
    written = [CHOROPLETH_STYLE["color"], '"' + CHOROPLETH_STYLE["noDataDashArray"] + '"']
    written += [str(CHOROPLETH_STYLE[key]) for key in ("weight", "fillOpacity", "noDataFillOpacity")]
    assert [value for value in written if value in function] == []  # the JavaScript repeats none of them


def test_the_callback_registry_keeps_functions_plain_and_checks_their_names():
    from dash import Dash, Input, Output, State

    from app.web import wiring

    callbacks = wiring.Callbacks()

    def shown(value, lang="zh"):
        return f"{value} {lang}"

    assert (
        callbacks.callback(
            output=Output("out", "children"),
            inputs=dict(value=Input("in", "value")),
            state=dict(lang=State("lang", "data")),
        )(shown)
        is shown
    )
    callbacks.clientside("copyLink", output=Output("copy", "content"), inputs=[Input("copy", "n_clicks")])
    for app in (Dash(__name__), Dash(__name__)):  # declarations can be attached to more than one app
        wiring.attach(app, callbacks)
        assert sorted(app.callback_map) == ["copy.content", "out.children"]
        assert [d["id"] for d in app.callback_map["out.children"]["inputs"]] == ["in"]
        assert [d["id"] for d in app.callback_map["out.children"]["state"]] == ["lang"]
    with pytest.raises(TypeError, match="unknown"):
        callbacks.callback(output=Output("o", "children"), inputs=dict(valeu=Input("in", "value")))(shown)
    with pytest.raises(TypeError, match="missing"):
        callbacks.callback(output=Output("o", "children"), inputs=dict(lang=Input("in", "value")))(shown)
    with pytest.raises(TypeError, match="both input and state"):
        callbacks.callback(
            output=Output("o", "children"),
            inputs=dict(value=Input("a", "value")),
            state=dict(value=State("b", "value")),
        )(shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_carries_the_one_boundary_line_of_every_output(lang):
    from layers import provenance

    texts = _texts(page.shell(viewstate.to_query(ViewState(lang=lang))))
    line = provenance.boundary_note(lang)
    assert line in texts
    # Built from the boundary build record, not typed in: package, version, upstream and date.
    info = boundaries.build_info()
    assert info["source_version"] in line and info["source_acquired"] in line
