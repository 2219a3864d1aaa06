"""What the page says about access: who is signed in (with a sign-out button), or that the map is public.

The access layer (``app/serve/access.py``) puts the mode in the Flask app's config
(``HUBEI_MAP_AUTH``) and the user in ``flask.g.hubei_user``; outside a request nothing is shown.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from app.i18n import t


def _mode() -> str | None:
    from flask import current_app, has_request_context

    return current_app.config.get("HUBEI_MAP_AUTH") if has_request_context() else None


def access_tools(lang: str) -> list[Any]:
    """In ``users`` mode with a signed-in browser session: the user's name and a sign-out button."""
    if _mode() != "users":
        return []
    from flask import g, session

    user, token = g.get("hubei_user"), session.get("csrf")
    if not user or not token or session.get("user") != user:  # basic auth: there is no session to end
        return []
    form = html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=token),
            dcc.Input(type="hidden", name="lang", value=lang),
            html.Button(t("signout_button", lang), type="submit", id="sign-out", className="sign-out-button"),
        ],
        action="/auth/sign-out",
        method="POST",
        className="sign-out",
    )
    return [html.Span(t("signed_in_as", lang).format(user=user), className="signed-in-as"), form]


def public_note(lang: str) -> list[Any]:
    """In ``public`` mode: a footer line saying the map is publicly reachable."""
    if _mode() != "public":
        return []
    return [html.P(t("public_note", lang), className="public-note", id="public-note")]
