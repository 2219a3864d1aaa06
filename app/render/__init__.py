"""Rendering for people: print-quality snapshots (PDF, PNG, SVG), the briefing pack and the offline HTML map.

May import ``geo``, ``layers`` and the app's common modules (``app.settings``, ``app.i18n``, ``app.messages``);
never the web pages, the exporters or the serving code.

The web app's "snapshot this view" button calls ``render(request_from_state(state))``;
the CLI calls ``write``. See ``request.SnapshotRequest`` for what a snapshot can show.
Names are imported lazily, so ``hubei-map`` commands that do not draw never load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "FontError": "app.render.fonts",
    "build_figure": "app.render.figure",
    "render": "app.render.figure",
    "write": "app.render.figure",
    "SnapshotError": "app.render.request",
    "SnapshotRequest": "app.render.request",
    "request_from_state": "app.render.request",
    "validate": "app.render.request",
    "DEFAULT_DPI": "app.render.paper",
    "DEFAULT_PAPER": "app.render.paper",
    "DPIS": "app.render.paper",
    "FORMATS": "app.render.paper",
    "PAPERS_MM": "app.render.paper",
    "write_pack": "app.render.briefing",
    "to_html": "app.render.html_map",
    "write_html": "app.render.html_map",
}
#: Exported names that differ from the name inside their module.
_RENAMED = {"write_html": "write"}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # the names as mypy sees them; at run time they load on first use
    from app.render.briefing import write_pack
    from app.render.figure import build_figure, render, write
    from app.render.fonts import FontError
    from app.render.html_map import to_html
    from app.render.html_map import write as write_html
    from app.render.paper import DEFAULT_DPI, DEFAULT_PAPER, DPIS, FORMATS, PAPERS_MM
    from app.render.request import (
        SnapshotError,
        SnapshotRequest,
        request_from_state,
        validate,
    )


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.snapshot' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    return getattr(module, _RENAMED.get(name, name))
