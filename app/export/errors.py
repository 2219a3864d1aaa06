"""What an export raises: a request that cannot be carried out, or a write the system refused."""

from __future__ import annotations

import errno
from pathlib import Path

import pyogrio.errors


class ExportError(ValueError):
    """An export request that cannot be carried out; the message says what to change."""


#: What a writer raises when the disk or a file-size limit stops it (GDAL's errors included).
WRITE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
)


_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EFBIG: "the file is larger than this system allows",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EROFS: "the file system is read-only",
}


class ExportWriteError(ExportError):
    """The system refused to write the export (disk full, file-size limit, permissions); nothing was left behind."""


def write_failed(exc: Exception, where: Path) -> ExportWriteError:
    """An ``ExportWriteError`` for a write that the system refused, naming the reason."""
    code = getattr(exc, "errno", None)
    reason = _REASONS.get(code, str(exc)) if isinstance(code, int) else str(exc)
    return ExportWriteError(f"could not write the export to {where}: {reason}; nothing was written")
