"""`python3 dev.py test` does the set-up: when it may run apt-get, and what it installs (no apt-get is run here)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dev(monkeypatch):
    """A fresh copy of dev.py (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    monkeypatch.delenv("HUBEI_MAP_CHROMIUM", raising=False)
    monkeypatch.delenv("HUBEI_MAP_CHROMEDRIVER", raising=False)
    return module


class FakeSystem:
    """A machine: which commands exist, the user id, whether sudo asks for a password; records what runs."""

    def __init__(self, monkeypatch, dev, *, uid: int, commands: set[str], sudo_ok: bool = False, broken=()):
        self.uid, self.commands, self.sudo_ok, self.broken = uid, set(commands), sudo_ok, set(broken)
        self.runs: list[list[str]] = []
        self.provides = {p.name: p.what for p in dev.DEBIAN_PACKAGES}
        monkeypatch.setattr(dev.os, "geteuid", lambda: self.uid)
        monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}" if name in self.commands else None)
        monkeypatch.setattr(dev.subprocess, "run", self.run)
        monkeypatch.setattr(dev, "present", lambda p: p.what in self.commands)
        monkeypatch.setattr(dev, "ensure_env", lambda command: None)
        monkeypatch.setattr(dev.subprocess, "call", lambda args, **kw: self.runs.append([str(a) for a in args]) or 0)

    def run(self, args, **kwargs):
        args = [str(a) for a in args]
        self.runs.append(args)
        if args[:3] == ["sudo", "-n", "true"]:
            return subprocess.CompletedProcess(args, 0 if self.sudo_ok else 1)
        if "install" in args and self.broken & set(args):  # apt cannot install one of them: none is installed
            return subprocess.CompletedProcess(args, 100)
        if "install" in args:  # what a package provides is there afterwards
            self.commands |= {self.provides[name] for name in args[args.index("--no-install-recommends") + 1 :]}
        return subprocess.CompletedProcess(args, 0)

    def apt(self) -> list[list[str]]:
        return [r for r in self.runs if "apt-get" in r]


BASE = {"apt-get", "ensurepip", "fc-list"}  # a Debian machine with python3-venv
QGIS = "/usr/lib/python3/dist-packages/qgis/core"  # what python3-qgis provides
EVERYTHING = BASE | {"Noto Sans CJK", "pdftoppm", "chromium", "chromedriver", QGIS}


def test_as_root_it_may_install_with_sudo_only_without_a_password_otherwise_not(dev, monkeypatch):
    root = FakeSystem(monkeypatch, dev, uid=0, commands=BASE)
    assert dev.install_prefix() == [] and root.runs == []  # root: apt-get directly, sudo not even asked
    user = FakeSystem(monkeypatch, dev, uid=1000, commands=BASE | {"sudo"}, sudo_ok=True)
    assert dev.install_prefix() == ["sudo", "-n"] and user.runs == [["sudo", "-n", "true"]]
    asks = FakeSystem(monkeypatch, dev, uid=1000, commands=BASE | {"sudo"}, sudo_ok=False)
    assert dev.install_prefix() is None and asks.runs == [["sudo", "-n", "true"]]
    FakeSystem(monkeypatch, dev, uid=1000, commands=BASE)
    assert dev.install_prefix() is None  # no sudo at all
    FakeSystem(monkeypatch, dev, uid=0, commands=BASE - {"apt-get"})
    assert dev.install_prefix() is None  # not Debian


def test_as_root_dev_test_installs_the_missing_packages_says_so_and_runs_the_tests(dev, monkeypatch, capsys):
    machine = FakeSystem(monkeypatch, dev, uid=0, commands=BASE | {"Noto Sans CJK"})
    assert dev.main(["test", "-k", "x"]) == 0
    update, install = machine.apt()
    assert update == ["apt-get", "update", "-q"]
    assert install[:5] == ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
    assert install[5:] == ["poppler-utils", "chromium", "chromium-driver", "python3-qgis"]  # only what is missing
    assert "Installing Debian packages the tests need (as root): poppler-utils chromium chromium-driver" in (
        capsys.readouterr().out
    )
    assert machine.runs[-1][-4:] == ["-m", "pytest", "-k", "x"]


def test_with_passwordless_sudo_apt_get_runs_through_sudo(dev, monkeypatch, capsys):
    machine = FakeSystem(monkeypatch, dev, uid=1000, commands=EVERYTHING - {"chromedriver"} | {"sudo"}, sudo_ok=True)
    assert dev.main(["test"]) == 0
    assert [r[:5] for r in machine.apt()] == [
        ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"],
        ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"],
    ]
    assert machine.apt()[1][-1] == "chromium-driver"
    assert "(with sudo): chromium-driver" in capsys.readouterr().out


def test_without_permission_nothing_is_installed_and_the_message_says_how(dev, monkeypatch, capsys):
    machine = FakeSystem(monkeypatch, dev, uid=1000, commands=BASE | {"sudo", "Noto Sans CJK", "pdftoppm"})
    assert dev.main(["test"]) == 2
    assert machine.apt() == [] and not any("pytest" in r for r in machine.runs)
    err = capsys.readouterr().err
    assert "sudo apt-get install -y fonts-noto-cjk chromium chromium-driver" in err
    assert "as root, or with password-less sudo" in err and '-m "not browser"' in err


def test_deselecting_the_browser_tests_needs_no_chromium(dev, monkeypatch):
    machine = FakeSystem(monkeypatch, dev, uid=1000, commands=BASE | {"Noto Sans CJK", "pdftoppm"})
    assert dev.main(["test", "-m", "not browser"]) == 0
    assert machine.apt() == [] and machine.runs[-1][-2:] == ["-m", "not browser"]
    root = FakeSystem(monkeypatch, dev, uid=0, commands=BASE)
    dev.main(["test", "-m", "not browser"])
    assert root.apt()[1][5:] == ["fonts-noto-cjk", "poppler-utils", "python3-qgis"]  # not Chromium


def test_nothing_missing_means_no_apt_get(dev, monkeypatch):
    machine = FakeSystem(monkeypatch, dev, uid=0, commands=EVERYTHING)
    assert dev.main(["test"]) == 0 and machine.apt() == []


def test_python3_venv_is_installed_first_when_there_is_no_venv_yet(dev, monkeypatch, tmp_path):
    monkeypatch.setattr(dev, "PYTHON", tmp_path / "no-venv" / "python")
    machine = FakeSystem(monkeypatch, dev, uid=0, commands=EVERYTHING - {"ensurepip"})
    assert dev.main(["serve"]) == 0
    assert machine.apt()[1][5:] == ["python3-venv"]  # serve needs no Chromium and no poppler
    monkeypatch.setattr(dev, "PYTHON", ROOT / "dev.py")  # a .venv exists: python3-venv is not needed
    again = FakeSystem(monkeypatch, dev, uid=0, commands=EVERYTHING - {"ensurepip"})
    assert dev.main(["serve"]) == 0 and again.apt() == []


def test_ci_installs_through_dev_py_the_one_package_list(dev):
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get" not in ci and "python3 dev.py test" in ci
    for package in dev.DEBIAN_PACKAGES:
        assert package.name not in ci
    assert {p.name for p in dev.DEBIAN_PACKAGES} >= {"chromium", "chromium-driver", "fonts-noto-cjk", "poppler-utils"}


def test_a_package_apt_cannot_install_does_not_keep_the_others_out(dev, monkeypatch, capsys):
    have = BASE | {"Noto Sans CJK", "pdftoppm"}
    machine = FakeSystem(monkeypatch, dev, uid=0, commands=have, broken={"python3-qgis"})
    assert dev.main(["test"]) == 0  # Chromium came, so the tests run; the QGIS checks will say they are skipped
    assert {"chromium", "chromedriver"} <= machine.commands and QGIS not in machine.commands
    assert "python3-qgis" in capsys.readouterr().err
