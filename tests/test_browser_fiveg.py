"""The 5G coverage layer in the browser: every unit drawn, no-data units grey, a click shows value, date and source."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.web import ids
from layers import features, style

pytestmark = pytest.mark.browser

CSS = "path.unit-fiveg_coverage"


def _paths(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, CSS)


def test_5g_layer_draws_every_unit_and_its_record_names_value_date_and_source(live_server, browser, artifacts):
    browser.get(live_server + "/?layers=prefectures,province,5g_coverage")
    WebDriverWait(browser, 60).until(lambda d: len(_paths(d)) == 17, message="17 units of the 5G layer")
    colours = style.style("fiveg_coverage")["categories"]["colors"]
    fills = [p.get_attribute("fill") for p in _paths(browser)]
    data = features.layer_data("5g_coverage")
    expected = data["coverage_class"].map(colours).str.lower().value_counts().to_dict()
    assert {f.lower(): fills.count(f) for f in set(fills)} == expected  # 15 units grey: no data, not zero
    legend_row = browser.find_element(By.CSS_SELECTOR, ".layer-categories-5g_coverage").text
    assert "未找到公开数据（无数据，非零）" in legend_row and "有公开数据 · 千兆城市" in legend_row

    # Click the unit drawn in the colour of "figure published · gigabit city" (Wuhan): its record.
    blue = colours["figure_gigabit_city"].lower()
    wuhan = next(p for p in _paths(browser) if p.get_attribute("fill").lower() == blue)
    ActionChains(browser).move_to_element(wuhan).click().perform()
    panel = browser.find_element(By.ID, ids.DETAIL)
    try:
        WebDriverWait(browser, 15).until(lambda d: panel.get_attribute("hidden") is None and "34000" in panel.text)
    finally:
        browser.save_screenshot(str(artifacts / "map-5g-coverage.png"))
    for words in ("5G基站数（个）", "2022-09-28", "[T18]", "千兆城市", "第18条"):
        assert words in panel.text, words
