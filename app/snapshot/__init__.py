"""Print-quality snapshots of the map: PDF, PNG and SVG with full map furniture, tile-free.

The web app's "snapshot this view" button calls ``render(request_from_state(state))``;
the CLI calls ``write``. See ``request.SnapshotRequest`` for what a snapshot can show.
Names are imported lazily, so ``hubei-map`` commands that do not draw never load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "FontError": "app.snapshot.fonts",
    "build_figure": "app.snapshot.figure",
    "render": "app.snapshot.figure",
    "write": "app.snapshot.figure",
    "SnapshotError": "app.snapshot.request",
    "SnapshotRequest": "app.snapshot.request",
    "request_from_state": "app.snapshot.request",
    "validate": "app.snapshot.request",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.snapshot' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
