"""Files and services for GIS teams: layer export (GeoJSON, GeoPackage, Shapefile, CSV) and the OGC API.

Owns what leaves the app as data. May import ``geo``, ``layers`` and the app's common modules
(``app.settings``, ``app.messages``, ``app.jobs``, ``app.audit``); never the web pages, the renderer or the
serving code.
Other packages use the names below (``from app import export``; ``export.export_layers(...)``);
they load on first use, so importing the package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "CRS_CHOICES": "app.export.files",
    "Download": "app.export.files",
    "ExportError": "app.export.errors",
    "ExportWriteError": "app.export.errors",
    "FORMATS": "app.export.files",
    "IndicatorRequest": "app.export.styles",
    "Written": "app.export.files",
    "download": "app.export.files",
    "export_in_job": "app.export.handout",
    "export_layers": "app.export.files",
    "neutralise_formulas": "app.export.cells",
    "scorecard_table": "app.export.tables",
    "select": "app.export.files",
    "tool_version": "app.export.cells",
    "register_ogc": "app.export.ogc",
}
#: Exported names that differ from the name inside their module.
_RENAMED = {"register_ogc": "register"}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # the names as mypy sees them; at run time they load on first use
    from app.export.cells import neutralise_formulas, tool_version
    from app.export.errors import ExportError, ExportWriteError
    from app.export.files import (
        CRS_CHOICES,
        FORMATS,
        Download,
        Written,
        download,
        export_layers,
        select,
    )
    from app.export.handout import export_in_job
    from app.export.ogc import register as register_ogc
    from app.export.styles import IndicatorRequest
    from app.export.tables import scorecard_table


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), _RENAMED.get(name, name))
