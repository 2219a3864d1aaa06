"""Trace what the page runs before the interactive map has painted: ours against the naive page, same run.

Run from the repository root (this checkout on ``PYTHONPATH``)::

    PYTHONPATH=. .venv/bin/python benchmarks/trace_webmap.py [--runs 2] [--throttle]

For each load (a fresh headless Chromium, cache disabled, as in ``bench_webmap.py``) it prints: when
the interactive map's 17 prefectures were painted, DOMContentLoaded, the script bytes fetched (wire and
decoded), the long tasks (over 50 ms: count and total) before the paint, and every
``_dash-update-component`` request before the paint with its start and end and the outputs it asked for.
It also counts the actions dispatched to Dash's store before the paint (one per component mounted, one per
prop change). Counts (callbacks, bytes, long tasks, actions) are the figures to compare; milliseconds depend
on the machine's load. A first, unreported load of each app warms the servers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import bench_webmap as bench
import harness

#: Injected before any page script, after the paint probe: long tasks and DOMContentLoaded.
TRACE_PROBE = """
(() => {
  const trace = window.__benchTrace = {long: []};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) trace.long.push([e.startTime, e.duration]);
  }).observe({type: "longtask", buffered: true});
  document.addEventListener("DOMContentLoaded", () => { trace.dcl = performance.now(); });
  // Dash's redux store (window.store): every action dispatched before the map's paint, by type.
  trace.actions = {};
  let held;
  Object.defineProperty(window, "store", {configurable: true, get: () => held, set: (store) => {
    held = store;
    const dispatch = store.dispatch;
    store.dispatch = (action) => {
      if (action && action.type && !(window.__benchPaint && window.__benchPaint.found)) {
        const key = action.type === "ON_PROP_CHANGE" && action.payload
          ? "ON_PROP_CHANGE " + Object.keys(action.payload.props || {}).join(",") : action.type;
        trace.actions[key] = (trace.actions[key] || 0) + 1;
      }
      return dispatch(action);
    };
  }});
})();
"""


def outputs_of(post_data: str | None) -> str:
    """The outputs a callback request asked for (``component.property``, several joined by +)."""
    try:
        body = json.loads(post_data or "{}")
    except json.JSONDecodeError:
        return "?"
    output = body.get("output", "?")
    return output.strip(".").replace("...", " + ")[:90]


def trace_load(base_url: str, conditions: dict[str, Any] | None) -> dict[str, Any]:
    """One page load: paint times, DOMContentLoaded, script bytes, long tasks and callbacks before the paint."""
    with harness.chromium() as driver:
        bench._prepare(driver, conditions)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TRACE_PROBE})
        times = bench._open_and_wait_for_paint(driver, base_url + "/")
        trace = driver.execute_script("return window.__benchTrace")
        log = bench.NetworkLog(driver)
        log.until_idle()
        answers = {}  # what each callback answered (its response body, shortened)
        for rid, t in log.transfers.items():
            if bench.category(t.url) == "callbacks":
                with contextlib.suppress(Exception):
                    body = driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": rid})["body"]
                    answers[id(t)] = body[:100]
    transfers = sorted(log.transfers.values(), key=lambda t: t.start_ms)
    # NetworkLog's times start at the page's request, close to navigation start (a few ms).
    paint = times["paint_ms"]
    scripts = [t for t in transfers if urlsplit(t.url).path.endswith(".js")]
    callbacks = [t for t in transfers if bench.category(t.url) == "callbacks"]
    long_before = [d for s, d in trace["long"] if s < paint]
    return {
        **times,
        "dcl_ms": trace.get("dcl", 0.0),
        "script_wire": sum(t.wire_bytes for t in scripts),
        "script_decoded": sum(t.body_bytes for t in scripts),
        "scripts": [(urlsplit(t.url).path, t.body_bytes, t.end_ms) for t in scripts],
        "long_tasks": len(long_before),
        "long_ms": sum(long_before),
        "callbacks_before_paint": [
            (t.start_ms, t.end_ms, f"{outputs_of(t.post_data)} => {answers.get(id(t), '-')}")
            for t in callbacks
            if t.start_ms < paint
        ],
        "callbacks_all": len(callbacks),
        "actions": trace.get("actions", {}),
        "dispatches": sum(trace.get("actions", {}).values()),
        "data_bytes": bench.byte_summary(transfers)["data_bytes"],
    }


def report(name: str, loads: list[dict[str, Any]], verbose: bool) -> None:
    """Print the medians of one app's loads, and the first load's callbacks and scripts."""

    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in loads))

    before = statistics.median(len(r["callbacks_before_paint"]) for r in loads)
    print(
        f"{name:6} paint {med('paint_ms'):6.0f} ms  first view {med('first_ms'):5.0f} ms  DCL {med('dcl_ms'):6.0f} ms"
        f"  scripts {med('script_wire') / 1e3:6.1f} kB wire / {med('script_decoded') / 1e3:7.1f} kB decoded"
        f"  long tasks {med('long_tasks'):3.0f} ({med('long_ms'):5.0f} ms)  callbacks before paint {before:3.0f}"
        f" (all {med('callbacks_all'):3.0f}) store actions {med('dispatches'):4.0f}"
        f"  data {med('data_bytes') / 1e3:6.1f} kB"
    )
    if verbose:
        first = loads[-1]
        print("         store actions before paint:", json.dumps(first["actions"]))
        for start, end, outputs in first["callbacks_before_paint"]:
            print(f"         callback {start:6.0f} {end:6.0f}  {outputs}")
        for path, decoded, end in first["scripts"]:
            print(f"         script {decoded / 1e3:7.1f} kB  done {end:6.0f}  {path}")


def main(argv: list[str]) -> int:
    """Start ours and the naive page, trace ``--runs`` loads of each (interleaved), print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--throttle", action="store_true", help="10 Mbit/s + 40 ms instead of loopback")
    parser.add_argument("--quiet", action="store_true", help="medians only, no callback or script list")
    parser.add_argument("--only-ours", action="store_true")
    args = parser.parse_args(argv)
    apps = [a for a in bench.targets() if a.name in (("ours",) if args.only_ours else ("ours", "naive"))]
    conditions = bench.THROTTLE if args.throttle else None
    loads: dict[str, list[dict[str, Any]]] = {a.name: [] for a in apps}
    with tempfile.TemporaryDirectory(prefix="trace-webmap-") as tmp, bench.running(apps, Path(tmp)):
        for app in apps:  # warm-up: the servers' first answers import and cache what they need
            trace_load(app.base_url, None)
        for _ in range(args.runs):
            for app in apps:
                loads[app.name].append(trace_load(app.base_url, conditions))
    for app in apps:
        report(app.name, loads[app.name], verbose=not args.quiet and app.name == "ours")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
