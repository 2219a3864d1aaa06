"""Entry point of the ``hubei-map`` console script."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

from app.cli import process
from app.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubei-map`` console script."""
    args = build_parser().parse_args(argv)
    before = None
    if args.command != "serve" and hasattr(signal, "SIGPIPE"):
        # `hubei-map layers show x | head` should end quietly. Never for the server: there a
        # browser that drops a connection mid-response would kill the whole process. Put back
        # afterwards, for a caller that runs a command in its own process (the tests do).
        before = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from geo.datafiles import DataFileError  # after parsing: `--help` and bad options load no data libraries

    try:
        return int(args.func(args))
    except DataFileError as err:
        print(f"error: {err}", file=sys.stderr)
        print("Run `hubei-map validate` to list every problem in the data.", file=sys.stderr)
        return 1
    finally:
        if before is not None:
            signal.signal(signal.SIGPIPE, before)
        if argv is not None:  # run inside a caller's process: the libraries frozen by a command are its to collect
            process.restore()
