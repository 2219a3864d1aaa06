"""The argument parser of ``hubei-map``: every command, its options and the function that runs it."""

from __future__ import annotations

import argparse

from app import settings
from app.cli.audit_command import cmd_audit, since_date
from app.cli.data_commands import cmd_indicators, cmd_layers, cmd_units, cmd_validate
from app.cli.export_commands import cmd_export
from app.cli.render_commands import cmd_briefing, cmd_html, cmd_snapshot
from app.cli.serve_command import cmd_serve
from app.cli.tables import UNIT_FORMATS
from app.cli.targets_command import STATUSES, cmd_targets, iso_date, plan_article
from app.cli.users_command import cmd_users
from geo.codes import LEVELS


def _map_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``snapshot`` and ``html``: what the map shows."""
    from layers import choices

    parser.add_argument("--layers", help="comma-separated layer ids, or 'all' (default: the layers the map opens with)")
    parser.add_argument("--indicator", help="colour the units by this indicator (see `hubei-map indicators`)")
    parser.add_argument(
        "--scheme", default=choices.DEFAULT_SCHEME, help=f"classification (default: {choices.DEFAULT_SCHEME})"
    )
    parser.add_argument(
        "--k", type=int, default=choices.DEFAULT_K, help=f"number of classes (default: {choices.DEFAULT_K})"
    )
    parser.add_argument(
        "--palette", default=choices.DEFAULT_SEQUENTIAL, help=f"colour ramp (default: {choices.DEFAULT_SEQUENTIAL})"
    )
    parser.add_argument(
        "--extent", default="province", help="'province' (default) or a prefecture-level code, e.g. 420100"
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the map (default: zh)")
    parser.add_argument("--title", help="replace the generated title")
    parser.add_argument("--approval-number", help="the map's 审图号; without one the map says 内部资料，非公开")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def _add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``units``, ``validate``, ``layers``, ``indicators``."""
    p_units = sub.add_parser("units", help="list Hubei's administrative units with their areas")
    p_units.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_units.add_argument("--level", choices=LEVELS, default=None, help="only this level (default: all 121 units)")
    p_units.set_defaults(func=cmd_units)
    p_validate = sub.add_parser("validate", help="check every data file and layer; exit 1 with the problems")
    p_validate.set_defaults(func=cmd_validate)
    p_layers = sub.add_parser("layers", help="list the layer catalogue, or show one layer's features with sources")
    p_layers.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p_layers.add_argument("layer_id", nargs="?", help="the layer to show")
    p_layers.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_layers.add_argument("--lang", choices=("zh", "en"), default="zh", help="title language (default: zh)")
    p_layers.set_defaults(func=cmd_layers)
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
    p_ind.set_defaults(func=cmd_indicators)


def _add_targets(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``targets``: the plan's targets with their status."""
    p_tg = sub.add_parser(
        "targets", help="the plan's numeric targets with their status, latest actual, progress and sources"
    )
    p_tg.add_argument("--status", choices=STATUSES, help="only targets with this status")
    p_tg.add_argument("--article", type=plan_article, metavar="N", help="only targets of this plan article (1-27)")
    p_tg.add_argument("--format", choices=UNIT_FORMATS, default="table", help="output format (default: table)")
    p_tg.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    p_tg.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="evaluate the targets on this date (default: today)"
    )
    p_tg.set_defaults(func=cmd_targets)


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``export``: files for GIS teams."""
    p_exp = sub.add_parser("export", help="export layers as GeoJSON, GeoPackage, Shapefile or CSV")
    p_exp.add_argument(
        "--layers", help="comma-separated layer ids, or 'all' (default; with --indicator: none unless given)"
    )
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
    p_exp.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="gpkg and csv: evaluate the plan's scorecard on this date (default: today)",
    )
    p_exp.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of styles' labels and legends")
    from layers import choices

    p_exp.add_argument("--indicator", help="also export this indicator as a styled choropleth layer indicator_<id>")
    p_exp.add_argument("--scheme", default=choices.DEFAULT_SCHEME, help="--indicator's classification")
    p_exp.add_argument("--k", type=int, default=choices.DEFAULT_K, help="--indicator's number of classes")
    p_exp.add_argument("--palette", default=choices.DEFAULT_SEQUENTIAL, help="--indicator's colour ramp")
    p_exp.set_defaults(func=cmd_export)


def _add_render_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``snapshot``, ``briefing``, ``html``."""
    from app.render import DEFAULT_DPI, DEFAULT_PAPER, DPIS, FORMATS, PAPERS_MM

    p_snap = sub.add_parser("snapshot", help="a print-quality map (PDF, PNG or SVG) with legend, scale bar, sources")
    _map_options(p_snap)
    p_snap.add_argument("--paper", choices=list(PAPERS_MM), default=DEFAULT_PAPER, help=f"default: {DEFAULT_PAPER}")
    p_snap.add_argument("--format", choices=FORMATS, help="pdf, png or svg (default: from the file name, else pdf)")
    p_snap.add_argument(
        "--dpi", type=int, choices=DPIS, default=DEFAULT_DPI, help=f"PNG resolution (default: {DEFAULT_DPI})"
    )
    p_snap.add_argument("--out", required=True, help="the file to write, e.g. hubei.pdf")
    p_snap.set_defaults(func=cmd_snapshot)
    p_brief = sub.add_parser("briefing", help="a multi-page PDF briefing pack: cover, maps, indicators, targets, atlas")
    p_brief.add_argument("--out", required=True, help="the PDF to write")
    p_brief.add_argument("--indicators", help="comma-separated indicator ids, one page each (default: a standard set)")
    p_brief.add_argument("--atlas", action="store_true", help="add a page per prefecture-level unit with its facts")
    p_brief.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    p_brief.add_argument("--approval-number", help="the maps' 审图号; without one every page says 内部资料，非公开")
    p_brief.set_defaults(func=cmd_briefing)
    p_html = sub.add_parser("html", help="a standalone interactive HTML map that works offline")
    _map_options(p_html)
    p_html.add_argument("--out", required=True, help="the .html file to write")
    p_html.set_defaults(func=cmd_html)


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``serve``: the web map."""
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
    p_serve.set_defaults(func=cmd_serve)


def _add_access(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``users`` (the user file of HUBEI_MAP_AUTH=users) and ``audit`` (the audit trail)."""
    p_users = sub.add_parser("users", help="manage the user file of HUBEI_MAP_AUTH=users (add, remove, list)")
    p_users.add_argument("action", choices=("add", "remove", "list"))
    p_users.add_argument("name", nargs="?", help="add/remove: the user name (add reads the password from stdin)")
    p_users.add_argument("--file", help="the user file (default: HUBEI_MAP_USERS)")
    p_users.add_argument("--replace", action="store_true", help="add: set a new password for an existing user")
    p_users.set_defaults(func=cmd_users)
    p_audit = sub.add_parser("audit", help="read the audit trail: exports, snapshots, briefings, uploads, sign-ins")
    p_audit.add_argument("--since", type=since_date, metavar="DATE", help="only from this date (YYYY-MM-DD, UTC)")
    p_audit.add_argument("--user", help="only this user's actions")
    p_audit.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p_audit.add_argument("--file", help="the audit file (default: HUBEI_MAP_AUDIT_LOG)")
    p_audit.set_defaults(func=cmd_audit)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hubei-map``."""
    parser = argparse.ArgumentParser(
        prog="hubei-map", description="Hubei digital-economy map: data, web map and outputs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_data_commands, _add_targets, _add_export, _add_render_commands, _add_serve, _add_access):
        add(sub)
    return parser
