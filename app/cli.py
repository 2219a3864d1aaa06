"""The ``hubei-map`` command line: ``units`` lists the admin units, ``serve`` starts the map."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from app import settings
from geo import boundaries

UNIT_FORMATS = ("table", "csv", "json")


def units_table(level: str | None = None) -> pd.DataFrame:
    """Hubei's units with their area (km², equal-area CRS, 1 decimal), no geometry."""
    table = boundaries.units(level)
    out = pd.DataFrame(table.drop(columns="geometry"))
    out["area_km2"] = boundaries.area_km2(table).round(1)
    return out


def format_units(table: pd.DataFrame, fmt: str) -> str:
    """Render the units table as ``table`` (aligned text), ``csv`` or ``json`` (records)."""
    if fmt == "csv":
        return table.to_csv(index=False)
    if fmt == "json":
        return table.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    shown = table.fillna("")
    return shown.to_string(index=False, float_format=lambda v: f"{v:,.1f}") + f"\n{len(table)} units\n"


def _cmd_units(args: argparse.Namespace) -> int:
    sys.stdout.write(format_units(units_table(args.level), args.format))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from app.web import create_app  # imported here: `units` should not pay for Dash

    app = create_app()
    print(f"Hubei digital economy map on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


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
    p_serve = sub.add_parser("serve", help="start the web map")
    p_serve.add_argument(
        "--host", default=settings.DEFAULT_HOST, help=f"address to bind (default: {settings.DEFAULT_HOST})"
    )
    p_serve.add_argument(
        "--port", type=int, default=settings.DEFAULT_PORT, help=f"port (default: {settings.DEFAULT_PORT})"
    )
    p_serve.add_argument("--debug", action="store_true", help="Dash debug mode with hot reload (development only)")
    p_serve.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubei-map`` console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
