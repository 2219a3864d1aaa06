"""Pieces the sidebar's panels share: a collapsible section and dropdown options in the page's language."""

from __future__ import annotations

from typing import Any

from dash import html

from app import i18n


def dropdown_options(items: list[tuple[str, str, str]], lang: str) -> list[dict[str, str]]:
    """Dropdown options from (value, Chinese label, English label) triples."""
    return [{"label": i18n.pick(zh, en, lang), "value": value} for value, zh, en in items]


def section(title: str, children: list[Any], *, open_: bool = False, class_name: str = "") -> html.Details:
    """A collapsible sidebar section (a native <details>: keyboard-usable, no script)."""
    return html.Details([html.Summary(html.H2(title)), *children], open=open_, className=f"panel {class_name}".strip())
