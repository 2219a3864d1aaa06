#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 dev.py serve [hubei-map serve options]   # create .venv if needed, install, start the map
    python3 dev.py test  [pytest options]            # create .venv if needed, install, run every test

The virtual environment lives in ``.venv`` inside the repository and is reinstalled
whenever ``pyproject.toml`` changes. The tests need a few Debian packages (``DEBIAN_PACKAGES``:
Chromium and its driver, CJK fonts, poppler, QGIS's Python bindings). Run as root, or by a user with password-less
sudo, ``test`` installs the missing ones itself (and says so); otherwise it says how.

    python3 dev.py system-packages                   # only install the Debian packages (.ci/run)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
EXTRAS = {"serve": "", "test": "[test,dev]"}
#: Which installs satisfy a command: the test install includes everything serve needs.
SATISFIES = {"serve": ("serve", "test"), "test": ("test",)}


@dataclass(frozen=True)
class DebianPackage:
    """A Debian package the project needs, who needs it, and how to tell it is there."""

    name: str
    #: "command" (found on PATH), "font" (a family fc-list knows), "module" (importable by this Python)
    #: or "path" (a file or folder the package installs).
    kind: str
    what: str
    #: Who needs it: "serve", "test" (every test run) and/or "browser" (the browser tests).
    needed_by: tuple[str, ...]


#: Every Debian package the project needs, in one place: ``serve``, ``test`` and ``.ci/run`` install from it.
DEBIAN_PACKAGES = (
    # Debian's python3 makes no virtual environment with pip without it (needed until .venv exists).
    DebianPackage("python3-venv", "module", "ensurepip", ("serve", "test")),
    DebianPackage("fonts-noto-cjk", "font", "Noto Sans CJK", ("serve", "test")),  # printed maps in Chinese
    DebianPackage("poppler-utils", "command", "pdftoppm", ("test",)),  # the PDF tests look at their pages
    DebianPackage("chromium", "command", "chromium", ("browser",)),
    DebianPackage("chromium-driver", "command", "chromedriver", ("browser",)),
    # QGIS itself opens the styled exports (tests/test_styled_export.py runs Debian's python3 with it).
    DebianPackage("python3-qgis", "path", "/usr/lib/python3/dist-packages/qgis/core", ("test",)),
)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
BROWSER_HELP = """\
The browser tests need Chromium and its driver from Debian:
    sudo apt-get update && sudo apt-get install -y {packages}
(or run `python3 dev.py test` as root, or with password-less sudo, and it installs them itself;
or set HUBEI_MAP_CHROMIUM and HUBEI_MAP_CHROMEDRIVER to their paths).
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


def present(package: DebianPackage) -> bool:
    """True when ``package``'s command, font or module is there (Chromium also by its variables)."""
    if package.kind == "path":
        return Path(package.what).exists()
    if package.kind == "command":
        override = {"chromium": "HUBEI_MAP_CHROMIUM", "chromedriver": "HUBEI_MAP_CHROMEDRIVER"}.get(package.what)
        return bool((override and os.environ.get(override)) or shutil.which(package.what))
    if package.kind == "font":
        if shutil.which("fc-list"):
            fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
            return package.what.lower() in fonts.lower()
        stem = package.what.replace(" ", "")  # without fontconfig: look for the font files themselves
        return any(next(Path(d).glob(f"**/{stem}*"), None) for d in FONT_DIRS if Path(d).is_dir())
    import importlib.util

    return importlib.util.find_spec(package.what) is not None


def missing_packages(needs: tuple[str, ...] = ("serve", "test", "browser")) -> list[str]:
    """Names of the ``DEBIAN_PACKAGES`` that ``needs`` (who is about to run) need and are not installed."""
    out = []
    for package in DEBIAN_PACKAGES:
        if not set(package.needed_by) & set(needs):
            continue
        if package.name == "python3-venv" and PYTHON.exists():
            continue  # the virtual environment is made already
        if not present(package):
            out.append(package.name)
    return out


def install_prefix() -> list[str] | None:
    """How this process may run apt-get: [] as root, ["sudo", "-n"] with password-less sudo, else None."""
    if not shutil.which("apt-get"):
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["sudo", "-n"]
    return None


def install_packages(names: list[str], prefix: list[str]) -> bool:
    """``apt-get install`` ``names`` (saying so) through ``prefix``; True when apt-get succeeded."""
    how = "with sudo" if prefix else "as root"
    print(f"Installing Debian packages the tests need ({how}): {' '.join(names)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if prefix:  # sudo resets the environment; pass the one setting apt needs
        prefix = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive"]
    steps = (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", *names])
    return all(subprocess.run([*prefix, *step], env=env, check=False).returncode == 0 for step in steps)


def ensure_system(needs: tuple[str, ...]) -> list[str]:
    """Install the Debian packages ``needs`` need that are missing, when allowed; the names still missing."""
    missing = missing_packages(needs)
    if not missing:
        return []
    prefix = install_prefix()
    if prefix is None:
        return missing
    if not install_packages(missing, prefix):
        if len(missing) > 1:  # one package apt cannot install must not keep the others out
            for name in missing:
                install_packages([name], prefix)
        print("apt-get failed; see its output above.", file=sys.stderr)
    return missing_packages(needs)


def needs_of(command: str, rest: list[str]) -> tuple[str, ...]:
    """Who is about to run: ``serve``, or ``test`` (with the browser tests unless ``-m "not browser"``)."""
    if command == "serve":
        return ("serve",)
    if command == "test" and "not browser" not in " ".join(rest):
        return ("test", "browser")
    return ("test",)


def main(argv: list[str]) -> int:
    """Dispatch ``serve``, ``test`` or ``system-packages``."""
    if argv[:1] == ["system-packages"]:
        still = ensure_system(("serve", "test", "browser"))
        if still:
            print(f"Missing Debian packages (run as root or with password-less sudo): {' '.join(still)}")
        return 1 if still else 0
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    needs = needs_of(command, rest)
    still = ensure_system(needs)
    if "python3-venv" in still:
        print("Creating .venv needs Debian's python3-venv: sudo apt-get install -y python3-venv", file=sys.stderr)
        return 2
    ensure_env(command)
    if command == "serve":
        return subprocess.call([BIN / "hubei-map", "serve", *rest], cwd=ROOT)
    if "browser" in needs and not browser_available():
        browser = " ".join(p.name for p in DEBIAN_PACKAGES if "browser" in p.needed_by or p.kind == "font")
        print(BROWSER_HELP.format(packages=browser), file=sys.stderr)
        return 2
    if still:
        print(f"Note: Debian packages missing, some tests will fail or be skipped: {' '.join(still)}", file=sys.stderr)
    return subprocess.call([PYTHON, "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
