"""An accessibility audit (WCAG 2.1 AA) of the main views with axe-core, and keyboard use of the map's units.

axe-core is vendored in ``tests/fixtures/axe-core/`` (version and licence there); it is injected
into the page, never downloaded at test time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from app.web import ids
from app.web.first_view import ELEMENT_ID as FIRST_VIEW
from layers.catalogue import catalogue

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "fixtures" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
#: The rules WCAG 2.0/2.1 A and AA need, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = {"serious", "critical"}

#: The views audited: (name, address, CSS of an element that shows the view is drawn, how many).
VIEWS = [
    ("opening", "/", "path.unit-prefecture", 17),
    ("indicator", "/?ind=gdp_2023", "path.choropleth-unit", 17),
    ("drill-down", "/?ind=gdp_2023&unit=420500", "path.unit-drill", 13),
    ("comparison", "/?ind=gdp_2023&cmp=gdp_2020", f"#{ids.MAP2} path.choropleth-unit", 17),
    ("targets", "/?view=targets", "#targets-table tr.target-row", 50),
]

_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then((r) => done(JSON.stringify(r.violations)))
  .catch((e) => done(JSON.stringify({error: String(e)})));
"""


def _inject_axe(browser) -> None:
    if not browser.execute_script("return typeof window.axe !== 'undefined'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    assert browser.execute_script("return axe.version") == AXE_VERSION


def _audit(browser) -> list[dict]:
    """axe's violations of the page as it is now."""
    _inject_axe(browser)
    browser.set_script_timeout(120)
    result = json.loads(browser.execute_async_script(_RUN_AXE, TAGS))
    assert not isinstance(result, dict), result
    return result


def _readable(violations: list[dict]) -> str:
    """One paragraph per rule broken: impact, rule, help, and each offending element with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"        {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def _wait_drawn(browser, css: str, n: int) -> None:
    """Wait for ``n`` × ``css`` and for the first view to have faded out: the page a person then uses is audited
    (while the first view fades, its text and the map beneath blend, a state that lasts 0.4 s)."""
    WebDriverWait(browser, 60, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, css)) >= n and not d.find_elements(By.ID, FIRST_VIEW),
        message=f"expected {n} × {css} and no first view",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "address", "drawn", "n"), VIEWS, ids=[v[0] for v in VIEWS])
def test_axe_finds_no_serious_or_critical_violation(live_server, browser, artifacts, lang, name, address, drawn, n):
    sep = "&" if "?" in address else "?"
    browser.get(f"{live_server}{address}{sep}lang={lang}")
    _wait_drawn(browser, drawn, n)
    expected = "zh-CN" if lang == "zh" else "en"
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == expected)
    violations = _audit(browser)
    (artifacts / f"axe-{name}-{lang}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1))
    failing = [v for v in violations if v["impact"] in FAILING]
    assert not failing, f"axe {AXE_VERSION} on {address} ({lang}):\n{_readable(failing)}"


def _active(browser):
    return browser.switch_to.active_element


def _from_top(browser) -> None:
    """Nothing focused: the next Tab goes to the page's first control."""
    browser.execute_script("document.activeElement && document.activeElement.blur()")


def _tab_to(browser, matches, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies ``matches`` (at most ``limit`` times)."""
    for _ in range(limit):
        _active(browser).send_keys(Keys.TAB)
        if matches(_active(browser)):
            return
    raise AssertionError(f"not reached by Tab within {limit} presses")


def _detail_text(browser) -> str:
    panel = browser.find_element(By.ID, ids.DETAIL)
    return "" if panel.get_attribute("hidden") is not None else panel.text


def test_the_maps_units_are_reached_by_keyboard_and_open_their_profiles(live_server, browser, artifacts):
    browser.get(live_server + "/?lang=en")
    _wait_drawn(browser, "path.unit-prefecture", 17)
    # From the top of the page, Tab reaches the list of units; Enter opens it.
    _from_top(browser)
    _tab_to(browser, lambda e: e.tag_name == "summary" and "Units on the map" in e.text)
    _active(browser).send_keys(Keys.ENTER)
    _tab_to(browser, lambda e: e.text == "Wuhan", limit=5)
    _active(browser).send_keys(Keys.ENTER)
    # The profile opens (as a click on Wuhan's shape does) and takes the focus.
    WebDriverWait(browser, 15).until(lambda d: "Role in the layout" in _detail_text(d) and "Wuhan" in _detail_text(d))
    WebDriverWait(browser, 5).until(lambda d: _active(d).get_attribute("id") == ids.DETAIL)
    # Into the panel: drill down by keyboard; the list then names Wuhan's 13 districts.
    _tab_to(browser, lambda e: e.text == "Show its counties", limit=5)
    _active(browser).send_keys(Keys.ENTER)
    _wait_drawn(browser, "path.unit-drill", 13)
    counties = "#unit-list .counties .unit-button"
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, counties)) == 13)
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, counties) if b.text == "Wuchang District")
    button.send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda d: "Wuchang District" in _detail_text(d))
    WebDriverWait(browser, 5).until(lambda d: _active(d).get_attribute("id") == ids.DETAIL)
    browser.save_screenshot(str(artifacts / "units-list-keyboard.png"))
    # The state reached by keyboard passes the audit too; closing the panel returns the focus.
    failing = [v for v in _audit(browser) if v["impact"] in FAILING]
    assert not failing, _readable(failing)
    browser.find_element(By.ID, ids.DETAIL_CLOSE).send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: _active(d).text == "Wuchang District")


def test_every_panel_open_and_a_dropdown_open_pass_the_audit(live_server, browser, artifacts):
    browser.get(live_server + "/?ind=gdp_2023")
    _wait_drawn(browser, "path.choropleth-unit", 17)
    for summary in browser.find_elements(By.CSS_SELECTOR, "#sidebar details:not([open]) > summary"):
        browser.execute_script("arguments[0].click()", summary)
    # Each part made when first opened (the closed sections, every layer's "about") has its contents.
    filled = "return [...document.querySelectorAll('#sidebar .lazy-body')].every(b => b.children.length > 0)"
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(filled))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sidebar .lazy-body input[type=range]")) == len(catalogue())
    # A dropdown is reached by Tab as one stop (its button), and opens with Enter.
    trigger = browser.find_element(By.ID, ids.SCHEME)
    assert trigger.get_attribute("tabindex") == "0"
    assert (
        browser.find_element(By.CSS_SELECTOR, f"label[for={ids.SCHEME}]").get_attribute("id")
        in (trigger.get_attribute("aria-labelledby") or "").split()
    )
    trigger.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"))
    browser.save_screenshot(str(artifacts / "axe-panels-open.png"))
    failing = [v for v in _audit(browser) if v["impact"] in FAILING]
    assert not failing, _readable(failing)


def test_the_targets_view_is_used_by_keyboard_alone(live_server, browser, artifacts):
    rows = "#targets-table tr.target-row"
    browser.get(live_server + "/?view=targets&lang=en")
    _wait_drawn(browser, rows, 50)
    # The article filter (a dropdown) is one Tab stop, named by its label; Enter opens it, arrows choose.
    _from_top(browser)
    _tab_to(browser, lambda e: e.get_attribute("id") == ids.TARGETS_ARTICLE)
    label = browser.find_element(By.CSS_SELECTOR, f"label[for={ids.TARGETS_ARTICLE}]")
    assert _active(browser).get_attribute("aria-labelledby").split()[0] == label.get_attribute("id")
    _active(browser).send_keys(Keys.ENTER)
    in_list = "return !!document.activeElement.closest('.dash-dropdown-content')"
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(in_list))  # the focus is on the first option
    _active(browser).send_keys(Keys.ARROW_DOWN)  # from "All" to the first article (each option a radio)
    WebDriverWait(browser, 10).until(
        lambda d: _active(d).find_element(By.XPATH, "ancestor::label").text.startswith("Article ")
    )
    chosen = _active(browser).find_element(By.XPATH, "ancestor::label").text
    _active(browser).send_keys(Keys.ENTER)
    article = chosen.split()[1]
    WebDriverWait(browser, 15).until(lambda d: f"art={article}" in d.current_url)
    WebDriverWait(browser, 15).until(lambda d: 0 < len(d.find_elements(By.CSS_SELECTOR, rows)) < 50)
    # Each chart has a text alternative; "show on map" links are reached by Tab and followed by Enter.
    assert all(img.get_attribute("alt") for img in browser.find_elements(By.CSS_SELECTOR, "img.target-chart"))
    browser.save_screenshot(str(artifacts / "targets-keyboard.png"))
    failing = [v for v in _audit(browser) if v["impact"] in FAILING]
    assert not failing, _readable(failing)
    # Article 19's targets have places: Tab reaches a "show on map" link and Enter follows it.
    browser.get(live_server + "/?view=targets&lang=en&art=19")
    _wait_drawn(browser, rows, 1)
    _from_top(browser)
    _tab_to(browser, lambda e: "map-link" in (e.get_attribute("class") or ""), limit=80)
    _active(browser).send_keys(Keys.ENTER)
    _wait_drawn(browser, "path.unit-prefecture", 17)
    WebDriverWait(browser, 10).until(lambda d: "hl=T-art19" in d.current_url)
