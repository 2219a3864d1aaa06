from __future__ import annotations

import harness
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.web import ids
from layers.choropleth import choropleth

pytestmark = pytest.mark.browser


def _count(driver, css: str) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, css))


def _wait_count(driver, css: str, n: int, timeout: float = 60) -> None:
    WebDriverWait(driver, timeout).until(lambda d: _count(d, css) == n, message=f"expected {n} × {css}")


def test_map_opens_with_17_prefectures_and_names_on_hover(live_server, browser, artifacts):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    _wait_count(browser, "path.unit-context", 6)
    _wait_count(browser, "path.unit-province", 1)
    assert _count(browser, "path.unit-county") == 0  # counties are off by default
    assert "湖北省数字经济发展布局图" in browser.find_element(By.ID, "header").text

    # Hover the largest prefecture path: the tooltip and the info panel name it.
    paths = browser.find_elements(By.CSS_SELECTOR, "path.unit-prefecture")
    target = max(paths, key=lambda p: p.size["width"] * p.size["height"])
    ActionChains(browser).move_to_element(target).perform()
    WebDriverWait(browser, 10).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".unit-tooltip")))
    tooltip = browser.find_element(By.CSS_SELECTOR, ".unit-tooltip").text
    WebDriverWait(browser, 10).until(lambda d: tooltip.splitlines()[0] in d.find_element(By.ID, ids.INFO).text)
    assert len(tooltip.splitlines()) == 2  # Chinese and English name
    browser.save_screenshot(str(artifacts / "map-prefectures.png"))

    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def _toggle(browser, layer_id: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f".layer-row-{layer_id} input[type=checkbox]").click()


def _shown(browser, css: str) -> int:
    """How many elements matching ``css`` are displayed (a hidden layer's pane hides them)."""
    return sum(1 for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed())


def _open(browser, summary_css: str, inside: tuple[str, str]):
    """Open a closed part (its summary) and wait for ``inside`` (a locator), made when first opened."""
    browser.find_element(By.CSS_SELECTOR, summary_css).click()
    return WebDriverWait(browser, 15).until(ec.visibility_of_element_located(inside))


def test_counties_switch_on_from_the_layer_panel(live_server, browser, artifacts):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    _toggle(browser, "counties")
    _wait_count(browser, "path.unit-county", 103)
    assert "layers=" in browser.current_url and "counties" in browser.current_url
    browser.save_screenshot(str(artifacts / "map-counties.png"))


def test_toggling_a_layer_hides_its_features_and_opacity_follows(live_server, browser):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-layout_role", 17)
    _wait_count(browser, ".facility-icon", 23)
    WebDriverWait(browser, 10).until(lambda d: _shown(d, "path.unit-layout_role") == 17)
    _toggle(browser, "layout")
    WebDriverWait(browser, 10).until(lambda d: _shown(d, "path.unit-layout_role") == 0)
    assert _shown(browser, "path.unit-prefecture") == 17  # the others stay
    _toggle(browser, "computing")
    WebDriverWait(browser, 10).until(lambda d: _shown(d, ".facility-icon") == 23 - 8)  # 8 computing sites drawn
    _toggle(browser, "layout")
    WebDriverWait(browser, 10).until(lambda d: _shown(d, "path.unit-layout_role") == 17)
    # Opacity: the slider in the layer group's "about" section sets the layer's pane's opacity.
    handle = _open(
        browser,
        ".layer-group-layout .layer-about summary",
        (By.CSS_SELECTOR, ".layer-group-layout .layer-about-layout input[type=range]"),
    )
    handle.send_keys(*[Keys.ARROW_LEFT] * 6)  # keyboard: six steps of 0.05 down from 1
    pane = browser.find_element(By.CSS_SELECTOR, ".leaflet-pane.layer-pane-layout")
    WebDriverWait(browser, 10).until(lambda d: pane.value_of_css_property("opacity") == "0.7")
    WebDriverWait(browser, 10).until(lambda d: "op=layout" in d.current_url)


def test_zooming_in_fetches_a_finer_band(live_server, browser):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    first = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/prefectures/'))"
    )
    assert any("/prefectures/z7-8.pbf?v=" in n for n in first)
    zoom_in = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in")
    scale = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-scale-line")
    for _ in range(3):  # 7 -> 10; Leaflet ignores clicks during its zoom animation, so wait for each zoom to land
        before = scale.text
        zoom_in.click()
        WebDriverWait(browser, 10).until(lambda d, b=before: scale.text != b)
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script(
            "return performance.getEntriesByType('resource').some(e => e.name.includes('/prefectures/z9-10.pbf?v='))"
        )
    )
    _wait_count(browser, "path.unit-prefecture", 17)


def test_plan_layers_show_and_a_click_opens_the_record(live_server, browser, artifacts):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    _wait_count(browser, "path.unit-layout_role", 17)
    _wait_count(browser, "path.unit-quantum_line", 3)  # the backbone has no published extent: not drawn
    # 23 of 29 facilities have a location; the other 6 are records without geometry.
    _wait_count(browser, ".facility-icon", 23)
    dashes = {
        p.get_attribute("stroke-dasharray") for p in browser.find_elements(By.CSS_SELECTOR, "path.unit-quantum_line")
    }
    assert dashes == {"10 6"}  # schematic lines are drawn dashed
    assert browser.find_element(By.ID, ids.DETAIL).get_attribute("hidden") is not None

    marker = next(
        m
        for m in browser.find_elements(By.CSS_SELECTOR, ".facility-icon")
        if m.get_attribute("title") == "武汉人工智能计算中心"
    )
    marker.click()
    panel = browser.find_element(By.ID, ids.DETAIL)
    WebDriverWait(browser, 10).until(lambda d: panel.get_attribute("hidden") is None and "第19条" in panel.text)
    assert "市州代表点" in panel.text and "[F06]" in panel.text
    browser.save_screenshot(str(artifacts / "map-facility-detail.png"))
    browser.find_element(By.ID, ids.DETAIL_CLOSE).click()
    WebDriverWait(browser, 10).until(lambda d: panel.get_attribute("hidden") is not None)


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgba({}, {}, {}, 1)".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def _choose(browser, dropdown_id: str, value: str) -> None:
    """Pick a value in a Dash 4 dropdown as a user does: open it, click the option."""
    harness.choose(browser, dropdown_id, value)


def test_choosing_an_indicator_colours_the_map_and_writes_the_legend(live_server, browser, artifacts):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    assert _count(browser, "path.choropleth-unit") == 0
    _choose(browser, ids.INDICATOR, "gdp_2023")
    _wait_count(browser, "path.choropleth-unit", 17)
    assert _count(browser, "path.choropleth-unit.no-data") == 1  # Enshi: no GDP in the sources
    legend = browser.find_element(By.ID, ids.LEGEND)
    WebDriverWait(browser, 10).until(lambda d: "地区生产总值（2023年，当年价格）" in legend.text)
    assert "分位数，5 类" in legend.text and "无数据" in legend.text and "来源" in legend.text
    fills = {p.get_attribute("fill") for p in browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit")}
    assert len(fills) == 6  # five classes and the no-data grey
    swatches = {s.value_of_css_property("background-color") for s in legend.find_elements(By.CSS_SELECTOR, ".swatch")}
    assert {_rgb(f) for f in fills} == swatches, (fills, swatches)  # the map's colours are the legend's
    # The table view is the same data as text.
    browser.find_element(By.CSS_SELECTOR, ".table-view summary").click()
    _wait_count(browser, f"#{ids.TABLE_VIEW} tbody tr", 17)  # made when opened
    assert browser.find_element(By.CSS_SELECTOR, f"#{ids.TABLE_VIEW} tbody tr").text.startswith("武汉市")
    browser.save_screenshot(str(artifacts / "map-choropleth-gdp.png"))

    _choose(browser, ids.CLASSES, "3")
    WebDriverWait(browser, 10).until(lambda d: "分位数，3 类" in legend.text)
    fills = {p.get_attribute("fill") for p in browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit")}
    assert len(fills) == 4
    _choose(browser, ids.INDICATOR, "layout_role")
    WebDriverWait(browser, 10).until(lambda d: "发展布局角色" in legend.text)
    assert browser.find_element(By.ID, ids.SCHEME).get_attribute("disabled") is not None


def test_the_choropleth_is_drawn_in_the_style_print_and_exports_use(live_server, browser, artifacts):
    from layers.style import CHOROPLETH_STYLE

    browser.get(live_server + "/?ind=gdp_2023")
    _wait_count(browser, "path.choropleth-unit", 17)
    classed = browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit:not(.no-data)")
    (no_data,) = browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit.no-data")  # Enshi
    assert len(classed) == 16
    for path in [*classed, no_data]:
        assert path.get_attribute("stroke") == CHOROPLETH_STYLE["color"]
        assert float(path.get_attribute("stroke-width")) == CHOROPLETH_STYLE["weight"]
        assert float(path.get_attribute("stroke-opacity")) == 1
    assert {float(p.get_attribute("fill-opacity")) for p in classed} == {CHOROPLETH_STYLE["fillOpacity"]}
    assert {p.get_attribute("stroke-dasharray") for p in classed} == {None}
    assert float(no_data.get_attribute("fill-opacity")) == CHOROPLETH_STYLE["noDataFillOpacity"]
    assert no_data.get_attribute("stroke-dasharray") == CHOROPLETH_STYLE["noDataDashArray"]
    browser.save_screenshot(str(artifacts / "map-choropleth-style.png"))


def test_a_person_uploads_a_csv_and_maps_it(live_server, browser, artifacts, tmp_path):
    table = tmp_path / "my-indicator.csv"
    table.write_text("name,value\n武汉市,10\n襄阳市,4\n宜昌市,6\n荆州,2\n", encoding="utf-8")
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    title = _open(browser, ".upload summary", (By.ID, ids.UPLOAD_TITLE))
    title.send_keys("我的指标")
    browser.find_element(By.ID, ids.UPLOAD_UNIT).send_keys("个")
    browser.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD} input[type=file]").send_keys(str(table))
    result = browser.find_element(By.ID, ids.UPLOAD_RESULT)
    WebDriverWait(browser, 15).until(lambda d: "4/17" in result.text)
    _wait_count(browser, "path.choropleth-unit", 17)
    assert _count(browser, "path.choropleth-unit.no-data") == 13
    legend = browser.find_element(By.ID, ids.LEGEND)
    WebDriverWait(browser, 10).until(lambda d: "我的指标" in legend.text and "my-indicator.csv" in legend.text)
    browser.save_screenshot(str(artifacts / "map-uploaded-indicator.png"))


def test_download_button_saves_the_layers_switched_on(live_server, browser, tmp_path):
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    _open(browser, ".download > summary", (By.ID, ids.DOWNLOAD_BUTTON))
    _choose(browser, ids.DOWNLOAD_FORMAT, "gpkg")
    browser.find_element(By.ID, ids.DOWNLOAD_BUTTON).click()
    WebDriverWait(browser, 60).until(lambda d: (tmp_path / "hubei-layers.gpkg").exists())
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "hubei-layers.gpkg")}
    # the layers switched on by default, plus the indicator and target tables
    assert {"prefectures", "layout", "computing", "quantum_lines"} <= layers and "counties" not in layers


def test_search_flies_to_the_unit(live_server, browser):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    scale = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-scale-line").text
    box = browser.find_element(By.ID, ids.SEARCH)
    box.send_keys("wuchang", Keys.ENTER)
    hit = WebDriverWait(browser, 10).until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".search-hit")))
    assert hit.text.startswith("武昌区 · Wuchang District")
    hit.click()

    def at_district_scale(driver) -> bool:  # the fly-to has landed: a few km, or metres
        value, unit = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-scale-line").text.split()
        return unit == "m" or int(value) <= 10

    assert scale == "100 km"  # the province view
    WebDriverWait(browser, 20).until(at_district_scale)


def _scale(browser, map_id: str = ids.MAP) -> str:
    return browser.find_element(By.CSS_SELECTOR, f"#{map_id} .leaflet-control-scale-line").text


def test_clicking_wuhan_opens_its_profile_then_drills_down_and_back(live_server, browser, artifacts):
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-layout_role", 17)
    wuhan = next(
        p
        for p in browser.find_elements(By.CSS_SELECTOR, "path.unit-layout_role")
        if p.get_attribute("fill") == "#D55E00"
    )
    for layer in ("computing", "parks_platforms", "hubs", "quantum_lines"):  # markers cover Wuhan's centre
        _toggle(browser, layer)
    WebDriverWait(browser, 10).until(lambda d: _shown(d, ".facility-icon") == 0)
    ActionChains(browser).move_to_element(wuhan).click().perform()
    panel = browser.find_element(By.ID, ids.DETAIL)
    WebDriverWait(browser, 15).until(lambda d: panel.get_attribute("hidden") is None and "武汉市" in panel.text)
    assert "一主引领（核心）" in panel.text and "国家超算武汉中心" in panel.text and "武合干线" in panel.text
    assert "12,326,518 人" in panel.text and "涉及计划条款" in panel.text
    browser.save_screenshot(str(artifacts / "map-wuhan-profile.png"))
    scale = _scale(browser)
    panel.find_element(By.CSS_SELECTOR, "button.action-button").click()
    crumbs = browser.find_element(By.ID, ids.BREADCRUMB)
    WebDriverWait(browser, 15).until(lambda d: "湖北省 › 武汉市" in crumbs.text)
    _wait_count(browser, "path.unit-drill", 13)  # Wuhan's 13 districts
    WebDriverWait(browser, 15).until(lambda d: _scale(d) != scale and "unit=420100" in d.current_url)
    browser.save_screenshot(str(artifacts / "map-drill-wuhan.png"))
    browser.find_element(By.ID, ids.BREADCRUMB_HOME).click()
    WebDriverWait(browser, 15).until(lambda d: crumbs.text.strip() == "湖北省" and "unit=" not in d.current_url)
    WebDriverWait(browser, 15).until(lambda d: _count(d, "path.unit-drill") == 0)


def test_the_address_reproduces_the_view(live_server, browser, artifacts):
    link = "/?lang=en&layers=prefectures,counties,province&ind=gdp_2023&k=3&pal=viridis&c=30.80000,112.50000&z=8"
    browser.get(live_server + link)
    _wait_count(browser, "path.choropleth-unit", 17)
    _wait_count(browser, "path.unit-county", 103)
    legend = browser.find_element(By.ID, ids.LEGEND)
    WebDriverWait(browser, 10).until(lambda d: "Quantiles, 3 classes" in legend.text)
    assert _count(browser, "path.unit-layout_role") == 0 and _count(browser, ".facility-icon") == 0
    fills = {p.get_attribute("fill") for p in browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit")}
    expected = {e.color for e in choropleth("gdp_2023", k=3, palette="viridis").legend.entries}
    assert {f.lower() for f in fills} == expected  # three viridis classes and no-data
    assert _scale(browser) == "50 km"  # zoom 8
    WebDriverWait(browser, 10).until(lambda d: "ind=gdp_2023" in d.current_url)
    shared = browser.current_url
    for key in ("lang=en", "layers=prefectures,counties,province", "k=3", "pal=viridis", "c=30.80000,112.50000", "z=8"):
        assert key in shared
    browser.save_screenshot(str(artifacts / "map-from-link.png"))
    # Someone else opens the link: the same view.
    browser.get(shared)
    _wait_count(browser, "path.choropleth-unit", 17)
    again = {p.get_attribute("fill") for p in browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit")}
    assert again == fills and _scale(browser) == "50 km"


def _wait_header(browser, title: str) -> None:
    """Wait for the page (re)drawn with ``title`` (elements of the old page go stale meanwhile)."""
    WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: title in d.find_element(By.ID, "header").text
    )


def test_english_mode_has_no_chinese_only_label(live_server, browser, artifacts):
    import re

    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    _choose(browser, ids.INDICATOR, "gdp_2023")
    _wait_count(browser, "path.choropleth-unit", 17)
    browser.find_element(By.ID, ids.LANG_BUTTON).click()
    _wait_header(browser, "Hubei Digital Economy Map")
    _wait_count(browser, "path.choropleth-unit", 17)  # the indicator survived the switch
    legend = browser.find_element(By.ID, ids.LEGEND)
    WebDriverWait(browser, 10).until(lambda d: "Gross regional product 2023" in legend.text)
    for summary in browser.find_elements(By.CSS_SELECTOR, "#sidebar details:not([open]) > summary"):
        browser.execute_script("arguments[0].click()", summary)  # open every section, to read every label
    text = browser.find_element(By.ID, "main").text
    cjk, latin = re.compile(r"[\u3400-\u9fff]"), re.compile(r"[A-Za-z]")
    chinese_only = [line for line in text.splitlines() if cjk.search(line) and not latin.search(line)]
    assert chinese_only == []
    paths = browser.find_elements(By.CSS_SELECTOR, "path.choropleth-unit")
    ActionChains(browser).move_to_element(max(paths, key=lambda p: p.size["width"] * p.size["height"])).perform()
    info = browser.find_element(By.ID, ids.INFO)
    browser.save_screenshot(str(artifacts / "map-english.png"))
    WebDriverWait(browser, 10).until(lambda d: "Gross regional product 2023 (current prices): " in info.text)
    browser.save_screenshot(str(artifacts / "map-english.png"))
    browser.find_element(By.ID, ids.LANG_BUTTON).click()
    _wait_header(browser, "湖北省数字经济发展布局图")


def test_two_synchronised_maps_compare_two_years(live_server, browser, artifacts):
    browser.get(live_server + "/?ind=gdp_2023")
    _wait_count(browser, "path.choropleth-unit", 17)
    browser.find_element(By.CSS_SELECTOR, ".compare > summary").click()
    browser.find_element(By.CSS_SELECTOR, f"#{ids.COMPARE_ON} input[type=checkbox]").click()
    _wait_count(browser, f"#{ids.MAP2} path.choropleth-unit", 17)
    _wait_count(browser, f"#{ids.MAP} path.choropleth-unit", 17)
    legend2 = browser.find_element(By.ID, ids.LEGEND2)
    WebDriverWait(browser, 10).until(lambda d: "2020" in legend2.text)
    assert "cmp=gdp_2020" in browser.current_url
    # The second map names the prefectures too, in the page's language.
    _wait_count(browser, f"#{ids.MAP2} .map-label", 17)
    names2 = {el.text.replace("\n", "") for el in browser.find_elements(By.CSS_SELECTOR, f"#{ids.MAP2} .map-label")}
    assert {"武汉市", "宜昌市", "恩施土家族苗族自治州"} <= names2
    browser.save_screenshot(str(artifacts / "map-compare.png"))
    # Zooming the first map moves the second.
    before = _scale(browser, ids.MAP2)
    browser.find_element(By.CSS_SELECTOR, f"#{ids.MAP} .leaflet-control-zoom-in").click()
    WebDriverWait(browser, 15).until(lambda d: _scale(d, ids.MAP2) != before)
    WebDriverWait(browser, 15).until(lambda d: _scale(d, ids.MAP2) == _scale(d, ids.MAP))


def test_snapshot_button_prints_the_current_view(live_server, browser, tmp_path):
    import subprocess

    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(live_server + "/?lang=en&ind=gdp_2023&unit=420500")
    _wait_count(browser, "path.choropleth-unit", 17)
    _open(browser, ".snapshot > summary", (By.ID, ids.SNAPSHOT_BUTTON))
    browser.find_element(By.ID, ids.SNAPSHOT_BUTTON).click()
    target = tmp_path / "hubei-map_a4-landscape.pdf"
    WebDriverWait(browser, 120).until(lambda d: target.exists() and target.stat().st_size > 0)
    WebDriverWait(browser, 10).until(
        lambda d: "Made: hubei-map_a4-landscape.pdf" in d.find_element(By.ID, ids.SNAPSHOT_STATUS).text
    )
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    # The view's indicator, language and extent (Yichang, drilled into) are on the page.
    assert "Gross regional product 2023" in text and "Yichang" in text and "Internal, not for publication" in text


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 768, "laptop"), (390, 844, "phone")])
def test_the_map_is_usable_on_a_laptop_and_a_phone(live_server, browser, artifacts, width, height, name):
    before = browser.get_window_size()
    browser.set_window_size(width, height)
    try:
        browser.get(live_server + "/")
        _wait_count(browser, "path.unit-prefecture", 17)
        map_box = browser.find_element(By.ID, ids.MAP).rect
        side = browser.find_element(By.ID, ids.SIDEBAR).rect
        assert map_box["width"] >= min(width, 1000) * 0.6 and map_box["height"] >= 300
        assert side["width"] > 0 and side["height"] > 150  # the controls stay on screen
        # Keyboard: Tab reaches the search box first, and it shows where the focus is.
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        assert focused.tag_name in ("input", "button", "summary", "a")
        browser.save_screenshot(str(artifacts / f"map-{name}.png"))
    finally:
        browser.set_window_size(before["width"], before["height"])


#: Records where the server-drawn first view put each prefecture, as soon as the page is parsed.
_FIRST_VIEW_PROBE = """
window.__firstView = null;
document.addEventListener("DOMContentLoaded", () => {
  window.__firstView = [...document.querySelectorAll("#first-view path.first-view-unit")].map((p) => {
    const b = p.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  });
});
"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_first_view_shows_the_prefectures_where_the_map_then_draws_them(live_server, browser, width, height):
    before = browser.get_window_size()
    browser.set_window_size(width, height)
    probe = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _FIRST_VIEW_PROBE})
    try:
        browser.get(live_server + "/")
        first = WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.__firstView"))
        _wait_count(browser, "#react-entry-point path.unit-prefecture", 17)
        drawn = browser.execute_script(
            "return [...document.querySelectorAll('#react-entry-point path.unit-prefecture')]"
            ".map((p) => { const b = p.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })"
        )
        # Every prefecture the map draws was already on screen in the same place (within 3 px).
        assert len(first) == 17
        for box in drawn:
            assert min(max(abs(a - b) for a, b in zip(box, f, strict=True)) for f in first) <= 3, box
        # ... and the picture steps aside once the map has painted.
        WebDriverWait(browser, 5).until(lambda d: _count(d, "#first-view") == 0)
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": probe["identifier"]})
        browser.set_window_size(before["width"], before["height"])


def test_views_the_first_view_cannot_stand_for_are_drawn_by_the_map_alone(live_server, browser):
    browser.get(live_server + "/?ind=gdp_2023")
    _wait_count(browser, "path.choropleth-unit", 17)
    assert _count(browser, "#first-view") == 0


#: True when every highlight ring lies inside the map (id arguments[0]) and below the note (arguments[1]).
_RINGS_IN_VIEW = """
const map = document.getElementById(arguments[0]).getBoundingClientRect();
const note = document.getElementById(arguments[1]).getBoundingClientRect();
const rings = [...document.querySelectorAll(".target-highlight-icon")].map((e) => e.getBoundingClientRect());
return rings.length > 0 && rings.every((r) => r.left >= map.left && r.right <= map.right
    && r.top >= note.bottom && r.bottom <= map.bottom);
"""


def test_the_targets_view_filters_links_to_the_places_on_the_map_and_speaks_english(live_server, browser, artifacts):
    from app.web import places
    from layers import scorecard

    card = scorecard.scorecard()
    rows = "#targets-table tr.target-row"
    browser.get(live_server + "/")
    _wait_count(browser, "path.unit-prefecture", 17)
    # From the map's header to the targets view (a link, so the keyboard reaches it).
    browser.find_element(By.ID, ids.VIEW_TARGETS_LINK).send_keys(Keys.ENTER)
    _wait_count(browser, rows, len(card))
    assert len(card) == 50 and "view=targets" in browser.current_url
    assert _count(browser, ".leaflet-container") == 0
    caption = browser.find_element(By.CSS_SELECTOR, "table.targets-table caption").text
    assert caption == f"规划目标记分卡：显示 {len(card)} 项，共 {len(card)} 项"
    summary = browser.find_element(By.CSS_SELECTOR, ".targets-summary").text
    met = (card["status"] == "met").sum()
    assert f"已达成\n{met}" in summary or f"已达成 {met}" in summary
    charts = browser.find_elements(By.CSS_SELECTOR, "img.target-chart")
    assert len(charts) == len(card) and all(c.get_attribute("alt") for c in charts)
    assert browser.execute_script("return arguments[0].naturalWidth", charts[0]) > 0  # the SVG decodes
    browser.save_screenshot(str(artifacts / "targets-zh.png"))

    # Filter by a status, by keyboard: only that status is left, and the address says so.
    radio = browser.find_element(By.CSS_SELECTOR, f"#{ids.TARGETS_STATUS} input[value=at_risk]")
    radio.send_keys(Keys.SPACE)
    at_risk = int((card["status"] == "at_risk").sum())
    _wait_count(browser, rows, at_risk)
    shown = {r.get_attribute("data-status") for r in browser.find_elements(By.CSS_SELECTOR, rows)}
    assert shown == {"at_risk"}
    WebDriverWait(browser, 10).until(lambda d: "status=at_risk" in d.current_url)
    browser.save_screenshot(str(artifacts / "targets-at-risk.png"))

    # "Show on map": the map opens with the racks' layer on and its data centres ringed.
    browser.find_element(By.CSS_SELECTOR, "tr[data-target='T-art19-racks'] a.map-link").click()
    racks = places.target_places()["T-art19-racks"]
    _wait_count(browser, ".target-highlight-icon", places.located(racks))
    _wait_count(browser, "path.unit-prefecture", 17)
    assert browser.find_element(By.CSS_SELECTOR, ".layer-row-computing input[type=checkbox]").is_selected()
    note = browser.find_element(By.ID, ids.HIGHLIGHT_NOTE).text
    assert "数据中心标准机架数" in note and f"{places.located(racks)} 处" in note
    WebDriverWait(browser, 10).until(lambda d: "hl=T-art19-racks" in d.current_url)
    # The map opened on the places: every ring is inside the map, clear of the note above it.
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(_RINGS_IN_VIEW, ids.MAP, ids.HIGHLIGHT_NOTE))
    browser.save_screenshot(str(artifacts / "targets-map-highlight.png"))
    # Clearing the highlight takes the rings away and the address forgets it.
    browser.find_element(By.ID, ids.HIGHLIGHT_CLEAR).click()
    _wait_count(browser, ".target-highlight-icon", 0)
    WebDriverWait(browser, 10).until(lambda d: "hl=" not in d.current_url)

    # Back to the targets, then in English.
    browser.find_element(By.ID, ids.VIEW_TARGETS_LINK).click()
    _wait_count(browser, rows, len(card))
    browser.find_element(By.ID, ids.LANG_LINK).click()
    _wait_header(browser, "Hubei Digital Economy Map")
    WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: (
            "Scorecard of the plan's targets" in d.find_element(By.CSS_SELECTOR, "table.targets-table caption").text
        )
    )
    assert "lang=en" in browser.current_url and _count(browser, rows) == len(card)
    header = browser.find_element(By.ID, "header").text
    assert "Plan targets" in header and "Map" in header
    links = {a.text.splitlines()[0] for a in browser.find_elements(By.CSS_SELECTOR, "a.map-link")}
    assert links == {"Show on map"}  # then, for screen readers, the indicator it shows
    browser.save_screenshot(str(artifacts / "targets-en.png"))
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
