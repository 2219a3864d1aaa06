"""Access control on a running server (`hubei-map serve` with HUBEI_MAP_AUTH=users): GDAL's OGC API client
(what QGIS uses) with basic auth, `curl`-style downloads, and the sign-in and sign-out flow in Chromium."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import harness
import pytest
import requests

from app.serve import users

PASSWORD = "a long team password"


@pytest.fixture(scope="module")
def users_server(tmp_path_factory):
    """`hubei-map serve` in `users` mode with one user (alice) and an audit trail; yields (url, audit file)."""
    folder = tmp_path_factory.mktemp("users-server")
    users.add_user(folder / "users.txt", "alice", PASSWORD)
    port = harness.free_port()
    url = f"http://{harness.HOST}:{port}"
    exe = str(Path(sys.executable).with_name("hubei-map"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUBEI_MAP_AUTH", "users")
        mp.setenv("HUBEI_MAP_USERS", str(folder / "users.txt"))
        mp.setenv("HUBEI_MAP_AUDIT_LOG", str(folder / "audit.log"))
        mp.setenv("HUBEI_MAP_HEAVY_ISOLATION", "thread")
        with harness.server([exe, "serve", "--port", str(port)], f"{url}/healthz", folder / "serve.log", timeout=90):
            yield url, folder / "audit.log"


def test_gdal_reads_the_ogc_api_with_basic_auth_as_qgis_does(users_server):
    import pyogrio
    from pyogrio.errors import DataSourceError

    url, _ = users_server
    source = f"OAPIF:{url}/ogc/"
    with pytest.raises(DataSourceError):
        pyogrio.read_dataframe(source, layer="prefectures")
    pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"alice:{PASSWORD}"})
    try:
        frame = pyogrio.read_dataframe(source, layer="prefectures")
    finally:
        pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": None, "GDAL_HTTP_USERPWD": None})
    assert len(frame) == 17


def test_a_script_downloads_with_basic_auth_and_the_download_is_on_record(users_server):
    url, audit_log = users_server
    refused = requests.get(f"{url}/export?layers=computing&format=gpkg", timeout=60)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic")
    got = requests.get(f"{url}/export?layers=computing&format=gpkg", auth=("alice", PASSWORD), timeout=120)
    assert got.status_code == 200 and got.content[:16] == b"SQLite format 3\x00"
    records = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    exports = [r for r in records if r["action"] == "export"]
    assert exports[-1]["user"] == "alice" and exports[-1]["bytes"] == len(got.content)
    assert requests.get(f"{url}/healthz", timeout=10).status_code == 200


@pytest.mark.browser
def test_sign_in_and_sign_out_in_chromium(users_server, browser, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, audit_log = users_server
    browser.delete_all_cookies()
    try:
        browser.get(url + "/?lang=en")
        WebDriverWait(browser, 30).until(lambda d: "/auth/sign-in" in d.current_url)
        assert browser.find_element(By.TAG_NAME, "h2").text == "登录"
        browser.find_element(By.CSS_SELECTOR, ".switch a").click()  # the page in English
        WebDriverWait(browser, 30).until(lambda d: d.find_element(By.TAG_NAME, "h2").text == "Sign in")
        browser.find_element(By.ID, "user").send_keys("alice")
        browser.find_element(By.ID, "password").send_keys("not it")
        browser.find_element(By.ID, "sign-in-button").click()
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".message"))
        assert "Wrong user name or password" in browser.find_element(By.CSS_SELECTOR, ".message").text
        browser.save_screenshot(str(artifacts / "sign-in-refused.png"))

        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.ID, "sign-in-button").click()
        WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.unit-prefecture")) == 17)
        assert "lang=en" in browser.current_url  # back to the view that was asked for
        header = browser.find_element(By.ID, "header").text
        assert "Signed in as alice" in header
        # the header keeps its fixed height (the first view is drawn without the sign-out form)
        lang_button = browser.find_element(By.CSS_SELECTOR, "#header .lang-button").size["height"]
        assert browser.find_element(By.CSS_SELECTOR, "#header form.sign-out").size["height"] == lang_button
        browser.save_screenshot(str(artifacts / "signed-in-map.png"))
        cookie = browser.get_cookie("hubei_map_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        browser.find_element(By.ID, "sign-out").click()
        WebDriverWait(browser, 30).until(lambda d: "/auth/sign-in" in d.current_url)
        assert "You have signed out" in browser.find_element(By.CSS_SELECTOR, ".message").text
        browser.get(url + "/")
        WebDriverWait(browser, 30).until(  # the session is gone
            lambda d: "/auth/sign-in" in d.current_url, message=f"not sent to sign in: {browser.current_url}"
        )
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]
        assert severe == []
    finally:
        browser.delete_all_cookies()
    outcomes = [json.loads(line)["outcome"] for line in audit_log.read_text(encoding="utf-8").splitlines()]
    assert "failed" in outcomes and "ok" in outcomes


@pytest.mark.slow
def test_gunicorn_with_two_workers_refuses_strangers_and_shares_the_session_key(tmp_path):
    """Under `serve --prod` the key is made once (in the master), so a session signed in on one worker
    is good on the other; every route but /healthz is refused without credentials."""
    import re

    users.add_user(tmp_path / "users.txt", "alice", PASSWORD)
    port = harness.free_port()
    url = f"http://{harness.HOST}:{port}"
    exe = str(Path(sys.executable).with_name("hubei-map"))
    command = [exe, "serve", "--prod", "--workers", "2", "--port", str(port)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUBEI_MAP_AUTH", "users")
        mp.setenv("HUBEI_MAP_USERS", str(tmp_path / "users.txt"))
        mp.setenv("HUBEI_MAP_WORK_DIR", str(tmp_path / "work"))
        with harness.server(command, f"{url}/healthz", tmp_path / "gunicorn.log", timeout=120):
            for path in ("/", "/_dash-layout", "/_dash-dependencies", "/data/layers/prefectures/z0.pbf", "/ogc/"):
                assert requests.get(url + path, timeout=30, allow_redirects=False).status_code in (302, 401), path
            session = requests.Session()
            page = session.get(f"{url}/auth/sign-in", timeout=30).text
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            signed = session.post(
                f"{url}/auth/sign-in",
                data={"user": "alice", "password": PASSWORD, "csrf": token, "next": "/"},
                allow_redirects=False,
                timeout=30,
            )
            assert signed.status_code == 303
            pids = set()
            for _ in range(12):  # new connections: both workers answer
                fresh = requests.get(f"{url}/healthz", timeout=30).json()["pid"]
                pids.add(fresh)
                layout = requests.get(f"{url}/_dash-layout", cookies=session.cookies, timeout=30)
                assert layout.status_code == 200
            assert len(pids) == 2
    assert (tmp_path / "users.txt.key").stat().st_mode & 0o077 == 0
