"""Rendering for people: print-quality snapshots (PDF, PNG, SVG), the briefing pack and the offline HTML map.

May import ``geo``, ``layers`` and the app's common modules (``app.settings``, ``app.i18n``, ``app.messages``);
never the web pages, the exporters or the serving code.

The web app's "snapshot this view" button calls ``render(request_from_state(state))``;
the CLI calls ``write``. See ``request.SnapshotRequest`` for what a snapshot can show.
Names are imported lazily, so ``hubei-map`` commands that do not draw never load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "FontError": "app.render.fonts",
    "build_figure": "app.render.figure",
    "render": "app.render.figure",
    "write": "app.render.figure",
    "SnapshotError": "app.render.request",
    "SnapshotRequest": "app.render.request",
    "request_from_state": "app.render.request",
    "validate": "app.render.request",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.snapshot' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
