"""The places of the plan's targets: which map layer and features a target is tied to, and where they are.

A target names its places in ``plan_targets.csv`` (``map_layer`` and, optionally, ``map_features``:
the feature ids; none named means every feature of the layer). The targets view links to the map
with those places highlighted (``?layers=...&hl=<target id>``); the map draws them from the layer's
own served data, picked by the property that carries the feature id (``field``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import shapely

from layers import features

#: The smallest extent the map opens on for a target's places (degrees): one site is not a view.
MIN_SPAN_DEG = 0.6
#: Margin around the places, as a share of their extent.
MARGIN = 0.2


@dataclass(frozen=True)
class Places:
    """The features of one map layer a target concerns.

    ``field`` is the feature property holding the id (``id`` for facilities, ``code`` for
    admin units); ``ids`` are the features highlighted, every feature of the layer when the
    target names none.
    """

    target_id: str
    layer: str
    field: str
    ids: tuple[str, ...]
    indicator_zh: str
    indicator_en: str


def _id_field(layer: str) -> str:
    """The property ``features.feature_ids`` reads the layer's ids from."""
    frame = features.layer_data(layer)
    ids = features.feature_ids(layer, frame)
    return next(str(c) for c in frame.columns if c != "geometry" and frame[c].astype(str).equals(ids))


@functools.cache
def target_places() -> dict[str, Places]:
    """Every target tied to places (a ``map_layer``), by target id, in ``plan_targets.csv`` order."""
    table = features.table("layers/plan_targets.csv")
    out: dict[str, Places] = {}
    for row in table.itertuples(index=False):
        layer = row.map_layer
        if not isinstance(layer, str) or not layer:
            continue
        named = tuple(i for i in str(row.map_features).split(";") if i) if isinstance(row.map_features, str) else ()
        ids = named or tuple(features.feature_ids(layer).tolist())
        target_id = str(row.target_id)
        out[target_id] = Places(target_id, layer, _id_field(layer), ids, str(row.indicator_zh), str(row.indicator_en))
    return out


def places_for(target_id: str | None) -> Places | None:
    """The places of ``target_id``, or None (no such target, or one not tied to places)."""
    return target_places().get(target_id or "")


def located(places: Places) -> int:
    """How many of the places have a location (the map draws only those)."""
    frame = features.layer_data(places.layer)
    chosen = frame[features.feature_ids(places.layer, frame).isin(places.ids).to_numpy()]
    return int((~chosen.geometry.is_empty & chosen.geometry.notna()).sum())


def places_bounds(places: Places) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` (WGS-84) around the located places, or None if none has a location."""
    frame = features.layer_data(places.layer)
    chosen = frame[features.feature_ids(places.layer, frame).isin(places.ids).to_numpy()]
    geometry = chosen.geometry[chosen.geometry.notna() & ~chosen.geometry.is_empty]
    if geometry.empty:
        return None
    west, south, east, north = shapely.total_bounds(geometry.to_numpy())
    pad_x = max((MIN_SPAN_DEG - (east - west)) / 2, 0) + (east - west) * MARGIN
    pad_y = max((MIN_SPAN_DEG - (north - south)) / 2, 0) + (north - south) * MARGIN
    return [[float(south - pad_y), float(west - pad_x)], [float(north + pad_y), float(east + pad_x)]]
