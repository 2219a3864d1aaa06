"""Where people wait at the command line (issue 16): `hubei-map` commands against their references.

    .venv/bin/python benchmarks/bench_cli.py [--runs 5] [--write]

Every figure is a whole process, as a person starts it, run through `/usr/bin/time -v` (Debian
package `time`) for its peak memory (maximum resident set size); wall time is taken around the
process. Commands are interleaved (run x command) and each figure is the median over `--runs`.
References, measured in the same run:

- `python -c "import geopandas"`: the cost of loading the data libraries at all;
- `ogr2ogr`: GDAL's own tool converting the same 12 layers from the GeoPackage `hubei-map export
  --format gpkg` wrote, one call per layer, to RFC 7946 GeoJSON at 6 decimals (what our export
  writes); the figure is the 12 calls in a row, the memory the largest of them.

`--write` puts the table between the `bench_cli` markers in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import readme

ROOT = Path(__file__).resolve().parent.parent
TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"


@dataclass
class Case:
    """One thing timed: a name, its commands (run in a row) and the reference and goal it is judged by."""

    name: str
    commands: list[list[str]]
    reference: str = ""
    goal: float = 0.0  # at most goal x the reference (0: none)
    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)  # MB


def run_timed(commands: list[list[str]], env: dict[str, str], scratch: Path) -> tuple[float, float]:
    """Run ``commands`` one after another under ``/usr/bin/time -v``: (wall seconds, peak MB of the largest)."""
    peak = 0.0
    start = time.perf_counter()
    for command in commands:
        report = scratch / "time.txt"
        done = subprocess.run(
            [TIME, "-v", "-o", str(report), *command],
            cwd=scratch,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
        peak = max(peak, int(found.group(1)) / 1024 if found else float("nan"))
    return time.perf_counter() - start, peak


def cases(scratch: Path, layers: list[str]) -> list[Case]:
    """What is timed, references first."""
    python = sys.executable
    exe = str(Path(python).with_name("hubei-map"))
    gpkg = str(scratch / "ref.gpkg")
    options = ["-q", "-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=6"]
    ogr = [["ogr2ogr", *options, str(scratch / "ogr" / f"{layer}.geojson"), gpkg, layer] for layer in layers]
    geo = 'python -c "import geopandas"'
    return [
        Case(geo, [[python, "-c", "import geopandas"]]),
        Case("ogr2ogr, 12 layers gpkg -> GeoJSON", ogr),
        Case("hubei-map --help", [[exe, "--help"]], geo, 0.25),
        Case("hubei-map units", [[exe, "units"]], geo, 2.0),
        Case(
            "hubei-map export --layers all --format geojson",
            [[exe, "export", "--layers", "all", "--format", "geojson", "--out", str(scratch / "geojson")]],
            "ogr2ogr, 12 layers gpkg -> GeoJSON",
            1.2,
        ),
        Case("hubei-map snapshot --out a4.pdf", [[exe, "snapshot", "--out", str(scratch / "a4.pdf")]], geo, 5.0),
    ]


def prepare(scratch: Path, env: dict[str, str]) -> list[str]:
    """Write the reference GeoPackage once; the layer ids in it."""
    exe = str(Path(sys.executable).with_name("hubei-map"))
    subprocess.run(
        [exe, "export", "--layers", "all", "--format", "gpkg", "--out", str(scratch / "ref.gpkg")],
        env=env,
        check=True,
        capture_output=True,
    )
    ids = subprocess.run(
        [sys.executable, "-c", "from layers import catalogue; print(','.join(catalogue.catalogue()))"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return ids.split(",")


def report(timed: list[Case], runs: int) -> str:
    """The table: median and fastest wall time, the reference's median, the ratio, the goal, peak memory."""
    by_name = {case.name: case for case in timed}
    lines = [
        f"Whole processes, median of {runs} runs (interleaved); peak memory = maximum resident set size "
        "(`/usr/bin/time -v`).",
        "",
        "| command | median | fastest | reference (same run) | ratio | goal | met | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in timed:
        median = statistics.median(case.walls)
        cells = [f"`{case.name}`", f"{median:.2f} s", f"{min(case.walls):.2f} s"]
        if case.reference:
            ref = statistics.median(by_name[case.reference].walls)
            ratio = median / ref
            met = "yes" if ratio <= case.goal else "no"
            cells += [f"`{case.reference}` {ref:.2f} s", f"{ratio:.2f}x", f"<= {case.goal:g}x", met]
        else:
            cells += ["(reference)", "", "", ""]
        cells.append(f"{statistics.median(case.peaks):.0f} MB")
        lines.append("| " + " | ".join(cells) + " |")
    load = os.getloadavg()
    lines += ["", f"Load average at the end of the run: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of every command (default: 5)")
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    args = parser.parse_args(argv)
    for tool in (TIME, "ogr2ogr"):
        if not shutil.which(tool):
            print(f"{tool} not found: sudo apt-get install -y time gdal-bin", file=sys.stderr)
            return 2
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        scratch = Path(tmp)
        (scratch / "ogr").mkdir()
        timed = cases(scratch, prepare(scratch, env))
        for run in range(args.runs):
            for case in timed:
                shutil.rmtree(scratch / "geojson", ignore_errors=True)
                for old in (scratch / "ogr").iterdir():
                    old.unlink()
                wall, peak = run_timed(case.commands, env, scratch)
                case.walls.append(wall)
                case.peaks.append(peak)
                print(f"run {run + 1}/{args.runs}  {case.name:<48} {wall:6.2f} s {peak:6.0f} MB", flush=True)
    text = report(timed, args.runs)
    print(text)
    if args.write:
        readme.write_section("bench_cli", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
