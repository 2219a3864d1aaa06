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
    WebDriverWait(browser, 60, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, css)) >= n, message=f"expected {n} × {css}"
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
