"""A choropleth of one indicator: its classification, its legend, and the browser's style data.

``choropleth()`` is the one function the web map, the snapshot renderer and the folium
export call, so all three class, colour and label the same way. The legend is generated
from the classification, never typed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import boundaries
from layers import catalogue, classify, features, indicators, palettes
from layers.style import choropleth_look
from layers.style import style as layer_style


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch colour, its label and how many units fall in it."""

    label: str
    count: int
    color: str
    no_data: bool = False


@dataclass(frozen=True)
class Legend:
    """Everything a legend states: title, unit and year, the scheme, classes, no-data, source."""

    title: str
    subtitle: str
    entries: tuple[LegendEntry, ...]
    source: str
    note: str | None


@dataclass(frozen=True)
class Choropleth:
    """A classified indicator ready to draw."""

    indicator: indicators.IndicatorSpec
    classification: classify.Classification
    legend: Legend
    table: pd.DataFrame  # code, name_zh, name_en, value, class index, colour, sources

    def hideout(self) -> dict[str, Any]:
        """The small style payload the browser needs: class colour and value text per unit code, the units' look."""
        have = self.table[self.table["class"] >= 0]
        return {
            "look": choropleth_look(),
            "colors": dict(zip(have["code"], have["color"], strict=True)),
            "labels": dict(zip(have["code"], have["value_text"], strict=True)),
            "noData": self.classification.no_data_color,
            "title": self.legend.title,
        }


def short_sources(ids: list[str] | tuple[str, ...], lang: str = "zh", limit: int = 3) -> str:
    """A one-line source note: the first ``limit`` sources by title (or publisher) and date.

    An id that is not in the source register (e.g. a user's upload) is shown as written.
    """
    register = features.sources()
    unique = list(dict.fromkeys(ids))
    parts = []
    for i in unique[:limit]:
        if i not in register.index:
            parts.append(i)
            continue
        row = register.loc[i]
        name = row["title"] if isinstance(row["title"], str) and row["title"] else row["publisher"]
        when = f" ({row['date']})" if isinstance(row["date"], str) and row["date"] else ""
        parts.append(f"{name}{when}")
    rest = len(unique) - limit
    if rest > 0:
        parts.append(f"等 {rest} 项" if lang == "zh" else f"and {rest} more")
    prefix = "来源：" if lang == "zh" else "Sources: "
    return prefix + ("；".join(parts) if lang == "zh" else "; ".join(parts)) if parts else prefix + "—"


def _categories(spec: indicators.IndicatorSpec) -> dict[str, Any]:
    derived = spec.derived or {}
    layer = catalogue.layer(str(derived.get("layer")))
    cats = layer_style(layer.style).get("categories", {})
    return {
        "categories": list(cats.get("colors", {})),
        "colors": cats.get("colors"),
        "labels_zh": cats.get("labels_zh"),
        "labels_en": cats.get("labels_en"),
    }


def choropleth(
    indicator_id: str,
    *,
    scheme: str = classify.DEFAULT_SCHEME,
    k: int = classify.DEFAULT_K,
    palette: str = palettes.DEFAULT_SEQUENTIAL,
    breaks: list[float] | None = None,
    lang: str = "zh",
    values: pd.DataFrame | None = None,
    spec: indicators.IndicatorSpec | None = None,
    legend_values: Sequence[float] | None = None,
) -> Choropleth:
    """Classify an indicator and build its legend.

    Parameters
    ----------
    indicator_id
        A catalogue indicator (or the id of ``spec`` for an indicator a person brought).
    scheme, k, palette, breaks
        As ``layers.classify.classify``; ignored for categorical indicators.
    lang
        Language of labels and legend (``"zh"`` or ``"en"``).
    values, spec
        An indicator that is not in the catalogue (an upload): its values
        (``layers.indicators.VALUE_COLUMNS``) and spec.
    legend_values
        As ``layers.classify.classify``: a comparison that shares ``breaks`` passes both maps'
        values, so both legends read the same.
    """
    spec = spec or indicators.indicator(indicator_id)
    units = pd.DataFrame(boundaries.units(spec.level).drop(columns="geometry"))[["code", "name_zh", "name_en"]]
    vals = values if values is not None else indicators.values(indicator_id)
    table = units.merge(vals, on="code", how="left")
    if spec.kind == "categorical":
        cats = _categories(spec)
        cls = classify.classify_categories(
            table["value"],
            cats["categories"],
            labels_zh=cats["labels_zh"],
            labels_en=cats["labels_en"],
            colors=cats["colors"],
        )
        labels = {b.category: b.label(lang) for b in cls.bins}
        table["value_text"] = table["value"].map(lambda v: labels.get(v, v) if isinstance(v, str) else None)
        scheme_text = cls.scheme_name(lang)
    else:
        cls = classify.classify(
            table["value"], scheme=scheme, k=k, palette=palette, breaks=breaks, legend_values=legend_values
        )
        present = pd.to_numeric(table["value"], errors="coerce").dropna()
        whole = bool((present % 1 == 0).all())  # counts read "16", not "16.00"
        decimals = 0 if whole else classify.decimals_for([b for b in cls.breaks], 3)
        unit = spec.unit(lang)
        table["value_text"] = [
            f"{classify.format_number(v, decimals)} {unit}".strip() if pd.notna(v) else None for v in table["value"]
        ]
        scheme_text = (
            f"{cls.scheme_name(lang)}，{cls.k} 类" if lang == "zh" else f"{cls.scheme_name(lang)}, {cls.k} classes"
        )
    table["class"] = cls.class_index(table["value"])
    table["color"] = cls.colors_for(table["value"])
    no_data_label = classify.NO_DATA_LABEL[0 if lang == "zh" else 1]
    entries = tuple(LegendEntry(b.label(lang), b.count, b.color) for b in cls.bins)
    if cls.no_data_count:
        entries += (LegendEntry(no_data_label, cls.no_data_count, cls.no_data_color, no_data=True),)
    unit = spec.unit(lang)
    year = (f"{spec.year}年" if lang == "zh" and spec.year.isdigit() else spec.year) if spec.year else ""
    subtitle_parts = [
        p for p in ((f"单位：{unit}" if lang == "zh" else f"Unit: {unit}") if unit else "", year, scheme_text) if p
    ]
    ids = list(spec.source_ids) or sorted({i for ids_ in vals["source_ids"] for i in ids_})
    legend = Legend(
        title=spec.title(lang),
        subtitle=" · ".join(subtitle_parts),
        entries=entries,
        source=short_sources(ids, lang) if ids else ("来源：计算值" if lang == "zh" else "Source: computed"),
        note=cls.note(lang),
    )
    return Choropleth(spec, cls, legend, table)
