"""The state of a map view as a URL query string, so a link reproduces what someone saw.

``parse`` is lenient: a link is untrusted text, so a value that is not valid (an unknown
layer, a class count out of range, a centre outside the map) is dropped for the default
rather than failing the page; ``to_query`` writes only what differs from the defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from app import i18n, settings
from app.web import places
from geo import boundaries
from layers import catalogue, classify, evaluation, indicators, palettes

#: Online basemaps a person may switch on: key -> (xyzservices provider name, datum of its tiles).
#: None is the default: the map works offline on our own context layers.
BASEMAPS: dict[str, tuple[str, str]] = {
    "osm": ("OpenStreetMap.Mapnik", "wgs84"),
    "esri_imagery": ("Esri.WorldImagery", "wgs84"),
    "gaode": ("Gaode.Normal", "gcj02"),
}
#: Indicators uploaded in a browser session are named upload_<n> (kept in that session only).
UPLOAD_ID = re.compile(r"^upload_\d{1,4}$")
_YEAR_SUFFIX = re.compile(r"^(?P<stem>.+)_(?P<year>\d{4})$")
#: The page's views: the map (default) and the plan's targets (``app/web/targets.py``).
VIEWS = ("map", "targets")
#: How the targets view groups its rows: by plan article (default) or by status.
TARGET_GROUPS = ("article", "status")
#: The plan's articles are its numbered paragraphs 1-27.
PLAN_ARTICLES = range(1, 28)


def default_layers() -> tuple[str, ...]:
    """The catalogue layers shown when a link does not say (those marked ``visible``)."""
    return tuple(spec.id for spec in catalogue.catalogue().values() if spec.visible)


@dataclass(frozen=True)
class ViewState:
    """Everything a link carries: language, layers, choropleth, view, drill-down, comparison, basemap.

    ``center`` is (lat, lon) in degrees (WGS-84) and ``zoom`` the Leaflet zoom; both None
    means "fit Hubei". ``unit`` is the prefecture drilled into; ``compare`` the indicator
    of the second map (None: one map). ``opacity`` maps layer ids to 0-1 (omitted = 1).
    ``view`` is the page shown (``VIEWS``); ``hl`` a plan target whose places the map
    highlights (``places.target_places``). ``status``, ``article`` and ``group`` are the
    targets view's filters (None: all) and grouping; they are kept only in that view.
    """

    lang: str = i18n.DEFAULT_LANG
    layers: tuple[str, ...] = field(default_factory=default_layers)
    indicator: str | None = None
    scheme: str = classify.DEFAULT_SCHEME
    k: int = classify.DEFAULT_K
    palette: str = palettes.DEFAULT_SEQUENTIAL
    center: tuple[float, float] | None = None
    zoom: float | None = None
    unit: str | None = None
    compare: str | None = None
    basemap: str | None = None
    opacity: tuple[tuple[str, float], ...] = ()
    view: str = "map"
    hl: str | None = None
    status: str | None = None
    article: int | None = None
    group: str = "article"

    def with_(self, **changes: object) -> ViewState:
        """A copy with ``changes`` applied (as ``dataclasses.replace``)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0].strip() if values else None


def _indicator(value: str | None) -> str | None:
    if not value:
        return None
    return value if value in indicators.catalogue() or UPLOAD_ID.match(value) else None


def _prefecture(value: str | None) -> str | None:
    if not value:
        return None
    codes = set(boundaries.units("prefecture")["code"])
    return value if value in codes else None


def _article(value: str | None) -> int | None:
    number = int(value) if value and value.isdigit() and len(value) <= 2 else None
    return number if number in PLAN_ARTICLES else None


def targets_filters(query: dict[str, list[str]]) -> dict[str, object]:
    """The targets view's filters and grouping from a query (invalid values: all, by article)."""
    status = _first(query, "status")
    group = _first(query, "group")
    return {
        "status": status if status in evaluation.STATUSES else None,
        "article": _article(_first(query, "art")),
        "group": group if group in TARGET_GROUPS else TARGET_GROUPS[0],
    }


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _center(value: str | None) -> tuple[float, float] | None:
    parts = (value or "").split(",")
    if len(parts) != 2:
        return None
    lat, lon = _float(parts[0]), _float(parts[1])
    if lat is None or lon is None or not (-85 < lat < 85 and -180 <= lon <= 180):
        return None
    return lat, lon


def _opacity(value: str | None, known: Mapping[str, object]) -> tuple[tuple[str, float], ...]:
    out = []
    for item in (value or "").split(","):
        layer, _, number = item.partition(":")
        level = _float(number)
        if layer in known and level is not None and 0 <= level < 1:
            out.append((layer, round(level, 2)))
    return tuple(out)


def parse(query_string: str | None) -> ViewState:
    """Read a view from a URL query string (with or without the leading ``?``).

    Unknown keys and invalid values are ignored (the default is used), so any link opens.
    """
    query = parse_qs((query_string or "").lstrip("?"), keep_blank_values=True)
    known = catalogue.catalogue()
    state = ViewState()
    lang = _first(query, "lang")
    layers_value = _first(query, "layers")
    k = _first(query, "k")
    zoom = _float(_first(query, "z"))
    scheme = _first(query, "scheme")
    palette = _first(query, "pal")
    basemap = _first(query, "base")
    center = _center(_first(query, "c"))
    view = _first(query, "view")
    hl = _first(query, "hl")
    targets_view = view in VIEWS[1:]
    return state.with_(
        view=view if targets_view else state.view,
        hl=hl if hl and hl in places.target_places() else None,
        **(targets_filters(query) if targets_view else {}),
        lang=lang if lang in i18n.LANGS else state.lang,
        layers=state.layers
        if layers_value is None
        else tuple(dict.fromkeys(i for i in layers_value.split(",") if i in known)),
        indicator=_indicator(_first(query, "ind")),
        scheme=scheme if scheme in classify.SCHEMES and scheme != "user_defined" else state.scheme,
        k=int(k) if k and k.isdigit() and classify.K_RANGE[0] <= int(k) <= classify.K_RANGE[1] else state.k,
        palette=palette if palette in palettes.CLASS_PALETTES else state.palette,
        center=center if zoom is not None else None,
        zoom=zoom
        if center is not None and zoom is not None and settings.MIN_ZOOM <= zoom <= settings.MAX_ZOOM
        else None,
        unit=_prefecture(_first(query, "unit")),
        compare=_indicator(_first(query, "cmp")),
        basemap=basemap if basemap in BASEMAPS else None,
        opacity=_opacity(_first(query, "op"), known),
    )


def to_query(state: ViewState) -> str:
    """The query string (with ``?``, or empty) that ``parse`` reads back as ``state``.

    Only values that differ from the defaults are written; the centre is rounded to
    5 decimals (about 1 m) and the zoom to 2.
    """
    default = ViewState()
    pairs: list[tuple[str, str]] = []
    if state.view != default.view:
        pairs.append(("view", state.view))
    if state.lang != default.lang:
        pairs.append(("lang", state.lang))
    if state.layers != default.layers:
        pairs.append(("layers", ",".join(state.layers)))
    if state.indicator:
        pairs.append(("ind", state.indicator))
    if state.scheme != default.scheme:
        pairs.append(("scheme", state.scheme))
    if state.k != default.k:
        pairs.append(("k", str(state.k)))
    if state.palette != default.palette:
        pairs.append(("pal", state.palette))
    if state.center is not None and state.zoom is not None:
        pairs.append(("c", f"{state.center[0]:.5f},{state.center[1]:.5f}"))
        pairs.append(("z", f"{state.zoom:g}" if float(state.zoom).is_integer() else f"{state.zoom:.2f}"))
    if state.unit:
        pairs.append(("unit", state.unit))
    if state.compare:
        pairs.append(("cmp", state.compare))
    if state.basemap:
        pairs.append(("base", state.basemap))
    if state.opacity:
        pairs.append(("op", ",".join(f"{layer}:{level:g}" for layer, level in state.opacity)))
    if state.hl:
        pairs.append(("hl", state.hl))
    if state.view == "targets":
        pairs += [("status", state.status)] if state.status else []
        pairs += [("art", str(state.article))] if state.article is not None else []
        pairs += [("group", state.group)] if state.group != default.group else []
    return "?" + urlencode(pairs, safe=",:") if pairs else ""


def default_compare(indicator_id: str | None) -> str | None:
    """The indicator a comparison opens with: the earliest other year of the same series.

    ``gdp_2023`` compares with ``gdp_2020``; an indicator without other years compares
    with nothing (the person picks one).
    """
    match = _YEAR_SUFFIX.match(indicator_id or "")
    if not match:
        return None
    stem = match["stem"]
    years = sorted(
        i for i in indicators.catalogue() if (m := _YEAR_SUFFIX.match(i)) and m["stem"] == stem and i != indicator_id
    )
    return years[0] if years else None
