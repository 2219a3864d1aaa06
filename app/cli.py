"""The ``hubei-map`` command line: ``units`` lists the admin units, ``serve`` starts the map."""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from app import settings
from geo import boundaries
from geo.datafiles import DataFileError
from geo.paths import DATA_DIR

UNIT_FORMATS = ("table", "csv", "json")


def units_table(level: str | None = None) -> pd.DataFrame:
    """Hubei's units with their area (km², equal-area CRS, 1 decimal), no geometry."""
    table = boundaries.units(level)
    out = pd.DataFrame(table.drop(columns="geometry"))
    out["area_km2"] = boundaries.area_km2(table).round(1)
    return out


def format_table(table: pd.DataFrame, fmt: str, noun: str = "rows") -> str:
    """Render a table as ``table`` (aligned text, ending with a count of ``noun``), ``csv`` or ``json``."""
    if fmt == "csv":  # a spreadsheet opens it: text that would run as a formula is neutralised
        from app.export.files import neutralise_formulas

        return table.map(neutralise_formulas).to_csv(index=False)
    if fmt == "json":
        return table.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    shown = table.fillna("")
    return shown.to_string(index=False, float_format=lambda v: f"{v:,.1f}") + f"\n{len(table)} {noun}\n"


def _cmd_units(args: argparse.Namespace) -> int:
    sys.stdout.write(format_table(units_table(args.level), args.format, "units"))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from layers.validate import validate_all

    problems = validate_all()
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {DATA_DIR}", file=sys.stderr)
        return 1
    from layers import catalogue, indicators, schema

    print(
        f"OK: {len(schema.TABLES)} tables and {len(catalogue.catalogue())} layers "
        f"and {len(indicators.catalogue())} indicators in {DATA_DIR} are valid"
    )
    return 0


def layers_table(lang: str = "zh") -> pd.DataFrame:
    """The catalogue as a table: id, title, group, geometry, feature count, visibility, plan articles."""
    from layers import catalogue, features

    rows = [
        {
            "id": spec.id,
            "title": spec.title(lang),
            "group": spec.group,
            "geometry": spec.geometry,
            "features": len(features.layer_data(spec.id)),
            "visible": "yes" if spec.visible else "no",
            "articles": ",".join(map(str, spec.plan_articles)) or "-",
        }
        for spec in catalogue.catalogue().values()
    ]
    return pd.DataFrame(rows)


def layer_records(layer_id: str) -> pd.DataFrame:
    """A layer's features as a table without geometry, with lon/lat of a representative point."""
    from layers import features

    frame = features.layer_data(layer_id)
    points = frame.geometry.representative_point()
    out = pd.DataFrame(frame.drop(columns="geometry"))
    out["lon"] = points.x.round(5)
    out["lat"] = points.y.round(5)
    first = [c for c in ("id", "code", "name_zh", "name_en", "unit_name_zh", "unit_name_en") if c in out]
    return out[first + [c for c in out.columns if c not in first]]


def _cmd_layers(args: argparse.Namespace) -> int:
    if args.action == "show":
        if not args.layer_id:
            print("usage: hubei-map layers show LAYER_ID", file=sys.stderr)
            return 2
        try:
            records = layer_records(args.layer_id)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
        if args.format == "table":
            for number, record in enumerate(records.to_dict(orient="records"), start=1):
                print(f"--- {number}")
                for key, value in record.items():
                    if value is not None and value == value and value != "":  # skip None/NaN/empty
                        print(f"{key:>18}: {value}")
            print(f"{len(records)} feature(s)")
        else:
            sys.stdout.write(format_table(records, args.format, "features"))
        return 0
    sys.stdout.write(format_table(layers_table(args.lang), args.format, "layers"))
    return 0


def _cmd_indicators(args: argparse.Namespace) -> int:
    from layers import indicators

    if args.action == "list":
        sys.stdout.write(format_table(indicators.summary_table(args.lang), args.format, "indicators"))
        return 0
    if args.action == "show":
        if not args.target:
            print("usage: hubei-map indicators show INDICATOR_ID", file=sys.stderr)
            return 2
        try:
            spec = indicators.indicator(args.target)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
        table = indicators.with_units(spec.id)
        table["source_ids"] = table["source_ids"].map(lambda ids: ";".join(ids) if isinstance(ids, list) else "")
        if args.format == "table":
            print(f"{spec.title(args.lang)} [{spec.unit(args.lang)}] {spec.year} ({spec.level}, {spec.kind})")
            print(spec.description(args.lang))
        sys.stdout.write(format_table(table, args.format, "units"))
        return 0
    return _cmd_indicators_add(args)


def _cmd_indicators_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from layers import user_indicators

    if not args.target or not (args.id and args.title and args.source):
        print(
            "usage: hubei-map indicators add FILE.csv --id ID --title TITLE --unit UNIT --year YEAR --source SOURCE",
            file=sys.stderr,
        )
        return 2
    path = Path(args.target)
    if not path.is_file():
        print(f"error: {path}: file not found", file=sys.stderr)
        return 2
    size = path.stat().st_size
    if size > user_indicators.MAX_BYTES:
        print(
            f"error: {path}: {size:,} bytes is over the {user_indicators.MAX_BYTES:,}-byte limit for a table",
            file=sys.stderr,
        )
        return 1
    parsed = user_indicators.parse_table(path.read_bytes(), level=args.level, source_id=f"U-{args.id}", name=str(path))
    if not parsed.ok:
        for problem in parsed.problems:
            print(f"ERROR {problem}", file=sys.stderr)
        print(f"{len(parsed.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    try:
        written = user_indicators.register(
            parsed,
            indicator_id=args.id,
            title_zh=args.title,
            title_en=args.title_en or args.title,
            unit_zh=args.unit,
            unit_en=args.unit_en or args.unit,
            year=args.year,
            level=args.level,
            source_title=args.source,
            source_publisher=args.publisher,
            source_date=args.source_date,
            source_url=args.source_url,
            replace=args.replace,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    assert parsed.values is not None
    print(f"Added indicator {args.id!r}: {len(parsed.values)} units joined on {parsed.join} ({parsed.encoding})")
    for item in written:
        print(f"  wrote {item}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from app.export import files as export

    bbox = None
    if args.bbox:
        try:
            bbox = [float(v) for v in args.bbox.split(",")]
        except ValueError:
            print("error: --bbox must be four numbers: min_lon,min_lat,max_lon,max_lat", file=sys.stderr)
            return 2
    layer_ids = [p.strip() for p in args.layers.split(",") if p.strip()]
    count = len(layer_ids) if layer_ids != ["all"] else len(_catalogue_ids())
    done = [0]

    def progress(message: str) -> None:
        done[0] += 1
        print(f"[{done[0]}/{count}] {message}", file=sys.stderr, flush=True)

    try:
        written = export.export_layers(
            layer_ids,
            args.format,
            args.out,
            crs_choice=args.crs,
            unit=args.unit,
            bbox=bbox,
            precision=args.precision,
            encoding=args.encoding,
            csv_geometry=args.csv_geometry,
            progress=progress,
        )
    except export.ExportError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return 1
    for item in written:
        print(f"wrote {item.path} ({', '.join(item.layers)}: {item.features} features, {item.crs})")
    return 0


def _catalogue_ids() -> list[str]:
    from layers import catalogue

    return list(catalogue.catalogue())


def _snapshot_request(args: argparse.Namespace, fmt: str = "pdf") -> object:
    """A snapshot request from the shared map options of ``snapshot`` and ``html``."""
    from app.render import SnapshotRequest

    layers = None
    if args.layers is not None:
        layers = (
            tuple(_catalogue_ids())
            if args.layers == "all"
            else tuple(p.strip() for p in args.layers.split(",") if p.strip())
        )
    return SnapshotRequest(
        layers=layers,
        indicator=args.indicator or None,
        scheme=args.scheme,
        k=args.k,
        palette=args.palette,
        extent=args.extent,
        paper=getattr(args, "paper", "a4-landscape"),
        fmt=fmt,
        dpi=getattr(args, "dpi", 300),
        lang=args.lang,
        title=args.title,
        approval_number=args.approval_number,
    )


def _drawn(make: Callable[[], Any], out: str) -> tuple[Any, int]:
    """Run a drawing command: (its result, 0), or (None, exit code) after saying why nothing was written.

    Bad input is exit 2, a failed write exit 1.
    """
    from app import render

    try:
        return make(), 0
    except (render.SnapshotError, render.FontError) as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return None, 2
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return None, 1


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app import render

    suffix = Path(args.out).suffix.lower().lstrip(".")
    fmt = (args.format or suffix or "pdf").lower()
    if args.format and suffix and suffix != args.format:
        print(
            f"error: --format {args.format} does not match the file name {args.out}; nothing was written",
            file=sys.stderr,
        )
        return 2

    def draw() -> tuple[Any, Path]:
        request = render.validate(_snapshot_request(args, fmt))  # type: ignore[arg-type]
        return request, render.write(request, args.out)

    result, code = _drawn(draw, args.out)
    if code:
        return code
    request, path = result
    print(f"wrote {path} ({path.stat().st_size:,} bytes, {request.paper}, {fmt})")
    return 0


def progress_bar(done: int, total: int, label: str, width: int = 24) -> str:
    """One line of a text progress bar: ``[#####-----] 3/12 label``."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {label}"


def _cmd_briefing(args: argparse.Namespace) -> int:
    from app.render import briefing

    chosen = None if args.indicators is None else [p.strip() for p in args.indicators.split(",") if p.strip()]

    def progress(done: int, total: int, title: str) -> None:
        print(progress_bar(done, total, title), file=sys.stderr, flush=True)

    pages, code = _drawn(
        lambda: briefing.write_pack(
            args.out,
            chosen,
            atlas=args.atlas,
            lang=args.lang,
            approval_number=args.approval_number,
            progress=progress,
        ),
        args.out,
    )
    if code:
        return code
    print(f"wrote {args.out} ({pages} pages)")
    return 0


def _cmd_html(args: argparse.Namespace) -> int:
    from app import render
    from app.render import html_map

    request = _snapshot_request(args)
    path, code = _drawn(lambda: html_map.write(render.validate(request), args.out), args.out)  # type: ignore[arg-type]
    if code:
        return code
    print(f"wrote {path} ({path.stat().st_size:,} bytes; opens offline in any browser)")
    return 0


def _map_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``snapshot`` and ``html``: what the map shows."""
    from layers import classify, palettes

    parser.add_argument("--layers", help="comma-separated layer ids, or 'all' (default: the layers the map opens with)")
    parser.add_argument("--indicator", help="colour the units by this indicator (see `hubei-map indicators`)")
    parser.add_argument(
        "--scheme", default=classify.DEFAULT_SCHEME, help=f"classification (default: {classify.DEFAULT_SCHEME})"
    )
    parser.add_argument(
        "--k", type=int, default=classify.DEFAULT_K, help=f"number of classes (default: {classify.DEFAULT_K})"
    )
    parser.add_argument(
        "--palette", default=palettes.DEFAULT_SEQUENTIAL, help=f"colour ramp (default: {palettes.DEFAULT_SEQUENTIAL})"
    )
    parser.add_argument(
        "--extent", default="province", help="'province' (default) or a prefecture-level code, e.g. 420100"
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the map (default: zh)")
    parser.add_argument("--title", help="replace the generated title")
    parser.add_argument("--approval-number", help="the map's 审图号; without one the map says 内部资料，非公开")


def gunicorn_command(host: str, port: int, workers: int | None = None, threads: int | None = None) -> list[str]:
    """The gunicorn command line of ``serve --prod`` (config: ``app/serve/gunicorn_conf.py``; flags override env)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:app.serve.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
    return [*command, "app.serve.wsgi:server"]


def _cmd_serve(args: argparse.Namespace) -> int:
    if args.prod:
        if args.debug:
            print("error: --debug is for the development server; leave it out with --prod", file=sys.stderr)
            return 2
        command = gunicorn_command(args.host, args.port, args.workers, args.threads)
        print(f"Hubei digital economy map (gunicorn) on http://{args.host}:{args.port}/", flush=True)
        os.execv(command[0], command)  # gunicorn's master takes this process (and its signals)
    from app.web.dashapp import create_app  # imported here: `units` should not pay for Dash
    from app.web.layout import INITIAL_ZOOM
    from geo.simplify import band_for_zoom
    from layers import webdata

    faulthandler.enable()  # a crash in native code (GEOS, GDAL) leaves a traceback in the log
    app = create_app()
    band = band_for_zoom(INITIAL_ZOOM).name
    print(f"Preparing the map layers for the opening view ({band}) ...", flush=True)
    size = webdata.warm(band)
    print(f"  {size / 1e6:.1f} MB of layer data ready", flush=True)
    print(f"Hubei digital economy map on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hubei-map``."""
    parser = argparse.ArgumentParser(
        prog="hubei-map", description="Hubei digital-economy map: data, web map and outputs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_units = sub.add_parser("units", help="list Hubei's administrative units with their areas")
    p_units.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_units.add_argument(
        "--level", choices=boundaries.LEVELS, default=None, help="only this level (default: all 121 units)"
    )
    p_units.set_defaults(func=_cmd_units)
    p_validate = sub.add_parser("validate", help="check every data file and layer; exit 1 with the problems")
    p_validate.set_defaults(func=_cmd_validate)
    p_layers = sub.add_parser("layers", help="list the layer catalogue, or show one layer's features with sources")
    p_layers.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p_layers.add_argument("layer_id", nargs="?", help="the layer to show")
    p_layers.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_layers.add_argument("--lang", choices=("zh", "en"), default="zh", help="title language (default: zh)")
    p_layers.set_defaults(func=_cmd_layers)
    p_ind = sub.add_parser("indicators", help="list indicators, show one, or add your own table")
    p_ind.add_argument("action", nargs="?", choices=("list", "show", "add"), default="list")
    p_ind.add_argument("target", nargs="?", help="the indicator to show, or the CSV file to add")
    p_ind.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_ind.add_argument("--lang", choices=("zh", "en"), default="zh", help="title language (default: zh)")
    p_ind.add_argument("--id", help="add: the new indicator's id (lower-case, digits, _)")
    p_ind.add_argument("--title", help="add: title (Chinese)")
    p_ind.add_argument("--title-en", help="add: title in English (default: the title)")
    p_ind.add_argument("--unit", default="", help="add: unit (Chinese), e.g. 亿元")
    p_ind.add_argument("--unit-en", help="add: unit in English")
    p_ind.add_argument("--year", default="", help="add: data year or date")
    p_ind.add_argument("--level", choices=("prefecture", "county"), default="prefecture", help="add: unit level")
    p_ind.add_argument("--source", help="add: the source's title (required)")
    p_ind.add_argument("--publisher", help="add: the source's publisher")
    p_ind.add_argument("--source-date", help="add: the source's date, YYYY-MM-DD")
    p_ind.add_argument("--source-url", help="add: the source's address")
    p_ind.add_argument("--replace", action="store_true", help="add: overwrite an indicator with the same id")
    p_ind.set_defaults(func=_cmd_indicators)
    p_exp = sub.add_parser("export", help="export layers as GeoJSON, GeoPackage, Shapefile or CSV")
    p_exp.add_argument("--layers", default="all", help="comma-separated layer ids, or 'all' (default)")
    p_exp.add_argument("--format", default="geojson", choices=("geojson", "geojsonseq", "gpkg", "shp", "csv"))
    p_exp.add_argument(
        "--crs",
        default="wgs84",
        help="wgs84 (default), cgcs2000, cgcs2000-gk (zone by longitude), epsg:4545..4548, webmercator, gcj02",
    )
    p_exp.add_argument("--out", required=True, help="a folder (one file per layer) or, for gpkg, a .gpkg file")
    p_exp.add_argument("--unit", help="only features in this prefecture-level unit (6-digit code)")
    p_exp.add_argument("--bbox", help="only features intersecting min_lon,min_lat,max_lon,max_lat (WGS-84)")
    p_exp.add_argument("--precision", type=int, default=6, help="GeoJSON coordinate decimals (default 6)")
    p_exp.add_argument("--encoding", default="utf-8", help="shapefile attribute encoding: utf-8 (default) or gbk")
    p_exp.add_argument("--csv-geometry", default="lonlat", choices=("lonlat", "wkt"), help="CSV geometry columns")
    p_exp.set_defaults(func=_cmd_export)
    from app.render.request import DEFAULT_DPI, DEFAULT_PAPER, DPIS, FORMATS, PAPERS_MM

    p_snap = sub.add_parser("snapshot", help="a print-quality map (PDF, PNG or SVG) with legend, scale bar, sources")
    _map_options(p_snap)
    p_snap.add_argument("--paper", choices=list(PAPERS_MM), default=DEFAULT_PAPER, help=f"default: {DEFAULT_PAPER}")
    p_snap.add_argument("--format", choices=FORMATS, help="pdf, png or svg (default: from the file name, else pdf)")
    p_snap.add_argument(
        "--dpi", type=int, choices=DPIS, default=DEFAULT_DPI, help=f"PNG resolution (default: {DEFAULT_DPI})"
    )
    p_snap.add_argument("--out", required=True, help="the file to write, e.g. hubei.pdf")
    p_snap.set_defaults(func=_cmd_snapshot)
    p_brief = sub.add_parser("briefing", help="a multi-page PDF briefing pack: cover, maps, indicators, targets, atlas")
    p_brief.add_argument("--out", required=True, help="the PDF to write")
    p_brief.add_argument("--indicators", help="comma-separated indicator ids, one page each (default: a standard set)")
    p_brief.add_argument("--atlas", action="store_true", help="add a page per prefecture-level unit with its facts")
    p_brief.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    p_brief.add_argument("--approval-number", help="the maps' 审图号; without one every page says 内部资料，非公开")
    p_brief.set_defaults(func=_cmd_briefing)
    p_html = sub.add_parser("html", help="a standalone interactive HTML map that works offline")
    _map_options(p_html)
    p_html.add_argument("--out", required=True, help="the .html file to write")
    p_html.set_defaults(func=_cmd_html)
    p_serve = sub.add_parser("serve", help="start the web map")
    p_serve.add_argument(
        "--host", default=settings.DEFAULT_HOST, help=f"address to bind (default: {settings.DEFAULT_HOST})"
    )
    p_serve.add_argument(
        "--port", type=int, default=settings.DEFAULT_PORT, help=f"port (default: {settings.DEFAULT_PORT})"
    )
    p_serve.add_argument("--debug", action="store_true", help="Dash debug mode with hot reload (development only)")
    p_serve.add_argument(
        "--prod", action="store_true", help="run under gunicorn with several workers (see README, Deployment)"
    )
    p_serve.add_argument(
        "--workers",
        type=_positive_int,
        help=f"--prod: worker processes (default: HUBEI_MAP_WORKERS or {settings.DEFAULT_WORKERS})",
    )
    p_serve.add_argument(
        "--threads", type=_positive_int, help="--prod: threads per worker (default: HUBEI_MAP_THREADS or 4)"
    )
    p_serve.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubei-map`` console script."""
    args = build_parser().parse_args(argv)
    if args.command != "serve" and hasattr(signal, "SIGPIPE"):
        # `hubei-map layers show x | head` should end quietly. Never for the server: there a
        # browser that drops a connection mid-response would kill the whole process.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        return int(args.func(args))
    except DataFileError as err:
        print(f"error: {err}", file=sys.stderr)
        print("Run `hubei-map validate` to list every problem in the data.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
