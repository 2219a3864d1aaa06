"""Benchmark the province view of the web map against a naive Dash baseline built in the same run.

Run from the repository root (after ``python3 dev.py test`` made ``.venv``)::

    .venv/bin/python benchmarks/bench_webmap.py [--runs 3] [--out report.json]

It starts ``hubei-map serve`` and a naive Dash app (the same layers as full-resolution
GeoJSON inside the layout, restyled by re-sending the prefecture GeoJSON; served once
uncompressed and once gzip-compressed), opens each in a fresh headless Chromium (cache
disabled) on loopback and with DevTools network emulation (10 Mbit/s, 40 ms round trip),
and reports bytes transferred, the time until the 17 prefecture shapes are painted, and
the bytes and server time of one indicator switch. Only 127.0.0.1 is used.
See ``benchmarks/README.md`` for what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import harness
from selenium.webdriver.support.ui import WebDriverWait

#: What the paint probe waits for: the interactive map's 17 prefecture paths (Leaflet SVG) and,
#: for the first paint, those or the server-drawn first view's 17 (app/web/first_view.py).
PREFECTURE_CSS = "path.unit-prefecture"
FIRST_VIEW_CSS = "path.first-view-unit"
PREFECTURE_COUNT = 17
PAINT_TIMEOUT_S = 120
#: DevTools network emulation: 10 Mbit/s both ways, 40 ms round trip.
THROTTLE = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 10e6 / 8,
    "uploadThroughput": 10e6 / 8,
}
CONDITIONS = {"loopback": None, "10mbit": THROTTLE}
#: The issue's targets (issue 5, "Done when"); KB = 1000 bytes, to be strict.
TARGET_DATA_BYTES = 100_000
TARGET_SWITCH_BYTES = 1_000
TARGET_PAINT_SPEEDUP = 5.0
#: The switch measured: first pick FIRST_INDICATOR, then SWITCH_INDICATOR (the request replayed).
FIRST_INDICATOR = "gdp_2023"
SWITCH_INDICATOR = "gdp_per_capita_2023"
NAIVE_DROPDOWN = "naive-indicator"
NAIVE_PREFECTURES = "naive-prefectures"

#: Injected before any page script: records when 17 prefecture paths first exist (the first
#: view's or the map's: ``firstFound``) and when the interactive map's exist (``found``), each
#: with the next animation frame after it (performance.now(): milliseconds since navigation start).
PAINT_PROBE = f"""
(() => {{
  const probe = window.__benchPaint = {{}};
  const count = (css) => document.querySelectorAll(css).length >= {PREFECTURE_COUNT};
  const observer = new MutationObserver(() => {{
    if (probe.firstFound === undefined && (count("{FIRST_VIEW_CSS}") || count("{PREFECTURE_CSS}"))) {{
      probe.firstFound = performance.now();
      requestAnimationFrame(() => {{ probe.firstPainted = performance.now(); }});
    }}
    if (probe.found === undefined && count("{PREFECTURE_CSS}")) {{
      probe.found = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => {{ probe.painted = performance.now(); }});
    }}
  }});
  observer.observe(document, {{childList: true, subtree: true, attributes: true, attributeFilter: ["class"]}});
}})();
"""


# --------------------------------------------------------------------------- naive baseline

#: Style functions of the naive page (inline, so the baseline needs no assets folder):
#: fill colours travel as feature properties; points are drawn as circles (no icon images).
NAIVE_JS = """
window.naive = {
  style: function (feature, context) {
    const h = (context && context.hideout) || {};
    const p = (feature && feature.properties) || {};
    return {className: h.className || "", color: h.color || "#555", weight: 1,
            fillColor: p.fill || h.fill || "#ccc", fillOpacity: p.fill ? 0.9 : 0.4};
  },
  point: function (feature, latlng) { return L.circleMarker(latlng, {radius: 5, color: "#333"}); }
};
"""


def naive_layers() -> dict[str, dict[str, Any]]:
    """The layers the province view shows (catalogue ``visible``), as full-resolution GeoJSON, by layer id."""
    from geo import datafiles
    from layers import catalogue, features

    return {
        spec.id: json.loads(datafiles.to_geojson_bytes(features.layer_data(spec.id)))
        for spec in catalogue.catalogue().values()
        if spec.visible
    }


def recoloured(prefectures: dict[str, Any], indicator_id: str | None) -> dict[str, Any]:
    """The whole prefecture GeoJSON again, each feature carrying its class colour as ``fill``."""
    from layers.choropleth import choropleth

    out = copy.deepcopy(prefectures)
    if not indicator_id:
        return out
    hideout = choropleth(indicator_id).hideout()
    for feature in out["features"]:
        code = str(feature["properties"].get("code"))
        feature["properties"]["fill"] = hideout["colors"].get(code, hideout["noData"])
    return out


def naive_app(compress: bool) -> Any:
    """A naive Dash app: every layer's full GeoJSON in the layout; an indicator re-sends the prefectures."""
    import dash_leaflet as dl
    from dash import Dash, Input, Output, dcc, html
    from dash_extensions.javascript import Namespace

    from app.settings import HUBEI_BOUNDS
    from app.web.indicator_panel import indicator_options

    ns = Namespace("naive")
    layers = naive_layers()
    dash_app = Dash(__name__, compress=compress, assets_ignore=".*")
    if compress:
        dash_app.server.config["COMPRESS_ALGORITHM"] = "gzip"
    dash_app.index_string = dash_app.index_string.replace("</head>", f"<script>{NAIVE_JS}</script></head>")
    geojson = [
        dl.GeoJSON(
            id=NAIVE_PREFECTURES if layer_id == "prefectures" else f"naive-{layer_id}",
            data=data,
            style=ns("style"),
            pointToLayer=ns("point"),
            hideout={"className": "unit-prefecture" if layer_id == "prefectures" else ""},
        )
        for layer_id, data in layers.items()
    ]
    dash_app.layout = html.Div(
        [
            dcc.Dropdown(id=NAIVE_DROPDOWN, options=indicator_options(), value=None),
            dl.Map(geojson, bounds=HUBEI_BOUNDS, style={"height": "85vh"}),
        ]
    )

    @dash_app.callback(Output(NAIVE_PREFECTURES, "data"), Input(NAIVE_DROPDOWN, "value"), prevent_initial_call=True)
    def restyle(indicator_id: str | None) -> dict[str, Any]:
        return recoloured(layers["prefectures"], indicator_id)

    return dash_app


def serve_naive(port: int, compress: bool) -> None:
    """Serve the naive app on 127.0.0.1 with Flask's threaded server (blocks)."""
    naive_app(compress).run(host=harness.HOST, port=port, threaded=True, debug=False)


# --------------------------------------------------------------------------- browser measurements


@dataclass
class Transfer:
    """One network request seen through CDP (performance log)."""

    url: str
    post_data: str | None = None
    wire_bytes: int = 0  # encodedDataLength at loadingFinished: headers + body as transferred
    body_bytes: int = 0  # decoded body (sum of dataReceived.dataLength)
    start_ms: float = 0.0  # request sent, ms after the page's own request
    end_ms: float = 0.0  # response complete, ms after the page's own request
    done: bool = False

    def record(self) -> dict[str, Any]:
        """The transfer as a JSON-friendly record (URL path only)."""
        return {
            "path": urlsplit(self.url).path,
            "category": category(self.url),
            "wire_bytes": self.wire_bytes,
            "body_bytes": self.body_bytes,
            "start_ms": round(self.start_ms, 1),
            "end_ms": round(self.end_ms, 1),
        }


@dataclass
class NetworkLog:
    """Requests of one browser session, accumulated from chromedriver's performance log."""

    driver: Any
    transfers: dict[str, Transfer] = field(default_factory=dict)
    last_event: float = field(default_factory=time.monotonic)
    origin: float | None = None  # CDP timestamp (s) of the first request: the page itself

    def poll(self) -> None:
        """Read the new CDP events."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            self._handle(message["method"], message.get("params", {}))

    def _ms(self, params: dict[str, Any]) -> float:
        if self.origin is None:
            self.origin = float(params["timestamp"])
        return (float(params["timestamp"]) - self.origin) * 1000

    def _handle(self, method: str, params: dict[str, Any]) -> None:
        rid = params.get("requestId", "")
        if method == "Network.requestWillBeSent" and params["request"]["url"].startswith("http"):
            request = params["request"]
            self.transfers[rid] = Transfer(
                url=request["url"], post_data=request.get("postData"), start_ms=self._ms(params)
            )
        elif rid not in self.transfers:
            return
        elif method == "Network.dataReceived":
            self.transfers[rid].body_bytes += int(params["dataLength"])
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.transfers[rid].wire_bytes = int(params.get("encodedDataLength", 0))
            self.transfers[rid].end_ms = self._ms(params)
            self.transfers[rid].done = True
        else:
            return
        self.last_event = time.monotonic()

    def until_idle(self, quiet_s: float = 1.5, timeout_s: float = 60) -> None:
        """Wait until no request is in flight and nothing happened for ``quiet_s`` seconds."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.poll()
            busy = any(not t.done for t in self.transfers.values())
            if not busy and time.monotonic() - self.last_event >= quiet_s:
                return
            time.sleep(0.2)
        raise TimeoutError(f"network not idle after {timeout_s} s")


def category(url: str) -> str:
    """What a response carries: ``layers``, ``page``, ``layout``, ``callbacks`` or ``code``.

    ``page`` is the HTML document (ours carries the first view's shapes); ``code`` is JS, CSS
    and the callback graph.
    """
    path = urlsplit(url).path
    if path == "/":
        return "page"
    if path.startswith("/data/layers/"):
        return "layers"
    if path.endswith("/_dash-layout"):
        return "layout"
    if path.endswith("/_dash-update-component"):
        return "callbacks"
    return "code"


def byte_summary(transfers: list[Transfer]) -> dict[str, int]:
    """Bytes on the wire: total, per category, and data (layers + layout + callbacks); also decoded total."""
    out = {f"{c}_bytes": 0 for c in ("layers", "page", "layout", "callbacks", "code")}
    for t in transfers:
        out[f"{category(t.url)}_bytes"] += t.wire_bytes
    out["total_bytes"] = sum(t.wire_bytes for t in transfers)
    out["data_bytes"] = out["layers_bytes"] + out["page_bytes"] + out["layout_bytes"] + out["callbacks_bytes"]
    out["total_decoded_bytes"] = sum(t.body_bytes for t in transfers)
    out["requests"] = len(transfers)
    return out


def _prepare(driver: Any, conditions: dict[str, Any] | None) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    if conditions:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAINT_PROBE})
    driver.get_log("performance")  # drop the events of the blank start page


def _open_and_wait_for_paint(driver: Any, url: str) -> dict[str, float]:
    """Navigate; return milliseconds from navigation start to each paint event.

    ``first_dom_ms``/``first_ms``: 17 prefectures exist/are painted (first view or map);
    ``dom_ms``/``paint_ms``: the interactive map's 17 prefecture paths exist/are painted.
    """
    driver.get(url)
    WebDriverWait(driver, PAINT_TIMEOUT_S, poll_frequency=0.25).until(
        lambda d: d.execute_script("return window.__benchPaint && window.__benchPaint.painted"),
        message=f"{PREFECTURE_COUNT} × {PREFECTURE_CSS} not painted within {PAINT_TIMEOUT_S} s",
    )
    probe = driver.execute_script("return window.__benchPaint")
    keys = {"first_dom_ms": "firstFound", "first_ms": "firstPainted", "dom_ms": "found", "paint_ms": "painted"}
    return {key: float(probe[name]) for key, name in keys.items()}


def load_page(base_url: str, conditions: dict[str, Any] | None) -> dict[str, Any]:
    """Open ``/`` in a fresh Chromium; paint times and bytes of everything loaded until the network is idle."""
    with harness.chromium() as driver:
        _prepare(driver, conditions)
        times = _open_and_wait_for_paint(driver, base_url + "/")
        log = NetworkLog(driver)
        log.until_idle()
        transfers = list(log.transfers.values())
    return {
        **times,
        **byte_summary(transfers),
        "transfers": [t.record() for t in sorted(transfers, key=lambda t: t.start_ms)],
    }


def capture_switch(base_url: str, dropdown_id: str) -> dict[str, Any]:
    """Pick FIRST_INDICATOR, then SWITCH_INDICATOR in the page; return what the second switch sent.

    Every request the second switch caused is kept (normally one callback; a chained or
    URL-state callback would be counted too), with the callback requests' bodies to replay.
    """
    with harness.chromium() as driver:
        _prepare(driver, None)
        _open_and_wait_for_paint(driver, base_url + "/")
        log = NetworkLog(driver)
        log.until_idle()
        harness.choose(driver, dropdown_id, FIRST_INDICATOR)
        log.until_idle()
        before = set(log.transfers)
        harness.choose(driver, dropdown_id, SWITCH_INDICATOR)
        log.until_idle()
    new = [t for rid, t in log.transfers.items() if rid not in before]
    callbacks = [t for t in new if category(t.url) == "callbacks" and t.post_data]
    if not any(SWITCH_INDICATOR in (t.post_data or "") for t in callbacks):
        raise RuntimeError(f"no callback request carried {SWITCH_INDICATOR!r}; saw {[t.url for t in new]}")
    return {
        "post_data": [t.post_data for t in callbacks],
        "browser_requests": [t.record() for t in new],
        "browser_wire_bytes": sum(t.wire_bytes for t in new),
    }


def output_sizes(plain: bytes) -> dict[str, int]:
    """Bytes of each output in a Dash callback response (compact JSON), by ``component.property``."""
    response = json.loads(plain).get("response", {})
    return {
        f"{component}.{prop}": len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
        for component, props in response.items()
        for prop, value in props.items()
    }


def _post(url: str, body: str) -> tuple[bytes, bytes, float]:
    """POST a Dash callback accepting gzip: (body as sent, body uncompressed, seconds to the full response)."""
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        sent = response.read()
        encoding = response.headers.get("Content-Encoding", "")
    elapsed = time.perf_counter() - start
    return sent, gzip.decompress(sent) if encoding == "gzip" else sent, elapsed


def replay_switch(base_url: str, post_data: list[str], repeats: int) -> dict[str, Any]:
    """POST the captured callback requests ``repeats`` times (after one warm-up), one after the other.

    Returns medians over the repeats of the bytes summed over the requests: as sent, uncompressed
    and gzip-compressed here (level 6); and of the time until the last response is complete on
    loopback (the server's time, plus a fraction of a ms).
    """
    url = base_url + "/_dash-update-component"
    sent_bytes, raw_bytes, times = [], [], []
    plain: list[bytes] = []
    for i in range(repeats + 1):
        replies = [_post(url, body) for body in post_data]
        if i == 0:
            continue
        sent_bytes.append(sum(len(sent) for sent, _, _ in replies))
        raw_bytes.append(sum(len(raw) for _, raw, _ in replies))
        times.append(1000 * sum(elapsed for _, _, elapsed in replies))
        plain = [raw for _, raw, _ in replies]
    return {
        "requests": len(post_data),
        "outputs_bytes": {k: v for raw in plain for k, v in output_sizes(raw).items()},
        "body_bytes": statistics.median(sent_bytes),
        "raw_bytes": statistics.median(raw_bytes),
        "gzip_bytes": sum(len(gzip.compress(raw, compresslevel=6)) for raw in plain),
        "server_ms": statistics.median(times),
    }


# --------------------------------------------------------------------------- orchestration


@dataclass(frozen=True)
class Target:
    """An app under test: how to start it and which dropdown picks the indicator."""

    name: str
    label: str
    command: list[str]
    base_url: str
    ready_path: str
    dropdown_id: str


def targets() -> list[Target]:
    """Our app, the naive baseline uncompressed, and the naive baseline gzip-compressed, each on a free port."""
    from app.web import ids

    ours_port, naive_port, gzip_port = harness.free_port(), harness.free_port(), harness.free_port()
    serve = str(Path(sys.executable).with_name("hubei-map"))
    me = [sys.executable, str(Path(__file__).resolve())]
    url = f"http://{harness.HOST}:{{}}".format
    return [
        Target("ours", "ours", [serve, "serve", "--port", str(ours_port)], url(ours_port), "/healthz", ids.INDICATOR),
        Target("naive", "naive", [*me, "--serve-naive", str(naive_port)], url(naive_port), "/", NAIVE_DROPDOWN),
        Target(
            "naive_gzip",
            "naive+gzip",
            [*me, "--serve-naive", str(gzip_port), "--naive-gzip"],
            url(gzip_port),
            "/",
            NAIVE_DROPDOWN,
        ),
    ]


@contextlib.contextmanager
def running(apps: list[Target], log_dir: Path) -> Iterator[None]:
    """All apps serving until the block ends (started one after the other, stopped in any case)."""
    with contextlib.ExitStack() as stack:
        for app in apps:
            print(f"starting {app.label}: {' '.join(app.command[1:])}", file=sys.stderr, flush=True)
            stack.enter_context(harness.server(app.command, app.base_url + app.ready_path, log_dir / f"{app.name}.log"))
        yield


def measure(apps: list[Target], runs: int, repeats: int) -> dict[str, Any]:
    """Page loads (interleaved: run × condition × app) and the indicator switch of every app."""
    loads: dict[str, dict[str, list[dict[str, Any]]]] = {a.name: {c: [] for c in CONDITIONS} for a in apps}
    for run in range(runs):
        for condition, emulation in CONDITIONS.items():
            for app in apps:
                result = load_page(app.base_url, emulation)
                loads[app.name][condition].append(result)
                print(
                    f"run {run + 1}/{runs} {condition:8} {app.label:10} paint {result['paint_ms']:8.0f} ms"
                    f"  {result['total_bytes'] / 1e3:8.1f} kB",
                    file=sys.stderr,
                    flush=True,
                )
    switches = {}
    for app in apps:
        captured = capture_switch(app.base_url, app.dropdown_id)
        switches[app.name] = {**captured, **replay_switch(app.base_url, captured["post_data"], repeats)}
    return {"loads": loads, "switch": switches}


def _median(results: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in results))


def summarise(apps: list[Target], measured: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Median of every metric per app (bytes over all loads, paint times per condition)."""
    out: dict[str, dict[str, float]] = {}
    for app in apps:
        by_condition = measured["loads"][app.name]
        every = [r for results in by_condition.values() for r in results]
        switch = measured["switch"][app.name]
        out[app.name] = {
            **{
                k: _median(every, k)
                for k in ("total_bytes", "data_bytes", "layers_bytes", "page_bytes", "layout_bytes")
            },
            "callbacks_bytes": _median(every, "callbacks_bytes"),
            "code_bytes": _median(every, "code_bytes"),
            "total_decoded_bytes": _median(every, "total_decoded_bytes"),
            **{f"paint_ms_{c}": _median(by_condition[c], "paint_ms") for c in CONDITIONS},
            **{f"first_ms_{c}": _median(by_condition[c], "first_ms") for c in CONDITIONS},
            "switch_body_bytes": float(switch["body_bytes"]),
            "switch_raw_bytes": float(switch["raw_bytes"]),
            "switch_gzip_bytes": float(switch["gzip_bytes"]),
            "switch_browser_wire_bytes": float(switch["browser_wire_bytes"]),
            "switch_server_ms": float(switch["server_ms"]),
        }
    return out


#: Rows of the printed table: (metric key, label, unit divisor, unit text).
ROWS = [
    ("total_bytes", "total bytes transferred (wire)", 1e3, "kB"),
    ("data_bytes", "data (layers+page+layout+callbacks, wire)", 1e3, "kB"),
    ("layers_bytes", "  of which /data/layers/ files", 1e3, "kB"),
    ("page_bytes", "  of which the HTML page (first view)", 1e3, "kB"),
    ("layout_bytes", "  of which _dash-layout", 1e3, "kB"),
    ("callbacks_bytes", "  of which _dash-update-component", 1e3, "kB"),
    ("code_bytes", "code bytes (JS, CSS, deps)", 1e3, "kB"),
    ("total_decoded_bytes", "total bytes decoded (uncompressed)", 1e3, "kB"),
    ("first_ms_loopback", "17 prefectures first painted, loopback", 1, "ms"),
    ("first_ms_10mbit", "17 prefectures first painted, 10 Mbit/s", 1, "ms"),
    ("paint_ms_loopback", "interactive map painted, loopback", 1, "ms"),
    ("paint_ms_10mbit", "interactive map painted, 10 Mbit/s", 1, "ms"),
    ("switch_body_bytes", "indicator switch: response body as sent", 1, "B"),
    ("switch_raw_bytes", "indicator switch: response uncompressed", 1, "B"),
    ("switch_gzip_bytes", "indicator switch: response if gzipped", 1, "B"),
    ("switch_browser_wire_bytes", "indicator switch: browser wire (all reqs)", 1, "B"),
    ("switch_server_ms", "indicator switch: server time (loopback)", 1, "ms"),
]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:9.1f}x" if b else f"{'-':>10}"


def table(apps: list[Target], medians: dict[str, dict[str, float]]) -> str:
    """The report table: one row per metric, each app's median, and the naive/ours ratios."""
    others = [a for a in apps if a.name != "ours"]
    head = f"{'metric':44} {'ours':>12}" + "".join(f" {a.label:>12} {a.label + '/ours':>16}" for a in others)
    lines = [head, "-" * len(head)]
    for key, label, divisor, unit in ROWS:
        ours = medians["ours"][key]
        cells = "".join(
            f" {medians[a.name][key] / divisor:>9,.1f} {unit:2} {_ratio(medians[a.name][key], ours):>16}"
            for a in others
        )
        lines.append(f"{label:44} {ours / divisor:>9,.1f} {unit:2}{cells}")
    return "\n".join(lines)


def verdicts(medians: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """The issue's three targets: measured value, limit, met or not."""
    ours, naive = medians["ours"], medians["naive"]
    speedup = naive["first_ms_10mbit"] / ours["first_ms_10mbit"]
    return {
        "province_data_under_100kB": {
            "value": ours["data_bytes"],
            "limit": TARGET_DATA_BYTES,
            "met": ours["data_bytes"] < TARGET_DATA_BYTES,
        },
        "switch_under_1kB": {  # the response bodies as sent
            "value": ours["switch_body_bytes"],
            "limit": TARGET_SWITCH_BYTES,
            "met": ours["switch_body_bytes"] < TARGET_SWITCH_BYTES,
        },
        "paint_10mbit_5x_faster": {  # the prefectures on screen: our first view, the naive page's map
            "value": speedup,
            "limit": TARGET_PAINT_SPEEDUP,
            "met": speedup >= TARGET_PAINT_SPEEDUP,
        },
        "interactive_10mbit_speedup": {  # not a target: when our Leaflet map itself has painted
            "value": naive["paint_ms_10mbit"] / ours["paint_ms_10mbit"],
            "limit": None,
            "met": None,
        },
    }


def print_report(apps: list[Target], medians: dict[str, dict[str, float]], measured: dict[str, Any]) -> None:
    """Print the table, our app's requests at 10 Mbit/s, the switch's outputs and the verdict on each target."""
    print(table(apps, medians))
    first = measured["loads"]["ours"]["10mbit"][0]
    print(
        f"\nour requests, first 10 Mbit/s run (first view painted at {first['first_ms']:.0f} ms, "
        f"interactive map at {first['paint_ms']:.0f} ms):"
    )
    print(f"  {'start':>7} {'end':>7} {'wire kB':>8} {'decoded':>8}  path")
    for t in first["transfers"]:
        print(
            f"  {t['start_ms']:7.0f} {t['end_ms']:7.0f} {t['wire_bytes'] / 1e3:8.1f} {t['body_bytes'] / 1e3:8.1f}"
            f"  {t['path']}"
        )
    outputs = measured["switch"]["ours"]["outputs_bytes"]
    print("\nour indicator switch, uncompressed bytes per output:", ", ".join(f"{k} {v}" for k, v in outputs.items()))
    print("\ntargets (issue 5):")
    for name, v in verdicts(medians).items():
        if v["limit"] is None:
            print(f"  (info) {name}: {v['value']:,.1f}")
        else:
            print(f"  {'MET   ' if v['met'] else 'MISSED'} {name}: {v['value']:,.1f} (limit {v['limit']:,})")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="page loads per app and network condition (median)")
    parser.add_argument("--switch-repeats", type=int, default=10, help="replays of the indicator switch (median)")
    parser.add_argument("--out", type=Path, help="also write the full results as JSON here")
    parser.add_argument("--serve-naive", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--naive-gzip", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Start the apps, measure, print the report; optionally write JSON."""
    args = parse_args(argv)
    if args.serve_naive:
        serve_naive(args.serve_naive, compress=args.naive_gzip)
        return 0
    apps = targets()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-webmap-") as tmp, running(apps, Path(tmp)):
        measured = measure(apps, args.runs, args.switch_repeats)
    medians = summarise(apps, measured)
    print_report(apps, medians, measured)
    if args.out:
        report = {
            "runs": args.runs,
            "conditions": {"loopback": None, "10mbit": THROTTLE},
            "medians": medians,
            "targets": verdicts(medians),
            "measured": measured,
            "seconds": round(time.monotonic() - started, 1),
        }
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
