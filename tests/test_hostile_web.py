"""The web corpus without a browser: hostile requests get their error and write nothing.

Snapshot and export requests with path-like, unknown, absurd or control-character values
(``tests/corpus_web.py``); the app's download, snapshot and upload callbacks called as the
browser calls them; the OGC API with hostile query values; the same refused many at once;
hostile text in the outputs that are files (offline HTML, SVG).
"""

from __future__ import annotations

import base64
import logging
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import corpus_web as cw
import pytest
from dash import no_update

from app import messages
from app.export import files as export
from app.render import SnapshotError, request_from_state
from app.serve.server import create_app
from app.web import downloads, indicator_panel, upload
from layers import user_indicators

EXE = Path(sys.executable).with_name("hubei-map")
#: A refused request's message stays readable however long the value sent.
MAX_MESSAGE = 1500  # the choices listed can be long; the value sent is quoted briefly
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def _state(case: cw.Case) -> object:
    return [] if "__list__" in case.params else case.params


@pytest.mark.parametrize("case", cw.SNAPSHOT_CASES, ids=lambda c: c.id)
def test_a_hostile_snapshot_request_gets_its_error(case):
    with pytest.raises(SnapshotError) as err:
        request_from_state(_state(case))  # type: ignore[arg-type]
    assert case.error in str(err.value)
    assert len(str(err.value)) < MAX_MESSAGE


@pytest.mark.parametrize("case", cw.EXPORT_CASES, ids=lambda c: c.id)
def test_a_hostile_export_request_gets_its_error_and_writes_nothing(case, tmp_path):
    params = {"layer_ids": ["computing"], "fmt": "gpkg", **case.params}
    out = tmp_path / ("out.gpkg" if params["fmt"] == "gpkg" else "out")
    with pytest.raises(export.ExportError) as err:
        export.export_layers(params.pop("layer_ids"), params.pop("fmt"), out, **params)
    assert case.error in str(err.value)
    assert len(str(err.value)) < MAX_MESSAGE
    assert list(tmp_path.iterdir()) == []


def test_messages_quote_a_long_value_briefly():
    assert messages.shown("abc") == "'abc'"
    quoted = messages.shown("x" * 100_000)
    assert len(quoted) < 90 and quoted.endswith("(100000 characters)")
    assert messages.shown("a\x00b") == "'a\\x00b'"  # a NUL is visible, not swallowed
    assert messages.shown_list(list("abcdefg")) == "['a', 'b', 'c', 'd', 'e', … 2 more]"


# --- the callbacks, called with what a browser (or a script posing as one) sends ---------------


@pytest.mark.parametrize(
    ("paper", "fmt", "error"),
    [
        ("../../etc/passwd", "pdf", "unknown paper '../../etc/passwd'"),
        ("a4-landscape", "../../x", "unknown format '../../x'"),
        ("a4-landscape", "exe", "unknown format 'exe'"),
        ("/etc/passwd\x00", "png", "unknown paper '/etc/passwd\\x00'"),
        ("a" * 100_000, "svg", "(100000 characters)"),
    ],
)
def test_the_snapshot_button_refuses_hostile_choices_with_a_message(paper, fmt, error):
    payload, status = downloads.snapshot_view(n_clicks=1, query="?lang=en", paper=paper, fmt=fmt, lang="en")
    assert payload is no_update
    assert error in status[0].children and status[0].className == "upload-error"


def test_the_snapshot_refuses_a_hostile_address_view_quietly():
    # The address is lenient: a hostile query gives the default view, never an error or a file name.
    state = downloads.snapshot_state("?layers=../../etc/passwd&ind=<script>&unit=../x&lang=fr", "a4-portrait", "svg")
    assert state["layers"] == [] and state["indicator"] is None and state["extent"] == "province"
    assert state["lang"] == "zh"


def test_snapshot_download_names_are_plain_file_names():
    payload, _ = downloads.snapshot_view(
        n_clicks=1, query="?layers=province", paper="a4-portrait", fmt="svg", lang="en"
    )
    assert SAFE_NAME.match(payload["filename"]), payload["filename"]


@pytest.mark.parametrize(
    ("fmt", "crs_choice", "bounds", "error"),
    [
        ("../../etc/passwd", "wgs84", None, "unknown format '../../etc/passwd'"),
        (["gpkg"], "wgs84", None, "unknown format ['gpkg']"),
        ("gpkg", "../../etc/passwd", None, "unknown CRS '../../etc/passwd'"),
        ("shp", None, None, "unknown CRS None"),
        ("gpkg", "wgs84", [[30, 110]], "the map view's bounds must be"),
        ("gpkg", "wgs84", [["a", 110], [31, 112]], "the map view's bounds must be"),
        ("gpkg", "wgs84", [[31, 112], [30, 110]], "--bbox must be min_lon,min_lat,max_lon,max_lat"),
    ],
)
def test_the_download_button_refuses_hostile_choices_with_a_message(fmt, crs_choice, bounds, error):
    payload, status = _download(fmt, crs_choice, ["view"], bounds)
    assert payload is no_update
    assert error in status[0].children


def test_download_names_are_plain_file_names():
    payload, _ = _download("shp", "gcj02", None, None)
    assert SAFE_NAME.match(payload["filename"]), payload["filename"]


def _download(fmt, crs_choice, only_view, bounds):
    """The download button's callback for the computing layer, in English."""
    return downloads.download_layers(
        n_clicks=1,
        layer_values=[["computing"]],
        fmt=fmt,
        crs_choice=crs_choice,
        only_view=only_view,
        bounds=bounds,
        lang="en",
    )


def _contents(body: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(body).decode("ascii")


def _upload(body: bytes, *, title: str | None = "t", unit: str | None = "u", store=None, name="x.csv"):
    return upload.upload_indicator(
        contents=_contents(body),
        filename=name,
        title=title,
        unit=unit,
        level="prefecture",
        store=store or {},
        lang="en",
    )


def _text(children) -> str:
    return " ".join(str(getattr(c, "children", c)) for c in children)


def test_an_upload_over_the_size_limit_is_refused_with_its_size():
    body = b"code,value\n" + b"420100,1\n" * (user_indicators.MAX_BYTES // 9 + 1)
    store, result, options, value = _upload(body, name="big.csv")
    assert store == {} and options is no_update and value is no_update
    assert f"big.csv: {len(body):,} bytes is over the {user_indicators.MAX_BYTES:,}-byte limit" in _text(result)


def test_an_upload_with_an_overlong_title_or_unit_is_refused():
    store, result, *_ = _upload(cw.UPLOAD_CSV.encode(), title="x" * 10_000)
    assert store == {} and "the title is 10000 characters; at most 100" in _text(result)
    store, result, *_ = _upload(cw.UPLOAD_CSV.encode(), unit="y" * 101)
    assert store == {} and "the unit of measure is 101 characters; at most 100" in _text(result)


def test_a_session_keeps_a_bounded_number_of_uploads():
    store: dict = {}
    for _ in range(upload.MAX_UPLOADS):
        store, result, *_ = _upload(cw.UPLOAD_CSV.encode(), store=store)
        assert "Added" in _text(result)
    assert len(store) == upload.MAX_UPLOADS
    again, result, options, _ = _upload(cw.UPLOAD_CSV.encode(), store=store)
    assert again is store and options is no_update
    assert f"already holds {upload.MAX_UPLOADS} uploaded indicators" in _text(result)


def test_hostile_upload_texts_are_kept_as_text():
    store, result, _, value = _upload(cw.UPLOAD_CSV.encode(), title=cw.UPLOAD_TITLE, unit=cw.UPLOAD_UNIT)
    assert store[value]["meta"] == {
        "title": cw.UPLOAD_TITLE,
        "unit": cw.UPLOAD_UNIT,
        "level": "prefecture",
        "filename": "x.csv",
    }
    assert cw.UPLOAD_TITLE in _text(result)  # a plain string child: React renders it as text


@pytest.mark.parametrize(
    "entry",
    [{}, {"meta": "x"}, {"meta": {"title": "t"}, "values": []}, {"meta": None, "values": None}],
    ids=["empty", "meta-text", "meta-partial", "nulls"],
)
def test_an_edited_session_store_maps_nothing_instead_of_failing(entry):
    url, hideout, _, _ = indicator_panel.choropleth_view("upload_1", "quantiles", 5, "blues", 7, {"upload_1": entry})
    assert url is None and hideout == {}


# --- the OGC API --------------------------------------------------------------------------------

OGC_CASES = [
    ("/ogc/collections/computing/items?limit=abc", 400, "limit must be an integer from 1 to 10000, got 'abc'"),
    ("/ogc/collections/computing/items?limit=-5", 400, "limit must be an integer from 1 to 10000"),
    ("/ogc/collections/computing/items?limit=" + "9" * 5000, 400, "(5000 characters)"),
    ("/ogc/collections/computing/items?offset=-1", 400, "offset must be an integer >= 0"),
    ("/ogc/collections/computing/items?bbox=nan,29,116,33", 400, "bbox must be 4 numbers"),
    ("/ogc/collections/computing/items?bbox=../../etc/passwd", 400, "bbox must be 4 numbers"),
    ("/ogc/collections/computing/items?f=<script>", 400, "got '<script>'"),
    ("/ogc/collections/..%2F..%2Fetc%2Fpasswd/items", 404, "no resource /ogc/collections/../../etc/passwd/items"),
    ("/ogc/collections/%3Cscript%3E/items", 404, "no collection '<script>'"),
    ("/ogc/collections/" + "x" * 5000, 404, "(5000 characters)"),
    ("/ogc/collections/computing/items/%00", 404, "no feature '\\x00'"),
]


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.mark.parametrize(("path", "status", "error"), OGC_CASES, ids=[p for p, _, _ in OGC_CASES])
def test_hostile_ogc_requests_get_a_json_error(client, path, status, error):
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert error in response.get_json()["description"]
    assert len(response.get_json()["description"]) < MAX_MESSAGE


def test_many_hostile_requests_at_once_all_get_their_errors(client):
    cases = [*cw.SNAPSHOT_CASES[:10]] * 3
    with ThreadPoolExecutor(max_workers=8) as pool:

        def refuse(case: cw.Case) -> str:
            try:
                request_from_state(_state(case))  # type: ignore[arg-type]
            except SnapshotError as exc:
                return str(exc)
            return "accepted"

        results = list(pool.map(refuse, cases))
        ogc = list(pool.map(lambda c: client.get(c[0]), OGC_CASES * 3))
    assert all(case.error in result for case, result in zip(cases, results, strict=True))
    assert [r.status_code for r in ogc] == [s for _, s, _ in OGC_CASES * 3]


# --- files: offline HTML and SVG made from a hostile data folder -----------------------------------


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cw.make_hostile_data(tmp_path_factory.mktemp("hostile") / "data")


def _run(data: Path, *args: str) -> None:
    subprocess.run(["env", f"HUBEI_MAP_DATA={data}", str(EXE), *args], check=True, capture_output=True)


def test_the_offline_html_map_has_no_raw_markup_from_the_data(hostile_data, tmp_path):
    out = tmp_path / "map.html"
    _run(hostile_data, "html", "--out", str(out), "--layers", f"prefectures,{cw.LAYER_ID}", "--indicator",
         cw.INDICATOR_ID, "--title", cw.PAYLOADS["script"][:40])  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert "XSS-layer-title-zh" in page and "XSS-indicator-zh" in page
    for payload in cw.PAYLOADS.values():
        assert payload not in page, payload
    assert "<script>window.__xss" not in page and "<img src=x" not in page


def test_an_svg_snapshot_escapes_markup_in_its_text(hostile_data, tmp_path):
    out = tmp_path / "map.svg"
    _run(hostile_data, "snapshot", "--out", str(out), "--format", "svg", "--layers", "prefectures",
         "--indicator", cw.INDICATOR_ID, "--title", "<script>window.__xss=1</script>")  # fmt: skip
    svg = out.read_text(encoding="utf-8")
    elements = list(ElementTree.fromstring(svg).iter())  # well-formed: the text did not break the markup
    tags = {e.tag.rsplit("}", 1)[-1] for e in elements}
    assert not tags & {"script", "foreignObject", "iframe", "img"}, tags
    assert [k for e in elements for k in e.attrib if k.lower().startswith("on")] == []
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in svg  # the title, escaped
    assert "&lt;img src=x" in svg  # the indicator title in the legend


# --- Dash's own routes and the server's: 4xx with a short reason, one log line, never a traceback ---------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options")  # a refusal is JSON, not a page


def _send(client, case: cw.WebRequest):
    return client.open(case.path, method=case.method, json=case.json, data=case.data, content_type=case.content_type)


@pytest.mark.parametrize("case", cw.FRAMEWORK_CASES, ids=lambda c: c.id)
def test_hostile_framework_requests_get_a_4xx_and_one_log_line(client, case, caplog):
    caplog.set_level(logging.WARNING)
    response = _send(client, case)
    assert response.status_code == case.status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert case.error in response.get_json()["error"]
    assert len(response.get_json()["error"]) < MAX_MESSAGE
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert "Traceback" not in caplog.text and all(r.exc_info is None for r in caplog.records)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "\n" not in refusals[0].getMessage()


def test_a_callback_request_as_the_browser_sends_it_still_works(client):
    response = client.post("/_dash-update-component", json=cw.PAGE_CALLBACK)
    assert response.status_code == 200
    assert "page-content" in response.get_json()["response"]


def test_a_server_fault_is_a_500_with_one_log_line(client, caplog, monkeypatch):
    from app.web import page

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(page, "shell", broken)
    caplog.set_level(logging.WARNING)
    response = client.get("/_dash-layout")
    assert response.status_code == 500 and response.get_json() == {"error": "internal server error"}
    (line,) = [r.getMessage() for r in caplog.records]
    assert "RuntimeError" in line and "disk on fire" in line and "\n" not in line and "test_hostile_web.py" in line
    assert all(r.exc_info is None for r in caplog.records)
