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


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``hubei-map serve``; returns the exit code."""
    from app.serve.access import startup_problem

    problem = startup_problem(prod=args.prod)
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
    from app.serve.server import create_app, ready_to_serve  # imported here: `units` should not pay for Dash
    from app.web import INITIAL_ZOOM
    from geo.simplify import band_for_zoom
    from layers import webdata

    faulthandler.enable()  # a crash in native code (GEOS, GDAL) leaves a traceback in the log
    app = create_app()
    band = band_for_zoom(INITIAL_ZOOM).name
    print(f"Preparing the map layers for the opening view ({band}) ...", flush=True)
    size = webdata.warm(band)
    print(f"  {size / 1e6:.1f} MB of layer data ready", flush=True)
    print("Compressing the page's scripts ...", flush=True)
    ready_to_serve(app)
    print(f"Hubei digital economy map on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0
