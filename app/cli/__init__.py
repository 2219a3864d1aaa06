"""The ``hubei-map`` command line: a thin front over ``layers``, ``app.export``, ``app.render`` and ``app.serve``.

Each command module imports what its command needs inside the command, so ``hubei-map --help``
and the parser load nothing heavy.
"""

from __future__ import annotations

from app.cli.main import main
from app.cli.parser import build_parser

__all__ = ["build_parser", "main"]
