"""The targets view (app/web/targets.py), its charts (target_chart.py), the places on the map (places.py,
highlight.py), the address (viewstate) and a prefecture's profile listing its targets."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from dash import no_update
from plotly.utils import PlotlyJSONEncoder

from app.serve.server import create_app
from app.web import (
    feature_info,
    first_view,
    highlight,
    ids,
    mapview,
    page,
    panel_bodies,
    places,
    target_chart,
    targets,
    viewstate,
)
from app.web.viewstate import ViewState
from geo import boundaries
from layers import evaluation, features, scorecard, vocabulary
from layers.profile import unit_profile

SVG = "{http://www.w3.org/2000/svg}"
DEFAULT_TARGETS = ViewState(view="targets")


@pytest.fixture(scope="module")
def card():
    return targets.card_on(targets.today())


def _walk(node):
    """Every component in a layout tree, depth first."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for child in node for s in _texts(child)]
    children = getattr(node, "children", None)
    return _texts(children) if children is not None else []


def _rows(node) -> list:
    return [c for c in _walk(node) if "target-row" in (getattr(c, "className", None) or "")]


def _status(row) -> str:
    return row.to_plotly_json()["props"]["data-status"]


def _table(state: ViewState, card):
    return targets.scorecard_table(card, state, targets.today())


# --- the view ---------------------------------------------------------------------------------


def test_the_view_lists_every_target_once_with_the_summary_of_the_evaluation(card):
    main = targets.targets_main(DEFAULT_TARGETS)
    rows = _rows(main)
    assert len(rows) == len(card) == 50
    assert [r.to_plotly_json()["props"]["data-target"] for r in rows] == card["target_id"].tolist()
    # The summary: one item per status with its swatch colour, symbol, label and count.
    items = [c for c in _walk(main) if "summary-item" in (getattr(c, "className", None) or "")]
    counts = evaluation.summary(card)
    assert [i.className.split("status-")[1] for i in items] == list(evaluation.STATUSES)
    for item, (status, n) in zip(items, counts.items(), strict=True):
        style = evaluation.STATUS_STYLE[status]
        swatch, badge, count = item.children
        assert swatch.style["background"] == style.colour
        assert _texts(badge) == [style.symbol, style.zh] and count.children == str(n)
    text = "\n".join(_texts(main))
    assert f"评估日期 {card.attrs['as_of']} · 规则版本 {evaluation.RULE_VERSION}" in text


def test_the_scorecard_is_a_table_with_caption_and_scoped_headers(card):
    table = _table(DEFAULT_TARGETS, card)
    assert table.children[0].children == f"规划目标记分卡：显示 {len(card)} 项，共 {len(card)} 项"
    heads = table.children[1].children.children
    assert [h.scope for h in heads] == ["col"] * len(targets.COLUMNS)
    assert [h.children for h in heads][:3] == ["编号", "指标", "目标"]
    row = _rows(table)[0]
    assert row.children[0].scope == "row"
    groups = [c for c in _walk(table) if getattr(c, "className", None) == "group-row"]
    assert all(g.children.scope == "rowgroup" and g.children.colSpan == len(targets.COLUMNS) for g in groups)


def test_one_row_says_everything_about_its_target(card):
    rows = {r.to_plotly_json()["props"]["data-target"]: r for r in _rows(_table(DEFAULT_TARGETS, card))}
    racks = "\n".join(_texts(rows["T-art19-racks"]))
    record = card.set_index("target_id").loc["T-art19-racks"]
    assert "数据中心标准机架数" in racks and "≥ 210,000 架" in racks and "2024-12-31" in racks
    latest = f"{targets.number(record['latest_value'])} 架（{record['latest_date']}）"
    assert latest in racks and record["label_zh"] + ("（推算）" if record["projected"] else "") in racks
    assert record["basis_zh"] in racks  # behind the disclosure, and on hover of the status
    assert f"{record['progress'] * 100:.0f}%" in racks and "在地图上查看" in racks
    # The sources in words on hover of their ids.
    ids_span = next(c for c in _walk(rows["T-art19-racks"]) if getattr(c, "className", None) == "source-ids")
    assert ids_span.children == record["latest_source_ids"].replace(";", ", ") and ids_span.title == record["sources"]
    # The stretch figure is shown apart from the target.
    core = rows["T-art2-core-va-2024"]
    stretch = next(c for c in _walk(core) if getattr(c, "className", None) == "stretch")
    assert stretch.children == "力争 5,800 亿元"
    # Status in words and colour: the words carry it.
    badge = next(c for c in _walk(rows["T-art19-racks"]) if "status-badge" in (getattr(c, "className", None) or ""))
    assert badge.style["borderColor"] == record["colour"] and badge.title == record["basis_zh"]


def test_filters_by_status_and_article(card):
    for status in evaluation.STATUSES:
        rows = _rows(_table(DEFAULT_TARGETS.with_(status=status), card))
        assert {_status(r) for r in rows} <= {status} and len(rows) == (card["status"] == status).sum()
    rows = _rows(_table(DEFAULT_TARGETS.with_(article=18), card))
    assert len(rows) == (card["plan_article"] == 18).sum() > 0
    both = DEFAULT_TARGETS.with_(article=18, status="at_risk")
    expected = card[(card["plan_article"] == 18) & (card["status"] == "at_risk")]
    assert [r.to_plotly_json()["props"]["data-target"] for r in _rows(_table(both, card))] == list(
        expected["target_id"]
    )


def test_a_filter_that_matches_nothing_says_so(card):
    empty = next(
        (a, s)
        for a in sorted(set(card["plan_article"]))
        for s in evaluation.STATUSES
        if not ((card["plan_article"] == a) & (card["status"] == s)).any()
    )
    table = _table(DEFAULT_TARGETS.with_(article=empty[0], status=empty[1]), card)
    assert _rows(table) == [] and "没有符合条件的目标" in _texts(table)
    assert table.children[0].children == f"规划目标记分卡：显示 0 项，共 {len(card)} 项"


def test_grouping_by_article_or_by_status(card):
    by_article = _table(DEFAULT_TARGETS, card)
    titles = [_texts(g)[0] for g in _walk(by_article) if getattr(g, "className", None) == "group-row"]
    articles = sorted(set(card["plan_article"]))
    assert titles == [f"第{a}条（{(card['plan_article'] == a).sum()} 项）" for a in articles]
    by_status = _table(DEFAULT_TARGETS.with_(group="status", lang="en"), card)
    titles = [_texts(g)[0] for g in _walk(by_status) if getattr(g, "className", None) == "group-row"]
    counts = {s: n for s, n in evaluation.summary(card).items() if n}
    assert titles == [f"{evaluation.STATUS_STYLE[s].en} ({n})" for s, n in counts.items()]
    statuses = [_status(r) for r in _rows(by_status)]
    assert statuses == sorted(statuses, key=evaluation.STATUSES.index)


def test_the_filter_callback_redraws_the_table_and_writes_the_address(card):
    query = viewstate.to_query(ViewState(view="targets", lang="en"))
    table, drawn, address, lang_href = targets.filter_targets(
        status="at_risk", article="19", group="status", query=query
    )
    assert [_status(r) for r in _rows(table)] == ["at_risk"]
    assert drawn == address == "?view=targets&lang=en&status=at_risk&art=19&group=status"
    assert lang_href == "?view=targets&status=at_risk&art=19&group=status"  # the same view in Chinese
    # Back to "all", and values no control offers, which are no filter.
    table, drawn, address, _ = targets.filter_targets(status="all", article="<b>", group="x", query=drawn)
    assert len(_rows(table)) == len(card) and drawn == address == "?view=targets&lang=en"
    # The filters of the table already drawn (a new page reports them as if chosen): nothing to do.
    same = targets.filter_targets(status="all", article="all", group="article", query=query)
    assert same == (no_update, no_update, no_update, no_update)


def test_the_english_view_has_no_chinese_only_label():
    texts = [s for s in _texts(page.page(ViewState(view="targets", lang="en", group="status")))]
    cjk = re.compile(r"[\u3400-\u9fff]")
    chinese_only = [s for s in texts if cjk.search(s) and not re.search(r"[A-Za-z]", s) and s != "中文"]
    assert chinese_only == []
    assert "The plan's targets: which were met?" in texts and "Show on map" in texts


def test_every_target_unit_has_english_words(card):
    assert set(card["unit"]) <= set(vocabulary.UNIT_WORDS)
    assert targets.target_text(card.set_index("target_id").loc["T-art19-racks"], "en") == "≥ 210,000 racks"
    assert targets.with_unit(3, "个", "en") == "3" and targets.with_unit(9.9, "%", "zh") == "9.9%"


def test_status_text_colours_read_on_white_and_on_the_panels_light_greys():
    for style in evaluation.STATUS_STYLE.values():
        shade = targets.text_colour(style.colour)
        for background in ("#ffffff", "#fafafa", "#f7f7f5"):  # page, summary, filters (hubei_map.css)
            light = targets._luminance(background) + 0.05
            assert light / (targets._luminance(shade) + 0.05) >= targets.TEXT_CONTRAST, (style, background)


def test_the_scorecard_is_computed_once_per_day_and_only_when_asked(monkeypatch):
    targets.card_on.cache_clear()
    calls = []
    real = scorecard.scorecard
    monkeypatch.setattr(scorecard, "scorecard", lambda today=None: calls.append(today) or real(today))
    client = create_app().server.test_client()
    client.get("/")  # the map's index page and layout: no scorecard
    client.get("/_dash-layout", headers={"Referer": "http://localhost/"})
    page.page(ViewState())
    assert calls == []
    first = targets.card_on(dt.date(2025, 6, 30))
    assert targets.card_on(dt.date(2025, 6, 30)) is first and len(calls) == 1
    targets.card_on(dt.date(2026, 1, 1))
    assert calls == [dt.date(2025, 6, 30), dt.date(2026, 1, 1)]
    targets.card_on.cache_clear()


def test_the_targets_index_page_has_no_map_preloads_and_no_first_view():
    client = create_app().server.test_client()
    index = client.get("/?view=targets").data.decode()
    assert "/data/layers/" not in index and 'id="first-view"' not in index and "async-GeoJSON" not in index
    assert 'id="first-view"' in client.get("/").data.decode()


# --- the chart --------------------------------------------------------------------------------


def _svg(src: str) -> ET.Element:
    assert src.startswith("data:image/svg+xml;base64,")
    return ET.fromstring(base64.b64decode(src.split(",", 1)[1]))


def test_a_chart_is_valid_svg_with_the_actuals_against_the_target_line():
    points = [
        target_chart.Point(2021.0, 100.0),
        target_chart.Point(2022.5, 150.0),
        target_chart.Point(2023.7, 90, True),
    ]
    lines = target_chart.Lines(target=200.0, stretch=220.0, deadline=2025.0, projection=(2025.0, 180.0))
    root = ET.fromstring(target_chart.chart_svg(points, lines, "5G基站: 163,800 (2024-10-31), 目标 120,000"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == "5G基站: 163,800 (2024-10-31), 目标 120,000"
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert len(root.findall(f"{SVG}circle")) == 3 and len(root.findall(f"{SVG}polyline")) == 1
    ytd = [c for c in root.findall(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert len(ytd) == 1  # the year-to-date value is open
    lines_drawn = root.findall(f"{SVG}line")
    # the axis, the deadline tick, the target, the stretch and the projection
    assert len(lines_drawn) == 5 and any(ln.get("stroke-dasharray") == "1 2" for ln in lines_drawn)
    target_y = next(
        float(ln.get("y1"))
        for ln in lines_drawn
        if ln.get("stroke") == target_chart.INK and not ln.get("stroke-dasharray")
    )
    ys = [float(c.get("cy")) for c in root.findall(f"{SVG}circle")]
    assert all(y > target_y for y in ys)  # every actual is below the target (y grows downwards)
    assert [t.text for t in root.findall(f"{SVG}text")] == ["2020", "2024"]


def test_a_chart_escapes_its_text():
    label = "<script>alert(\"x\")</script> & '1'"
    svg = target_chart.chart_svg([], target_chart.Lines(target=1.0), label, "<b>none</b>")
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.get("aria-label") == label and root.find(f"{SVG}title").text == label
    assert root.find(f"{SVG}text").text == "<b>none</b>"


def test_a_target_without_actuals_gets_a_chart_that_says_so():
    root = ET.fromstring(target_chart.chart_svg([], target_chart.Lines(target=30.0, deadline=2025.0), "x", "暂无数据"))
    assert root.findall(f"{SVG}circle") == [] and root.findall(f"{SVG}polyline") == []
    assert [t.text for t in root.findall(f"{SVG}text")] == ["暂无数据", "2024"]  # one year: one label
    assert len(root.findall(f"{SVG}line")) == 3  # axis, deadline, target


def test_the_views_charts_draw_the_used_actuals_and_say_what_they_show(card):
    day = targets.today()
    charts = targets.charts_on(day, "zh")
    assert set(charts) == set(card["target_id"])
    actuals = features.table("layers/target_actuals.csv")
    for target_id in ("T-art18-5g", "T-art19-racks"):
        src, alt = charts[target_id]
        used = target_chart.used_points(actuals, target_id, day)
        root = _svg(src)
        assert len(root.findall(f"{SVG}circle")) == len(used) > 0
        assert root.get("aria-label") == alt
    row = card.set_index("target_id").loc["T-art18-5g"]
    assert charts["T-art18-5g"][1] == (
        f"{row['indicator_zh']}：{targets.number(row['latest_value'])} 个（{row['latest_date']}），目标 ≥ 120,000 个"
    )
    no_data = card[card["status"] == "no_data"].iloc[0]
    assert charts[no_data["target_id"]][1].endswith("暂无实际数据，目标 " + targets.target_text(no_data, "zh"))
    # Only the actuals the status may use: set-aside rows and rows after the evaluation date are left out.
    later = target_chart.used_points(actuals, "T-art18-5g", dt.date(2021, 12, 31))
    assert all(p.x <= target_chart.decimal_year(dt.date(2021, 12, 31)) for p in later)
    set_aside = actuals[(actuals["target_id"] == "T-art18-5g") & (actuals["status_use"] == "no")]
    assert len(target_chart.used_points(actuals, "T-art18-5g", day)) < len(
        actuals[actuals["target_id"] == "T-art18-5g"]
    )
    assert len(set_aside) > 0


# --- the address ------------------------------------------------------------------------------


def test_view_and_highlight_round_trip_through_the_address():
    for state in (
        ViewState(view="targets"),
        ViewState(view="targets", lang="en"),
        ViewState(view="targets", status="at_risk", article=18, group="status"),
        ViewState(layers=("prefectures", "computing"), hl="T-art19-racks"),
        ViewState(lang="en", hl="T-art18-gigabit", center=(30.5, 114.3), zoom=9.0),
    ):
        assert viewstate.parse(viewstate.to_query(state)) == state
    assert viewstate.to_query(ViewState(view="targets", lang="en")) == "?view=targets&lang=en"
    assert viewstate.to_query(ViewState(view="targets", status="at_risk", article=18)) == (
        "?view=targets&status=at_risk&art=18"
    )
    assert viewstate.to_query(ViewState()) == ""  # the map stays the default, written as nothing


@pytest.mark.parametrize(
    ("query", "field", "expected"),
    [
        ("?view=chart", "view", "map"),
        ("?view=<script>", "view", "map"),
        ("?view=targets&status=great", "status", None),
        ("?view=targets&art=99", "article", None),
        ("?view=targets&art=-3", "article", None),
        ("?view=targets&art=1e3", "article", None),
        ("?view=targets&group=colour", "group", "article"),
        ("?status=met&art=18&group=status", "status", None),  # the filters belong to the targets view
        ("?hl=T-nope", "hl", None),
        ("?hl=T-art2-core-va-2024", "hl", None),  # a target not tied to places
        ("?hl=../../etc/passwd", "hl", None),
        ("?hl=T-art19-racks", "hl", "T-art19-racks"),
    ],
)
def test_bad_view_values_fall_back_to_the_map_and_no_filter(query, field, expected):
    assert getattr(viewstate.parse(query), field) == expected


def test_no_first_view_for_the_targets_or_a_highlight():
    assert first_view.wanted(ViewState()) is True
    assert first_view.wanted(ViewState(view="targets")) is False
    assert first_view.wanted(ViewState(hl="T-art19-racks")) is False
    assert first_view.html_for(ViewState(view="targets")) == ""


def test_the_header_offers_both_views():
    nav = page.view_nav(ViewState())
    current, link = nav.children
    assert current.children == "地图" and current.to_plotly_json()["props"]["aria-current"] == "page"
    assert link.children == "规划目标评估" and link.href == "?view=targets"
    back = page.view_nav(ViewState(view="targets", lang="en")).children[0]
    assert back.children == "Map" and back.href == "?lang=en"
    assert page.view_nav(ViewState(view="targets")).children[0].href == "."  # the default map
    switch = page.language_switch(ViewState(view="targets", status="met"))
    assert switch.id == ids.LANG_LINK and switch.href == "?view=targets&lang=en&status=met"


def test_every_callback_on_a_page_has_all_its_inputs_there_or_none():
    """Dash throws when a callback it runs finds some of its inputs missing and others there (the
    targets view has no map): a missing single input is an error unless every input is missing or a
    pattern that matches nothing."""
    app = create_app()
    for state in (ViewState(), ViewState(hl="T-art19-racks"), ViewState(view="targets", lang="en")):
        drawn = page.shell(viewstate.to_query(state))
        # The page as it opens, and with every part made when first opened (``panel_bodies``) opened.
        for components in (list(_walk(drawn)), panel_bodies.with_parts(drawn, state)):
            present = {c.id if isinstance(c.id, str) else c.id["type"] for c in components if getattr(c, "id", None)}
            _check_inputs(app, present, state)


def _check_inputs(app, present: set[str], state: ViewState) -> None:
    """Every callback whose outputs are in ``present`` finds all its single inputs there or none."""
    for output, callback in app.callback_map.items():
        outputs = re.findall(r"([\w-]+)\.\w+(?:@\w+)?", output.replace("..", " "))
        if not any(o in present for o in outputs):
            continue  # Dash drops a callback whose outputs are not on the page
        single = [d["id"] in present for d in callback["inputs"] if not d["id"].startswith("{")]
        patterns = [json.loads(d["id"])["type"] in present for d in callback["inputs"] if d["id"].startswith("{")]
        if not all(single):
            assert not any(single) and not any(patterns), (state.view, state.hl, output)


# --- the places on the map ------------------------------------------------------------------------


def test_places_of_the_targets_tied_to_them():
    found = places.target_places()
    plan = features.table("layers/plan_targets.csv")
    assert set(found) == set(plan.loc[plan["map_layer"].fillna("") != "", "target_id"])
    racks = found["T-art19-racks"]
    assert racks.layer == "computing" and racks.field == "id"
    assert set(racks.ids) == set(features.feature_ids("computing"))  # no features named: all of the layer
    gigabit = found["T-art18-gigabit"]
    assert gigabit.field == "code" and set(gigabit.ids) == set(features.feature_ids("gigabit_cities"))
    (south, west), (north, east) = places.places_bounds(found["T-art13-id-reg"])  # one site: a wider view
    assert min(north - south, east - west) >= places.MIN_SPAN_DEG - 1e-9


def test_show_on_map_opens_the_map_with_the_layer_on_and_the_places_highlighted(card):
    link = targets.place_link(
        card.set_index("target_id").loc["T-art18-gigabit"].to_dict() | {"target_id": "T-art18-gigabit"}, "en"
    )
    state = viewstate.parse(link.href)
    assert state.view == "map" and state.hl == "T-art18-gigabit" and "gigabit_cities" in state.layers
    assert state.lang == "en" and link.children[0] == "Show on map"
    assert targets.place_link({"target_id": "T-art2-core-va-2024"}, "zh") == ""
    # The map: the highlight layer reads the layer's own URL and picks the features by id.
    drawn = json.dumps(page.page(state), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert f'"id": "{ids.HIGHLIGHT_LAYER}"' in drawn and '"coordinates"' not in drawn
    layer = next(c for c in highlight.highlight_children(state) if getattr(c, "id", None) == ids.HIGHLIGHT_LAYER)
    assert layer.url == mapview.layer_url("gigabit_cities", None) and layer.hideout["field"] == "code"
    assert layer.hideout["ids"] == list(places.target_places()["T-art18-gigabit"].ids)
    view = mapview.initial_view(state)
    assert view["bounds"] == places.places_bounds(places.target_places()["T-art18-gigabit"])
    note = "\n".join(_texts(highlight.highlight_note(state)))
    assert "Gigabit broadband users" in note and "Back to the plan targets" in note
    # Without a highlight the map is as before: no highlight layer, no note.
    plain = ViewState()
    assert highlight.highlight_children(plain) == [] and highlight.highlight_note(plain) is None
    assert mapview.initial_view(plain)["bounds"] == mapview.settings.HUBEI_BOUNDS


def test_the_highlight_follows_zoom_and_datum_and_can_be_cleared():
    url = highlight.highlight_url(zoom=12, basemap="gaode", target_id="T-art19-racks")
    assert url == mapview.layer_url("computing", 12, "gcj02")
    assert highlight.highlight_url(zoom=12, basemap=None, target_id=None) is None
    assert highlight.clear_highlight(clicks=1) == (None, None, True)
    assert highlight.clear_highlight(clicks=0) == (no_update, no_update, no_update)
    # The address keeps the highlight while it is shown, and drops it once cleared.
    state = page.view_state(
        "zh",
        [["computing"]],
        None,
        "quantiles",
        5,
        "blues",
        None,
        None,
        None,
        None,
        None,
        None,
        highlight="T-art19-racks",
    )
    assert state.hl == "T-art19-racks"
    assert (
        page.view_state("zh", [], None, "quantiles", 5, "blues", None, None, None, None, None, None, highlight="x").hl
        is None
    )


# --- a prefecture's profile -------------------------------------------------------------------


def test_a_prefectures_profile_lists_the_targets_that_concern_it():
    text = "\n".join(_texts(feature_info.unit_panel(unit_profile("420600", "prefecture", "zh"), "zh")))
    racks = scorecard.scorecard().set_index("target_id").loc["T-art19-racks"]
    assert "相关规划目标" in text and "数据中心标准机架数（第19条）" in text
    assert racks["label_zh"] + ("（推算）" if racks["projected"] else "") in text
    english = "\n".join(_texts(feature_info.unit_panel(unit_profile("420600", "prefecture", "en"), "en")))
    assert "Plan targets concerning it" in english and racks["label_en"] in english


def test_units_without_targets_show_nothing_more_and_the_listing_matches_the_scorecard():
    codes = boundaries.units("prefecture")["code"].tolist()
    none = [c for c in codes if scorecard.targets_for_unit(c).empty]
    assert none  # some prefectures have no place-bound target
    for code in codes:
        assert (
            targets.unit_targets(code)["target_id"].tolist() == scorecard.targets_for_unit(code)["target_id"].tolist()
        )
    assert feature_info.unit_target_list(none[0], "zh") == []
    assert "相关规划目标" not in _texts(feature_info.unit_panel(unit_profile(none[0], "prefecture", "zh"), "zh"))
    county = unit_profile("420106", "county", "zh")  # counties list none (targets name prefectures)
    assert "相关规划目标" not in _texts(feature_info.unit_panel(county, "zh"))
