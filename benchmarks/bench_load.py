"""Load benchmark: N simulated users against ``hubei-map serve --prod`` (gunicorn), 2 and 4 workers.

Run from the repository root::

    .venv/bin/python benchmarks/bench_load.py            # full run (about 5 minutes), writes benchmarks/README.md
    .venv/bin/python benchmarks/bench_load.py --quick    # smoke test (about 1 minute), prints only

Each user (a thread with its own keep-alive ``requests.Session``) repeats a session as a
person does it, with no think time (a closed loop, so the numbers are capacity):
open the page (``/``, ``/_dash-layout``, ``/_dash-dependencies``), fetch the opening
view's layers (``.pbf``), switch the indicator three times and click a prefecture for its
profile (``POST /_dash-update-component`` with the bodies the page sends, built from
``/_dash-dependencies``); every 4th session also downloads the layers on as GeoJSON and
every 8th renders a PDF snapshot (the panel's buttons). Hover is drawn in the browser and
sends nothing. Users step up (1, 4, 8, 16, 32); each step runs for a fixed time and at
most a fixed number of requests; one more step at ``CONTROL_USERS`` users leaves out the
exports and snapshots, so the report can say what they cost browsing. Only 127.0.0.1 is
used; the client runs on the same (2-core) machine as the server and takes some of its CPU.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dashclient
import harness
import readme
import requests

ROOT = harness.ROOT
INDICATORS = ("gdp_2023", "gdp_per_capita_2023", "pop_census_2020", "gdp_2020")
PREFECTURES = ("420100", "420600", "420500", "420700", "421000")
EXPORT_EVERY, SNAPSHOT_EVERY = 4, 8
BROWSING = ("page", "layout", "dependencies", "layer", "switch", "click")
HEAVY = ("export", "snapshot")
#: Users of the control step (browsing without exports and snapshots), when among the steps.
CONTROL_USERS = 4
#: A browsing kind's p95 this many times its one-user value marks degraded latency.
DEGRADED_FACTOR = 2.0
REQUEST_TIMEOUT_S = 120


@dataclass
class Results:
    """Latencies (seconds) by request kind, and counts of errors and busy answers."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    busy: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool, busy: bool = False) -> None:
        """Record one request."""
        with self.lock:
            self.requests += 1
            if not ok:
                self.errors[kind] += 1
            elif busy:
                self.busy[kind] += 1
            else:
                self.latency[kind].append(seconds)


class Mix:
    """The requests of one user's session, built once from the running app's page and callback graph."""

    def __init__(self, base: str):
        self.base = base
        index = requests.get(f"{base}/", timeout=60).text
        self.layer_urls = re.findall(r'href="(/data/layers/[^"]+\.pbf\?v=[^"]+)"', index)
        deps = requests.get(f"{base}/_dash-dependencies", timeout=60).json()
        self.switch_dep = dashclient.find(deps, "choropleth.url", "legend.children")
        self.click_dep = dashclient.find(deps, "feature-detail-body.children")
        self.export_dep = dashclient.find(deps, "download.data")
        self.snapshot_dep = dashclient.find(deps, "snapshot-download.data")
        from layers import catalogue

        self.layer_on = [
            ({"layer": spec.id, "type": "layer-on"}, [spec.id] if spec.visible else [])
            for spec in catalogue.catalogue().values()
        ]
        self.busy_text = ("服务器正忙", "server is busy")

    def switch_body(self, indicator: str) -> dict[str, Any]:
        """The body the page sends when the indicator dropdown changes."""
        values = {
            "indicator-select.value": indicator,
            "scheme-select.value": "quantiles",
            "classes-select.value": 5,
            "palette-select.value": "blues",
            "map.zoom": 7,
            "compare-indicator.value": None,
            "shared-classes.value": [],
            "user-indicators.data": {},
            "drill-unit.data": None,
            "basemap-select.value": "none",
            "lang.data": "zh",
        }
        return dashclient.callback_body(self.switch_dep, values, ["indicator-select.value"])

    def click_body(self, code: str) -> dict[str, Any]:
        """The body the page sends when a prefecture is clicked (its profile panel)."""
        feature = {"type": "Feature", "properties": {"code": code, "level": "prefecture"}}
        values = {"layer-prefectures.clickData": feature, "lang.data": "zh"}
        return dashclient.callback_body(self.click_dep, values, ["layer-prefectures.clickData"])

    def export_body(self) -> dict[str, Any]:
        """The body of the Download button: the layers on, GeoJSON, WGS-84, whole province."""
        values = {
            "download-button.n_clicks": 1,
            '{"layer":["ALL"],"type":"layer-on"}.value': self.layer_on,
            "download-format.value": "geojson",
            "download-crs.value": "wgs84",
            "download-view.value": [],
            "map.bounds": None,
            "lang.data": "zh",
        }
        return dashclient.callback_body(self.export_dep, values, ["download-button.n_clicks"])

    def snapshot_body(self, indicator: str) -> dict[str, Any]:
        """The body of the snapshot button: the current view as an A4 landscape PDF."""
        values = {
            "snapshot-button.n_clicks": 1,
            "view-query.data": f"indicator={indicator}",
            "snapshot-paper.value": "a4-landscape",
            "snapshot-format.value": "pdf",
            "lang.data": "zh",
        }
        return dashclient.callback_body(self.snapshot_dep, values, ["snapshot-button.n_clicks"])


def _timed(
    results: Results,
    http: requests.Session,
    kind: str,
    method: str,
    url: str,
    busy_text: tuple[str, ...] = (),
    **kwargs: Any,
) -> None:
    """Send one request and record its latency, or an error (no answer, or not 200), or a busy answer."""
    started = time.perf_counter()
    try:
        response = http.request(method, url, timeout=REQUEST_TIMEOUT_S, **kwargs)
        ok = response.status_code in (200, 503)
        shown = json.dumps(response.json(), ensure_ascii=False) if busy_text and ok else ""  # callback answers
        busy = response.status_code == 503 or any(t in shown for t in busy_text)
    except (requests.RequestException, ValueError):
        ok, busy = False, False
    results.add(kind, time.perf_counter() - started, ok, busy)


def user(mix: Mix, results: Results, stop: threading.Event, number: int, max_requests: int, heavy: bool = True) -> None:
    """One simulated user: sessions until ``stop`` is set or the step's request budget is spent.

    ``heavy=False`` leaves out the exports and snapshots (the control step: browsing alone).
    """
    rng = random.Random(number)
    base, post = mix.base, f"{mix.base}/_dash-update-component"
    with requests.Session() as http:
        http.headers["Accept-Encoding"] = "gzip, br"
        for session in itertools.count(1):
            if stop.is_set() or results.requests >= max_requests:
                return
            _timed(results, http, "page", "GET", f"{base}/")
            _timed(results, http, "layout", "GET", f"{base}/_dash-layout", headers={"Referer": f"{base}/"})
            _timed(results, http, "dependencies", "GET", f"{base}/_dash-dependencies")
            for url in mix.layer_urls:
                _timed(results, http, "layer", "GET", base + url)
            for _ in range(3):
                _timed(results, http, "switch", "POST", post, json=mix.switch_body(rng.choice(INDICATORS)))
            _timed(results, http, "click", "POST", post, json=mix.click_body(rng.choice(PREFECTURES)))
            if heavy and (session + number) % EXPORT_EVERY == 0:
                _timed(results, http, "export", "POST", post, mix.busy_text, json=mix.export_body())
            if heavy and (session + number) % SNAPSHOT_EVERY == 0:
                body = mix.snapshot_body(rng.choice(INDICATORS))
                _timed(results, http, "snapshot", "POST", post, mix.busy_text, json=body)
            with results.lock:
                results.sessions += 1


def run_step(mix: Mix, users: int, seconds: float, max_requests: int, heavy: bool = True) -> tuple[Results, float]:
    """``users`` users for ``seconds`` (or ``max_requests``); the results and the wall time."""
    results, stop = Results(), threading.Event()
    threads = [
        threading.Thread(target=user, args=(mix, results, stop, n, max_requests, heavy), daemon=True)
        for n in range(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:  # users finish the request in flight (bounded by the request timeouts)
        thread.join(timeout=REQUEST_TIMEOUT_S + 10)
    return results, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` in milliseconds (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def degraded_at(steps: list[tuple[int, Results, float]]) -> str:
    """Where latency degrades: the first step whose browsing p95 is DEGRADED_FACTOR x the one-user p95."""
    base = {k: pct(steps[0][1].latency[k], 95) for k in BROWSING}
    for users, results, _ in steps[1:]:
        worse = [
            k
            for k in BROWSING
            if results.latency[k] and base[k] == base[k] and pct(results.latency[k], 95) > DEGRADED_FACTOR * base[k]
        ]
        if worse:
            return f"{users} users ({', '.join(worse)} p95 over {DEGRADED_FACTOR:g}x the one-user value)"
    return f"not within {steps[-1][0]} users"


def heavy_cost(with_heavy: Results, browsing_only: Results) -> str:
    """Browsing p95 with exports and snapshots in the mix against browsing alone, per kind (ms, ratio)."""
    cells = []
    for kind in ("page", "layer", "switch", "click"):
        a, b = pct(with_heavy.latency[kind], 95), pct(browsing_only.latency[kind], 95)
        cells.append(f"{kind} {a:,.0f} vs {b:,.0f} ms ({a / b:.1f}x)" if b == b and b > 0 else f"{kind} -")
    return "; ".join(cells)


def report(
    runs: dict[int, list[tuple[int, Results, float]]],
    seconds: float,
    controls: dict[int, Results] | None = None,
) -> str:
    """The markdown report: a summary per worker count and step, then latencies per request kind.

    ``controls`` holds, per worker count, a step of ``CONTROL_USERS`` users browsing without
    exports and snapshots, to show what the heavy jobs cost browsing.
    """
    lines = [
        f"Closed loop, no think time, {seconds:g} s per step; latency in ms; "
        f"busy = heavy job refused with 'busy, try again'.",
        "",
        "| workers | users | requests/s | sessions/s | errors | busy (export/snapshot) | "
        "p95 page | p95 layer | p95 switch | p95 click | p95 export | p95 snapshot |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, steps in runs.items():
        for users, r, wall in steps:
            p95 = [f"{pct(r.latency[k], 95):,.0f}" for k in ("page", "layer", "switch", "click", *HEAVY)]
            busy = f"{r.busy['export']}/{r.busy['snapshot']}"
            errors = sum(r.errors.values())
            row = [str(workers), str(users), f"{r.requests / wall:.1f}", f"{r.sessions / wall:.2f}", str(errors), busy]
            lines.append("| " + " | ".join(row + p95) + " |")
    lines.append("")
    for workers, steps in runs.items():
        lines.append(f"Latency degrades with {workers} workers at: {degraded_at(steps)}.")
    for workers, control in (controls or {}).items():
        mixed = next((r for n, r, _ in runs[workers] if n == CONTROL_USERS), None)
        if mixed is not None:
            lines.append(
                f"\nWhat exports and snapshots cost browsing ({workers} workers, {CONTROL_USERS} users, "
                f"browsing p95 with them vs browsing alone): {heavy_cost(mixed, control)}."
            )
    lines += ["", "| workers | users | kind | answered | p50 | p95 | p99 |", "|---|---|---|---|---|---|---|"]
    for workers, steps in runs.items():
        for users, r, _ in steps:
            for kind in (*BROWSING, *HEAVY):
                values = r.latency[kind]
                if values:
                    cells = [f"{pct(values, q):,.0f}" for q in (50, 95, 99)]
                    lines.append(f"| {workers} | {users} | {kind} | {len(values)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 workers, 1 and 4 users, 5 s each; README untouched")
    parser.add_argument("--workers", default="2,4", help="worker counts to run (default: 2,4)")
    parser.add_argument("--users", default="1,4,8,16,32", help="user counts to step through (default: 1,4,8,16,32)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per step (default: 15)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="request budget per step")
    args = parser.parse_args(argv)
    workers = [2] if args.quick else [int(w) for w in args.workers.split(",")]
    users = [1, 4] if args.quick else [int(u) for u in args.users.split(",")]
    seconds = 5.0 if args.quick else args.seconds
    exe = Path(sys.executable).with_name("hubei-map")
    runs: dict[int, list[tuple[int, Results, float]]] = {}
    controls: dict[int, Results] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        os.environ["HUBEI_MAP_WORK_DIR"] = tmp
        os.environ.setdefault("HUBEI_MAP_AUTH", "public")  # serve --prod needs an access mode; local benchmark
        for count in workers:
            port = harness.free_port()
            base = f"http://{harness.HOST}:{port}"
            command = [str(exe), "serve", "--prod", "--workers", str(count), "--port", str(port)]
            log = Path(tmp) / f"gunicorn-{count}.log"
            with harness.server(command, f"{base}/healthz", log, timeout=120):
                mix = Mix(base)
                runs[count] = []
                for n in users:
                    results, wall = run_step(mix, n, seconds, args.max_requests)
                    runs[count].append((n, results, wall))
                    print(
                        f"{count} workers, {n:>2} users: {results.requests / wall:6.1f} req/s, "
                        f"errors {sum(results.errors.values())}, busy {sum(results.busy.values())}",
                        flush=True,
                    )
                if CONTROL_USERS in users:
                    controls[count], wall = run_step(mix, CONTROL_USERS, seconds, args.max_requests, heavy=False)
                    print(
                        f"{count} workers, {CONTROL_USERS:>2} users browsing only: "
                        f"{controls[count].requests / wall:6.1f} req/s",
                        flush=True,
                    )
    text = report(runs, seconds, controls)
    print(text)
    if not args.quick:
        readme.write_section("bench_load", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
