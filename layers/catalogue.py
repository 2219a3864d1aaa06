"""The layer catalogue: ``data/layers/catalogue.json`` read into frozen, validated specs.

Adding a layer is an edit to that file, not to code. Unknown and missing keys are
reported by name, with the entry's position, so a typo cannot pass silently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path

from geo import datafiles
from geo.paths import DATA_DIR
from layers import schema

CATALOGUE_FILE = DATA_DIR / "layers" / "catalogue.json"
GEOMETRY_KINDS = ("polygon", "line", "point")
#: How a layer's features are made from its data file, and the options each builder takes.
BUILDERS: dict[str, frozenset[str]] = {
    "vector": frozenset(),  # a vector file read as it is
    "units": frozenset({"level", "code_field", "dissolve_by"}),  # a table joined to admin polygons
    "points": frozenset({"where"}),  # a facility table placed by its precision
    "schematic_lines": frozenset(),  # trunk lines drawn from Wuhan toward their far end
}


@dataclass(frozen=True)
class LayerSpec:
    """One catalogue entry: what a layer is, where its data lives and how it is drawn.

    ``data`` is a path relative to the data folder; ``builder`` says how features are made
    from it (``BUILDERS``) and ``options`` configures that builder; ``schema`` lists the
    attributes every feature must carry; ``coverage`` says the polygons tile without gaps
    or overlaps (so they may be simplified as a coverage); ``style`` names an entry in
    ``layers.style``.
    """

    id: str
    title_zh: str
    title_en: str
    group: str
    geometry: str
    data: str
    builder: str
    options: dict[str, object]
    schema: tuple[str, ...]
    coverage: bool
    style: str
    visible: bool
    plan_articles: tuple[str, ...]
    description_zh: str
    description_en: str

    @property
    def path(self) -> Path:
        """Absolute path of the layer's data file."""
        return DATA_DIR / self.data

    def title(self, lang: str = "zh") -> str:
        """The layer's title in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.title_en if lang == "en" else self.title_zh


_FIELDS = {f.name for f in fields(LayerSpec)}


def _spec_from_entry(entry: dict[str, object], position: int, path: Path) -> LayerSpec:
    where = f"entry {position} ({entry.get('id', '?')})"
    schema.check_entry_keys(entry, _FIELDS, path, position, where)
    if entry["geometry"] not in GEOMETRY_KINDS:
        raise datafiles.DataFileError(
            path, f"{where}: geometry must be one of {GEOMETRY_KINDS}", row=position, field="geometry"
        )
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    return LayerSpec(**values)  # type: ignore[arg-type]


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
