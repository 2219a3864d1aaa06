"""Every server-side callback with hostile values in each of its inputs and states: never a 500.

The requests are built as Dash's renderer builds them (``benchmarks/dashclient.py``) from
``/_dash-dependencies``, the other inputs as the map's pages hold them (``page.shell``). One value
at a time is hostile: wrong types, wrong shapes, huge and path-like strings, nested junk, a map
feature whose ``properties`` is not an object, made-up pattern-matching ids. Each answer must be
200, 204 or a 4xx refusal, and the log must hold no 500 and no traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from dashclient import callback_body

#: Hostile JSON values tried in every input and state.
HOSTILE: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    1e308,
    "",
    "x" * 100_000,
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "\x00",
    [],
    [None, 1, "a", {}],
    {},
    {"a": {"b": [1, {"c": None}]}},
    [[["deep"]]],
    {"properties": 5},
)
#: Extra values for the properties that hold a map feature (dash-leaflet's hover and click data).
FEATURES: tuple[Any, ...] = (
    {"type": "Feature", "properties": None},
    {"type": "Feature", "properties": []},
    {"type": "Feature", "properties": {}},
    {"type": "Feature", "properties": {"code": 5, "name_zh": ["x"], "layer": {}}},
    {"type": "Feature", "properties": {"code": "999999", "layer": "../x"}, "geometry": "x"},
    [{"properties": {}}],
)
#: Extra values for stores: shapes close to what a store holds, but not it.
STORES: tuple[Any, ...] = (
    {"upload_1": 5},
    {"upload_1": {"title": 5, "values": "x"}},
    {"upload_1": {"level": "prefecture", "values": {"420100": "x"}}},
    [{"id": 5}],
    "zz",
    "999999",
    "T99",
    "?lang=fr&layers=../x&ind=<b>",
    [{"code": 5, "bounds": "x"}],
)
#: Wildcard values of made-up pattern-matching ids (a code that is no unit, a text index, ...).
WILD: tuple[Any, ...] = ("999999", "<script>", "", -1, 10**20, 1.5, True, "420100/../x")

_SEARCH = "?lang=en"
#: The pages whose layouts give the other inputs' values (``app.web.dashapp.COMPONENT_PAGES``).
PAGES = ("", "compare=1&ind=gdp_2023", "unit=420100", "view=targets", "hl=T01")


def _page_values() -> dict[str, Any]:
    """``{"id.property": value}`` as the pages hold them; a pattern's ``{"type.property": [(id, value)]}``."""
    from dash.development.base_component import Component

    from app.web import page

    values: dict[str, Any] = {}
    patterns: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for query in PAGES:
        for component in page.shell(query)._traverse():
            ident = getattr(component, "id", None)
            if not isinstance(component, Component) or ident is None:
                continue
            if isinstance(ident, dict):
                patterns.setdefault(str(ident["type"]), []).append((ident, component))
            else:
                for prop in component._prop_names:
                    values.setdefault(f"{ident}.{prop}", getattr(component, prop, None))
    values["url.search"] = _SEARCH
    values["_patterns"] = patterns
    return values


def _value(spec: dict[str, str], page: dict[str, Any]) -> Any:
    if spec["id"].startswith("{"):
        kind = json.loads(spec["id"])["type"]
        seen: dict[str, tuple[dict[str, Any], Any]] = {}
        for ident, component in page["_patterns"].get(kind, []):
            seen.setdefault(repr(sorted(ident.items())), (ident, getattr(component, spec["property"], None)))
        return list(seen.values())
    return page.get(f"{spec['id']}.{spec['property']}")


def _bodies(dep: dict[str, Any], page: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The hostile requests for one callback: (a short name, the body)."""
    specs = [*dep["inputs"], *dep["state"]]
    base = {f"{s['id']}.{s['property']}": _value(s, page) for s in specs}
    found = []
    for index, spec in enumerate(specs):
        key = f"{spec['id']}.{spec['property']}"
        trigger = key if index < len(dep["inputs"]) else f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"
        tries = list(HOSTILE)
        if spec["property"] in ("hoverData", "clickData"):
            tries += FEATURES
        if spec["property"] == "data":
            tries += STORES
        pattern = json.loads(spec["id"]) if spec["id"].startswith("{") else None
        for number, hostile in enumerate(tries):
            if pattern is None:
                variant = hostile
            else:  # every component of the family holds the hostile value
                variant = [(ident, hostile) for ident, _ in base[key]] or [({**pattern, **_wild(pattern, 1)}, hostile)]
            found.append((f"{key}#{number}", _body(dep, {**base, key: variant}, trigger)))
        for wild in WILD if pattern is not None else ():
            real = base[key][0][1] if base[key] else 1
            made_up = [({**pattern, **_wild(pattern, wild)}, 1 if spec["property"] == "n_clicks" else real)]
            found.append((f"{key}:{wild!r}", _body(dep, {**base, key: made_up}, trigger)))
        if pattern is not None:  # a trigger naming the pattern itself, not one of its components
            found.append((f"{key}:trigger", callback_body(dep, {**base, key: base[key]}, [key])))
    return found


def _body(dep: dict[str, Any], values: dict[str, Any], trigger: str) -> dict[str, Any]:
    """The request with ``trigger`` changed, named as the renderer names it: a pattern's first component."""
    pairs = values[trigger]
    if trigger.startswith("{") and pairs:
        trigger = json.dumps(pairs[0][0], sort_keys=True, separators=(",", ":")) + "." + trigger.rsplit(".", 1)[1]
    return callback_body(dep, values, [trigger])


def _wild(pattern: dict[str, Any], value: Any) -> dict[str, Any]:
    return {k: value for k, v in pattern.items() if isinstance(v, list)}


@pytest.fixture(scope="module")
def served():
    """The app's test client, its callbacks' dependencies and the pages' values."""
    from app.serve.server import create_app

    client = create_app().server.test_client()
    return client, client.get("/_dash-dependencies").get_json(), _page_values()


@pytest.mark.slow
def test_no_hostile_callback_request_makes_the_server_answer_500(served, caplog):
    client, dependencies, page = served
    statuses: dict[int, int] = {}
    faults = []
    caplog.set_level(logging.INFO)
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        for name, body in _bodies(dep, page):
            response = client.post("/_dash-update-component", json=body)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500 or response.status_code < 200 or response.status_code in range(300, 400):
                faults.append(f"{response.status_code} {dep['output'][:60]} {name}")
    print(f"{sum(statuses.values())} requests: {dict(sorted(statuses.items()))}")
    assert not faults, f"{len(faults)} of {sum(statuses.values())}:\n" + "\n".join(faults[:60])
    assert "Traceback" not in caplog.text
    assert statuses.get(200, 0) > 0 and sum(v for k, v in statuses.items() if 400 <= k < 500) > 0


def _send(served, output: str, changes: dict[str, Any], changed: str) -> tuple[int, str]:
    client, dependencies, page = served
    dep = next(
        d
        for d in dependencies
        if not d.get("clientside_function")
        and output in d["output"]
        and set(changes) <= {f"{s['id']}.{s['property']}" for s in [*d["inputs"], *d["state"]]}
    )
    values = {f"{s['id']}.{s['property']}": _value(s, page) for s in [*dep["inputs"], *dep["state"]]}
    response = client.post("/_dash-update-component", json=callback_body(dep, {**values, **changes}, [changed]))
    return response.status_code, json.dumps(response.get_json(), ensure_ascii=False)


_DRILL = '{"code":"420500","type":"drill-button"}.n_clicks'


@pytest.mark.parametrize(
    ("output", "changes", "changed", "error"),
    [
        ("unit-list.children", {"drill-unit.data": "999999"}, "drill-unit.data", "drill-unit.data cannot be '999999'"),
        ("unit-list.children", {"drill-unit.data": ["420100"]}, "drill-unit.data", "drill-unit.data cannot be"),
        (
            "indicator-select.options",
            {"user-indicators.data": {"upload_1": {"meta": 5, "values": []}}},
            "user-indicators.data",
            "user-indicators.data cannot be",
        ),
        (
            "hover-info.children",
            {"layer-prefectures.hoverData": {"type": "Feature", "properties": 5}},
            "layer-prefectures.hoverData",
            "layer-prefectures.hoverData cannot be",
        ),
        (
            "drill-unit.data",
            {'{"code":["ALL"],"type":"drill-button"}.n_clicks': [({"type": "drill-button", "code": "999999"}, 1)]},
            '{"code":"999999","type":"drill-button"}.n_clicks',
            "no component has the id {'code': '999999', 'type': 'drill-button'}",
        ),
        (
            "map.viewport",
            {'{"index":["ALL"],"type":"search-hit"}.n_clicks': [({"type": "search-hit", "index": "0"}, 1)]},
            '{"index":"0","type":"search-hit"}.n_clicks',
            "no component has the id",
        ),
        (
            "drill-unit.data",
            {'{"code":["ALL"],"type":"drill-button"}.n_clicks': [({"type": "drill-button", "code": "420500"}, 1)]},
            '{"code":["ALL"],"type":"drill-button"}.n_clicks',
            "changedPropIds must name this request's inputs",
        ),
        ("view-query.data", {"basemap-select.value": []}, "basemap-select.value", "basemap-select.value cannot be []"),
    ],
)
def test_a_store_pattern_id_or_feature_of_the_wrong_shape_is_refused_before_dispatch(
    served, output, changes, changed, error
):
    status, text = _send(served, output, changes, changed)
    assert status == 400 and error in text, text[:300]


def test_the_shapes_let_what_the_page_sends_through(served):
    drill = {'{"code":["ALL"],"type":"drill-button"}.n_clicks': [({"type": "drill-button", "code": "420500"}, 1)]}
    status, text = _send(served, "drill-unit.data", drill, _DRILL)
    assert status == 200 and '"420500"' in text
    feature = {"type": "Feature", "properties": {"code": "999999", "name_zh": "某地", "kind": "地级市"}}
    status, text = _send(
        served, "feature-detail.hidden", {"layer-prefectures.clickData": feature}, "layer-prefectures.clickData"
    )
    assert status == 200 and "某地" in text  # a code that is no unit: the feature's own fields
    status, _ = _send(served, "search-results.children", {"search-input.value": 5}, "search-input.value")
    assert status == 200


def test_a_real_upload_and_real_search_results_fit_their_store_shapes():
    import base64

    from app.web import search, shapes, upload

    csv = b"code,value,note\n420100,5,x\n420200,1,\n420300,2.5,y\n"
    contents = "data:text/csv;base64," + base64.b64encode(csv).decode()
    store, *_ = upload.upload_indicator(
        contents=contents, filename="mine.csv", title="我的", unit="个", level="prefecture", store={}, lang="zh"
    )
    assert "upload_1" in store
    assert shapes.store_fits("user-indicators", json.loads(json.dumps(store)))
    assert not shapes.store_fits("user-indicators", {"upload_1": {**store["upload_1"], "meta": "x"}})
    _, hits = search.search_results("武汉", "zh")
    assert hits and shapes.store_fits("search-hits", json.loads(json.dumps(hits)))
    assert shapes.store_fits("drill-unit", "420100") and not shapes.store_fits("drill-unit", "420102")
