"""Row schemas of the plan-layer tables in ``data/`` and a loader that never half-loads.

Each CSV file has one pydantic model (``ROW_MODELS``); ``read_table`` validates every row
and raises one ``geo.datafiles.DataFileError`` that names the file, the row and the field of
the first problem, listing the others. Cross-table checks (source ids, admin codes)
are in ``layers.validate``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from geo import datafiles

T = TypeVar("T")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CODE = re.compile(r"^\d{6}$")
_SOURCE_ID = re.compile(r"^[A-Z][A-Za-z0-9_-]*$")


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and value.strip() == "" else value


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not _DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD (or YYYY-MM, YYYY)")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    dt.date(parts[0], parts[1], parts[2])  # raises for 2023-02-30
    return value


def _check_code(value: str | None) -> str | None:
    if value is not None and not _CODE.match(value):
        raise ValueError("must be a 6-digit GB/T 2260 code")
    return value


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _non_negative(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise ValueError("must be a finite number >= 0")
    return value


def _longitude(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and -180 <= value <= 180):
        raise ValueError("must be a longitude in -180..180 (are lon and lat swapped?)")
    return value


def _latitude(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and -90 <= value <= 90):
        raise ValueError("must be a latitude in -90..90 (are lon and lat swapped?)")
    return value


Text = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Date = Annotated[str | None, BeforeValidator(_blank_to_none)]
Code = Annotated[str, BeforeValidator(_blank_to_none)]
OptCode = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptFloat = Annotated[float | None, BeforeValidator(_blank_to_none)]
SourceIds = Annotated[list[str], BeforeValidator(_split_ids), Field(min_length=1)]
Article = Annotated[int, Field(ge=1, le=27)]
Confidence = Literal["H", "M-H", "M", "L-M", "L"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Status = Literal["planned", "under_construction", "operating", "unknown"]
OptConfidence = Annotated[Confidence | None, BeforeValidator(_blank_to_none)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Sourced(_Row):
    plan_article: Article
    source_ids: SourceIds
    note: OptText = None

    @field_validator("source_ids")
    @classmethod
    def _ids(cls, ids: list[str]) -> list[str]:
        bad = [i for i in ids if not _SOURCE_ID.match(i)]
        if bad:
            raise ValueError(f"source ids must look like 'PLAN' or 'F01', got {bad}")
        return ids


class SourceRow(_Row):
    """A publication a figure or location was read in (``data/sources.csv``)."""

    source_id: Text
    title: OptText = None
    publisher: OptText = None
    date: Date = None
    url: OptText = None
    read_at: OptText = None
    confidence: Confidence
    note: OptText = None

    _date = field_validator("date")(_check_date)

    @model_validator(mode="after")
    def _somewhere(self) -> SourceRow:
        if not (self.url or self.read_at):
            raise ValueError("a source needs a url or read_at (where it was read)")
        if not (self.title or self.publisher or self.note):
            raise ValueError("a source needs a title, a publisher, or a note describing it")
        return self


class LayoutRoleRow(_Sourced):
    """A prefecture-level unit's role in 一主引领、两翼驱动、多点支撑 (article 3)."""

    code: Code
    role: Literal["core", "wing", "support"]
    specialisation_zh: OptText = None
    specialisation_en: OptText = None

    _code = field_validator("code")(_check_code)


class MetroCircleRow(_Sourced):
    """A member of one of the three metropolitan circles, or a note that none is published."""

    circle: Literal["wuhan", "xiangyang", "yichang"]
    circle_zh: Text
    circle_en: Text
    member_code: OptCode = None
    extent_status: Literal["published", "not_published"]

    _code = field_validator("member_code")(_check_code)

    @model_validator(mode="after")
    def _member_iff_published(self) -> MetroCircleRow:
        if (self.member_code is None) == (self.extent_status == "published"):
            raise ValueError("member_code is required when extent_status is 'published' and empty otherwise")
        return self


class RiverBeltRow(_Sourced):
    """A county-level unit on the Yangtze or Han river (article 3's 连绵带)."""

    river: Literal["yangtze", "han"]
    code: Code

    _code = field_validator("code")(_check_code)


FacilityGroup = Literal["computing", "parks_platforms", "hubs"]
FacilityCategory = Literal[
    "data_centre",
    "computing_centre",
    "software_park",
    "industrial_park",
    "innovation_centre",
    "laboratory",
    "network_node",
    "airport",
    "trading_centre",
    "talent_base",
    "production_line",
]


class FacilityRow(_Sourced):
    """A facility the plan names, with its location precision and sources."""

    id: Slug
    name_zh: Text
    name_en: Text
    group: FacilityGroup
    category: FacilityCategory
    operator_zh: OptText = None
    prefecture_code: OptCode = None
    district_code: OptCode = None
    precision: Literal["site", "district", "city", "unknown"]
    lon: OptFloat = None
    lat: OptFloat = None
    status: Status
    status_date: Date = None
    capacity_racks: OptFloat = None
    capacity_pflops: OptFloat = None
    confidence: OptConfidence = None

    _codes = field_validator("prefecture_code", "district_code")(_check_code)
    _date = field_validator("status_date")(_check_date)
    _lon = field_validator("lon")(_longitude)
    _lat = field_validator("lat")(_latitude)
    _num = field_validator("capacity_racks", "capacity_pflops")(_non_negative)

    @model_validator(mode="after")
    def _precision_rules(self) -> FacilityRow:
        has_xy = self.lon is not None or self.lat is not None
        if self.precision == "site" and (self.lon is None or self.lat is None):
            raise ValueError("precision 'site' needs lon and lat from a cited source")
        if self.precision != "site" and has_xy:
            raise ValueError(f"lon/lat given but precision is {self.precision!r}; use 'site' or leave them empty")
        if self.precision == "district" and self.district_code is None:
            raise ValueError("precision 'district' needs district_code")
        if self.precision == "unknown":
            if self.prefecture_code or self.district_code:
                raise ValueError("precision 'unknown' means no location: leave the codes empty")
            if not self.note:
                raise ValueError("precision 'unknown' needs a note saying what is not known")
        elif self.prefecture_code is None:
            raise ValueError(f"precision {self.precision!r} needs prefecture_code (or use precision 'unknown')")
        elif self.confidence is None:
            raise ValueError("a placed facility needs the confidence of its location")
        return self


class QuantumLineRow(_Sourced):
    """A quantum trunk line's Hubei section (article 18); geometry is computed, schematic."""

    id: Slug
    name_zh: Text
    name_en: Text
    far_end_zh: OptText = None
    far_end_en: OptText = None
    far_end_code: OptCode = None
    status: Status
    in_service_date: Date = None
    length_km: OptFloat = None
    stations: OptFloat = None

    _code = field_validator("far_end_code")(_check_code)
    _date = field_validator("in_service_date")(_check_date)
    _num = field_validator("length_km", "stations")(_non_negative)


class NetworkSeriesRow(_Row):
    """One dated value of a network indicator for the province or a prefecture."""

    id: Text
    indicator: Text
    area_code: Code
    date: Date
    value: float
    unit: Text
    plan_article: Article
    source_ids: SourceIds
    confidence: Confidence
    note: OptText = None

    _code = field_validator("area_code")(_check_code)
    _date = field_validator("date")(_check_date)
    _num = field_validator("value")(_finite)


class DesignationRow(_Row):
    """A designation of a unit (e.g. 千兆城市) with its date and source."""

    code: Code
    designation_zh: Text
    designation_en: Text
    date: Date = None
    plan_article: Article
    source_ids: SourceIds
    note: OptText = None

    _code = field_validator("code")(_check_code)
    _date = field_validator("date")(_check_date)


class PlanDesignationRow(_Sourced):
    """A title or role the plan gives or sets as an aim for a unit (articles 6, 7, 19); no code: no place."""

    id: Slug
    code: OptCode = None
    designation_zh: Text
    designation_en: Text
    designation_status: Literal["aim", "held"]
    date: Date = None

    _code = field_validator("code")(_check_code)
    _date = field_validator("date")(_check_date)

    @model_validator(mode="after")
    def _place_or_note(self) -> PlanDesignationRow:
        if self.code is None and not self.note:
            raise ValueError("a designation without a code (no place) needs a note saying why")
        return self


#: How a target is measured (see ``layers.evaluation`` and ``data/layers/README.md``).
Measure = Literal["stock", "flow", "new_since_start", "growth", "share", "annual"]


class TargetRow(_Row):
    """A numeric target of the plan, as written in its article, with how it is measured."""

    target_id: Text
    plan_article: Article
    indicator_zh: Text
    indicator_en: Text
    comparator: Literal[">=", ">", "="]
    value: float
    value_stretch: OptFloat = None
    unit: Text
    target_date: Date = None
    measure: Measure
    base_date: Date = None
    series_target: OptText = None
    map_layer: OptText = None
    map_features: OptText = None
    responsible_zh: OptText = None
    source_ids: SourceIds
    note: OptText = None

    _date = field_validator("target_date", "base_date")(_check_date)
    _num = field_validator("value", "value_stretch")(_finite)

    @model_validator(mode="after")
    def _measure_rules(self) -> TargetRow:
        if (self.measure == "annual") != (self.target_date is None):
            raise ValueError("measure 'annual' (each year >= N) has no target_date; every other measure needs one")
        if self.measure == "growth" and (self.base_date is None or self.series_target is None):
            raise ValueError("measure 'growth' needs base_date (the base year) and series_target (the level series)")
        if self.measure != "growth" and self.series_target is not None:
            raise ValueError("series_target is only for measure 'growth'")
        if self.base_date and self.target_date and self.base_date[:4] >= self.target_date[:4]:
            raise ValueError("base_date must be a year before target_date")
        return self


class ActualRow(_Row):
    """A sourced actual value measured against a target.

    ``period`` says what the value covers (``point``: the level on ``date``; ``year``: the
    full-year total of ``date``'s year; ``ytd``: the year-to-date total up to ``date``);
    ``status_use`` whether the status rule uses the row (``no`` needs a note saying why).
    """

    target_id: Text
    date: Date
    value: OptFloat = None
    unit: Text
    period: Literal["point", "year", "ytd"]
    status_use: Literal["yes", "no"]
    scope_note: OptText = None
    plan_article: Article
    source_ids: SourceIds
    confidence: Confidence
    note: OptText = None

    _date = field_validator("date")(_check_date)
    _num = field_validator("value")(_finite)

    @model_validator(mode="after")
    def _empty_value_explained(self) -> ActualRow:
        if self.value is None and not self.note:
            raise ValueError("an actual without a value needs a note saying why")
        if self.status_use == "no" and not self.note:
            raise ValueError("status_use 'no' needs a note saying why the status does not use this row")
        if self.period == "ytd" and (self.date is None or len(self.date) < 7):
            raise ValueError("period 'ytd' needs a date with its month (YYYY-MM or YYYY-MM-DD): the months counted")
        return self


class IndicatorValueRow(_Row):
    """One unit's value of an indicator, with where it was read."""

    code: Code
    value: float
    source_ids: SourceIds
    confidence: Confidence
    note: OptText = None

    _code = field_validator("code")(_check_code)
    _num = field_validator("value")(_finite)


#: Row model by name, as referenced from the layer catalogue and ``TABLES``.
ROW_MODELS: dict[str, type[_Row]] = {
    "source": SourceRow,
    "layout_role": LayoutRoleRow,
    "metro_circle": MetroCircleRow,
    "river_belt": RiverBeltRow,
    "facility": FacilityRow,
    "quantum_line": QuantumLineRow,
    "network_series": NetworkSeriesRow,
    "designation": DesignationRow,
    "plan_designation": PlanDesignationRow,
    "target": TargetRow,
    "actual": ActualRow,
    "indicator_value": IndicatorValueRow,
}

#: Every table shipped in ``data/``: path relative to the data folder -> row model name.
TABLES: dict[str, str] = {
    "sources.csv": "source",
    "layers/layout_roles.csv": "layout_role",
    "layers/metro_circles.csv": "metro_circle",
    "layers/river_belt.csv": "river_belt",
    "layers/facilities.csv": "facility",
    "layers/quantum_lines.csv": "quantum_line",
    "layers/network_series.csv": "network_series",
    "layers/network_designations.csv": "designation",
    "layers/plan_designations.csv": "plan_designation",
    "layers/plan_targets.csv": "target",
    "layers/target_actuals.csv": "actual",
}

#: Columns that must be unique within their table.
UNIQUE: dict[str, tuple[str, ...]] = {
    "source": ("source_id",),
    "layout_role": ("code",),
    "facility": ("id",),
    "plan_designation": ("id",),
    "quantum_line": ("id",),
    "network_series": ("id",),
    "target": ("target_id",),
    "river_belt": ("river", "code"),
    "metro_circle": ("circle", "member_code"),
    "indicator_value": ("code",),
}


def read_catalogue(
    path: Path | str, key: str, build: Callable[[dict[str, Any], int, Path], T], noun: str
) -> dict[str, T]:
    """Read a JSON catalogue ``{key: [entry, ...]}``, building each entry with ``build``.

    Returns the built specs by their ``id``, in file order.

    Raises
    ------
    geo.datafiles.DataFileError
        For unreadable JSON, an entry ``build`` rejects, or a duplicate id (named with its position).
    """
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise datafiles.DataFileError(p, f"cannot read the {noun} catalogue ({exc})") from exc
    specs: dict[str, T] = {}
    for position, entry in enumerate(raw.get(key, []), start=1):
        spec = build(entry, position, p)
        spec_id = spec.id  # type: ignore[attr-defined]
        if spec_id in specs:
            raise datafiles.DataFileError(p, f"duplicate {noun} id {spec_id!r}", row=position, field="id")
        specs[spec_id] = spec
    return specs


def check_entry_keys(entry: object, allowed: set[str], path: Path | str, position: int, where: str) -> None:
    """Raise ``DataFileError`` naming every missing and unknown key of a catalogue entry."""
    if not isinstance(entry, dict):
        raise datafiles.DataFileError(path, f"{where}: must be an object with keys {sorted(allowed)}", row=position)
    missing = sorted(allowed - entry.keys())
    unknown = sorted(entry.keys() - allowed)
    if missing or unknown:
        parts = ([f"missing keys {missing}"] if missing else []) + ([f"unknown keys {unknown}"] if unknown else [])
        raise datafiles.DataFileError(path, f"{where}: {'; '.join(parts)}", row=position)


def format_error(err: ValidationError) -> tuple[str, str]:
    """The field and a short message of a pydantic error's first problem (literal choices show the input)."""
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(row)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "literal_error" or (first["loc"] and isinstance(first.get("input"), str)):
        message = f"{message} (got {first['input']!r})"
    elif first["type"] == "extra_forbidden":
        message = "unknown column"
    elif first["type"] == "missing":
        message = "missing column"
    return field, message


def check_header(path: Path | str, header: list[str], row_model: type[_Row]) -> None:
    """Raise ``DataFileError`` naming the first unknown column, or the first required column the header lacks."""
    fields = row_model.model_fields
    unknown = [c for c in header if c not in fields]
    required = [name for name, info in fields.items() if info.is_required() and name not in header]
    if unknown or required:
        parts = [f"unknown column(s) {unknown}"] if unknown else []
        parts += [f"missing column(s) {required}"] if required else []
        raise datafiles.DataFileError(
            path,
            f"{' and '.join(parts)} in the header; the columns are {list(fields)}"
            + (" (is the header row missing?)" if unknown and len(unknown) == len(header) else ""),
            field=(unknown or required)[0],
        )


def read_table(path: Path | str, model: str) -> pd.DataFrame:
    """Read a CSV table and validate every row against ``ROW_MODELS[model]``.

    Parameters
    ----------
    path
        A UTF-8 CSV file (a leading BOM is tolerated) with a header row.
    model
        A key of ``ROW_MODELS``.

    Returns
    -------
    A DataFrame with one column per model field (lists for ``source_ids``), in file order.

    Raises
    ------
    geo.datafiles.DataFileError
        For an unreadable file, a wrong encoding, a duplicate key, or any invalid row;
        the message names the file, the first bad row (1 = first data row) and field, and
        counts the other bad rows. Nothing is returned unless every row is valid.

    """
    p = Path(path)
    row_model = ROW_MODELS[model]
    try:
        datafiles.check_size(p)
        header, records, _ = datafiles.read_csv_rows(p, p.read_bytes())
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise datafiles.DataFileError(p, "file not found") from exc
    check_header(p, header, row_model)
    rows: list[dict[str, object]] = []
    problems: list[tuple[int, str, str]] = []
    for number, record in enumerate(records, start=1):
        try:
            rows.append(row_model.model_validate(record).model_dump())
        except ValidationError as err:
            problems.append((number, *format_error(err)))
    if problems:
        number, field, message = problems[0]
        more = f" ({len(problems) - 1} more bad row(s))" if len(problems) > 1 else ""
        raise datafiles.DataFileError(p, message + more, row=number, field=field)
    frame = pd.DataFrame(rows, columns=list(row_model.model_fields))
    key = list(UNIQUE.get(model, ()))
    if key and not frame.empty:
        dup = frame.duplicated(subset=key, keep="first") & frame[key].notna().all(axis=1)
        if dup.any():
            number = int(dup.to_numpy().nonzero()[0][0]) + 1
            value = tuple(frame.loc[number - 1, key])
            raise datafiles.DataFileError(p, f"duplicate {'/'.join(key)} {value}", row=number, field=key[0])
    return frame
