"""What every exported file shares: cells a spreadsheet will not run as formulas, and the tool's name and version."""

from __future__ import annotations

#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


TOOL = "hubei-digital-map"


def neutralise_formulas(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def tool_version() -> str:
    """The package's installed version (``source`` when run from an uninstalled tree)."""
    from importlib import metadata as md

    try:
        return md.version(TOOL)
    except md.PackageNotFoundError:  # running from a source tree that is not installed
        return "source"
