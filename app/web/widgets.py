"""Pieces the panels share: a collapsible section, dropdown options, HTML attributes, plan articles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dash import dcc, html

from app import i18n
from app.i18n import t
from app.web import ids


def dropdown_options(items: list[tuple[str, str, str]], lang: str) -> list[dict[str, str]]:
    """Dropdown options from (value, Chinese label, English label) triples (the data's own words)."""
    return [{"label": i18n.pick(zh, en, lang), "value": value} for value, zh, en in items]


def text_options(items: list[tuple[str, str]], lang: str) -> list[dict[str, str]]:
    """Dropdown options from (value, ``app.i18n`` key) pairs (the interface's words)."""
    return [{"label": t(key, lang), "value": value} for value, key in items]


def dropdown_labels(lang: str) -> dict[str, str]:
    """The words inside a ``dcc.Dropdown`` (search box, clear buttons, counts) in the page's language."""
    return {
        "search": t("dropdown_search", lang),
        "clear_search": t("dropdown_clear_search", lang),
        "clear_selection": t("dropdown_clear_selection", lang),
        "no_options_found": t("dropdown_no_options", lang),
        "select_all": t("dropdown_select_all", lang),
        "deselect_all": t("dropdown_deselect_all", lang),
        "selected_count": t("dropdown_selected_count", lang),
    }


def localise_dropdowns(node: Any, lang: str) -> Any:
    """Give every ``dcc.Dropdown`` in a component tree the words of ``dropdown_labels(lang)``; returns ``node``."""
    if isinstance(node, list | tuple):
        for child in node:
            localise_dropdowns(child, lang)
        return node
    if isinstance(node, dcc.Dropdown) and getattr(node, "labels", None) is None:
        node.labels = dropdown_labels(lang)  # type: ignore[attr-defined]  # a prop Dash sets dynamically
    children = getattr(node, "children", None)
    if children is not None and not isinstance(children, str):
        localise_dropdowns(children, lang)
    return node


def labelled_choice(label: str, component_id: str, options: list[dict[str, str]], value: str) -> list[Any]:
    """A label and the dropdown it names (one choice, never cleared)."""
    return [
        html.Label(label, htmlFor=component_id),
        dcc.Dropdown(id=component_id, options=options, value=value, clearable=False),
    ]


def html_attrs(**attrs: str) -> dict[str, Any]:
    """Attributes Dash takes only by their HTML names: ``aria_label`` gives ``aria-label``, ``data_x`` ``data-x``."""
    return {name.replace("_", "-"): value for name, value in attrs.items()}


def article_ref(article: int | None, lang: str) -> str:
    """A plan article cited after a name: （第3条） / (article 3); empty without one."""
    return "" if article is None else t("article_ref", lang).format(article=article)


def article_list(articles: Iterable[int | str], lang: str) -> str:
    """Plan articles listed: 第3条、第5条 / 3, 5."""
    return t("article_sep", lang).join(t("article_number", lang).format(article=a) for a in articles)


def section(title: str, children: list[Any], *, open_: bool = False, class_name: str = "") -> html.Details:
    """A collapsible sidebar section (a native <details>: keyboard-usable, no script)."""
    return html.Details([html.Summary(html.H2(title)), *children], open=open_, className=f"panel {class_name}".strip())


def lazy_details(summary: Any, part: str, *, class_name: str, children: list[Any] | None = None) -> html.Details:
    """A closed <details> whose contents are made when it is first opened (``panel_bodies``).

    ``part`` names the contents (``panel_bodies.body``); ``children`` are given when the page must
    hold them from the start (a layer's opacity set in the address). Fewer components mount with
    the page, and Dash's start-up work grows with their number.
    """
    return html.Details(
        [
            html.Summary(summary, id={"type": ids.LAZY_SUMMARY, "part": part}, n_clicks=0),
            html.Div(children or [], id={"type": ids.LAZY_BODY, "part": part}, className="lazy-body"),
        ],
        open=False,
        className=class_name,
    )


def lazy_section(title: str, part: str, *, class_name: str) -> html.Details:
    """A closed sidebar section (as ``section``) whose contents are made when first opened."""
    return lazy_details(html.H2(title), part, class_name=f"panel {class_name}")
