"""Print-quality snapshots of the map: PDF, PNG and SVG with full map furniture, tile-free.

The web app's "snapshot this view" button calls ``render(request_from_state(state))``;
the CLI calls ``write``. See ``request.SnapshotRequest`` for what a snapshot can show.
"""

from app.snapshot.fonts import FontError
from app.snapshot.render import build_figure, render, write
from app.snapshot.request import SnapshotError, SnapshotRequest, request_from_state, validate

__all__ = [
    "FontError",
    "SnapshotError",
    "SnapshotRequest",
    "build_figure",
    "render",
    "request_from_state",
    "validate",
    "write",
]
