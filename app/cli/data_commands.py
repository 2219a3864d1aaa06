"""Commands on the data: ``units``, ``validate``, ``layers``, ``indicators`` (list, show, add)."""

from __future__ import annotations

import argparse
import sys

from app.cli.tables import format_table, layer_records, layers_table, units_table
from geo.paths import DATA_DIR


def cmd_units(args: argparse.Namespace) -> int:
    """Run ``hubei-map units``; returns the exit code."""
    sys.stdout.write(format_table(units_table(args.level), args.format, "units"))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run ``hubei-map validate``; returns the exit code."""
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


def cmd_layers(args: argparse.Namespace) -> int:
    """Run ``hubei-map layers``; returns the exit code."""
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


def cmd_indicators(args: argparse.Namespace) -> int:
    """Run ``hubei-map indicators``; returns the exit code."""
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
    return cmd_indicators_add(args)


def cmd_indicators_add(args: argparse.Namespace) -> int:
    """Run ``hubei-map indicators add``; returns the exit code."""
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
