from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
# One set of server and browser helpers for the tests and the benchmarks.
sys.path.insert(0, str(ROOT / "benchmarks"))
import harness  # noqa: E402


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots a person looks at after the run (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `hubei-map serve` as a user would, on a free port; yield its base URL."""
    port = harness.free_port()
    exe = Path(sys.executable).with_name("hubei-map")
    url = f"http://{harness.HOST}:{port}"
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    with harness.server([str(exe), "serve", "--port", str(port)], f"{url}/healthz", log_path, timeout=60):
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Headless Debian Chromium driven by selenium through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    try:
        options = harness.chromium_options(str(tmp_path_factory.mktemp("chromium-profile")), performance_log=False)
        driver = webdriver.Chrome(service=Service(harness.chromium_driver_path()), options=options)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield driver
    finally:
        driver.quit()


#: What Chromium writes in the console when the page's Content-Security-Policy blocks something.
CSP_VIOLATION = ("Content Security Policy", "Content-Security-Policy")


def csp_violations(entries: list[dict]) -> list[str]:
    """The console messages among ``entries`` (``driver.get_log('browser')``) that report a CSP violation."""
    return [e["message"] for e in entries if any(marker in e["message"] for marker in CSP_VIOLATION)]


@pytest.fixture(autouse=True)
def no_csp_violation(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that drives the browser: nothing the page did was blocked by its CSP.

    Reads (and so empties) the console log; tests that read it themselves look for SEVERE
    messages, which a CSP violation is, so none is missed.
    """
    yield
    if "browser" not in request.fixturenames:
        return
    violations = csp_violations(request.getfixturevalue("browser").get_log("browser"))
    assert not violations, "\n".join(violations)
