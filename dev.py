#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 dev.py serve [hubei-map serve options]   # create .venv if needed, install, start the map
    python3 dev.py test  [pytest options]            # create .venv if needed, install, run every test

The virtual environment lives in ``.venv`` inside the repository and is reinstalled
whenever ``pyproject.toml`` changes. Browser tests need Debian's ``chromium`` and
``chromium-driver``; ``test`` says how to install them when they are missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
EXTRAS = {"serve": "", "test": "[test,dev]"}
#: Which installs satisfy a command: the test install includes everything serve needs.
SATISFIES = {"serve": ("serve", "test"), "test": ("test",)}
BROWSER_HELP = """\
The browser tests need Chromium and its driver from Debian:
    sudo apt-get update && sudo apt-get install -y chromium chromium-driver fonts-noto-cjk
(or set HUBEI_MAP_CHROMIUM and HUBEI_MAP_CHROMEDRIVER to their paths).
To run everything else meanwhile: python3 dev.py test -m "not browser"
"""


def ensure_env(command: str) -> None:
    """Create ``.venv`` and install the project (editable) with what ``command`` needs, when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the user has
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    if any((VENV / f".installed-{digest}-{done}").exists() for done in SATISFIES[command]):
        return
    extras = EXTRAS[command]
    print(f"Installing hubei-digital-map{extras} and its dependencies (first run takes a few minutes) ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}"], check=True)
    for old in VENV.glob(".installed-*"):
        if not old.name.startswith(f".installed-{digest}-"):
            old.unlink()
    (VENV / f".installed-{digest}-{command}").touch()


def browser_available() -> bool:
    """True when a Chromium and a chromedriver can be found."""
    chromium = os.environ.get("HUBEI_MAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("HUBEI_MAP_CHROMEDRIVER") or shutil.which("chromedriver")
    return bool(chromium and driver)


def main(argv: list[str]) -> int:
    """Dispatch ``serve`` or ``test``."""
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_env(command)
    if command == "serve":
        return subprocess.call([BIN / "hubei-map", "serve", *rest], cwd=ROOT)
    deselecting_browser = "not browser" in " ".join(rest)
    if not browser_available() and not deselecting_browser:
        print(BROWSER_HELP, file=sys.stderr)
        return 2
    return subprocess.call([PYTHON, "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
