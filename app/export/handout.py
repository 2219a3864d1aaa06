"""An export handed out over the web (the ``/export`` route and the Download button): one job, then its audit line.

``export_in_job`` returns the packed file or raises one of four typed errors; each caller maps them
to its own answer (an HTTP status, or a message in the map's panel).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app import audit, jobs
from app.export.files import Download, download
from app.export.styles import IndicatorRequest


def export_in_job(
    layer_ids: Sequence[str],
    fmt: str,
    *,
    crs_choice: str = "wgs84",
    bbox: Sequence[float] | None = None,
    lang: str = "zh",
    indicator: IndicatorRequest | None = None,
    **record: Any,
) -> Download:
    """Export and pack ``layer_ids`` in a heavy-job place, then write the ``export`` audit line; the packed file.

    ``record`` adds fields to the audit line (``route=...``). Raises ``jobs.Busy`` (every place taken, or the
    job process died), ``ExportWriteError`` (the server could not write the files), ``ExportError`` (a request
    that cannot be carried out) or ``audit.AuditError`` (the line could not be written: hand nothing out).
    """
    with jobs.slot("export") as job:
        packed = job.call(
            download, layer_ids, fmt, job.scratch, crs_choice=crs_choice, bbox=bbox, lang=lang, indicator=indicator
        )
    audit.record(
        "export",
        **record,
        layers=list(layer_ids),
        indicator=indicator.indicator if indicator else None,
        format=fmt,
        crs=crs_choice,
        extent=list(bbox) if bbox is not None else None,
        bytes=len(packed.body),
        features=packed.features,
    )
    return packed
