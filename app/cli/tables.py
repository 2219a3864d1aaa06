"""Tables the CLI prints: units, layers, a layer's records; output formats and the progress bar."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads with the first table, not with the parser
    import pandas as pd

UNIT_FORMATS = ("table", "csv", "json")


def units_table(level: str | None = None) -> pd.DataFrame:
    """Hubei's units with their area (km², equal-area CRS, 1 decimal), no geometry.

    Read from the unit table built with the boundaries (``geo.unittable``): no geometry library loads.
    """
    from geo import unittable

    return unittable.read(level)


def format_table(table: pd.DataFrame, fmt: str, noun: str = "rows") -> str:
    """Render a table as ``table`` (aligned text, ending with a count of ``noun``), ``csv`` or ``json``."""
    if fmt == "csv":  # a spreadsheet opens it: text that would run as a formula is neutralised
        from app.export import neutralise_formulas

        return table.map(neutralise_formulas).to_csv(index=False)
    if fmt == "json":
        return table.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    shown = table.fillna("")
    return shown.to_string(index=False, float_format=lambda v: f"{v:,.1f}") + f"\n{len(table)} {noun}\n"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (Chinese) take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text
    )


def _fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` terminal columns, ending with ``…`` when cut."""
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out, used = out + char, used + w
    return out + "…"


def text_table(
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[tuple[str, str]],
    *,
    right: Sequence[str] = (),
    max_width: Mapping[str, int] | None = None,
) -> str:
    """Rows as aligned text for a terminal, Chinese counted two columns wide.

    ``columns`` are (key, header) pairs; ``right`` the keys aligned right (numbers); ``max_width`` cuts a
    column's values to that many terminal columns (``…`` marks a cut). Every line ends with a newline.
    """
    limits = max_width or {}
    cells = [[_fit(str(row.get(key, "")), limits.get(key, 10_000)) for key, _ in columns] for row in rows]
    headers = [header for _, header in columns]
    widths = [max([display_width(h)] + [display_width(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for (key, _), value, width in zip(columns, values, widths, strict=True):
            pad = " " * (width - display_width(value))
            parts.append(pad + value if key in right else value + pad)
        return "  ".join(parts).rstrip() + "\n"

    return line(headers) + "".join(line(values) for values in cells)


def layers_table(lang: str = "zh") -> pd.DataFrame:
    """The catalogue as a table: id, title, group, geometry, feature count, visibility, plan articles."""
    import pandas as pd

    from layers import catalogue, features

    rows = [
        {
            "id": spec.id,
            "title": spec.title(lang),
            "group": spec.group,
            "geometry": spec.geometry,
            "features": len(features.layer_data(spec.id)),
            "visible": "yes" if spec.visible else "no",
            "articles": ",".join(map(str, spec.plan_articles)) or "-",
        }
        for spec in catalogue.catalogue().values()
    ]
    return pd.DataFrame(rows)


def layer_records(layer_id: str) -> pd.DataFrame:
    """A layer's features as a table without geometry, with lon/lat of a representative point."""
    import pandas as pd

    from layers import features

    frame = features.layer_data(layer_id)
    points = frame.geometry.representative_point()
    out = pd.DataFrame(frame.drop(columns="geometry"))
    out["lon"] = points.x.round(5)
    out["lat"] = points.y.round(5)
    first = [c for c in ("id", "code", "name_zh", "name_en", "unit_name_zh", "unit_name_en") if c in out]
    return out[first + [c for c in out.columns if c not in first]]


def progress_bar(done: int, total: int, label: str, width: int = 24) -> str:
    """One line of a text progress bar: ``[#####-----] 3/12 label``."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {label}"


def catalogue_ids() -> list[str]:
    """The layer catalogue's ids, in catalogue order."""
    from layers import catalogue

    return list(catalogue.catalogue())
