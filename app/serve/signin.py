"""Signing in and out in ``users`` mode: the sign-in page, the session, basic auth and the lockout.

The page is a Jinja2 template (``templates/sign_in.html``, autoescaped) in both languages (words
from ``app/i18n.py``), with its own style sheet (no inline style or script). The form carries a
token kept in the session (no cross-site sign-in). After ``HUBEI_MAP_LOCKOUT_ATTEMPTS`` failures
within ``HUBEI_MAP_LOCKOUT_SECONDS`` for a user name or an address, that name or address is refused
(even with the right password) until the oldest failure ages out. The counts are kept in
``<user file>.lockout`` (SQLite), which every worker process shares (``app/serve/lockout.py``).
Every sign-in and every failure is a line in the audit trail.
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, redirect, request, session

from app import audit
from app.i18n import t
from app.serve import access as acc
from app.serve import users as userfile
from app.serve.lockout import Lockout, SharedLockout

TEMPLATES = Path(__file__).with_name("templates")


#: The failure counts: in memory until ``register`` puts them in a file all workers share.
LOCKOUT: Lockout | SharedLockout = Lockout()


def _keys(name: str) -> list[str]:
    return [f"user:{name}", f"addr:{request.remote_addr}"]


def check_password(access: acc.Access, name: str, password: str, method: str) -> str:
    """``ok``, ``failed`` or ``locked`` for a sign-in attempt; counts failures and writes the audit line.

    Raises ``audit.AuditError`` when the audit line cannot be written (the sign-in is then refused).
    """
    keys = _keys(name)
    if LOCKOUT.wait(keys) > 0:
        outcome = "locked"
    elif access.users_path is not None and userfile.verify(acc.current_users(access.users_path), name, password):
        outcome = "ok"
    else:
        outcome = "failed"
    if outcome == "failed":
        LOCKOUT.fail(keys)
    if outcome != "ok" or method == "form":  # basic auth comes with every request: only its failures are news
        audit.record("sign-in", outcome=outcome, as_user=name[:64], method=method)
    if outcome == "ok":
        LOCKOUT.clear(keys[:1])
    return outcome


def basic_auth(access: acc.Access) -> Response | None:
    """``before_request`` for a request with HTTP basic credentials: None to let it through, else the refusal."""
    auth = request.authorization
    name = (auth.username or "") if auth else ""
    password = (auth.password or "") if auth else ""
    try:
        outcome = check_password(access, name, password, "basic")
    except audit.AuditError:
        return acc.refused(503, "audit_failed")
    if outcome == "ok":
        g.hubei_user = name
        return None
    if outcome == "locked":
        return acc.refused(429, "signin_locked_short")
    return acc.refused(401, "signin_failed", challenge=True)


def sign_in_url(next_path: str = "/", **extra: str) -> str:
    """The sign-in page's address, coming back to ``next_path`` afterwards."""
    return "/auth/sign-in?" + urlencode({"next": next_path, **extra})


def _safe_next(value: str | None) -> str:
    """A local path to go back to (never another site: ``//host`` and backslash forms are refused)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\n" in value or "\r" in value:
        return "/"
    return value


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def _page(lang: str, *, message: str = "", status: int = 200, name: str = "") -> Response:
    """The sign-in page in ``lang`` (the session's form token, made if it has none)."""
    session.setdefault("csrf", secrets.token_urlsafe(24))
    other = "en" if lang == "zh" else "zh"
    words = {key: t(key, lang) for key in ("title", "signin_title", "signin_intro", "signin_user", "signin_password")}
    body = (
        _environment()
        .get_template("sign_in.html")
        .render(
            lang="en" if lang == "en" else "zh-CN",
            words=words,
            button=t("signin_button", lang),
            switch=t("switch_lang", lang),
            switch_href=sign_in_url(_safe_next(request.values.get("next")), lang=other),
            action="/auth/sign-in?" + urlencode({"lang": lang}),
            next_path=_safe_next(request.values.get("next")),
            csrf=session["csrf"],
            message=message,
            name=name,
            note=t("signin_internal_note", lang),
        )
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _sign_in(access: acc.Access) -> Any:
    lang = "en" if request.args.get("lang") == "en" else "zh"
    if request.method == "GET":
        message = t("signed_out", lang) if request.args.get("out") else ""
        return _page(lang, message=message)
    name = request.form.get("user", "").strip()[:64]
    sent_token = request.form.get("csrf", "")
    if not sent_token or not secrets.compare_digest(sent_token, str(session.get("csrf", ""))):
        return _page(lang, message=t("signin_expired", lang), status=400, name=name)
    try:
        outcome = check_password(access, name, request.form.get("password", ""), "form")
    except audit.AuditError:
        return _page(lang, message=t("audit_failed", lang), status=503, name=name)
    if outcome == "locked":
        minutes = max(1, round(LOCKOUT.wait(_keys(name)) / 60 + 0.49))
        return _page(lang, message=t("signin_locked", lang).format(minutes=minutes), status=429, name=name)
    if outcome != "ok" or access.users_path is None:
        return _page(lang, message=t("signin_failed", lang), status=401, name=name)
    stored = acc.current_users(access.users_path)[name]
    session.clear()  # a new session on sign-in (no fixation)
    session.permanent = True
    session.update(user=name, tag=acc.hash_tag(stored), csrf=secrets.token_urlsafe(24))
    return redirect(_safe_next(request.form.get("next")), code=303)


def _sign_out() -> Any:
    lang = "en" if request.form.get("lang") == "en" else "zh"
    if not session.get("user"):  # the session has ended already: nothing to sign out of
        return redirect(sign_in_url("/", lang=lang), code=303)
    sent_token = request.form.get("csrf", "")
    if secrets.compare_digest(sent_token, str(session.get("csrf", ""))) and sent_token:
        session.clear()
        return redirect(sign_in_url("/", out="1", lang=lang), code=303)
    return acc.refused(400, "signin_expired")


def register(server: Flask, access: acc.Access) -> None:
    """The routes ``/auth/sign-in`` (GET, POST), ``/auth/sign-in.css`` and ``/auth/sign-out`` (POST).

    Failure counts go to ``<user file>.lockout``, shared by the workers (in memory if it cannot be made).
    """
    global LOCKOUT
    if access.users_path is not None:
        LOCKOUT = SharedLockout.or_memory(access.users_path.with_name(access.users_path.name + ".lockout"))
    server.add_url_rule(
        "/auth/sign-in", "auth_sign_in", lambda: _sign_in(access), methods=["GET", "POST"], strict_slashes=True
    )
    server.add_url_rule("/auth/sign-out", "auth_sign_out", _sign_out, methods=["POST"])

    def style() -> Response:
        css = (TEMPLATES / "sign_in.css").read_bytes()
        return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})

    server.add_url_rule("/auth/sign-in.css", "auth_sign_in_css", style)
