"""Small helpers for the benchmarks and the browser tests: a free port, a server subprocess, a headless Chromium.

Everything stays on 127.0.0.1. Each helper is a context manager that cleans up after
itself (terminate, then kill) within a bounded time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not come up at {url} (exit code {proc.poll()})") from None
            time.sleep(0.3)


@contextlib.contextmanager
def server(command: Sequence[str], ready_url: str, log_path: Path, timeout: float = 120) -> Iterator[None]:
    """Run ``command`` (a web server) until the block ends; wait until ``ready_url`` answers 200.

    The server's output goes to ``log_path``; on a start-up failure the log is part of the error.
    """
    with log_path.open("w") as log:
        proc = subprocess.Popen(list(command), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                _wait_until_up(ready_url, proc, timeout)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{log_path.read_text()}") from None
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def chromium_driver_path() -> str:
    """Debian's chromedriver (or ``HUBEI_MAP_CHROMEDRIVER``); RuntimeError saying how to install it."""
    driver_path = os.environ.get("HUBEI_MAP_CHROMEDRIVER") or shutil.which("chromedriver")
    if not driver_path:
        raise RuntimeError("chromedriver not found: sudo apt-get install -y chromium chromium-driver")
    return driver_path


def chromium_options(profile: str, *, performance_log: bool = True) -> webdriver.ChromeOptions:
    """Headless Chromium options with a fresh ``profile`` folder; browser console (and CDP network) logging."""
    chromium = os.environ.get("HUBEI_MAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise RuntimeError("Chromium not found: sudo apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    logs = {"browser": "ALL", "performance": "ALL"} if performance_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    return options


@contextlib.contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile and performance (CDP network) logging; quit on exit."""
    driver_path = chromium_driver_path()
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        driver = webdriver.Chrome(service=Service(driver_path), options=chromium_options(profile))
        try:
            driver.set_page_load_timeout(120)
            yield driver
        finally:
            driver.quit()


def choose(driver: webdriver.Chrome, dropdown_id: str, value: str) -> None:
    """Pick a value in a Dash 4 dropdown as a person does: open it, click the option."""
    WebDriverWait(driver, 60).until(ec.element_to_be_clickable((By.ID, dropdown_id))).click()
    option = WebDriverWait(driver, 20).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, f'.dash-dropdown-option:has(input[value="{value}"])'))
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
    option.click()
