"""Search: find a unit or facility by Chinese, English or pinyin name and fly to it."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from app import i18n
from app.i18n import t
from app.web import ids
from app.web.layer_urls import bounds_in_datum
from app.web.wiring import Callbacks
from layers.search import search
from layers.vocabulary import VALUE_TEXT

callbacks = Callbacks()

#: ``app.i18n`` keys of the levels a unit found can have.
HIT_LEVELS = {"province": "hit_province", "prefecture": "hit_prefecture", "county": "hit_county"}


def search_box(lang: str) -> html.Div:
    """Find a unit or facility by Chinese, English or pinyin name (Enter to search), then fly to it."""
    return html.Div(
        [
            html.Label(t("search", lang), htmlFor=ids.SEARCH),
            dcc.Input(
                id=ids.SEARCH,
                type="search",
                debounce=True,
                placeholder=t("search_placeholder", lang),
                autoComplete="off",
            ),
            html.Ul(id=ids.SEARCH_RESULTS, className="search-results"),
            dcc.Store(id=ids.SEARCH_HITS, data=[]),
        ],
        className="search",
    )


def _hit_kind(detail: str, lang: str = "zh") -> str:
    """A hit's level or facility category in ``lang``."""
    if detail in HIT_LEVELS:
        return t(HIT_LEVELS[detail], lang)
    return i18n.pick(*VALUE_TEXT["category"].get(detail, (detail, detail)), lang)


@callbacks.callback(
    output=[Output(ids.SEARCH_RESULTS, "children"), Output(ids.SEARCH_HITS, "data")],
    inputs=dict(query=Input(ids.SEARCH, "value")),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,
)
def search_results(query: str | None, lang: str = "zh") -> tuple[list[Any], list[dict[str, Any]]]:
    """Result buttons and their records for a search (at most 10; empty query: nothing)."""
    query = query if isinstance(query, str) else None  # the input's type allows a number; search is text
    hits = search(query or "")
    if query and not hits:
        return [html.Li(t("no_match", lang), className="search-empty")], []
    items = [
        html.Li(
            html.Button(
                t("search_hit", lang).format(
                    name_zh=h["name_zh"], name_en=h["name_en"], kind=_hit_kind(str(h["detail"]), lang)
                ),
                id={"type": ids.SEARCH_HIT, "index": i},
                n_clicks=0,
                className="search-hit",
            )
        )
        for i, h in enumerate(hits)
    ]
    return items, hits


@callbacks.callback(
    output=Output(ids.MAP, "viewport", allow_duplicate=True),
    inputs=dict(clicks=Input({"type": ids.SEARCH_HIT, "index": ALL}, "n_clicks")),
    state=dict(hits=State(ids.SEARCH_HITS, "data"), basemap=State(ids.BASEMAP, "value")),
    prevent_initial_call=True,
)
def fly_to_hit(clicks: list[int | None], hits: list[dict[str, Any]], basemap: str | None = None) -> Any:
    """The map viewport for the result clicked: fly to its bounds (in GCJ-02 over Gaode's tiles)."""
    triggered = ctx.triggered_id if ctx.triggered else None
    if not isinstance(triggered, dict) or not any(clicks):
        return no_update
    index = int(triggered["index"])
    if index >= len(hits):
        return no_update
    return {"bounds": bounds_in_datum(hits[index]["bounds"], basemap), "transition": "flyToBounds"}
