"""Contents made when first opened: the closed sidebar sections and each layer group's "about".

The page opens with these parts empty (``widgets.lazy_details``): Dash's start-up work grows with
the number of components mounted, and these are about half of them. A click on a part's summary
(or Enter or Space on it) asks for its contents once, made for the view the page shows now, in
its language. The callbacks of a part's controls find them once it is filled (Dash leaves a
callback alone while its components are not on the page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import MATCH, Input, Output, State, ctx, html, no_update

from app.web import downloads, ids, layers_panel, units_list, upload, viewstate
from app.web.viewstate import ViewState
from app.web.widgets import localise_dropdowns
from app.web.wiring import Callbacks

callbacks = Callbacks()

#: The closed sections made when first opened, by part name (``widgets.lazy_section``).
SECTIONS: dict[str, Callable[[ViewState], list[Any]]] = {
    units_list.UNITS_PART: units_list.units_body,
    downloads.SNAPSHOT_PART: downloads.snapshot_body,
    downloads.DOWNLOAD_PART: downloads.download_body,
    upload.UPLOAD_PART: upload.upload_body,
}


def body(part: str, state: ViewState) -> list[Any] | None:
    """The contents of ``part`` for the view ``state``; None for a part the page does not have."""
    if part.startswith(layers_panel.ABOUT_PART):
        made = layers_panel.group_about(part.removeprefix(layers_panel.ABOUT_PART), state)
        return made or None
    builder = SECTIONS.get(part)
    return None if builder is None else localise_dropdowns(builder(state), state.lang)


def with_parts(layout: Any, state: ViewState) -> list[Any]:
    """Every component of ``layout`` and of the parts it would make when opened for ``state`` (for checks)."""
    components = list(layout._traverse())
    for component in list(components):
        ident = getattr(component, "id", None)
        if isinstance(ident, dict) and ident.get("type") == ids.LAZY_BODY and not component.children:
            components += html.Div(body(str(ident["part"]), state))._traverse()
    return components


@callbacks.callback(
    output=Output({"type": ids.LAZY_BODY, "part": MATCH}, "children"),
    inputs=dict(clicks=Input({"type": ids.LAZY_SUMMARY, "part": MATCH}, "n_clicks")),
    state=dict(
        filled=State({"type": ids.LAZY_BODY, "part": MATCH}, "children"),
        query=State(ids.VIEW_QUERY, "data"),
        address=State(ids.URL, "search"),
    ),
    prevent_initial_call=True,
)
def open_part(clicks: int | None, filled: Any, query: str | None, address: str | None) -> Any:
    """A part's contents on its first opening (``no_update`` once it has them, or for an unknown part).

    ``query`` is the current view (``VIEW_QUERY``); until it is first written, the page's address.
    """
    part = ctx.triggered_id.get("part") if isinstance(ctx.triggered_id, dict) else None
    if not clicks or filled or not isinstance(part, str):
        return no_update
    made = body(part, viewstate.parse(query if query is not None else address))
    return no_update if made is None else made
