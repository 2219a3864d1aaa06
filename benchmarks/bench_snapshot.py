"""Render times of the snapshot outputs (not a test): one A4 PDF, one 300 dpi PNG, the full briefing pack.

Run with ``.venv/bin/python benchmarks/bench_snapshot.py``; each timing is taken after a
warm-up render, so data loading and font discovery are not counted (the first row says
how long that cold start takes).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from app.render import SnapshotRequest, briefing, render


def timed(label: str, action: object) -> float:
    """Run ``action`` once and print its wall time."""
    start = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s", flush=True)
    return seconds


def main() -> None:
    """Print the timings."""
    timed("cold start + A4 PDF (layout map)", lambda: render(SnapshotRequest()))
    timed("A4 landscape PDF, layout map", lambda: render(SnapshotRequest()))
    timed("A4 landscape PDF, GDP choropleth", lambda: render(SnapshotRequest(indicator="gdp_2023")))
    timed("A4 landscape PNG 300 dpi, GDP choropleth", lambda: render(SnapshotRequest(indicator="gdp_2023", fmt="png")))
    with tempfile.TemporaryDirectory() as tmp:
        pages = briefing.plan_pages()
        timed(f"briefing pack ({len(pages)} pages)", lambda: briefing.write_pack(Path(tmp) / "pack.pdf"))
        pages = briefing.plan_pages(atlas=True)
        timed(
            f"briefing pack with atlas ({len(pages)} pages)",
            lambda: briefing.write_pack(Path(tmp) / "a.pdf", atlas=True),
        )


if __name__ == "__main__":
    main()
