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
