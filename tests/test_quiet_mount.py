"""``assets/quiet_mount.js``: no-op store updates are dropped while Dash mounts the page (issue 16).

The asset relies on what dash-renderer does with RESET_COMPONENT_STATE; the first test reads the
renderer's own source so that an upgrade that changes it fails here, not silently in the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import dash
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

RENDERER = Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.dev.js"


def test_the_renderer_still_resets_only_recorded_prop_changes():
    source = RENDERER.read_text(encoding="utf-8")
    # One dispatch per component mounted with a new render, naming the component's path ...
    assert re.search(r"dispatch\([^;]*resetComponentState\)\(\{\s*itempath: componentPath", source)
    # ... whose reducer only drops entries of layoutHashes under that path (nothing when it is empty) ...
    reducer = source[source.index("var layoutHashes = function layoutHashes()") :][:2000]
    assert "action.type === 'RESET_COMPONENT_STATE'" in reducer
    assert "return !key.startsWith(prefixStr);" in reducer
    assert "Object.fromEntries(Object.entries(state).filter(" in reducer
    # ... and nothing else names the action (its constant, its creator, that reducer); the store is
    # published as window.store.
    assert source.count("RESET_COMPONENT_STATE") == 3
    assert "window.store = _this.__store;" in source


def _stats(browser) -> dict:
    return browser.execute_script("return window.hubeiQuietMount")


def test_the_page_mounts_with_the_no_op_updates_dropped_and_later_ones_kept(live_server, browser):
    browser.get(live_server + "/")
    WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.unit-prefecture")) >= 17)
    mounted = _stats(browser)
    assert mounted["wrapped"] is True
    assert mounted["dropped"] > 100  # about one per component of the opening page
    # Once a prop has changed, the action is the renderer's again: opening a part (its contents set by a
    # callback) mounts new components without a single one dropped.
    browser.find_element(By.CSS_SELECTOR, ".units > summary").click()
    WebDriverWait(browser, 15).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#unit-list .unit-button")))
    assert _stats(browser)["dropped"] == mounted["dropped"]
    assert browser.execute_script("return Object.keys(window.store.getState().layoutHashes).length") > 0
