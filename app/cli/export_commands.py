"""The ``export`` command: files for GIS teams."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from app.cli.audit_command import audited, check_before
from app.cli.tables import catalogue_ids


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``hubei-map export``; returns the exit code."""
    from app import export

    bbox = None
    if args.bbox:
        try:
            bbox = [float(v) for v in args.bbox.split(",")]
        except ValueError:
            print("error: --bbox must be four numbers: min_lon,min_lat,max_lon,max_lat", file=sys.stderr)
            return 2
    chosen = args.layers if args.layers is not None else ("" if args.indicator else "all")
    layer_ids = [p.strip() for p in chosen.split(",") if p.strip()]
    if check_before():
        return 1
    count = len(layer_ids) if layer_ids != ["all"] else len(catalogue_ids())
    indicator = None
    if args.indicator:
        indicator = export.IndicatorRequest(args.indicator, scheme=args.scheme, k=args.k, palette=args.palette)
        count += 1
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
            as_of=args.as_of,
            lang=args.lang,
            indicator=indicator,
        )
    except export.ExportError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return 1
    paths = [item.path for item in written]
    size = sum(path.stat().st_size for path in paths if path.is_file())
    what = {
        "layers": layer_ids,
        "indicator": args.indicator,
        "format": args.format,
        "crs": args.crs,
        "extent": bbox or args.unit,
    }
    features = sum(item.features for item in written)
    if audited("export", lambda: paths, **what, bytes=size, features=features):
        return 1
    for item in written:
        if item.style_of:
            print(f"wrote {item.path} (style of {item.style_of})")
        elif item.table:
            print(f"wrote {item.path} ({item.table}: {item.rows} rows, no geometry)")
        else:
            print(f"wrote {item.path} ({', '.join(item.layers)}: {item.features} features, {item.crs})")
    if args.format in ("gpkg", "csv"):
        from layers import evaluation

        as_of = args.as_of or dt.date.today()
        print(f"plan_scorecard: the targets' status on {as_of.isoformat()}, rule version {evaluation.RULE_VERSION}")
    return 0
