"""The words printed on a snapshot, in Chinese and English, and the lines built from data.

Strings that describe the data (boundary edition, projection, sources, dates) are
assembled from the data files and the CRS definition, never typed in as facts.
"""

from __future__ import annotations

import pandas as pd

from app import settings
from app.i18n import t
from app.render.geometry import balanced_wrap
from geo import boundaries
from geo.codes import HUBEI_CODE
from geo.crs import HUBEI_CONFORMAL
from layers import catalogue, choropleth, features

#: The plan, by its id in ``data/sources.csv``.
PLAN_SOURCE_ID = "PLAN"

#: Parameter names of a Lambert conic in PROJ's description of ``HUBEI_CONFORMAL``.
PARALLEL_1 = "Latitude of 1st standard parallel"
PARALLEL_2 = "Latitude of 2nd standard parallel"
CENTRAL_MERIDIAN = "Longitude of false origin"
#: The plan's English title, as the README gives it.
PLAN_TITLE_EN = "Digital Economy Strong Province Three-Year Action Plan (2022-2024)"


def word(key: str, lang: str, **values: object) -> str:
    """A fixed phrase in ``lang``, with ``values`` filled in."""
    return t(key, lang).format(**values)


def region_name(extent: str, lang: str) -> str:
    """The name of the area a map shows: Hubei, or a prefecture-level unit."""
    row = boundaries.unit(HUBEI_CODE if extent == "province" else extent)
    return str(row["name_en"] if lang == "en" else row["name_zh"])


def projection_note(lang: str) -> str:
    """The print projection, read from its definition in ``geo.crs``."""
    operation = HUBEI_CONFORMAL.coordinate_operation
    assert operation is not None, "HUBEI_CONFORMAL is a projected CRS"
    params = {p.name: p.value for p in operation.params}
    return word(
        "projection",
        lang,
        lat1=f"{params[PARALLEL_1]:g}",
        lat2=f"{params[PARALLEL_2]:g}",
        lon0=f"{params[CENTRAL_MERIDIAN]:g}",
    )


def approval_line(number: str | None, lang: str) -> str:
    """The 审图号 line, or the internal-use mark when the map has none."""
    return word("approval", lang, number=number) if number else word("internal", lang)


def plan_line(lang: str) -> str:
    """The plan the layers come from, by its title in the source register."""
    title = features.sources().loc[PLAN_SOURCE_ID, "title"]
    return word("plan", lang, plan=title if lang == "zh" else PLAN_TITLE_EN)


def layer_source_ids(layer_ids: tuple[str, ...]) -> list[str]:
    """The source ids cited by the features of the given layers (the plan first)."""
    ids: list[str] = []
    for layer_id in layer_ids:
        frame = features.layer_data(layer_id)
        if "source_ids" in frame:
            ids += [i for cell in frame["source_ids"].dropna() for i in str(cell).split(";") if i]
    unique = list(dict.fromkeys(ids))
    return sorted(unique, key=lambda i: i != PLAN_SOURCE_ID)


def layer_sources_line(layer_ids: tuple[str, ...], lang: str) -> str | None:
    """A short source line for the drawn layers (None when they cite nothing, e.g. boundaries only)."""
    ids = layer_source_ids(layer_ids)
    if not ids:
        return None
    line = choropleth.short_sources(ids, lang)
    prefix = "来源：" if lang == "zh" else "Sources: "
    return word("layer_sources", lang) + line.removeprefix(prefix)


def latest_source_date(ids: list[str]) -> str | None:
    """The most recent date among the cited sources (YYYY, YYYY-MM or YYYY-MM-DD), if any."""
    register = features.sources()
    dates = register.reindex([i for i in ids if i in register.index])["date"].dropna()
    dates = dates[dates.map(lambda v: isinstance(v, str) and bool(v))]
    return str(max(dates)) if not dates.empty else None


def layer_title(layer_id: str, lang: str) -> str:
    """A catalogue layer's title."""
    return catalogue.layer(layer_id).title(lang)


def unit_label(names: pd.Series, lang: str, width_em: float) -> pd.Series:
    """Map labels of units: long names broken onto two lines."""
    return names.map(lambda n: "\n".join(balanced_wrap(str(n), width_em)))


def app_title(lang: str) -> str:
    """The application's title (for the briefing cover)."""
    return settings.APP_TITLE_EN if lang == "en" else settings.APP_TITLE_ZH
