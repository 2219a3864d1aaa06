"""Access control (issue 18): every route behind the guard in `users` and `proxy` mode, `/healthz` open;
the user file, basic auth, sign-in and sign-out, the lockout, public mode, and `serve --prod`'s refusal."""

from __future__ import annotations

import base64
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.serve import access, lockout, signin, users
from app.serve.server import create_app

PASSWORD = "correct horse battery"
SAMPLE_ARGS = {
    "filename": "hubei_map.css",
    "package_name": "dash",
    "fingerprinted_path": "dash-renderer/build/dash_renderer.min.js",
    "path": "anything",
    "layer_id": "prefectures",
    "band": "z0",
    "collection_id": "prefectures",
    "feature_id": "420100",
    "rest": "x",
}
OPEN = {"/healthz", "/auth/sign-in", "/auth/sign-in.css", "/auth/sign-out"}


def _basic(name: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def user_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.txt"
    users.add_user(path, "alice", PASSWORD)
    users.add_user(path, "bob", "another password")
    return path


@pytest.fixture(scope="module")
def users_app(user_file):
    """The app in `users` mode (the settings are read when it is built; the environment is restored after)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUBEI_MAP_AUTH", "users")
        mp.setenv("HUBEI_MAP_USERS", str(user_file))
        return create_app()


@pytest.fixture(autouse=True)
def _request_settings(monkeypatch, tmp_path):
    """What is read per request: a fresh lockout of 3 attempts, and an audit trail per test."""
    monkeypatch.setattr(signin, "LOCKOUT", signin.Lockout())
    monkeypatch.setenv("HUBEI_MAP_LOCKOUT_ATTEMPTS", "3")
    monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(tmp_path / "audit.log"))
    return tmp_path / "audit.log"


@pytest.fixture(scope="module")
def proxy_app():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUBEI_MAP_AUTH", "proxy")
        mp.setenv("HUBEI_MAP_TRUSTED_PROXIES", "10.0.0.0/24, 127.0.0.1")
        mp.setenv("HUBEI_MAP_AUTH_HEADER", "X-Forwarded-User")
        return create_app()


def _layout_text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def _csrf_of_sign_out(node) -> str | None:
    """The form token of the page's sign-out form (a hidden input named csrf)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("name") == "csrf":
            return props["value"]
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _csrf_of_sign_out(child)
        if found:
            return found
    return None


def _routes(app) -> list[tuple[str, str]]:
    """Every route of the app as (method, a concrete URL)."""
    found = []
    for rule in app.server.url_map.iter_rules():
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: SAMPLE_ARGS[m.group(1)], rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def test_the_route_list_covers_every_kind_of_route(users_app):
    urls = {url for _, url in _routes(users_app)}
    for expected in ("/", "/_dash-layout", "/_dash-update-component", "/export", "/ogc/", "/healthz"):
        assert expected in urls
    assert any(u.startswith("/_dash-component-suites/") for u in urls)
    assert any(u.startswith("/data/layers/") for u in urls)


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_users_mode_refuses_every_route_without_credentials(users_app, accept):
    client = users_app.server.test_client()
    for method, url in _routes(users_app):
        with client.open(url, method=method, headers={"Accept": accept}) as response:
            status = response.status_code
        if url in OPEN:
            assert status == (303 if url == "/auth/sign-out" else 200 if method == "GET" else 400), url
            continue
        if status == 302:  # a browser asking for a page goes to the sign-in page
            assert accept == "text/html" and method == "GET"
            assert response.headers["Location"].startswith("/auth/sign-in?next=")
            assert not url.startswith(("/_dash-", "/ogc/", "/export", "/data/")), url
        else:
            assert response.status_code == 401, (method, url, response.status_code)
            assert "sign-in required" in response.get_json()["error"]


def test_users_mode_lets_basic_auth_reach_every_route(users_app):
    client = users_app.server.test_client()
    for method, url in _routes(users_app):
        if method == "POST" or url.startswith("/export"):
            continue  # the callback route needs a body; /export is a heavy job (tested below)
        with client.open(url, method=method, headers=_basic("alice", PASSWORD)) as response:
            assert response.status_code not in (302, 401, 403, 429), (url, response.status_code)


def test_ogc_with_basic_auth_as_qgis_sends_it(users_app):
    client = users_app.server.test_client()
    refused = client.get("/ogc/collections")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    items = client.get("/ogc/collections/prefectures/items?limit=20", headers=_basic("alice", PASSWORD))
    assert items.status_code == 200 and len(items.get_json()["features"]) == 17
    wrong = client.get("/ogc/collections", headers=_basic("alice", "not the password"))
    assert wrong.status_code == 401


def test_the_dash_callback_route_is_refused_without_credentials_and_has_no_challenge(users_app):
    client = users_app.server.test_client()
    response = client.post("/_dash-update-component", json={"output": "x.children", "inputs": []})
    assert response.status_code == 401 and "WWW-Authenticate" not in response.headers


def _sign_in(client, name: str, password: str, next_path: str = "/"):
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/auth/sign-in", data={"user": name, "password": password, "csrf": token, "next": next_path})


def test_sign_in_sets_a_hardened_session_cookie_and_sign_out_ends_it(users_app):
    client = users_app.server.test_client()
    response = _sign_in(client, "alice", PASSWORD, "/?lang=en")
    assert response.status_code == 303 and response.headers["Location"] == "/?lang=en"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP here
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert "已登录：alice" in _layout_text(layout) and "/auth/sign-out" in _layout_text(layout)
    value = _csrf_of_sign_out(layout.get_json())
    assert value
    assert client.post("/auth/sign-out", data={"csrf": "forged"}).status_code == 400
    out = client.post("/auth/sign-out", data={"csrf": value, "lang": "en"})
    assert out.status_code == 303 and "out=1" in out.headers["Location"]
    assert client.get("/_dash-layout").status_code == 401
    again = client.post("/auth/sign-out", data={"csrf": value})  # an old page's button: back to the sign-in page
    assert again.status_code == 303 and again.headers["Location"].startswith("/auth/sign-in?")


def test_a_request_still_running_at_sign_out_cannot_sign_the_user_back_in(users_app):
    """Only sign-in and sign-out send the cookie: a response to a request made with the old cookie
    (a layer or callback still loading when the button is pressed) carries none to restore it."""
    client = users_app.server.test_client()
    _sign_in(client, "alice", PASSWORD)
    old_cookie = client.get_cookie("hubei_map_session").value
    for path in ("/", "/_dash-layout", "/ogc/collections", "/data/layers/prefectures/z7-8.pbf"):
        response = client.get(path)
        assert response.status_code in (200, 304), path
        assert "Set-Cookie" not in response.headers, path
    token = _csrf_of_sign_out(client.get("/_dash-layout").get_json())
    signed_out = client.post("/auth/sign-out", data={"csrf": token})
    assert signed_out.status_code == 303 and "Set-Cookie" in signed_out.headers
    late = users_app.server.test_client()  # the old page's request, answered after the sign-out
    late.set_cookie("hubei_map_session", old_cookie)
    assert "Set-Cookie" not in late.get("/_dash-layout").headers


def test_the_session_cookie_is_secure_behind_tls(users_app):
    client = users_app.server.test_client()
    page = client.get("/auth/sign-in", base_url="https://map.example").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/sign-in",
        data={"user": "alice", "password": PASSWORD, "csrf": token, "next": "/"},
        base_url="https://map.example",
    )
    assert response.status_code == 303 and "; Secure" in response.headers["Set-Cookie"]


def test_sign_in_refuses_a_wrong_password_a_missing_token_and_a_foreign_next(users_app):
    client = users_app.server.test_client()
    wrong = _sign_in(client, "bob", "wrong one")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    no_token = client.post("/auth/sign-in", data={"user": "bob", "password": "another password"})
    assert no_token.status_code == 400
    foreign = _sign_in(client, "bob", "another password", "//evil.example/x")
    assert foreign.status_code == 303 and foreign.headers["Location"] == "/"


def test_the_sign_in_page_is_in_both_languages_and_escapes_what_it_echoes(users_app):
    client = users_app.server.test_client()
    english = client.get("/auth/sign-in?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "User name" in english and "Sign in" in english
    chinese = client.get("/auth/sign-in").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "用户名" in chinese and "密码" in chinese
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    echoed = client.post(
        "/auth/sign-in", data={"user": '"><script>x()</script>', "password": "p", "csrf": token, "next": "/"}
    ).get_data(as_text=True)
    assert "<script>x()" not in echoed and "&lt;script&gt;" in echoed


def test_lockout_after_repeated_failures_refuses_even_the_right_password(users_app, monkeypatch, tmp_path):
    monkeypatch.setattr(signin, "LOCKOUT", lockout.SharedLockout(tmp_path / "users.lockout"))
    client = users_app.server.test_client()
    for _ in range(3):
        assert client.get("/ogc/", headers=_basic("bob", "guess")).status_code == 401
    locked = client.get("/ogc/", headers=_basic("bob", "another password"))
    assert locked.status_code == 429
    form = _sign_in(client, "bob", "another password")
    assert form.status_code == 429 and "分钟后再试" in form.get_data(as_text=True)
    # the address is locked too: another user from the same address waits as well
    assert client.get("/ogc/", headers=_basic("alice", PASSWORD)).status_code == 429
    # the lockout is time-based: once the window has passed, the right password works again
    monkeypatch.setenv("HUBEI_MAP_LOCKOUT_SECONDS", "1")
    import time

    time.sleep(1.1)
    assert client.get("/ogc/", headers=_basic("bob", "another password")).status_code == 200


def test_the_lockout_is_shared_by_worker_processes(tmp_path, monkeypatch):
    """Two workers (two SharedLockout objects on one file) count the same failures."""
    monkeypatch.setenv("HUBEI_MAP_LOCKOUT_SECONDS", "600")
    first, second = lockout.SharedLockout(tmp_path / "f"), lockout.SharedLockout(tmp_path / "f")
    keys = ["user:bob", "addr:10.0.0.9"]
    first.fail(keys)
    second.fail(keys)
    assert first.wait(keys) == 0 and second.wait(["user:bob"]) == 0
    first.fail(["user:bob"])
    assert 590 < second.wait(["user:bob"]) <= 600 and second.wait(["addr:10.0.0.9"]) == 0
    second.clear(["user:bob"])
    assert first.wait(keys) == 0
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600


def test_the_users_app_keeps_its_lockout_beside_the_user_file(users_app, user_file):
    assert (user_file.parent / (user_file.name + ".lockout")).exists()


def test_sign_ins_and_failures_are_in_the_audit_trail(users_app, _request_settings):
    audit_log = _request_settings
    client = users_app.server.test_client()
    _sign_in(client, "alice", PASSWORD)
    users_app.server.test_client().get("/ogc/", headers=_basic("alice", "nope"))
    lines = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    form = [e for e in lines if e["action"] == "sign-in" and e["method"] == "form" and e["outcome"] == "ok"]
    basic = [e for e in lines if e["action"] == "sign-in" and e["method"] == "basic" and e["outcome"] == "failed"]
    assert form and form[-1]["user"] == "alice" and form[-1]["address"] == "127.0.0.1"
    assert basic and "nope" not in audit_log.read_text(encoding="utf-8")  # never a password


def test_an_unwritable_audit_trail_refuses_the_sign_in(users_app, monkeypatch, tmp_path):
    monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(tmp_path / "missing-folder" / "audit.log"))
    client = users_app.server.test_client()
    response = _sign_in(client, "alice", PASSWORD)
    assert response.status_code == 503 and "审计日志无法写入" in response.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_a_removed_user_or_a_new_password_ends_the_session(users_app, user_file):
    client = users_app.server.test_client()
    users.add_user(user_file, "carol", "carol's password")
    assert _sign_in(client, "carol", "carol's password").status_code == 303
    assert client.get("/_dash-layout").status_code == 200
    users.add_user(user_file, "carol", "a new password!", replace=True)
    assert client.get("/_dash-layout").status_code == 401
    users.remove_user(user_file, "carol")
    assert client.get("/ogc/", headers=_basic("carol", "a new password!")).status_code == 401


# --- proxy mode ------------------------------------------------------------------------------


def test_proxy_mode_refuses_every_route_without_the_header(proxy_app):
    client = proxy_app.server.test_client()
    for method, url in _routes(proxy_app):
        with client.open(url, method=method, environ_base={"REMOTE_ADDR": "10.0.0.7"}) as response:
            status = response.status_code
        assert status == (200 if url == "/healthz" else 403), (method, url)


def test_proxy_mode_trusts_the_header_only_from_a_trusted_hop(proxy_app):
    client = proxy_app.server.test_client()
    header = {"X-Forwarded-User": "zhang.san"}
    trusted = client.get("/ogc/", headers=header, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert trusted.status_code == 200
    untrusted = client.get("/ogc/", headers=header, environ_base={"REMOTE_ADDR": "192.168.1.20"})
    assert untrusted.status_code == 403 and "trusted proxy" in untrusted.get_json()["error"]
    other_header = client.get("/ogc/", headers={"X-Remote-User": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other_header.status_code == 403


def test_proxy_mode_believes_the_connecting_hop_not_a_forwarded_address(proxy_app, monkeypatch):
    """With ProxyFix on, X-Forwarded-For cannot make an untrusted peer look like a trusted proxy."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    server = proxy_app.server
    monkeypatch.setattr(server, "wsgi_app", ProxyFix(server.wsgi_app, x_for=1))
    client = server.test_client()
    spoof = {"X-Forwarded-User": "admin", "X-Forwarded-For": "10.0.0.7"}
    assert client.get("/ogc/", headers=spoof, environ_base={"REMOTE_ADDR": "192.168.1.20"}).status_code == 403
    real = {"X-Forwarded-User": "li.si", "X-Forwarded-For": "203.0.113.9"}
    assert client.get("/ogc/", headers=real, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200


# --- the user file -----------------------------------------------------------------------------


def test_the_user_file_holds_argon2_hashes_never_the_password(tmp_path):
    path = tmp_path / "users.txt"
    users.add_user(path, "alice", PASSWORD)
    users.add_user(path, "bob", PASSWORD)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text and base64.b64encode(PASSWORD.encode()).decode() not in text
    hashes = dict(line.split(":", 1) for line in text.splitlines())
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert hashes["alice"] != hashes["bob"]  # salted
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert users.verify(users.read_users(path), "alice", PASSWORD)
    assert not users.verify(users.read_users(path), "alice", PASSWORD + "x")
    assert not users.verify(users.read_users(path), "nobody", PASSWORD)


def test_the_user_file_refuses_bad_names_short_passwords_duplicates_and_bad_lines(tmp_path):
    path = tmp_path / "users.txt"
    with pytest.raises(users.UserFileError, match="user name 'a:b'"):
        users.add_user(path, "a:b", PASSWORD)
    with pytest.raises(users.UserFileError, match="at least 8"):
        users.add_user(path, "alice", "short")
    users.add_user(path, "alice", PASSWORD)
    with pytest.raises(users.UserFileError, match="exists already"):
        users.add_user(path, "alice", PASSWORD)
    path.write_text(path.read_text() + "mallory:plaintext\n")
    with pytest.raises(users.UserFileError, match="line 2"):
        users.read_users(path)


def _cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    exe = str(Path(sys.executable).with_name("hubei-map"))
    return subprocess.run(
        [exe, *args], input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60
    )


def test_users_command_adds_from_stdin_lists_and_removes(tmp_path):
    path = tmp_path / "team.users"
    env = {"HUBEI_MAP_USERS": str(path)}
    added = _cli("users", "add", "wang.wu", stdin=PASSWORD + "\n", env=env)
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    assert users.verify(users.read_users(path), "wang.wu", PASSWORD)
    assert _cli("users", "list", env=env).stdout.split() == ["wang.wu"]
    again = _cli("users", "add", "wang.wu", stdin=PASSWORD + "\n", env=env)
    assert again.returncode == 2 and "exists already" in again.stderr
    assert _cli("users", "remove", "wang.wu", env=env).returncode == 0
    assert _cli("users", "list", env=env).stdout.strip() == ""
    missing = _cli("users", "remove", "nobody", env=env)
    assert missing.returncode == 2 and "no user 'nobody'" in missing.stderr


# --- modes and serving -------------------------------------------------------------------------


def test_serve_prod_refuses_to_start_without_an_access_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("HUBEI_MAP_AUTH", raising=False)
    monkeypatch.delenv("HUBEI_MAP_AUDIT_LOG", raising=False)
    problem = access.startup_problem
    assert "HUBEI_MAP_AUTH" in problem(prod=True)
    assert problem(prod=False) is None  # the development server stays open
    monkeypatch.setenv("HUBEI_MAP_AUTH", "public")
    assert problem(prod=True) is None
    monkeypatch.setenv("HUBEI_MAP_AUTH", "users")
    assert "HUBEI_MAP_USERS" in problem(prod=True)
    monkeypatch.setenv("HUBEI_MAP_AUTH", "sso")
    assert "must be one of users, proxy, public" in problem(prod=True)
    monkeypatch.setenv("HUBEI_MAP_AUTH", "public")
    (tmp_path / "audit-is-a-folder").mkdir()
    monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(tmp_path / "audit-is-a-folder"))
    assert "cannot be written" in problem(prod=True)
    run = _cli("serve", "--prod", "--port", "1", env={"HUBEI_MAP_AUTH": "", "HUBEI_MAP_AUDIT_LOG": ""})
    assert run.returncode == 2 and "HUBEI_MAP_AUTH" in run.stderr


def test_a_plain_gunicorn_command_refuses_to_start_without_an_access_mode():
    import os

    command = [sys.executable, "-m", "gunicorn", "--config", "python:app.serve.gunicorn_conf", "--bind"]
    env = {k: v for k, v in os.environ.items() if k not in ("HUBEI_MAP_AUTH", "HUBEI_MAP_AUDIT_LOG")}
    run = subprocess.run(
        [*command, "127.0.0.1:1", "app.serve.wsgi:server"], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode != 0 and "HUBEI_MAP_AUTH" in run.stderr


def test_a_bad_trusted_proxy_list_names_the_variable(monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_AUTH", "proxy")
    monkeypatch.setenv("HUBEI_MAP_TRUSTED_PROXIES", "10.0.0.0/24, nginx.local")
    with pytest.raises(access.AccessConfigError, match=r"HUBEI_MAP_TRUSTED_PROXIES: 'nginx\.local'"):
        access.load()


def test_public_mode_says_so_in_the_log_and_on_the_page(monkeypatch, capsys):
    monkeypatch.setenv("HUBEI_MAP_AUTH", "public")
    app = create_app()
    assert "publicly reachable" in capsys.readouterr().err
    client = app.server.test_client()
    layout = client.get("/_dash-layout", headers={"Referer": "http://x/?lang=en"})
    assert layout.status_code == 200 and "publicly reachable by anyone" in _layout_text(layout)
    assert client.get("/ogc/").status_code == 200


def test_the_open_development_server_shows_no_access_note(monkeypatch):
    monkeypatch.delenv("HUBEI_MAP_AUTH", raising=False)
    from app.web import page

    layout = json.dumps(page.shell("lang=en").to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "public-note" not in layout and "sign-out" not in layout
