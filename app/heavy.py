"""Heavy jobs (exports, snapshots): a few at a time per worker, the rest told to come back.

Browsing (the page, layers, indicator switches) never waits here: only the code inside
``slot()`` takes a place, and a job that finds every place taken fails at once with
``Busy`` instead of queueing behind the others. The web routes answer ``Busy`` with HTTP
503 and ``Retry-After``; the map's callbacks show a "busy, try again" message.

Each job gets a scratch folder named after the worker's pid under ``HUBEI_MAP_WORK_DIR``;
it is removed when the job ends, and ``remove_scratch(pid)`` (called by the gunicorn
master when a worker dies) removes what a killed worker left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from app import settings

#: Scratch folders are named ``{SCRATCH_PREFIX}{pid}-{kind}-<random>``.
SCRATCH_PREFIX = "hubei-map-job-"


class Busy(RuntimeError):
    """Every heavy-job place of this worker is taken; try again in a moment."""

    def __init__(self, kind: str, places: int):
        super().__init__(
            f"the server is busy with other exports and snapshots ({places} at a time per worker); "
            f"try the {kind} again in a moment"
        )
        self.kind = kind


_GUARD = threading.Lock()
_state: dict[str, threading.BoundedSemaphore | int] = {}


def _semaphore() -> tuple[threading.BoundedSemaphore, int]:
    """The semaphore of the current process (made on first use, so each forked worker has its own)."""
    with _GUARD:
        if _state.get("pid") != os.getpid():
            places = settings.env_int("HUBEI_MAP_HEAVY_JOBS", minimum=1)
            _state.update(pid=os.getpid(), places=places, semaphore=threading.BoundedSemaphore(places))
        semaphore = _state["semaphore"]
        places = _state["places"]
    assert isinstance(semaphore, threading.BoundedSemaphore) and isinstance(places, int)
    return semaphore, places


def work_dir() -> Path:
    """The folder scratch folders are made in (``HUBEI_MAP_WORK_DIR`` or the system temp folder)."""
    return Path(os.environ.get("HUBEI_MAP_WORK_DIR") or tempfile.gettempdir())


@contextlib.contextmanager
def slot(kind: str) -> Iterator[Path]:
    """Hold one heavy-job place for the block and yield a fresh scratch folder; ``Busy`` if none is free."""
    semaphore, places = _semaphore()
    if not semaphore.acquire(blocking=False):
        raise Busy(kind, places)
    try:
        base = work_dir()
        base.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-{kind}-", dir=base))
        try:
            yield scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        semaphore.release()


def scratch_dirs(pid: int | None = None) -> list[Path]:
    """Scratch folders in the work folder: of one process, or of all."""
    pattern = f"{SCRATCH_PREFIX}{pid}-*" if pid is not None else f"{SCRATCH_PREFIX}*"
    return sorted(work_dir().glob(pattern))


def remove_scratch(pid: int) -> list[Path]:
    """Remove the scratch folders a (dead) process left behind; returns what was removed."""
    found = scratch_dirs(pid)
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return found
