"""The map's units as a list of buttons: keyboard and screen-reader users reach every unit the map draws.

A button does what a click on the unit's shape does: it opens the unit's profile in the detail
panel (``feature_info.clicked_detail`` listens to ``UNIT_BUTTON_ALL``; ``assets/a11y.js`` then
moves the focus to the panel). The list names the 17 prefecture-level units in the page's
language; in a drill-down, the prefecture's counties are listed under it.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, html

from app import i18n
from app.i18n import t
from app.web import ids
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs, lazy_section
from app.web.wiring import Callbacks
from geo import boundaries

callbacks = Callbacks()

#: The name of the units section's contents (``panel_bodies``).
UNITS_PART = "units"
#: Every unit button (pattern-matching ids: the unit's code and level).
UNIT_BUTTON_ALL = {"type": ids.UNIT_BUTTON, "code": ALL, "level": ALL}


def _button(code: str, level: str, name: str) -> html.Button:
    return html.Button(
        name, id={"type": ids.UNIT_BUTTON, "code": code, "level": level}, n_clicks=0, className="unit-button"
    )


def unit_items(unit: str | None, lang: str) -> list[html.Li]:
    """One item per prefecture (in code order); under the prefecture drilled into, its counties."""
    prefectures = boundaries.units("prefecture").sort_values("code")
    items = []
    for row in prefectures.itertuples():
        code, name = str(row.code), i18n.pick(str(row.name_zh), str(row.name_en), lang)
        children: list[Any] = [_button(code, "prefecture", name)]
        if code == unit:
            counties = boundaries.children(code).sort_values("code")
            children.append(
                html.Ul(
                    [
                        html.Li(_button(str(c.code), "county", i18n.pick(str(c.name_zh), str(c.name_en), lang)))
                        for c in counties.itertuples()
                    ],
                    className="unit-list counties",
                    **html_attrs(aria_label=t("units_of", lang).format(name=name)),
                )
            )
        items.append(html.Li(children))
    return items


def units_panel(state: ViewState) -> html.Details:
    """A collapsible sidebar section listing the map's units as buttons that open their profiles.

    Its contents are made when it is first opened (``units_body``).
    """
    return lazy_section(t("units_list", state.lang), UNITS_PART, class_name="units")


def units_body(state: ViewState) -> list[Any]:
    """The units section's contents: a hint and the buttons, with the counties of ``state.unit``."""
    lang = state.lang
    return [
        html.P(t("units_list_hint", lang), className="help", id=ids.UNIT_LIST_HINT),
        html.Ul(
            unit_items(state.unit, lang),
            id=ids.UNIT_LIST,
            className="unit-list",
            **html_attrs(aria_describedby=ids.UNIT_LIST_HINT),
        ),
    ]


@callbacks.callback(
    output=Output(ids.UNIT_LIST, "children"),
    inputs=dict(unit=Input(ids.DRILL, "data")),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,
)
def drilled_units(unit: str | None, lang: str) -> list[html.Li]:
    """The list again when the map drills into a prefecture or back to the province."""
    return unit_items(unit, lang)
