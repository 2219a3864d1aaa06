"""Hostile text in headless Chromium: every place the page shows data text shows it literally, nothing runs.

The server runs on a copy of the data folder whose facility, layer, source, unit and
indicator texts carry script payloads (``tests/corpus_web.py``). Each test hovers,
clicks, searches and opens panels as a person would, then checks that no payload ran
(``window.__xss`` is unset), that no element a payload would create exists, and that the
payload's text is on the page as text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import corpus_web as cw
import harness
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.web import ids
from layers import user_indicators

pytestmark = pytest.mark.browser
H = cw.HOSTILE_TEXT
EXE = Path(sys.executable).with_name("hubei-map")
#: Elements a payload creates if it is parsed as HTML.
INJECTED = 'img[src="x"], svg[onload], iframe[srcdoc], [onmouseover], [onerror], a[href^="javascript"]'


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cw.make_hostile_data(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def hostile_server(hostile_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """`hubei-map serve` on the hostile data folder (HUBEI_MAP_DATA)."""
    port = harness.free_port()
    url = f"http://{harness.HOST}:{port}"
    command = ["env", f"HUBEI_MAP_DATA={hostile_data}", str(EXE), "serve", "--port", str(port)]
    with harness.server(command, f"{url}/healthz", tmp_path_factory.mktemp("server") / "serve.log", timeout=60):
        yield url


#: Opens the tooltip of every feature of every GeoJSON layer of a folium page; returns their texts.
OPEN_ALL_TOOLTIPS = """
const texts = [];
for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!(layer instanceof L.GeoJSON) || !layer.getTooltip()) { continue; }
    layer.eachLayer(function (feature) {
        if (!feature._map) { return; }
        const at = feature.getLatLng ? feature.getLatLng() : feature.getBounds().getCenter();
        feature.fire("mouseover", {latlng: at}, true);  // as the mouse does: propagates to the layer
        texts.push(layer.getTooltip().getElement().innerText);
        feature.fire("mouseout", {latlng: at}, true);
    });
}
return texts;
"""


def assert_inert(browser) -> None:
    """No payload ran and none became an element."""
    assert browser.execute_script("return window.__xss") is None, "a payload ran"
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.outerHTML.slice(0, 120))", INJECTED
    )
    assert found == [], found


def _wait_text(browser, element_id: str, text: str, timeout: float = 20) -> str:
    # The element may not be drawn yet (the page renders after the address loads) or be redrawn meanwhile.
    WebDriverWait(browser, timeout, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]).until(
        lambda d: text in d.find_element(By.ID, element_id).text, message=f"{text!r} in #{element_id}"
    )
    return str(browser.find_element(By.ID, element_id).text)


def _map_centre_action(browser) -> ActionChains:
    return ActionChains(browser).move_to_element(browser.find_element(By.ID, ids.MAP))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_data_text_is_shown_as_text(hostile_server, browser, artifacts, lang):
    en = lang == "en"
    # Wuhan at the centre, the computing facilities and GDP 2023 on.
    browser.get(
        f"{hostile_server}/?lang={lang}&layers=prefectures,computing&ind={cw.INDICATOR_ID}&c=30.60000,114.30000&z=8"
    )
    # Legend: indicator title and unit.
    title = H["indicator_title_en" if en else "indicator_title_zh"]
    _wait_text(browser, ids.LEGEND, title)
    _wait_text(browser, ids.LEGEND, H["indicator_unit_en" if en else "indicator_unit_zh"])
    assert_inert(browser)

    # Layer panel: title, and description one click away.
    row = browser.find_element(By.CSS_SELECTOR, f".layer-row-{cw.LAYER_ID}")
    assert H["layer_title_en" if en else "layer_title_zh"] in row.text
    group = browser.find_element(By.CSS_SELECTOR, f".layer-group:has(.layer-row-{cw.LAYER_ID})")
    group.find_element(By.CSS_SELECTOR, ".layer-about summary").click()
    described = H["layer_description_en" if en else "layer_description_zh"]
    WebDriverWait(browser, 10).until(lambda d: described in group.text)
    assert_inert(browser)

    # The facility: its marker's title, hover tooltip, and the record a click opens.
    name = H["facility_name_zh"]
    marker = WebDriverWait(browser, 30).until(
        lambda d: next(
            (m for m in d.find_elements(By.CSS_SELECTOR, ".facility-icon") if m.get_attribute("title") == name), None
        )
    )
    ActionChains(browser).move_to_element(marker).perform()
    tooltip = WebDriverWait(browser, 10).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".unit-tooltip")))
    WebDriverWait(browser, 10).until(lambda d: H["facility_name_en"] in tooltip.text and name in tooltip.text)
    assert_inert(browser)
    marker.click()
    record = _wait_text(browser, ids.DETAIL, H["facility_note"])
    for text in (name, H["facility_name_en"], H["facility_operator"], H["source_title"], cw.JS_URL):
        assert text in record, text
    browser.save_screenshot(str(artifacts / f"hostile-facility-record-{lang}.png"))
    assert_inert(browser)
    browser.find_element(By.ID, ids.DETAIL_CLOSE).click()

    # Wuhan: hover names it (tooltip and info panel), a click opens its profile.
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()  # the markers cover Wuhan's centre
    WebDriverWait(browser, 10).until(lambda d: not marker.is_displayed())
    _map_centre_action(browser).perform()
    _wait_text(browser, ids.INFO, H["unit_name_en"])
    _wait_text(browser, ids.INFO, title)  # the hover value line names the indicator
    assert H["unit_name_en"] in browser.find_element(By.CSS_SELECTOR, ".unit-tooltip").text
    assert_inert(browser)
    _map_centre_action(browser).click().perform()
    profile = _wait_text(browser, ids.DETAIL, H["unit_name_en"])
    assert title in profile and H["facility_name_en" if en else "facility_name_zh"] in profile
    assert H["source_title"] in profile  # the GDP value's source line
    browser.save_screenshot(str(artifacts / f"hostile-unit-profile-{lang}.png"))
    assert_inert(browser)

    # Table view (en: unit names in English).
    browser.find_element(By.CSS_SELECTOR, ".table-view summary").click()
    table = browser.find_element(By.ID, ids.TABLE_VIEW)
    WebDriverWait(browser, 20).until(lambda d: len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 17)
    if en:
        assert H["unit_name_en"] in table.text
    assert_inert(browser)

    # Search: a facility and a unit.
    box = browser.find_element(By.ID, ids.SEARCH)
    box.send_keys("XSS-facility", Keys.ENTER)
    _wait_text(browser, ids.SEARCH_RESULTS, H["facility_name_zh"])
    box.clear()
    box.send_keys(cw.UNIT_CODE, Keys.ENTER)
    _wait_text(browser, ids.SEARCH_RESULTS, H["unit_name_en"])
    assert_inert(browser)

    # The indicator dropdown lists the title as text.
    browser.find_element(By.ID, ids.INDICATOR).click()
    option = WebDriverWait(browser, 10).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'.dash-dropdown-option:has(input[value="{cw.INDICATOR_ID}"])')
        )
    )
    assert title in option.text
    browser.save_screenshot(str(artifacts / f"hostile-dropdown-{lang}.png"))
    assert_inert(browser)


def _open_upload_panel(browser) -> None:
    """Open the upload panel once the page has drawn it (the page is drawn after the load event)."""
    WebDriverWait(browser, 60).until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".upload summary"))).click()
    # Its contents are made when it is first opened.
    WebDriverWait(browser, 15).until(ec.visibility_of_element_located((By.ID, ids.UPLOAD_TITLE)))


def test_an_uploaded_indicator_with_hostile_title_and_unit(hostile_server, browser, artifacts, tmp_path):
    table = tmp_path / cw.UPLOAD_FILENAME
    table.write_text(cw.UPLOAD_CSV, encoding="utf-8")
    browser.get(f"{hostile_server}/?layers=prefectures&c=30.60000,114.30000&z=8")
    _open_upload_panel(browser)
    browser.find_element(By.ID, ids.UPLOAD_TITLE).send_keys(cw.UPLOAD_TITLE)
    browser.find_element(By.ID, ids.UPLOAD_UNIT).send_keys(cw.UPLOAD_UNIT, Keys.TAB)  # debounced: committed on blur
    browser.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD} input[type=file]").send_keys(str(table))
    _wait_text(browser, ids.UPLOAD_RESULT, cw.UPLOAD_TITLE)
    legend = _wait_text(browser, ids.LEGEND, cw.UPLOAD_TITLE)
    assert cw.UPLOAD_UNIT in legend and cw.UPLOAD_FILENAME in legend
    _map_centre_action(browser).perform()
    _wait_text(browser, ids.INFO, cw.UPLOAD_TITLE)
    browser.save_screenshot(str(artifacts / "hostile-upload.png"))
    assert_inert(browser)


def test_an_upload_over_the_size_limit_is_refused_with_a_message(hostile_server, browser, tmp_path):
    big = tmp_path / "big.csv"
    row = "420100,1\n"
    big.write_text("code,value\n" + row * (user_indicators.MAX_BYTES // len(row) + 1), encoding="utf-8")
    assert big.stat().st_size > user_indicators.MAX_BYTES
    browser.get(f"{hostile_server}/?lang=en")
    _open_upload_panel(browser)
    browser.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD} input[type=file]").send_keys(str(big))
    # dcc.Upload does not send it (max_size); the page says why, as text.
    message = _wait_text(browser, ids.UPLOAD_SIZE_NOTE, "limit")
    size, limit = f"{big.stat().st_size:,}", f"{user_indicators.MAX_BYTES:,}"
    assert message == f"big.csv: {size} bytes is over the {limit}-byte limit for a table; not uploaded"
    assert browser.find_element(By.ID, ids.UPLOAD_RESULT).text == ""
    # A file name is shown as text too; a good file afterwards clears the note.
    hostile = tmp_path / cw.UPLOAD_FILENAME
    hostile.write_bytes(big.read_bytes())
    upload = browser.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD} input[type=file]")
    upload.send_keys(str(hostile))
    _wait_text(browser, ids.UPLOAD_SIZE_NOTE, cw.UPLOAD_FILENAME)
    assert_inert(browser)
    small = tmp_path / "small.csv"
    small.write_text(cw.UPLOAD_CSV, encoding="utf-8")
    upload.send_keys(str(small))
    _wait_text(browser, ids.UPLOAD_RESULT, "2 of 17")
    assert not browser.find_element(By.ID, ids.UPLOAD_SIZE_NOTE).is_displayed()


def test_the_offline_html_map_shows_hostile_text_as_text(hostile_data, browser, artifacts, tmp_path):
    out = tmp_path / "map.html"
    options = ["--layers", f"prefectures,{cw.LAYER_ID}", "--indicator", cw.INDICATOR_ID, "--lang", "en"]
    command = ["env", f"HUBEI_MAP_DATA={hostile_data}", str(EXE), "html", "--out", str(out), *options]
    subprocess.run(command, check=True, capture_output=True)
    browser.get(out.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-interactive"))
    assert_inert(browser)
    page = browser.find_element(By.TAG_NAME, "body").text
    for text in (H["layer_title_en"], H["indicator_title_en"], H["source_title"]):
        assert text in page, text  # layer switcher, legend, footer
    # Open every feature's tooltip (markers share points, so hovering cannot reach them all):
    # folium's tooltip function (the layer's) builds each one as it opens.
    texts = browser.execute_script(OPEN_ALL_TOOLTIPS)
    assert any(H["facility_name_en"] in t for t in texts), texts
    assert any(H["unit_name_en"] in t for t in texts), texts
    assert any(H["indicator_unit_en"] in t for t in texts), texts  # the value line
    browser.save_screenshot(str(artifacts / "hostile-offline-html.png"))
    assert_inert(browser)
