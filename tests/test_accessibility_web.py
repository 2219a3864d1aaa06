"""Accessibility without a browser: the map's units as a list of buttons, dropdowns' words, the page's language."""

from __future__ import annotations

import pytest
from dash import no_update

from app.web import feature_info, ids, page, panel_bodies, units_list
from app.web.viewstate import ViewState
from geo import boundaries


def _buttons(node) -> list:
    """Every unit button in a component tree, depth first."""
    if isinstance(node, list | tuple):
        return [b for child in node for b in _buttons(child)]
    found = []
    if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == ids.UNIT_BUTTON:
        found.append(node)
    children = getattr(node, "children", None)
    return found + (_buttons(children) if children is not None else [])


def test_the_list_names_the_17_prefectures_in_the_page_language():
    zh = _buttons(units_list.unit_items(None, "zh"))
    en = _buttons(units_list.unit_items(None, "en"))
    prefectures = boundaries.units("prefecture").sort_values("code")
    assert [b.id["code"] for b in zh] == list(prefectures["code"]) and len(zh) == 17
    assert {b.id["level"] for b in zh} == {"prefecture"}
    assert [b.children for b in zh] == list(prefectures["name_zh"])
    assert [b.children for b in en] == list(prefectures["name_en"])
    assert "武汉市" in [b.children for b in zh] and "Wuhan" in [b.children for b in en]


def test_in_a_drill_down_the_prefectures_counties_are_listed_under_it():
    buttons = _buttons(units_list.unit_items("420500", "en"))
    counties = [b for b in buttons if b.id["level"] == "county"]
    expected = boundaries.children("420500")
    assert len(counties) == len(expected) == 13
    assert {b.id["code"] for b in counties} == set(expected["code"])
    assert "Xiling District" in [b.children for b in counties]
    back = _buttons(units_list.drilled_units(None, "zh"))  # back to the province
    assert len(back) == 17 and {b.id["level"] for b in back} == {"prefecture"}


def test_the_map_page_has_the_list_and_the_targets_page_does_not():
    # The list is made when its section is first opened (``panel_bodies``): none before, 17 buttons then.
    for state, count in ((ViewState(), 17), (ViewState(view="targets"), 0)):
        drawn = page.page(state)
        assert _buttons(drawn) == []
        opened = panel_bodies.with_parts(drawn, state)
        assert (
            len([c for c in opened if isinstance(getattr(c, "id", None), dict) and c.id["type"] == ids.UNIT_BUTTON])
            == count
        )


def _press(monkeypatch, code: str, level: str):
    triggered = {"type": ids.UNIT_BUTTON, "code": code, "level": level}
    fake = type("Ctx", (), {"triggered": True, "triggered_id": triggered})
    monkeypatch.setattr(feature_info, "ctx", fake)


def test_a_unit_button_opens_the_profile_a_click_on_the_map_opens(monkeypatch):
    clicks = [None for _ in feature_info.CLICK_IDS]
    _press(monkeypatch, "420100", "prefecture")
    children, hidden = feature_info.clicked_detail(closed=None, clicks=clicks, lang="en", unit_buttons=[1])
    wuhan = {"properties": {"code": "420100", "name_zh": "武汉市", "level": "prefecture"}}
    monkeypatch.setattr(
        feature_info, "ctx", type("Ctx", (), {"triggered": True, "triggered_id": ids.layer_id("prefectures")})
    )
    by_click = feature_info.clicked_detail(
        closed=None,
        clicks=[wuhan if i == ids.layer_id("prefectures") else None for i in feature_info.CLICK_IDS],
        lang="en",
    )
    assert hidden is False and repr(children) == repr(by_click[0])
    _press(monkeypatch, "420502", "county")
    children, hidden = feature_info.clicked_detail(closed=None, clicks=clicks, lang="zh", unit_buttons=[0, 2])
    assert hidden is False and "西陵区" in repr(children) and "宜昌市" in repr(children)


def test_buttons_drawn_anew_open_nothing(monkeypatch):
    # Dash fires a new button's callback as if clicked (n_clicks 0): the panel stays as it is.
    _press(monkeypatch, "420100", "prefecture")
    clicks = [None for _ in feature_info.CLICK_IDS]
    assert feature_info.clicked_detail(closed=None, clicks=clicks, lang="zh", unit_buttons=[0] * 17) == (
        no_update,
        no_update,
    )


def test_every_dropdown_speaks_the_pages_language():
    from dash import dcc

    def dropdowns(node):
        if isinstance(node, list | tuple):
            return [d for child in node for d in dropdowns(child)]
        found = [node] if isinstance(node, dcc.Dropdown) else []
        children = getattr(node, "children", None)
        return found + (dropdowns(children) if children is not None and not isinstance(children, str) else [])

    for view in ("map", "targets"):
        zh = dropdowns(page.page(ViewState(view=view)))
        en = dropdowns(page.page(ViewState(view=view, lang="en")))
        assert zh and len(zh) == len(en)
        assert {d.labels["search"] for d in zh} == {"搜索"} and {d.labels["search"] for d in en} == {"Search"}
        assert {d.labels["clear_selection"] for d in zh} == {"清除所选"}


@pytest.mark.parametrize(("query", "lang"), [("", "zh-CN"), ("?lang=en", "en"), ("?view=targets&lang=en", "en")])
def test_the_index_page_says_its_language_on_html(query, lang):
    from app.serve.server import create_app

    body = create_app().server.test_client().get("/" + query).get_data(as_text=True)
    assert f'<html lang="{lang}">' in body and body.count("<html") == 1
