"""The web corpus: hostile text and hostile requests, each with what must happen.

Used by ``tests/test_hostile_web.py`` (callbacks, request validation, HTML and SVG
outputs) and ``tests/test_hostile_browser.py`` (the page and the offline HTML map in
headless Chromium). Nothing here is data about Hubei: the hostile data folder is a
copy of ``data/`` made in a test's temporary folder (``hostile_data``), never written
into the repository's ``data/``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.paths import DATA_DIR

#: Markup that runs script if a page inserts it as HTML. Every payload sets ``window.__xss``
#: when it runs, and the ``<img src=x>`` ones also leave an element a test can look for.
PAYLOADS: dict[str, str] = {
    "img": '<img src=x onerror="window.__xss=1">',
    "script": "<script>window.__xss=1</script>",
    "svg": '"><svg onload=window.__xss=1>',
    "attr": "' onmouseover='window.__xss=1' x='",
    "iframe": '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
}
#: A source link that runs script if it is ever rendered as an ``href``.
JS_URL = "javascript:window.__xss=1"


def tagged(where: str, payload: str = "img") -> str:
    """A hostile text for one place: a visible marker naming the place, then the payload.

    The marker (``XSS-<where>``) lets a test find the text on the page and check that the
    payload is shown literally right after it.
    """
    return f"XSS-{where} {PAYLOADS[payload]}"


#: Where the hostile data folder carries hostile text: place -> the text.
FACILITY_ID = "dc-telecom-central"  # a computing facility drawn at its district's point (Wuhan)
HOSTILE_TEXT: dict[str, str] = {
    "facility_name_zh": tagged("facility-zh", "img"),
    "facility_name_en": tagged("facility-en", "script"),
    "facility_note": tagged("facility-note", "svg"),
    "facility_operator": tagged("facility-operator", "iframe"),
    "layer_title_zh": tagged("layer-title-zh", "img"),
    "layer_title_en": tagged("layer-title-en", "img"),
    "layer_description_zh": tagged("layer-desc-zh", "img"),
    "layer_description_en": tagged("layer-desc-en", "svg"),
    "source_title": tagged("source-title", "img"),
    "unit_name_en": tagged("unit-en", "img"),
    "indicator_title_zh": tagged("indicator-zh", "img"),
    "indicator_title_en": tagged("indicator-en", "img"),
    "indicator_unit_zh": tagged("unit-zh", "attr"),
    "indicator_unit_en": tagged("unit-en-ind", "svg"),
}
#: The layer, unit, source and indicator the hostile folder edits.
LAYER_ID = "computing"
UNIT_CODE = "420100"  # Wuhan
SOURCE_IDS = ("F16", "S04")  # cited by FACILITY_ID and by INDICATOR_ID
INDICATOR_ID = "gdp_2023"


def _edit_csv(path: Path, key: str, value: str, changes: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    hit = [r for r in rows if r[key] == value]
    assert len(hit) == 1, f"{path.name}: no single row with {key}={value}"
    hit[0].update(changes)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _edit_json(path: Path, edit: Any) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def make_hostile_data(target: Path) -> Path:
    """A copy of the data folder at ``target`` whose texts carry ``HOSTILE_TEXT``; returns ``target``."""
    shutil.copytree(DATA_DIR, target)
    h = HOSTILE_TEXT
    _edit_csv(
        target / "layers" / "facilities.csv",
        "id",
        FACILITY_ID,
        {
            "name_zh": h["facility_name_zh"],
            "name_en": h["facility_name_en"],
            "note": h["facility_note"],
            "operator_zh": h["facility_operator"],
        },
    )
    for source_id in SOURCE_IDS:
        _edit_csv(target / "sources.csv", "source_id", source_id, {"title": h["source_title"], "url": JS_URL})

    def layer(doc: dict[str, Any]) -> None:
        (entry,) = [e for e in doc["layers"] if e["id"] == LAYER_ID]
        entry.update(
            title_zh=h["layer_title_zh"],
            title_en=h["layer_title_en"],
            description_zh=h["layer_description_zh"],
            description_en=h["layer_description_en"],
        )

    def indicator(doc: dict[str, Any]) -> None:
        (entry,) = [e for e in doc["indicators"] if e["id"] == INDICATOR_ID]
        entry.update(
            title_zh=h["indicator_title_zh"],
            title_en=h["indicator_title_en"],
            unit_zh=h["indicator_unit_zh"],
            unit_en=h["indicator_unit_en"],
        )

    def unit(doc: dict[str, Any]) -> None:
        (feature,) = [f for f in doc["features"] if f["properties"]["code"] == UNIT_CODE]
        feature["properties"]["name_en"] = h["unit_name_en"]

    _edit_json(target / "layers" / "catalogue.json", layer)
    _edit_json(target / "indicators" / "catalogue.json", indicator)
    _edit_json(target / "boundaries" / "hubei_prefectures.geojson", unit)

    def context(doc: dict[str, Any]) -> None:  # dash-leaflet binds these two properties as HTML by default
        for feature in doc["features"]:
            feature["properties"].update(popup=PAYLOADS["img"], tooltip=PAYLOADS["img"])

    _edit_json(target / "boundaries" / "neighbour_provinces.geojson", context)
    return target


#: An uploaded indicator's hostile texts: the title and unit typed in, and the file's name.
UPLOAD_TITLE = tagged("upload-title", "img")
UPLOAD_UNIT = tagged("upload-unit", "svg")
UPLOAD_FILENAME = '"><img src=x onerror="window.__xss=1">.csv'
#: A valid prefecture table whose notes carry a payload.
UPLOAD_CSV = "code,value,note\n420100,1,\"<img src=x onerror='window.__xss=1'>\"\n420500,2,x\n"


@dataclass(frozen=True)
class Case:
    """One hostile request: its parameters and a fragment its error message must contain."""

    id: str
    params: dict[str, Any]
    error: str


#: Snapshot requests from the browser (``request_from_state``): each must fail with its message.
SNAPSHOT_CASES: tuple[Case, ...] = (
    Case("path-paper", {"paper": "../../etc/passwd"}, "unknown paper '../../etc/passwd'"),
    Case("abs-paper", {"paper": "/etc/passwd"}, "unknown paper '/etc/passwd'"),
    Case("nul-format", {"format": "pdf\x00.sh"}, "unknown format"),
    Case("path-format", {"format": "../x"}, "unknown format '../x'"),
    Case("html-format", {"format": "html"}, "unknown format 'html'"),
    Case("long-paper", {"paper": "a" * 100_000}, "unknown paper 'aaaa"),
    Case("unknown-layer", {"layers": ["computing", "../../etc/passwd"]}, "unknown layer(s) ['../../etc/passwd']"),
    Case("layers-not-list", {"layers": "computing"}, "layers must be a list of layer ids"),
    Case("unknown-indicator", {"indicator": "<script>"}, "unknown indicator '<script>'"),
    Case("upload-indicator", {"indicator": "upload_1"}, "unknown indicator 'upload_1'"),
    Case("unknown-extent", {"extent": "../420100"}, "unknown extent '../420100'"),
    Case("county-extent", {"extent": "420102"}, "unknown extent '420102'"),
    Case("dpi-huge-int", {"format": "png", "dpi": 10**6}, "unknown dpi 1000000"),
    Case("dpi-huge-text", {"format": "png", "dpi": "1000000"}, "dpi must be a whole number"),
    Case("dpi-zero", {"format": "png", "dpi": 0}, "unknown dpi 0"),
    Case("dpi-negative", {"format": "png", "dpi": -300}, "unknown dpi -300"),
    Case("dpi-float", {"format": "png", "dpi": 300.5}, "dpi must be a whole number"),
    Case("dpi-bool", {"format": "png", "dpi": True}, "dpi must be a whole number"),
    Case("dpi-nan-text", {"format": "png", "dpi": "nan"}, "dpi must be a whole number"),
    Case("k-zero", {"indicator": "gdp_2023", "k": 0}, "k (number of classes) must be a whole number from 2 to 9"),
    Case("k-huge", {"indicator": "gdp_2023", "k": 10**9}, "k (number of classes) must be a whole number"),
    Case("lang", {"lang": "fr"}, "unknown lang 'fr'"),
    Case("lang-script", {"lang": "<script>"}, "unknown lang '<script>'"),
    Case("scheme", {"scheme": "user_defined"}, "unknown scheme 'user_defined'"),
    Case("palette", {"palette": "../../etc"}, "unknown palette '../../etc'"),
    Case("title-nul", {"title": "map\x00"}, "title must be printable text without control characters"),
    Case("title-long", {"title": "地" * 10_000}, "title is 10000 characters; at most 60"),
    Case("approval-long", {"approval_number": "x" * 41}, "approval number is 41 characters; at most 40"),
    Case("unknown-key", {"output": "../../etc/passwd"}, "unknown key(s) ['output']"),
    Case("title-not-text", {"title": ["a"]}, "title must be text, got list"),
    Case("state-not-object", {"__list__": True}, "the snapshot state must be an object"),
)

#: Export requests (``app.export.files.export_layers`` as the web download and the CLI call it).
EXPORT_CASES: tuple[Case, ...] = (
    Case("path-format", {"fmt": "../../etc/passwd"}, "unknown format '../../etc/passwd'"),
    Case("nul-format", {"fmt": "gpkg\x00"}, "unknown format"),
    Case("long-format", {"fmt": "g" * 100_000}, "unknown format 'gggg"),
    Case("path-layer", {"layer_ids": ["../../etc/passwd"]}, "unknown layer(s) ['../../etc/passwd']"),
    Case("abs-layer", {"layer_ids": ["/etc/passwd"]}, "unknown layer(s) ['/etc/passwd']"),
    Case("no-layer", {"layer_ids": []}, "unknown layer(s) []"),
    Case("unknown-crs-gpkg", {"fmt": "gpkg", "crs_choice": "epsg:4326/../../x"}, "unknown CRS 'epsg:4326/../../x'"),
    Case("unknown-crs-shp", {"fmt": "shp", "crs_choice": "EPSG:99999"}, "unknown CRS 'EPSG:99999'"),
    Case("unknown-crs-csv", {"fmt": "csv", "crs_choice": "+proj=longlat"}, "unknown CRS '+proj=longlat'"),
    Case("crs-geojson", {"fmt": "geojson", "crs_choice": "gcj02"}, "GeoJSON is WGS-84 only"),
    Case("encoding", {"fmt": "shp", "encoding": "../utf-8"}, "--encoding must be utf-8 or gbk"),
    Case("bbox-inverted", {"bbox": (116.0, 33.0, 108.0, 29.0)}, "--bbox must be min_lon,min_lat,max_lon,max_lat"),
    Case("bbox-short", {"bbox": (1.0, 2.0)}, "--bbox must be min_lon,min_lat,max_lon,max_lat"),
    Case("bbox-nan", {"bbox": (float("nan"), 29.0, 116.0, 33.0)}, "--bbox must be min_lon,min_lat,max_lon,max_lat"),
    Case("unit-path", {"unit": "../420100"}, "--unit must be a prefecture-level code"),
)


@dataclass(frozen=True)
class WebRequest:
    """One hostile HTTP request to the server's own or Dash's routes, and the refusal it must get."""

    id: str
    method: str
    path: str
    status: int
    error: str
    json: Any = None
    data: str | None = None
    content_type: str | None = None


#: A callback request as Dash's renderer sends it for the page's address (``page.render_page``).
PAGE_CALLBACK = {
    "output": "..page-content.children...rendered-query.data..",
    "outputs": [{"id": "page-content", "property": "children"}, {"id": "rendered-query", "property": "data"}],
    "inputs": [{"id": "url", "property": "search", "value": "?lang=en"}],
    "state": [
        {"id": "rendered-query", "property": "data", "value": None},
        {"id": "user-indicators", "property": "data", "value": None},
    ],
    "changedPropIds": ["url.search"],
}


def page_callback(**changes: Any) -> dict[str, Any]:
    """``PAGE_CALLBACK`` with some keys replaced (a key set to ``...`` is left out)."""
    return {k: v for k, v in {**PAGE_CALLBACK, **changes}.items() if v is not ...}


_URL = {"id": "url", "property": "search"}
#: Dash's routes and the page's: each request a browser never sends gets a 4xx and a short JSON reason.
FRAMEWORK_CASES: tuple[WebRequest, ...] = (
    WebRequest("suite-unknown-file", "GET", "/_dash-component-suites/dash/x.js", 404, "no script 'dash/x.js'"),
    WebRequest("suite-dotdot", "GET", "/_dash-component-suites/dash/../../../etc/passwd", 404, "no script"),
    WebRequest("suite-dotdot-encoded", "GET", "/_dash-component-suites/dash/..%2f..%2fdash.py", 404, "no script"),
    WebRequest("suite-unknown-package", "GET", "/_dash-component-suites/os/path.py", 404, "no script 'os/path.py'"),
    WebRequest(
        "suite-fingerprint",
        "GET",
        "/_dash-component-suites/dash/deps/react@18.v9_9_9m1.3.1.min.js.exe",
        404,
        "no script",
    ),
    WebRequest(
        "update-unknown-output",
        "POST",
        "/_dash-update-component",
        400,
        "no callback has the output 'nope.children'",
        json={"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []},
    ),
    WebRequest(
        "update-not-json",
        "POST",
        "/_dash-update-component",
        400,
        "not valid JSON",
        data="{nope",
        content_type="application/json",
    ),
    WebRequest(
        "update-form",
        "POST",
        "/_dash-update-component",
        415,
        "must be application/json",
        data="output=x",
        content_type="application/x-www-form-urlencoded",
    ),
    WebRequest("update-list", "POST", "/_dash-update-component", 400, "must be a JSON object", json=[1, 2]),
    WebRequest("update-empty", "POST", "/_dash-update-component", 400, "no callback has the output None", json={}),
    WebRequest(
        "update-output-number",
        "POST",
        "/_dash-update-component",
        400,
        "no callback has the output 5",
        json={"output": 5},
    ),
    WebRequest(
        "update-no-inputs",
        "POST",
        "/_dash-update-component",
        400,
        "inputs must be a list of 1",
        json=page_callback(inputs=...),
    ),
    WebRequest(
        "update-extra-input",
        "POST",
        "/_dash-update-component",
        400,
        "inputs must be a list of 1",
        json=page_callback(inputs=[{**_URL, "value": ""}, {**_URL, "value": ""}]),
    ),
    WebRequest(
        "update-other-input",
        "POST",
        "/_dash-update-component",
        400,
        "inputs do not match",
        json=page_callback(inputs=[{"id": "map", "property": "zoom", "value": 3}]),
    ),
    WebRequest(
        "update-wrong-type",
        "POST",
        "/_dash-update-component",
        400,
        "url.search cannot be 5",
        json=page_callback(inputs=[{**_URL, "value": 5}]),
    ),
    WebRequest(
        "update-object-for-text",
        "POST",
        "/_dash-update-component",
        400,
        "url.search cannot be",
        json=page_callback(inputs=[{**_URL, "value": {"__proto__": 1}}]),
    ),
    WebRequest(
        "update-outputs-swapped",
        "POST",
        "/_dash-update-component",
        400,
        "outputs do not match",
        json=page_callback(outputs=list(reversed(PAGE_CALLBACK["outputs"]))),
    ),
    WebRequest(
        "update-outputs-missing",
        "POST",
        "/_dash-update-component",
        400,
        "outputs must be a list of 2",
        json=page_callback(outputs=...),
    ),
    WebRequest(
        "update-changed-ids",
        "POST",
        "/_dash-update-component",
        400,
        "changedPropIds must be a list",
        json=page_callback(changedPropIds="url.search"),
    ),
    WebRequest(
        "update-unknown-choice",
        "POST",
        "/_dash-update-component",
        400,
        "basemap-select.value cannot be",
        json={
            "output": "..basemap-layer.children...basemap-note.children..",
            "outputs": [
                {"id": "basemap-layer", "property": "children"},
                {"id": "basemap-note", "property": "children"},
            ],
            "inputs": [{"id": "basemap-select", "property": "value", "value": "../../etc/passwd"}],
            "state": [{"id": "lang", "property": "data", "value": "zh"}],
        },
    ),
    WebRequest("update-get", "GET", "/_dash-update-component", 404, "no page"),
    WebRequest("layout-post", "POST", "/_dash-layout", 405, "method not allowed"),
    WebRequest("dependencies-put", "PUT", "/_dash-dependencies", 405, "method not allowed"),
    WebRequest("unknown-page", "GET", "/wp-admin/setup.php", 404, "no page '/wp-admin/setup.php'"),
    WebRequest("unknown-page-dotdot", "GET", "/..%2f..%2fetc/passwd", 404, "no page"),
    WebRequest("assets-unknown", "GET", "/assets/nope.js", 404, "not found"),
    WebRequest("assets-dotdot", "GET", "/assets/..%2fdashapp.py", 404, "not found"),
    WebRequest("favicon-post", "POST", "/_favicon.ico", 405, "method not allowed"),
    WebRequest("reload-hash-post", "POST", "/_reload-hash", 405, "method not allowed"),
    WebRequest(
        "huge-body",
        "POST",
        "/_dash-update-component",
        413,
        "the request body is over",
        data="x" * 7_000_000,
        content_type="application/json",
    ),
)
