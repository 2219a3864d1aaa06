"""Heavy jobs (exports, snapshots): a few at a time per worker, the rest told to come back.

Browsing (the page, layers, indicator switches) never waits here: only the code inside
``slot()`` takes a place, and a job that finds every place taken fails at once with
``Busy`` instead of queueing behind the others. The web routes answer ``Busy`` with HTTP
503 and ``Retry-After``; the map's callbacks show a "busy, try again" message.

Each job gets a scratch folder named after the worker's pid under ``HUBEI_MAP_WORK_DIR``;
it is removed when the job ends, and ``remove_scratch(pid)`` (called by the gunicorn
master when a worker dies) removes what a killed worker left behind.

The work itself runs in a job process of the worker (``HUBEI_MAP_HEAVY_ISOLATION=process``,
the default): a process of its own, started once and kept, at lower CPU priority
(``HUBEI_MAP_HEAVY_NICE``). Rendering a map is seconds of pure Python; in the worker it
would hold the interpreter lock its browsing threads need, and at equal priority it would
take the CPU cores they need. The job process ends itself within half a second of its
worker's death, so a killed worker leaves no job running.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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


class JobLost(Busy):
    """The job process ended before the job did (killed, or out of memory); try again."""

    def __init__(self, kind: str):
        RuntimeError.__init__(self, f"the {kind} stopped unexpectedly (its process ended); try again in a moment")
        self.kind = kind


T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """A heavy-job place: its scratch folder, and ``call`` to run the work."""

    kind: str
    scratch: Path

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker's job process (or in this thread with isolation ``thread``).

        ``fn``, its arguments and its result must be picklable (module-level functions, plain data).
        Exceptions ``fn`` raises are raised here; ``JobLost`` if the job process died.
        """
        if settings.env_str("HUBEI_MAP_HEAVY_ISOLATION") == "thread":
            return fn(*args, **kwargs)
        try:
            return _pool().submit(_run, fn, args, kwargs).result()
        except BrokenProcessPool as exc:
            shutdown()
            raise JobLost(self.kind) from exc


_GUARD = threading.Lock()
_state: dict[str, threading.BoundedSemaphore | int] = {}


def _semaphore() -> tuple[threading.BoundedSemaphore, int]:
    """The semaphore of the current process (made on first use, so each forked worker has its own)."""
    with _GUARD:
        if _state.get("pid") != os.getpid():
            places = settings.env_int("HUBEI_MAP_HEAVY_JOBS", minimum=1)
            _state.update(pid=os.getpid(), places=places, semaphore=threading.BoundedSemaphore(places))
        semaphore, count = _state["semaphore"], _state["places"]
    assert isinstance(semaphore, threading.BoundedSemaphore) and isinstance(count, int)
    return semaphore, count


def work_dir() -> Path:
    """The folder scratch folders are made in (``HUBEI_MAP_WORK_DIR`` or the system temp folder)."""
    return Path(os.environ.get("HUBEI_MAP_WORK_DIR") or tempfile.gettempdir())


@contextlib.contextmanager
def slot(kind: str) -> Iterator[Job]:
    """Hold one heavy-job place for the block and yield it (with a fresh scratch folder); ``Busy`` if none is free."""
    semaphore, places = _semaphore()
    if not semaphore.acquire(blocking=False):
        raise Busy(kind, places)
    try:
        base = work_dir()
        base.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-{kind}-", dir=base))
        try:
            yield Job(kind, scratch)
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


# --- the job process ---------------------------------------------------------------------

_POOL_GUARD = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}
#: Seconds between a job process's checks that its worker is alive.
ORPHAN_POLL_S = 0.5
#: What a job process imports when it starts, so the first job does not wait for it: the exporter and
#: the print renderer (named, not imported here: jobs sit below the packages whose work they run).
PRELOAD = ("app.export.files", "app.render.figure")


def _pool() -> ProcessPoolExecutor:
    """The job processes of the current process (started on first use; each forked worker has its own)."""
    with _POOL_GUARD:
        pool = _pools.get(os.getpid())
        if pool is None:
            _, places = _semaphore()
            nice = settings.env_int("HUBEI_MAP_HEAVY_NICE")
            pool = ProcessPoolExecutor(
                max_workers=places,
                mp_context=multiprocessing.get_context("spawn"),  # a fresh interpreter: safe from a threaded worker
                initializer=_job_process_start,
                initargs=(nice,),
            )
            _pools[os.getpid()] = pool
        return pool


def shutdown() -> None:
    """Stop the job processes of the current process (or forget a broken pool); the next job starts new ones."""
    with _POOL_GUARD:
        pool = _pools.pop(os.getpid(), None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def warm() -> None:
    """Start this process's job processes now (they import the renderer and the data once), not at the first job."""
    if settings.env_str("HUBEI_MAP_HEAVY_ISOLATION") != "thread":
        _pool().submit(_run, int, (), {})


def _job_process_start(nice: int) -> None:
    """In a new job process: lower its priority, watch its worker, load what jobs need."""
    worker = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(worker,), daemon=True, name="worker-watch").start()
    with contextlib.suppress(OSError):
        os.nice(max(0, min(19, nice)))
    for module in PRELOAD:
        importlib.import_module(module)


def _exit_when_orphaned(worker: int) -> None:
    """End the job process within ``ORPHAN_POLL_S`` of its worker's death (its parent changes).

    Linux's parent-death signal would be quicker, but it fires when the *thread* that started
    the process ends, and the development server starts one thread per request.
    """
    while os.getppid() == worker:
        time.sleep(ORPHAN_POLL_S)
    os._exit(1)


def _run(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """Run a job in the job process; an exception that cannot travel back is sent as its message."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
        raise
