"""Run `hubei-map` many times without paying its start-up each time (a helper of tests/test_corpus.py and test_cli.py).

Started once as a subprocess, this process imports the heavy third-party libraries
(pandas, geopandas, GDAL, mapclassify, ...) but none of the project's packages. For
every request (one JSON line on stdin: argv, environment, output files) it forks; the
child sets the environment, points its stdout/stderr at the files, imports ``app.cli``
afresh (so ``HUBEI_MAP_DATA`` is read as in a new process: ``geo.paths`` and everything
that imports it are loaded in the child only) and runs ``main`` exactly as
the ``hubei-map`` console script does, an unhandled exception printing its traceback.
The parent answers with the child's exit status (one JSON line on stdout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PRELOAD = ("numpy", "pandas", "shapely", "pyproj", "pyogrio", "geopandas", "pydantic", "mapclassify")
#: Project modules that never read the data folder's location (geo.paths): safe to share between cases.
PRELOAD_PROJECT = ("geo.datafiles", "layers.schema", "layers.classify")


def _child(request: dict) -> int:
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    sys.argv = ["hubei-map", *request["argv"]]
    try:
        from app.cli import main

        code = main(request["argv"])
    except SystemExit as exc:  # argparse errors, as the console script would exit
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # what the console script shows for an unhandled error
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return int(code or 0)


def serve() -> None:
    """Answer requests until stdin closes."""
    for module in PRELOAD + PRELOAD_PROJECT:
        __import__(module)
    assert "geo.paths" not in sys.modules, "a preloaded module fixed the data folder"
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(request)
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


@contextmanager
def running(outputs: Path) -> Iterator[Callable[[list[str], dict[str, str], Path], tuple[int, str, str]]]:
    """Start this server; yield ``run(argv, env, cwd) -> (exit code, stdout, stderr)``, output files in ``outputs``."""
    server = subprocess.Popen(
        [sys.executable, __file__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    assert server.stdin is not None and server.stdout is not None
    stdin, stdout = server.stdin, server.stdout
    assert json.loads(stdout.readline()) == {"ready": True}

    def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
        out, err = outputs / "stdout", outputs / "stderr"
        request = {"argv": argv, "env": env, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        code = json.loads(stdout.readline())["returncode"]
        return code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")

    try:
        yield run
    finally:
        stdin.close()
        server.wait(timeout=30)
        stdout.close()


if __name__ == "__main__":
    serve()
