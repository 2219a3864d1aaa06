"""The web map's pages (Dash): one module per feature, the view state in the address and the server-drawn first view.

Each feature module (``page``, ``mapview``, ``layers_panel``, ``indicator_panel``, ``compare``,
``feature_info``, ``drilldown``, ``search``, ``upload``, ``downloads``, ``highlight``, ``targets``)
builds its components and declares its callbacks beside their functions (``wiring.Callbacks``);
``dashapp.create_dash`` attaches them. ``targets`` is the plan's targets view (``?view=targets``),
its charts drawn by ``target_chart``; ``places`` knows which map features a target concerns, and
``highlight`` rings them on the map (``?hl=<target id>``).

Owns what a person sees and clicks in the browser. May import ``geo``, ``layers``, the app's common
modules (``app.settings``, ``app.i18n``, ``app.messages``, ``app.jobs``) and the public faces of
``app.render`` and ``app.export`` (their package names, never their modules).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "create_dash": "app.web.dashapp",
    "component_classes": "app.web.dashapp",
    "INITIAL_ZOOM": "app.web.layer_urls",
    "tile_origins": "app.web.mapview",
    "store_fits": "app.web.shapes",
    "pattern_id_fits": "app.web.shapes",
    "feature_fits": "app.web.shapes",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # the names as mypy sees them; at run time they load on first use
    from app.web.dashapp import component_classes, create_dash
    from app.web.layer_urls import INITIAL_ZOOM
    from app.web.mapview import tile_origins
    from app.web.shapes import feature_fits, pattern_id_fits, store_fits


def __getattr__(name: str) -> Any:
    """Import an exported name on first use (the CLI's ``--help`` never loads Dash)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.web' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
