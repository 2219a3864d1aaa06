"""The opening page comes up without a round of start-up callbacks, and with only the scripts it uses (issue 16).

The layout is drawn for the address (``page.shell``) and already holds what the map's callbacks would
answer for it, so they are declared ``prevent_initial_call``: these tests hold the two in step.
"""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

import pytest
from dash import no_update
from dash.fingerprint import check_fingerprint
from plotly.utils import PlotlyJSONEncoder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.serve.server import create_app
from app.web import (
    dashapp,
    drilldown,
    feature_info,
    ids,
    indicator_panel,
    layer_urls,
    mapview,
    page,
    panel_bodies,
    units_list,
    viewstate,
)
from layers import catalogue

#: Views a link can open on: the province, an indicator in English, a comparison, a drill-down into a
#: prefecture with a county indicator, a view zoomed in far enough for the counties, a Gaode basemap.
QUERIES = (
    "",
    "ind=gdp_2023&lang=en",
    "ind=gdp_2023&cmp=gdp_2020",
    "unit=420100&ind=pop_census_2020_county",
    "c=30.60000,114.30000&z=10",
    "basemap=gaode&layers=prefectures,hubs",
    "hl=T-art18-gigabit",
)


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def _key(ident: Any) -> Any:
    return tuple(sorted(ident.items())) if isinstance(ident, dict) else ident


def _components(query: str) -> dict[Any, Any]:
    return {_key(c.id): c for c in page.shell(query)._traverse() if getattr(c, "id", None) is not None}


def _plain(value: Any) -> Any:
    """A value as the browser gets it (components as JSON)."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def _prop(found: dict[Any, Any], ident: Any, prop: str) -> Any:
    return getattr(found[_key(ident)], prop, None)


@pytest.mark.parametrize("query", QUERIES)
def test_the_opening_layout_holds_what_the_start_up_callbacks_would_answer(query, monkeypatch):
    monkeypatch.setattr(feature_info, "ctx", type("Ctx", (), {"triggered": False, "triggered_id": None}))
    found = _components(query)
    lang = _prop(found, ids.LANG, "data")
    unit = _prop(found, ids.DRILL, "data")
    zoom = _prop(found, ids.MAP, "zoom")
    basemap = _prop(found, ids.BASEMAP, "value")
    uploaded = _prop(found, ids.USER_INDICATORS, "data")
    layer_values = [_prop(found, {"type": ids.LAYER_ON, "layer": i}, "value") for i in catalogue.catalogue()]
    controls = {key: _prop(found, i, "value") for key, i in (("scheme", ids.SCHEME), ("palette", ids.PALETTE))}

    urls = mapview.zoom_urls(
        zoom=zoom, basemap=basemap, layer_values=layer_values, counties_auto=_prop(found, ids.COUNTIES_AUTO, "value")
    )
    for layer_id, url in zip(catalogue.catalogue(), urls, strict=True):
        expected = None if url is no_update else url
        assert _prop(found, ids.layer_id(layer_id), "url") == expected, layer_id

    answer = indicator_panel.main_choropleth(
        indicator_id=_prop(found, ids.INDICATOR, "value"),
        k=_prop(found, ids.CLASSES, "value"),
        zoom=zoom,
        compare_id=_prop(found, ids.COMPARE_INDICATOR, "value"),
        shared=_prop(found, ids.SHARED_CLASSES, "value"),
        uploaded=uploaded,
        unit=unit,
        basemap=basemap,
        lang=lang,
        **controls,
    )
    drawn = [
        _prop(found, i, p) for i, p in ((ids.CHOROPLETH, "url"), (ids.CHOROPLETH, "hideout"), (ids.LEGEND, "children"))
    ]
    assert _plain([*drawn, bool(_prop(found, ids.SCHEME, "disabled"))]) == _plain(list(answer))
    if _prop(found, ids.INDICATOR, "value"):
        assert drawn[0] is not None and drawn[1]  # a linked indicator is on the map from the start

    assert _prop(found, ids.INDICATOR, "options") == indicator_panel.indicator_choices(store=uploaded, lang=lang)
    nothing = [None] * len(feature_info.HOVER_IDS)
    hint = feature_info.hover_panel(hovers=nothing, hideout=drawn[1], lang=lang)
    assert _plain(_prop(found, ids.INFO, "children")) == _plain(hint)
    crumbs = drilldown.drill_view(unit=unit, lang=lang, zoom=zoom, basemap=basemap)
    drill = [
        _prop(found, i, p)
        for i, p in ((ids.BREADCRUMB, "children"), (ids.DRILL_LAYER, "url"), (ids.DRILL_LAYER, "hideout"))
    ]
    assert _plain(drill) == _plain(list(crumbs))
    # The units list is made when its section is first opened, for the view then: as the drill callback draws it.
    assert _key(ids.UNIT_LIST) not in found
    opened = [
        c
        for c in panel_bodies.with_parts(page.shell(query), viewstate.parse(query))
        if getattr(c, "id", None) == ids.UNIT_LIST
    ]
    assert _plain(opened[0].children) == _plain(units_list.drilled_units(unit=unit, lang=lang))


def test_only_the_comparison_map_is_drawn_by_a_callback_at_start_up():
    app = dashapp.create_dash()
    server_side = [c["output"] for c in app._callback_list if not c.get("clientside_function")]
    initial = [
        c["output"]
        for c in app._callback_list
        if not c.get("clientside_function") and not c.get("prevent_initial_call")
    ]
    assert server_side and initial == [
        f"..{ids.CHOROPLETH2}.url...{ids.CHOROPLETH2}.hideout...{ids.LEGEND2}.children.."
    ]
    # Nor does any in the browser: the layers' panes open shown or hidden, with the address's opacity.
    client_side = [
        c["clientside_function"]["function_name"]
        for c in app._callback_list
        if c.get("clientside_function") and not c.get("prevent_initial_call")
    ]
    assert client_side == []


@pytest.mark.parametrize("query", (*QUERIES, "layers=prefectures,layout,counties&op=prefectures:0.4,layout:0.75"))
def test_every_layer_pane_opens_as_the_address_says(query):
    state = viewstate.parse(query)
    opacity = dict(state.opacity)
    # A layer switched on; the counties also from their zoom (the panel's "automatic" box is ticked).
    zoomed_in = state.zoom is not None and state.zoom >= layer_urls.COUNTIES_FROM_ZOOM
    shown = set(state.layers) | ({"counties"} if zoomed_in else set())
    found = set()
    for pane in page.shell(query)._traverse():
        classes = getattr(pane, "className", "") or ""
        if type(pane).__name__ != "Pane" or "layer-pane-" not in classes:
            continue
        layer = classes.split("layer-pane-", 1)[1].split()[0]
        found.add(layer)
        assert (pane.style.get("display") != "none") == (layer in shown), (query, pane.name)
        assert pane.style.get("opacity", 1) == opacity.get(layer, 1), (query, pane.name)
    assert found == set(catalogue.catalogue())


def test_stores_holding_nothing_carry_no_data_and_the_address_starts_with_its_query():
    def props(query: str | None, ident: str) -> dict[str, Any]:
        shell = page.shell(query)
        return next(c for c in shell._traverse() if getattr(c, "id", None) == ident).to_plotly_json()["props"]

    # dcc.Store sets data=None again on mount (calling every callback that reads it); no data is quiet.
    assert "data" not in props("", ids.DRILL) and "data" not in props("", ids.HIGHLIGHT)
    assert (
        props("unit=420100", ids.DRILL)["data"] == "420100"
        and props("hl=T-art18-gigabit", ids.HIGHLIGHT)["data"] == "T-art18-gigabit"
    )
    # dcc.Location sets its search on mount unless it already holds the address's (page.render_page would run).
    assert props("ind=gdp_2023", ids.URL)["search"] == "?ind=gdp_2023" and props("", ids.URL)["search"] == ""
    assert "search" not in props(None, ids.URL)  # no referrer: the page is drawn for the address it finds


def _script_sources(page_html: str) -> list[str]:
    return [line.split('src="', 1)[1].split('"', 1)[0] for line in page_html.splitlines() if " src=" in line]


def test_the_index_runs_the_map_chunks_after_their_library_and_leaves_out_unused_bundles(client):
    page_html = client.get("/").data.decode()
    scripts = [line for line in page_html.splitlines() if "<script defer src=" in line]
    names = _script_sources(page_html)
    leaflet = max(i for i, n in enumerate(names) if "/dash_leaflet/dash_leaflet." in n)
    chunks = [names.index(f"/_dash-component-suites/{chunk}") for chunk in dashapp.EAGER_CHUNKS]
    first_asset = min(i for i, n in enumerate(names) if n.startswith("/assets/") and "/vendor/" not in n)
    assert all(leaflet < i < first_asset for i in chunks)
    assert any("geojson_ready.js" in n for n in names)
    assert not any(f"/{path}" in n for n in names for path in dashapp.UNUSED_BUNDLES)
    targets = client.get("/?view=targets").data.decode()
    assert not any(chunk in targets for chunk in dashapp.EAGER_CHUNKS)
    # Every script waits for the page to be parsed (the first view paints first); Dash starts after them.
    assert len(scripts) > 10 and page_html.count("<script") == len(scripts) + 4  # + IE note, config, first view, start
    assert f'<script id="_dash-renderer" type="application/javascript">{dashapp.RENDERER}</script>' in page_html


def test_the_page_loads_regenerator_runtime_in_place_of_dashs_polyfill(client):
    names = _script_sources(client.get("/").data.decode())
    # First, where Dash puts its polyfill, so it is defined before any bundle runs.
    assert names[0].startswith(f"/assets/{dashapp.RUNTIME_ASSET}?m=")
    assert not any(dashapp.POLYFILL in n for n in names)
    assert _script_sources(client.get("/?view=targets").data.decode())[0] == names[0]
    with client.get(names[0]) as runtime:
        assert runtime.status_code == 200 and "immutable" in runtime.headers["Cache-Control"]
        assert "regeneratorRuntime = runtime;" in runtime.data.decode()
    # Dash's bundles that the page loads take regenerator-runtime's global from the polyfill and nothing
    # that marks core-js (a Dash upgrade that changes either fails here).
    prefix = "/_dash-component-suites/"
    bundles = {}
    for name in names:
        if name.startswith(prefix):
            package, path = name[len(prefix) :].split("/", 1)
            path, _ = check_fingerprint(path)
            bundles[name] = importlib.resources.files(package).joinpath(path).read_text(encoding="utf-8")
    assert len(bundles) >= 8
    assert any("regeneratorRuntime" in text for text in bundles.values())
    assert not [name for name, text in bundles.items() if "_babelPolyfill" in text or "core-js" in text]


def test_no_page_holds_a_component_of_a_bundle_left_out():
    libraries = {path.rstrip("/").split("/")[-1] for path in dashapp.UNUSED_BUNDLES}
    for query in dashapp.COMPONENT_PAGES:
        used = {getattr(c, "_namespace", None) for c in page.shell(query)._traverse()}
        assert not used & libraries, query


#: Injected before the page's scripts: the outputs of every callback request sent before the map's 17
#: prefectures exist, and how many dash-leaflet "Loading..." fallbacks the map showed.
STARTUP_PROBE = """
(() => {
  const seen = window.__startup = {callbacks: [], fallbacks: 0, painted: null};
  const plainFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    if (seen.painted === null && url.endsWith("_dash-update-component")) {
      try { seen.callbacks.push(JSON.parse(init.body).output); } catch (err) { seen.callbacks.push("?"); }
    }
    return plainFetch.apply(this, arguments);
  };
  new MutationObserver((records, observer) => {
    for (const record of records) for (const node of record.addedNodes) {
      const element = node.nodeType === 1 ? node : null;
      if (element && element.textContent === "Loading..." && element.closest(".leaflet-container")) seen.fallbacks++;
    }
    if (document.querySelectorAll("path.unit-prefecture").length >= 17) {
      seen.painted = performance.now();
      observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""


@pytest.mark.browser
def test_the_map_opens_without_start_up_callbacks_or_lazy_fallbacks(live_server, browser):
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STARTUP_PROBE})
    try:
        browser.get(live_server + "/?ind=gdp_2023")
        WebDriverWait(browser, 60).until(lambda d: d.execute_script("return window.__startup.painted"))
        seen = browser.execute_script("return window.__startup")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    # Nothing the layout already holds; and the map opens on the centre Leaflet fits Hubei on
    # (``crs.fit_center``) at its initial zoom, so it has no view to report: not a single callback.
    assert seen["callbacks"] == [], seen["callbacks"]
    assert seen["fallbacks"] == 0  # assets/geojson_ready.js: the layers are not held back by React's Suspense
    # The layers' panes open shown or hidden as the address says (no script changes them at start-up).
    display = browser.execute_script(
        "return ['prefectures', 'counties', '5g_coverage'].map("
        "(l) => getComputedStyle(document.querySelector('.leaflet-pane.layer-pane-' + l)).display)"
    )
    assert display == ["block", "none", "none"]
    # regenerator-runtime stands in for Dash's polyfill, which is not loaded (dashapp.POLYFILL).
    assert browser.execute_script("return typeof regeneratorRuntime.wrap === 'function' && !window._babelPolyfill")
    colours = browser.execute_script(
        "return [...document.querySelectorAll('path.choropleth-unit')].map(p => p.getAttribute('fill'))"
    )
    assert len(set(colours)) > 1  # the linked indicator is mapped without a callback

    # ... and with the address's opacity: the layer's pane and its names' pane.
    browser.get(live_server + "/?op=prefectures:0.5")
    WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.unit-prefecture")) >= 17)
    opacities = browser.execute_script(
        "return [...document.querySelectorAll('.leaflet-pane.layer-pane-prefectures')].map((p) => p.style.opacity)"
    )
    assert opacities == ["0.5", "0.5"]

    # The targets view has no map: its page does not fetch dash-leaflet's GeoJSON chunk.
    browser.get(live_server + "/?view=targets")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, ids.TARGETS_TABLE))
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert fetched and not any("async-GeoJSON" in name for name in fetched)
