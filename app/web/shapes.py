"""What the page's stores, pattern-matching ids and map features hold: declared once, beside ``ids``.

A ``dcc.Store``'s data is any JSON to Dash, and a pattern-matching id's wildcard any scalar, so Dash
would pass a hostile value (an edited session store, a made-up ``drill-button`` code) into a callback.
``app.serve.callback_requests`` refuses (400) a callback request whose store, pattern id or feature does
not fit what is declared here, before Dash dispatches: ``store_fits``, ``pattern_id_fits``, ``feature_fits``.
A store the server fills declares the shape the server writes; an unknown store (a dummy output of a
client-side callback) is any JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

from app.i18n import LANGS
from app.web import ids

_Scalar = StrictStr | StrictInt | StrictFloat | bool | None
_Number = StrictInt | StrictFloat


@functools.cache
def _codes(level: str) -> frozenset[str]:
    from geo import boundaries

    return frozenset(boundaries.units(level)["code"])


@functools.cache
def _layer_ids() -> frozenset[str]:
    from layers import catalogue

    return frozenset(catalogue.catalogue())


def _known(values: Callable[[], frozenset[str]]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in values():
            raise ValueError("unknown")
        return value

    return check


Prefecture = Annotated[StrictStr, AfterValidator(_known(lambda: _codes("prefecture")))]
Level = Literal["province", "prefecture", "county"]
Query = Annotated[StrictStr, Field(max_length=20_000)]  # an address's query string


class _Meta(BaseModel):
    title: StrictStr
    unit: StrictStr
    level: Literal["prefecture", "county"]
    filename: StrictStr


class UserIndicator(BaseModel):
    """One indicator uploaded in this session (``upload.add_upload`` writes it)."""

    meta: _Meta
    values: list[dict[str, _Scalar | list[StrictStr]]]


class SearchHit(BaseModel):
    """One search result kept for the fly-to (``layers.search.search``)."""

    model_config = ConfigDict(extra="allow")
    bounds: tuple[tuple[_Number, _Number], tuple[_Number, _Number]]


#: The shape of every store a server callback reads, by store id.
STORES: dict[str, TypeAdapter[Any]] = {
    ids.LANG: TypeAdapter(Annotated[StrictStr, AfterValidator(_known(lambda: frozenset(LANGS)))] | None),
    ids.DRILL: TypeAdapter(Prefecture | None),
    ids.HIGHLIGHT: TypeAdapter(Annotated[StrictStr, Field(max_length=40)] | None),
    ids.RENDERED: TypeAdapter(Query | None),
    ids.VIEW_QUERY: TypeAdapter(Query | None),
    ids.TARGETS_QUERY: TypeAdapter(Query | None),
    ids.USER_INDICATORS: TypeAdapter(dict[Annotated[StrictStr, Field(max_length=40)], UserIndicator] | None),
    ids.SEARCH_HITS: TypeAdapter(list[SearchHit] | None),
}


def _unit_button(ident: dict[str, Any]) -> bool:
    level = ident.get("level")
    return isinstance(level, str) and level in ("prefecture", "county") and ident.get("code") in _codes(level)


#: What each pattern-matching id family's wildcard keys may be, by the id's ``type``.
PATTERN_IDS: dict[str, Callable[[dict[str, Any]], bool]] = {
    ids.DRILL_BUTTON: lambda ident: ident.get("code") in _codes("prefecture"),
    ids.UNIT_BUTTON: _unit_button,
    ids.SEARCH_HIT: lambda ident: type(ident.get("index")) is int and 0 <= ident["index"] < 1_000,
    ids.LAYER_ON: lambda ident: ident.get("layer") in _layer_ids(),
    ids.LAYER_OPACITY: lambda ident: ident.get("layer") in _layer_ids(),
}


class Feature(BaseModel):
    """A GeoJSON feature as dash-leaflet sends it on hover or click: its ``properties`` an object of scalars."""

    model_config = ConfigDict(extra="allow")
    properties: dict[StrictStr, _Scalar | list[_Scalar]] = {}


#: dash-leaflet's feature events: a feature, or None.
FEATURE_PROPERTIES = ("hoverData", "clickData")
_FEATURE = TypeAdapter(Feature | None)


def store_fits(store_id: str, data: Any) -> bool:
    """Whether ``data`` has the declared shape of the store ``store_id`` (a store not declared: any JSON)."""
    adapter = STORES.get(store_id)
    return adapter is None or _valid(adapter, data)


def pattern_id_fits(ident: dict[str, Any]) -> bool:
    """Whether a pattern-matching id's wildcard keys name something that exists (a unit, a layer, a result)."""
    check = PATTERN_IDS.get(str(ident.get("type")))
    return check is None or check(ident)


def feature_fits(prop: str, value: Any) -> bool:
    """Whether ``value`` of a component's ``prop`` is a feature as dash-leaflet sends it (other properties: True)."""
    return prop not in FEATURE_PROPERTIES or _valid(_FEATURE, value)


def _valid(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True
