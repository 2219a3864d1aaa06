"""The layer catalogue: ``data/layers/catalogue.json`` read into frozen, validated specs.

Adding a layer is an edit to that file, not to code. Unknown and missing keys are
reported by name, with the entry's position, so a typo cannot pass silently.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geo import datafiles
from geo.paths import DATA_DIR
from layers import schema

CATALOGUE_FILE = DATA_DIR / "layers" / "catalogue.json"
GeometryKind = Literal["polygon", "line", "point"]
Builder = Literal["vector", "units", "unit_series", "points", "schematic_lines"]
GEOMETRY_KINDS: tuple[str, ...] = ("polygon", "line", "point")
#: How a layer's features are made from its data file, and the options each builder takes.
BUILDERS: dict[str, frozenset[str]] = {
    "vector": frozenset(),  # a vector file read as it is
    "units": frozenset({"level", "code_field", "dissolve_by", "combine"}),  # a table joined to admin polygons
    "unit_series": frozenset({"level", "series", "flag"}),  # every unit with its latest published values
    "points": frozenset({"where"}),  # a facility table placed by its precision
    "schematic_lines": frozenset(),  # trunk lines drawn from Wuhan toward their far end
}


class LayerSpec(BaseModel):
    """One catalogue entry: what a layer is, where its data lives and how it is drawn.

    ``data`` is a path relative to the data folder; ``builder`` says how features are made
    from it (``BUILDERS``) and ``options`` configures that builder; ``schema`` (``attributes`` here) lists the
    attributes every feature must carry; ``coverage`` says the polygons tile without gaps
    or overlaps (so they may be simplified as a coverage); ``style`` names an entry in
    ``layers.style``. A frozen pydantic model: an entry is checked field by field when read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str
    title_zh: str
    title_en: str
    group: str
    geometry: GeometryKind
    data: str
    builder: Builder
    options: dict[str, object]
    attributes: tuple[str, ...] = Field(alias="schema")
    coverage: bool
    style: str
    visible: bool
    plan_articles: tuple[int, ...]
    description_zh: str
    description_en: str

    @property
    def path(self) -> Path:
        """Absolute path of the layer's data file."""
        return DATA_DIR / self.data

    def title(self, lang: str = "zh") -> str:
        """The layer's title in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.title_en if lang == "en" else self.title_zh


_FIELDS = {info.alias or name for name, info in LayerSpec.model_fields.items()}


def _spec_from_entry(entry: dict[str, object], position: int, path: Path) -> LayerSpec:
    where = f"entry {position} ({entry.get('id', '?')})"
    schema.check_entry_keys(entry, _FIELDS, path, position, where)
    try:
        return LayerSpec.model_validate(entry)
    except ValidationError as err:
        field, message = schema.format_error(err)
        raise datafiles.DataFileError(path, f"{where}: {field} {message}", row=position, field=field) from None


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, LayerSpec]:
    """Read and validate a layer catalogue file. Returns specs by id, in file order.

    Raises
    ------
    datafiles.DataFileError
        For unreadable JSON, missing or unknown keys, a bad geometry kind, or a duplicate id.
    """
    return schema.read_catalogue(path, "layers", _spec_from_entry, "layer")


@functools.cache
def catalogue() -> dict[str, LayerSpec]:
    """The app's catalogue (cached)."""
    return load_catalogue()


def layer(layer_id: str) -> LayerSpec:
    """Return the spec for ``layer_id``; KeyError lists the known ids."""
    specs = catalogue()
    if layer_id not in specs:
        raise KeyError(f"unknown layer {layer_id!r}; known layers: {sorted(specs)}")
    return specs[layer_id]
