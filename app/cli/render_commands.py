"""Commands that draw: ``snapshot``, ``briefing``, ``html``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import process
from app.cli.audit_command import audited, check_before
from app.cli.tables import catalogue_ids, progress_bar


def _snapshot_request(args: argparse.Namespace, fmt: str = "pdf") -> object:
    """A snapshot request from the shared map options of ``snapshot`` and ``html``."""
    from app.render import SnapshotRequest

    layers = None
    if args.layers is not None:
        layers = (
            tuple(catalogue_ids())
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


def _what(request: Any) -> dict[str, Any]:
    """What a snapshot request shows, for its audit line."""
    keys = ("indicator", "scheme", "k", "palette", "extent", "paper", "fmt", "lang")
    what = {key: getattr(request, key, None) for key in keys}
    what["format"] = what.pop("fmt")
    return {"layers": list(request.layer_ids), **what}


def _drawn(make: Callable[[], Any], out: str) -> tuple[Any, int]:
    """Run a drawing command: (its result, 0), or (None, exit code) after saying why nothing was written.

    Bad input is exit 2, a failed write exit 1.
    """
    from app import render

    if check_before():
        return None, 1
    try:
        return make(), 0
    except (render.SnapshotError, render.FontError) as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return None, 2
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return None, 1


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Run ``hubei-map snapshot``; returns the exit code."""
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
        write = render.write  # loads the renderer: matplotlib, geopandas, the layers
        process.libraries_loaded()
        request = render.validate(_snapshot_request(args, fmt))  # type: ignore[arg-type]
        return request, write(request, args.out)

    result, code = _drawn(draw, args.out)
    if code:
        return code
    request, path = result
    if audited("snapshot", lambda: [path], **_what(request), bytes=path.stat().st_size):
        return 1
    print(f"wrote {path} ({path.stat().st_size:,} bytes, {request.paper}, {fmt})")
    return 0


def cmd_briefing(args: argparse.Namespace) -> int:
    """Run ``hubei-map briefing``; returns the exit code."""
    from app import render

    chosen = None if args.indicators is None else [p.strip() for p in args.indicators.split(",") if p.strip()]

    def progress(done: int, total: int, title: str) -> None:
        print(progress_bar(done, total, title), file=sys.stderr, flush=True)

    write_pack = render.write_pack  # loads the renderer
    process.libraries_loaded()
    pages, code = _drawn(
        lambda: write_pack(
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
    out = Path(args.out)
    what = {"indicators": chosen, "atlas": args.atlas, "lang": args.lang, "pages": pages, "format": "pdf"}
    if audited("briefing", lambda: [out], **what, bytes=out.stat().st_size):
        return 1
    print(f"wrote {args.out} ({pages} pages)")
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    """Run ``hubei-map html``; returns the exit code."""
    from app import render

    request = _snapshot_request(args)
    write_html = render.write_html  # loads folium and the layers
    process.libraries_loaded()
    path, code = _drawn(lambda: write_html(render.validate(request), args.out), args.out)  # type: ignore[arg-type]
    if code:
        return code
    if audited("html", lambda: [path], **{**_what(request), "format": "html"}, bytes=path.stat().st_size):
        return 1
    print(f"wrote {path} ({path.stat().st_size:,} bytes; opens offline in any browser)")
    return 0
