"""Place names on the web map, in a browser: every prefecture named, no two names overlapping, layers obeyed."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from geo import boundaries

pytestmark = pytest.mark.browser

#: Every visible place name in the interactive map, its text and box (page px), after layout.
_LABELS_JS = """
const out = [];
document.querySelectorAll(arguments[0]).forEach(function (el) {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  if (el.offsetParent === null || s.visibility === "hidden" || r.width === 0) { return; }
  out.push({text: el.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom});
});
return out;
"""
_CONTROLS_JS = """
return Array.from(document.querySelectorAll(".leaflet-control, .breadcrumb, #hover-info, #sources-note"))
  .map(function (el) { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })
  .filter(function (r) { return r[2] > r[0] && r[3] > r[1]; });
"""
MAP_LABELS = "#react-entry-point .map-label"


def _labels(driver, css: str = MAP_LABELS) -> list[dict]:
    """The labels shown, their text as one line (Chinese lines joined, English lines with a space)."""
    labels = driver.execute_script(_LABELS_JS, css)
    for label in labels:
        lines = label["text"].split("\n")
        label["text"] = ("" if all(ord(c) > 0x2E80 for c in lines[0][-1:]) else " ").join(lines)
    return labels


def _overlaps(a: dict | list, b: dict | list) -> bool:
    a = [a["left"], a["top"], a["right"], a["bottom"]] if isinstance(a, dict) else a
    b = [b["left"], b["top"], b["right"], b["bottom"]] if isinstance(b, dict) else b
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def _settled(driver, css: str, names: set[str], timeout: float = 60) -> list[dict]:
    """Wait until every name in ``names`` is shown and the layout has settled; return the labels."""
    seen: list[list[dict]] = []

    def ready(d) -> bool:
        labels = _labels(d, css)
        seen.append(labels)
        return names <= {lb["text"] for lb in labels} and len(seen) > 1 and seen[-2] == labels

    WebDriverWait(driver, timeout, poll_frequency=0.3).until(ready, message=f"names not all shown: {names}")
    return seen[-1]


def _no_overlaps(labels: list[dict], controls: list[list[float]]) -> None:
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlaps(a, b), f"{a['text']} overlaps {b['text']}"
        for c in controls:
            assert not _overlaps(a, c), f"{a['text']} overlaps a map control at {c}"


def _names(level: str, lang: str, parent: str | None = None) -> set[str]:
    units = boundaries.units(level)
    if parent:
        units = units[units["parent_code"] == parent]
    return set(units["name_en" if lang == "en" else "name_zh"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_prefecture_is_named_at_the_province_view(live_server, browser, artifacts, lang):
    browser.set_window_size(1366, 820)
    browser.get(f"{live_server}/?lang={lang}")
    WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.unit-prefecture")) == 17)
    names = _names("prefecture", lang)
    labels = _settled(browser, MAP_LABELS + "-prefecture", names)
    assert sorted(lb["text"] for lb in labels) == sorted(names)  # each once, in the page's language
    _no_overlaps(_labels(browser), browser.execute_script(_CONTROLS_JS))
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "first-view"))
    browser.save_screenshot(str(artifacts / f"labels-province-{lang}.png"))


def test_a_drill_down_names_its_county_level_units(live_server, browser, artifacts):
    browser.set_window_size(1366, 820)
    browser.get(f"{live_server}/?unit=420500")
    names = _names("county", "zh", parent="420500")
    assert len(names) == 13
    labels = _settled(browser, MAP_LABELS + "-county", names)
    assert {lb["text"] for lb in labels} == names  # its own units, none from elsewhere
    _no_overlaps(_labels(browser), browser.execute_script(_CONTROLS_JS))
    browser.save_screenshot(str(artifacts / "labels-drill-420500.png"))


def test_names_follow_their_layer(live_server, browser):
    browser.set_window_size(1366, 820)
    browser.get(f"{live_server}/")
    _settled(browser, MAP_LABELS + "-prefecture", _names("prefecture", "zh"))
    browser.find_element(By.CSS_SELECTOR, ".layer-row-prefectures input[type=checkbox]").click()
    WebDriverWait(browser, 10).until(lambda d: _labels(d, MAP_LABELS + "-prefecture") == [])
    browser.find_element(By.CSS_SELECTOR, ".layer-row-prefectures input[type=checkbox]").click()
    _settled(browser, MAP_LABELS + "-prefecture", _names("prefecture", "zh"))


#: The first view's names as soon as the page is parsed (before the page's own scripts run).
_FIRST_VIEW_NAMES = """
window.__firstNames = null;
document.addEventListener("DOMContentLoaded", () => {
  // Counted here too: the map may have taken the first view's place before the test looks.
  window.__firstMarkers = document.querySelectorAll("#first-view .facility-marker").length;
  window.__firstNames = [...document.querySelectorAll("#first-view .map-label")].map((e) => {
    const b = e.getBoundingClientRect();
    return {text: e.textContent, box: [b.left, b.top, b.right, b.bottom]};
  });
});
"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_first_view_names_each_prefecture_where_the_map_then_does(live_server, browser, artifacts, width, height):
    browser.set_window_size(width, height)
    probe = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _FIRST_VIEW_NAMES})
    try:
        browser.get(f"{live_server}/?lang=en")
        first = WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.__firstNames"))
        markers = browser.execute_script("return window.__firstMarkers")
        assert markers > 0
        WebDriverWait(browser, 60).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#react-entry-point .facility-icon")) == markers
        )
        WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "first-view"))  # it waited for them
        names = _names("prefecture", "en")
        _settled(browser, MAP_LABELS + "-prefecture", names)
        drawn = browser.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map((e) => { const b = e.getBoundingClientRect();"
            " return {text: e.textContent, box: [b.left, b.top, b.right, b.bottom]}; })",
            MAP_LABELS + "-prefecture",
        )
        assert len(first) == len(drawn) == 17
        where = {f["text"]: f["box"] for f in first}
        for label in drawn:  # nothing jumps: each name was already there, within 3 px
            assert max(abs(a - b) for a, b in zip(label["box"], where[label["text"]], strict=True)) <= 3, label
        browser.save_screenshot(str(artifacts / f"labels-first-view-{width}.png"))
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": probe["identifier"]})
        browser.set_window_size(1366, 820)


def test_county_names_from_zoom_9_and_facility_names_from_zoom_11(live_server, browser, artifacts):
    browser.set_window_size(1366, 820)
    browser.get(f"{live_server}/?c=30.60000,114.30000&z=9")
    wuhan = _names("county", "zh", parent="420100")
    labels = _settled(browser, MAP_LABELS, wuhan)
    texts = [lb["text"] for lb in labels]
    assert len(texts) == len(set(texts))  # Tianmen, Xiantao...: named once, not at both levels
    assert not {t for t in texts if t.startswith(("中国", "国家"))}  # no facility names yet
    _no_overlaps(labels, browser.execute_script(_CONTROLS_JS))
    browser.save_screenshot(str(artifacts / "labels-zoom-9.png"))
    browser.get(f"{live_server}/?c=30.55000,114.35000&z=11")
    labels = _settled(browser, MAP_LABELS, {"国家超算武汉中心", "洪山区"})
    _no_overlaps(labels, browser.execute_script(_CONTROLS_JS))
    browser.save_screenshot(str(artifacts / "labels-zoom-11.png"))
