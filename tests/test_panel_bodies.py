"""Parts of the page made when first opened: the closed sidebar sections and each layer's "about"."""

from __future__ import annotations

import json

import pytest
from dash import dcc, html, no_update

from app.serve.server import create_app
from app.web import ids, layers_panel, page, panel_bodies, viewstate
from app.web.viewstate import ViewState
from layers import catalogue


def _parts(layout) -> dict[str, html.Div]:
    """The page's part bodies by part name."""
    return {
        c.id["part"]: c
        for c in layout._traverse()
        if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == ids.LAZY_BODY
    }


def _ids(components) -> set:
    return {
        json.dumps(c.id, sort_keys=True) if isinstance(c.id, dict) else c.id
        for c in components
        if getattr(c, "id", None)
    }


def _open(part: str, *, clicks=1, filled=None, query=None, address="", monkeypatch) -> object:
    trigger = {"type": ids.LAZY_SUMMARY, "part": part}
    monkeypatch.setattr(panel_bodies, "ctx", type("Ctx", (), {"triggered_id": trigger}))
    return panel_bodies.open_part(clicks=clicks, filled=filled or [], query=query, address=address)


def test_the_page_opens_with_the_parts_empty_and_fewer_components():
    drawn = page.shell("")
    parts = _parts(drawn)
    abouts = {layers_panel.about_part(spec.group) for spec in catalogue.catalogue().values()}
    assert set(parts) == {"units", "snapshot", "download", "upload"} | abouts
    assert all(not body.children for body in parts.values())
    # What a part holds is on the page only once it is opened.
    opened = panel_bodies.with_parts(drawn, ViewState())
    for hidden in (ids.UNIT_LIST, ids.UPLOAD, ids.DOWNLOAD_BUTTON, ids.SNAPSHOT_BUTTON):
        assert hidden not in _ids(drawn._traverse()) and hidden in _ids(opened)
    assert len(opened) - len(list(drawn._traverse())) > 100  # components the opening page does without


def test_a_part_is_made_once_for_the_view_shown_in_its_language(monkeypatch):
    made = _open("units", query="lang=en&unit=420500", monkeypatch=monkeypatch)
    names = [c.children for c in html.Div(made)._traverse() if isinstance(c, html.Button)]
    assert names[0] == "Wuhan" and "Xiling District" in names  # Yichang drilled into: its counties
    # Before the view is first written, the page's own address.
    made = _open("download", query=None, address="?lang=en", monkeypatch=monkeypatch)
    dropdowns = [c for c in html.Div(made)._traverse() if isinstance(c, dcc.Dropdown)]
    assert dropdowns and all(d.labels["search"] == "Search" for d in dropdowns)  # localised like the page's
    assert "Format" in [c.children for c in html.Div(made)._traverse() if isinstance(c, html.Label)]
    # Once filled, or never clicked, nothing is sent; nor for a part the page does not have.
    assert _open("units", filled=[html.P("x")], monkeypatch=monkeypatch) is no_update
    assert _open("units", clicks=0, monkeypatch=monkeypatch) is no_update
    for part in ("nope", "about:nope", "about:", "", "about:computing:x"):
        assert _open(part, monkeypatch=monkeypatch) is no_update


def test_a_groups_about_holds_each_layers_description_sources_and_opacity(monkeypatch):
    made = _open(layers_panel.about_part("networks"), query="lang=en&op=hubs:0.3", monkeypatch=monkeypatch)
    members = layers_panel.group_layers("networks")
    assert len(members) > 1 and [block.className for block in made] == [f"layer-about-{s.id}" for s in members]
    text = " ".join(str(c.children) for c in html.Div(made)._traverse() if isinstance(c, html.P | html.H3))
    assert all(spec.description_en in text and spec.title_en in text for spec in members)
    sliders = {c.id["layer"]: c.value for c in html.Div(made)._traverse() if isinstance(c, dcc.Input)}
    assert sliders == {spec.id: 0.3 if spec.id == "hubs" else 1.0 for spec in members}


def test_an_opacity_in_the_address_puts_that_layers_slider_on_the_page():
    """The view keeps an opacity from its address: that group's sliders are there from the start, no others."""
    parts = _parts(page.shell("op=hubs:0.4"))
    about = html.Div(parts[layers_panel.about_part("networks")].children)  # the hubs' group
    sliders = {c.id["layer"]: c.value for c in about._traverse() if isinstance(c, dcc.Input)}
    assert sliders["hubs"] == 0.4 and set(sliders.values()) == {0.4, 1.0}
    assert all(not body.children for part, body in parts.items() if part != layers_panel.about_part("networks"))
    assert viewstate.parse("op=hubs:0.4").opacity == (("hubs", 0.4),)


def _request(part: str) -> dict:
    """The callback request the browser sends when the summary of ``part`` is first clicked."""
    body_id = {"part": part, "type": ids.LAZY_BODY}
    summary_id = {"part": part, "type": ids.LAZY_SUMMARY}
    return {
        "output": json.dumps({"part": ["MATCH"], "type": ids.LAZY_BODY}, separators=(",", ":")) + ".children",
        "outputs": {"id": body_id, "property": "children"},
        "inputs": [{"id": summary_id, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": body_id, "property": "children", "value": []},
            {"id": ids.VIEW_QUERY, "property": "data", "value": None},
            {"id": ids.URL, "property": "search", "value": "?lang=en"},
        ],
        "changedPropIds": [json.dumps(summary_id, separators=(",", ":")) + ".n_clicks"],
    }


@pytest.mark.parametrize("part", ["units", "upload", layers_panel.about_part("layout")])
def test_opening_a_part_through_dash_passes_the_servers_request_check(part):
    """As the browser asks for it: the server's check of callback requests knows the parts' components."""
    client = create_app().server.test_client()
    response = client.post("/_dash-update-component", json=_request(part))
    assert response.status_code == 200, response.data
    answer = json.loads(response.data)["response"]
    (children,) = (props["children"] for props in answer.values())
    assert children and isinstance(children, list)


def test_a_part_the_page_does_not_have_gets_nothing():
    client = create_app().server.test_client()
    response = client.post("/_dash-update-component", json=_request("about:nope"))
    assert response.status_code in (200, 204, 400), response.data
    assert response.status_code != 200 or json.loads(response.data)["response"] == {}  # no update
