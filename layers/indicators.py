"""Indicators: the catalogue in ``data/indicators/``, their values, and derived indicators.

Every value carries its sources; a unit without a value is absent (shown as no data,
never as zero). Derived indicators are computed here from boundaries, other indicators
or the plan layers, with their formula in the catalogue.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from geo import boundaries, datafiles
from geo.paths import DATA_DIR
from layers import features, schema

CATALOGUE_FILE = DATA_DIR / "indicators" / "catalogue.json"
Level = Literal["prefecture", "county"]
Kind = Literal["numeric", "categorical"]
LEVELS: tuple[str, ...] = ("prefecture", "county")
KINDS: tuple[str, ...] = ("numeric", "categorical")
DERIVED_METHODS: dict[str, frozenset[str]] = {
    "area_km2": frozenset(),
    "ratio": frozenset({"numerator", "denominator", "scale"}),
    "share": frozenset({"of"}),
    "facility_count": frozenset(),
    "layer_attribute": frozenset({"layer", "field"}),
}
#: Columns of an indicator's values, as returned by ``values``.
VALUE_COLUMNS = ("code", "value", "source_ids", "confidence", "note")


class IndicatorSpec(BaseModel):
    """One indicator: what it measures, its unit, year, level, where its values come from.

    A frozen pydantic model: a catalogue entry is checked field by field when it is read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title_zh: str
    title_en: str
    unit_zh: str
    unit_en: str
    year: str
    level: Level
    kind: Kind
    data: str | None
    derived: dict[str, Any] | None
    formula_zh: str | None
    formula_en: str | None
    source_ids: tuple[str, ...]
    licence: str
    confidence: schema.Confidence
    description_zh: str
    description_en: str

    @field_validator("year", mode="before")
    @classmethod
    def _year_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        if not value.replace("_", "").isalnum():
            raise ValueError(f"must be letters, digits, _ (got {value!r})")
        return value

    @model_validator(mode="after")
    def _known_derivation(self) -> IndicatorSpec:
        if self.derived is not None:
            method = self.derived.get("method")
            if method not in DERIVED_METHODS or not set(self.derived) - {"method"} <= DERIVED_METHODS[str(method)]:
                raise ValueError(f"derived: method must be one of {sorted(DERIVED_METHODS)} with its options")
        return self

    def title(self, lang: str = "zh") -> str:
        """The title in ``lang``."""
        return self.title_en if lang == "en" else self.title_zh

    def unit(self, lang: str = "zh") -> str:
        """The unit in ``lang``."""
        return self.unit_en if lang == "en" else self.unit_zh

    def description(self, lang: str = "zh") -> str:
        """The description in ``lang``."""
        return self.description_en if lang == "en" else self.description_zh


_FIELDS = set(IndicatorSpec.model_fields)


def spec_from_entry(entry: dict[str, Any], position: int, path: Path | str) -> IndicatorSpec:
    """Validate one catalogue entry and build its spec.

    Raises
    ------
    geo.datafiles.DataFileError
        Naming the entry and the key that is missing, unknown or wrong.
    """
    where = f"indicator {position} ({entry.get('id', '?')})"
    schema.check_entry_keys(entry, _FIELDS, path, position, where)
    try:
        spec = IndicatorSpec.model_validate(entry)
    except ValidationError as err:
        field, message = schema.format_error(err)
        raise datafiles.DataFileError(path, f"{where}: {message}", row=position, field=field) from None
    if (spec.data is None) == (spec.derived is None):  # a catalogue entry says where its values come from
        raise datafiles.DataFileError(
            path, f"{where}: give exactly one of data and derived", row=position, field="data"
        )
    return spec


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, IndicatorSpec]:
    """Read and validate an indicator catalogue. Returns specs by id, in file order."""
    return schema.read_catalogue(path, "indicators", spec_from_entry, "indicator")


@functools.cache
def catalogue() -> dict[str, IndicatorSpec]:
    """The shipped indicator catalogue (cached)."""
    return load_catalogue()


def indicator(indicator_id: str) -> IndicatorSpec:
    """Return one indicator's spec; KeyError lists the known ids."""
    specs = catalogue()
    if indicator_id not in specs:
        raise KeyError(f"unknown indicator {indicator_id!r}; known indicators: {sorted(specs)}")
    return specs[indicator_id]


def read_values(path: Path | str, level: str) -> pd.DataFrame:
    """Read an indicator table and check its codes exist at ``level``.

    Raises
    ------
    geo.datafiles.DataFileError
        For bad rows (file, row, field), duplicate codes, or codes that are not units at ``level``.
    """
    frame = schema.read_table(path, "indicator_value")
    known = set(boundaries.units(level)["code"])
    bad = ~frame["code"].isin(known)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise datafiles.DataFileError(
            path, f"{frame['code'].iloc[row]!r} is not a {level}-level Hubei code", row=row + 1, field="code"
        )
    return frame


def _derived(spec: IndicatorSpec) -> pd.DataFrame:
    d = spec.derived or {}
    method = d["method"]
    units = boundaries.units(spec.level)
    if method == "area_km2":
        return pd.DataFrame(
            {
                "code": units["code"],
                "value": boundaries.area_km2(units).round(1).to_numpy(),
                "source_ids": [[]] * len(units),
            }
        )
    if method == "ratio":
        num, den = values(d["numerator"]).set_index("code"), values(d["denominator"]).set_index("code")
        both = num.index.intersection(den.index)
        ratio = num.loc[both, "value"] / den.loc[both, "value"] * float(d.get("scale", 1))
        ids = [
            sorted(set(a) | set(b))
            for a, b in zip(num.loc[both, "source_ids"], den.loc[both, "source_ids"], strict=True)
        ]
        return pd.DataFrame({"code": both, "value": ratio.to_numpy(), "source_ids": ids})
    if method == "share":
        base = values(d["of"])
        expected = set(boundaries.units(indicator(d["of"]).level)["code"])
        if set(base["code"]) != expected:
            return pd.DataFrame(columns=list(VALUE_COLUMNS))  # a share needs every unit
        return base.assign(value=base["value"] / base["value"].sum() * 100)[["code", "value", "source_ids"]]
    if method == "facility_count":
        fac = features.table("layers/facilities.csv")
        counts = fac["prefecture_code"].dropna().value_counts()
        return pd.DataFrame(
            {
                "code": units["code"],
                "value": units["code"].map(counts).fillna(0).to_numpy(dtype=float),
                "source_ids": [["PLAN"]] * len(units),
            }
        )
    if method == "layer_attribute":
        frame = features.layer_data(d["layer"])
        code_col = "member_codes" if "member_codes" in frame else "code"
        rows = frame[[code_col, d["field"], "source_ids"]].copy()
        rows[code_col] = rows[code_col].str.split(";")
        rows = rows.explode(code_col)
        return pd.DataFrame(
            {
                "code": rows[code_col].to_numpy(),
                "value": rows[d["field"]].to_numpy(),
                "source_ids": [s.split(";") for s in rows["source_ids"]],
            }
        )
    raise ValueError(f"unknown derived method {method!r}")


@functools.cache
def _values(indicator_id: str) -> pd.DataFrame:
    spec = indicator(indicator_id)
    if spec.data is not None:
        frame = read_values(DATA_DIR / spec.data, spec.level)
    else:
        frame = _derived(spec)
        frame["confidence"] = spec.confidence
        frame["note"] = spec.formula_en
    out = frame.reindex(columns=list(VALUE_COLUMNS))
    if spec.kind == "numeric":
        out["value"] = out["value"].astype(float)
    return out.reset_index(drop=True)


def values(indicator_id: str) -> pd.DataFrame:
    """Return an indicator's values: one row per unit with data (``VALUE_COLUMNS``).

    Units without data are absent. Numeric values are floats in the indicator's unit.
    """
    return _values(indicator_id).copy()


def with_units(indicator_id: str) -> pd.DataFrame:
    """All units of the indicator's level with their names and value (NaN/None = no data)."""
    spec = indicator(indicator_id)
    units = pd.DataFrame(boundaries.units(spec.level).drop(columns="geometry"))[["code", "name_zh", "name_en"]]
    return units.merge(values(indicator_id), on="code", how="left")


def coverage(indicator_id: str) -> tuple[int, int]:
    """(units with data, units at the level)."""
    spec = indicator(indicator_id)
    return len(values(indicator_id)), len(boundaries.units(spec.level))


def summary_table(lang: str = "zh") -> pd.DataFrame:
    """The catalogue as a table: id, title, unit, year, level, units with data, sources."""
    rows = []
    for spec in catalogue().values():
        have, total = coverage(spec.id)
        rows.append(
            {
                "id": spec.id,
                "title": spec.title(lang),
                "unit": spec.unit(lang),
                "year": spec.year,
                "level": spec.level,
                "data": f"{have}/{total}",
                "sources": ";".join(spec.source_ids) if spec.source_ids else ("derived" if spec.derived else "-"),
            }
        )
    return pd.DataFrame(rows)
