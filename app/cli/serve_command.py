"""The ``serve`` command: the development server, or gunicorn with ``--prod``."""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys


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


def access_problem(prod: bool) -> str | None:
    """Why the server must not start with these access and audit settings, or None.

    ``--prod`` needs ``HUBEI_MAP_AUTH`` (``users``, ``proxy``, or an explicit ``public``); a user file, key
    or audit file that cannot be used stops any server before it answers a request.
    """
    from app import audit
    from app.serve import access

    try:
        settings_ = access.load()
        if settings_.users_path is not None:
            access.secret_key(settings_.users_path)
        audit.check_writable()
    except (access.AccessConfigError, audit.AuditError) as exc:
        return str(exc)
    if prod and settings_.mode is None:
        return (
            "serve --prod answers everyone who can reach it: set HUBEI_MAP_AUTH=users (a user file), "
            "HUBEI_MAP_AUTH=proxy (single sign-on in front) or, knowingly, HUBEI_MAP_AUTH=public "
            "(see README, Deployment)"
        )
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``hubei-map serve``; returns the exit code."""
    problem = access_problem(args.prod)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.prod:
        if args.debug:
            print("error: --debug is for the development server; leave it out with --prod", file=sys.stderr)
            return 2
        command = gunicorn_command(args.host, args.port, args.workers, args.threads)
        print(f"Hubei digital economy map (gunicorn) on http://{args.host}:{args.port}/", flush=True)
        os.execv(command[0], command)  # gunicorn's master takes this process (and its signals)
    from app.serve.server import create_app  # imported here: `units` should not pay for Dash
    from app.web import INITIAL_ZOOM
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
