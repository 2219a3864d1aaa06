"""The ``audit`` command: read the audit trail (``HUBEI_MAP_AUDIT_LOG``), and the CLI's own audit lines."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Keys shown as the "what" column of the table, in this order.
WHAT_KEYS = (
    *("layers", "collection", "feature", "indicator", "format", "crs", "extent", "limit", "offset", "paper"),
    *("filename", "rows", "matched", "features", "pages", "bytes", "method"),
)


def since_date(text: str) -> dt.datetime:
    """``--since``: a date (YYYY-MM-DD, that day's start in UTC) or an ISO date and time."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD or an ISO date and time, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _what(entry: dict[str, Any]) -> str:
    parts = []
    for key in WHAT_KEYS:
        value = entry.get(key)
        if value is None or value == []:
            continue
        shown = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return " ".join(parts)


def cmd_audit(args: argparse.Namespace) -> int:
    """Run ``hubei-map audit [--since DATE] [--user NAME]``; returns the exit code."""
    from app import audit

    path = Path(args.file) if args.file else audit.log_path()
    if path is None:
        print("error: no audit trail: name it with --file or HUBEI_MAP_AUDIT_LOG", file=sys.stderr)
        return 2
    if not audit.files(path):
        print(f"error: {path} does not exist (nothing has been recorded there yet)", file=sys.stderr)
        return 1
    try:
        for entry in audit.read(path, since=args.since, user=args.user):
            if args.format == "json":
                print(json.dumps(entry, ensure_ascii=False))
            elif "unreadable" in entry:
                print(f"(unreadable line: {entry['unreadable']})")
            else:
                row = [entry.get(k) or "-" for k in ("time", "user", "address", "action", "outcome")]
                print("\t".join([*map(str, row), _what(entry)]))
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def audited(action: str, outputs: Callable[[], list[Path]], **what: Any) -> int:
    """Write the audit line of a CLI action that has written ``outputs()``: 0, or 1 after removing them.

    The CLI checks the trail before the work (``check_before``); this is for a trail that fails in between.
    """
    from app import audit

    try:
        audit.record(action, **what)
    except audit.AuditError as exc:
        for path in outputs():
            path.unlink(missing_ok=True)
        print(f"error: {exc}; the output was removed", file=sys.stderr)
        return 1
    return 0


def check_before() -> int:
    """0 if the audit trail can be written (or none is kept), else 1 after saying why nothing was done."""
    from app import audit

    try:
        audit.check_writable()
    except audit.AuditError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    return 0
