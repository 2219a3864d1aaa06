"""The first view, drawn by the server: the province map as inline SVG in the page's HTML.

A Dash page shows nothing until its scripts have run, fetched the layout and drawn the
map: a couple of seconds on an ordinary laptop. The index page therefore carries a static
picture of the view it opens with: the neighbouring provinces, the prefectures in their
layout-role colours and the province outline, from the layer data the interactive map
draws at zoom 7-8 (simplified once more, to a pixel) and in its styles, laid out like the
page and placed where Leaflet will put the same shapes (a few lines of inline script
choose the zoom as Leaflet's ``fitBounds`` does). It lies over the page, lets the pointer
through, is hidden from screen readers (the page beneath is the real one), and fades away
once the interactive map has painted its prefectures.

Only plain province views get one (no indicator, drill-down, comparison, basemap or highlighted
places, zoom at most 8); anything else, and the targets view, is drawn by the page alone.
"""

from __future__ import annotations

import functools
import json
import re
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from app import i18n, settings
from app.i18n import t
from app.web.viewstate import ViewState
from geo import crs
from geo.simplify import band_for_zoom
from layers import catalogue, provenance, webdata
from layers.labels import label_layer_id
from layers.style import MAP_BACKGROUND, STYLES, label_css, style

#: The picture's coordinates: Leaflet's layer pixels at ``BASE_ZOOM`` times ``UNITS_PER_PX``
#: (integers keep the path data short; a unit is half a pixel at zoom 7).
BASE_ZOOM = 7
UNITS_PER_PX = 2
#: Simplification of the picture (Visvalingam-Whyatt, as a coverage), in pixels at ``BASE_ZOOM``:
#: the prefectures, and the grey backdrop of neighbouring provinces.
TOLERANCE_PX = 1.0
CONTEXT_TOLERANCE_PX = 2.0
#: The neighbouring provinces are drawn this many degrees (lon, lat) around Hubei's bounds.
CONTEXT_MARGIN_DEG = (4.0, 2.5)
#: Deepest zoom the picture is drawn for (its geometry is the zoom 7-8 band).
MAX_ZOOM = 8
#: Element id of the picture (the stylesheet places it; its script removes it).
ELEMENT_ID = "first-view"
#: The map's label layout (in ``assets/``), put inline so the first view's names land where the map's will.
LABEL_SCRIPT = "hubei_labels.js"
#: Seconds after which the picture steps aside even if the map never painted (data failed).
GIVE_UP_S = 30


def wanted(state: ViewState) -> bool:
    """True when ``state`` is a plain province view the static picture can stand in for.

    Not the targets view (no map), nor a map opened on a target's places (``hl``: another extent).
    """
    if state.view != "map" or state.hl:
        return False
    plain = not (state.indicator or state.unit or state.compare or state.basemap)
    shallow = state.zoom is None or state.zoom <= MAX_ZOOM
    return plain and shallow and bool({"prefectures", "layout"} & set(state.layers))


def svg_path(geometry: npt.ArrayLike, *, closed: bool) -> str:
    """Compact SVG path data for polygons (``closed``) or lines, in integer user units.

    Parameters
    ----------
    geometry
        Shapely geometries already in SVG units (y down). Coordinates are rounded to
        integers; steps that round to nothing are dropped, as are rings that collapse.
    closed
        True for polygons (each ring ends with ``z``), False for lines.

    Returns
    -------
    str
        One absolute move per ring or line, then relative line steps (``M x y l dx dy ...z``).
    """
    parts = shapely.get_parts(np.atleast_1d(np.asarray(geometry, dtype=object)))
    rings = shapely.get_rings(parts) if closed else parts
    coords, index = shapely.get_coordinates(rings, return_index=True)
    points = np.rint(coords).astype(np.int64)
    out = []
    for ring in np.split(points, np.flatnonzero(np.diff(index)) + 1):
        steps = np.diff(ring[:-1] if closed else ring, axis=0)
        steps = steps[(steps != 0).any(axis=1)]
        if len(steps) < (2 if closed else 1):
            continue
        moves = " ".join(f"{dx} {dy}" for dx, dy in steps.tolist())
        out.append(f"M{ring[0, 0]} {ring[0, 1]}l{moves}{'z' if closed else ''}")
    return "".join(out)


def to_svg_units(geometry: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """WGS-84 geometries in the picture's units (Leaflet pixels at ``BASE_ZOOM`` × ``UNITS_PER_PX``)."""
    pixels = crs.geometry_to_web_pixels(geometry, BASE_ZOOM)
    return np.asarray(shapely.transform(pixels, lambda c: c * UNITS_PER_PX))


def blend(top: str, alpha: float, bottom: str) -> str:
    """The opaque colour of ``top`` painted with opacity ``alpha`` over ``bottom`` (``#rrggbb``)."""
    a, b = (np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) for c in (top, bottom))
    return "#" + "".join(f"{v:02x}" for v in np.rint(alpha * a + (1 - alpha) * b).astype(int))


def _band(layer_id: str) -> Any:
    """The layer as the interactive map draws it at zoom 7-8 (same simplification and rounding)."""
    return webdata.layer_frame(layer_id, band_for_zoom(BASE_ZOOM).name)


def _stroke(name: str, fill: str = "none") -> str:
    s = style(name)
    return f'fill="{fill}" stroke="{s["color"]}" stroke-width="{s["weight"]}" vector-effect="non-scaling-stroke"'


@functools.lru_cache(maxsize=16)
def _shapes(layers: tuple[str, ...], lang: str) -> str:
    """SVG elements for the visible layers among neighbours, prefectures/layout and province."""
    parts = []
    if "neighbours" in layers:
        (south, west), (north, east) = settings.HUBEI_BOUNDS
        dx, dy = CONTEXT_MARGIN_DEG
        near = shapely.intersection(
            _band("neighbours").geometry.values, shapely.box(west - dx, south - dy, east + dx, north + dy)
        )
        grey = shapely.coverage_simplify(to_svg_units(near), CONTEXT_TOLERANCE_PX * UNITS_PER_PX)
        parts.append(f'<path d="{svg_path(grey, closed=True)}" {_stroke("context", style("context")["fillColor"])}/>')
    prefecture = style("prefecture")
    paper = blend(prefecture["fillColor"], prefecture["fillOpacity"], MAP_BACKGROUND)
    if "layout" in layers:
        frame = _band("layout")
        roles = STYLES["layout_role"]
        fills = [blend(roles["categories"]["colors"][r], roles["fillOpacity"], paper) for r in frame["role"]]
        names = [i18n.pick(zh, en, lang) for zh, en in zip(frame["unit_name_zh"], frame["unit_name_en"], strict=True)]
    else:
        frame = _band("prefectures")
        fills = [paper] * len(frame)
        names = [i18n.pick(zh, en, lang) for zh, en in zip(frame["name_zh"], frame["name_en"], strict=True)]
    outline = "prefecture" if "prefectures" in layers else "layout_role"
    units = shapely.coverage_simplify(to_svg_units(frame.geometry.values), TOLERANCE_PX * UNITS_PER_PX)
    for geom, fill, name in zip(units, fills, names, strict=True):
        parts.append(
            f'<path class="first-view-unit" d="{svg_path(geom, closed=True)}" {_stroke(outline, fill)}>'
            f"<title>{escape(name)}</title></path>"
        )
    if "province" in layers:  # the outer edge of the same simplified coverage
        parts.append(f'<path d="{svg_path(shapely.union_all(units), closed=True)}" {_stroke("province")}/>')
    return "".join(parts)


@functools.lru_cache(maxsize=4)
def _labels(lang: str) -> str:
    """The prefectures' names where the interactive map puts them: the same label layer, CSS and layout code.

    Each name is an anchor at its label point (SVG units, placed in pixels by the script) holding a
    ``.map-label`` as ``assets/hubei_map.js`` (``label``) makes it; ``assets/hubei_labels.js`` then
    moves the names clear of each other, of the markers and of where the map's controls will be.
    """
    frame = webdata.layer_frame(label_layer_id("prefecture"), band_for_zoom(BASE_ZOOM).name)
    points = to_svg_units(frame.geometry.values)
    css = label_css("prefecture")
    names = frame["label_en" if lang == "en" else "label_zh"]
    return "".join(
        f'<div class="first-view-anchor" data-x="{shapely.get_x(p):.1f}" data-y="{shapely.get_y(p):.1f}">'
        f'<div class="map-label map-label-prefecture" data-area="{area}" data-required="1" data-css="{css}">'
        f"{escape(name)}</div></div>"
        for p, name, area in zip(points, names, frame["area_km2"], strict=True)
    )


@functools.lru_cache(maxsize=16)
def _markers(layer_ids: tuple[str, ...]) -> str:
    """The facility markers of the point layers ``layer_ids`` as the map draws them (shape, colour, fan-out).

    The names are laid out around them, so they must be where the map's will be.
    """
    out = []
    for layer_id in layer_ids:
        marker = style(catalogue.layer(layer_id).style)["marker"]
        frame = _band(layer_id)
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        points = to_svg_units(frame.geometry.values)
        approx = (frame["precision"].fillna("") != "site").to_numpy()
        size = marker["size"]
        look = f"width:{size}px;height:{size}px;background:{marker['color']}"
        for p, i, n, dim in zip(points, frame["stack_index"], frame["stack_size"], approx, strict=True):
            out.append(
                f'<div class="first-view-anchor" data-x="{shapely.get_x(p):.1f}" data-y="{shapely.get_y(p):.1f}" '
                f'data-stack-index="{i}" data-stack-size="{n}"><div class="facility-marker '
                f'facility-{marker["shape"]}{" approx" if dim else ""}" data-css="{look}"></div></div>'
            )
    return "".join(out)


def _panels(lang: str) -> str:
    """The panels the map lays over itself (breadcrumb, hover line, boundary note), styled as the map's.

    The names keep clear of them on the map, so the picture has them too, in the same places.
    """
    return (
        f'<nav class="breadcrumb"><button class="crumb" disabled>{escape(t("province", lang))}</button></nav>'
        f'<div class="first-view-info">{escape(t("hover_hint", lang))}</div>'
        f'<div class="first-view-sources">{escape(provenance.boundary_note(lang))}</div>'
    )


@functools.cache
def _label_script() -> str:
    """``assets/hubei_labels.js``, the map's own label layout, to run inline before the page's scripts.

    Without its comments and indentation (a third of the bytes); the file writes no ``//`` inside strings.
    """
    text = (Path(__file__).parent / "assets" / LABEL_SCRIPT).read_text(encoding="utf-8")
    lines = (re.sub(r"\s+// .*$", "", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _view(state: ViewState) -> dict[str, Any]:
    """Where the map opens, in SVG units: Hubei's bounds to fit, or the link's centre and zoom."""
    if state.center is not None and state.zoom is not None:
        x, y = crs.lonlat_to_web_pixels(state.center[1], state.center[0], BASE_ZOOM)
        return {"center": [round(float(x) * UNITS_PER_PX), round(float(y) * UNITS_PER_PX)], "zoom": state.zoom}
    (south, west), (north, east) = settings.HUBEI_BOUNDS
    x, y = crs.lonlat_to_web_pixels([west, east], [north, south], BASE_ZOOM)
    left, top, right, bottom = (round(float(v) * UNITS_PER_PX) for v in (x[0], y[0], x[1], y[1]))
    return {"bounds": [left, top, right - left, bottom - top]}


#: Fits the picture like Leaflet (``getBoundsZoom``: whole zooms, 1% slack; centre of the
#: bounds), keeps it fitted on resize, and fades it out once the interactive map shows
#: ``data-wait`` at least ``data-count`` times and each ``[selector, count]`` of ``data-also`` (the names
#: and markers), or after ``data-give-up`` seconds. It looks at most once a frame: Dash and Leaflet change the
#: page dozens of times while they draw it, and each look searches the whole page. It places the names
#: (``_labels``) with ``hubei_labels.js``, their anchors on whole pixels as Leaflet rounds its markers and its
#: pixel origin (a fraction of a pixel apart, a name can settle on another side of its point).
_SCRIPT = """(function(){var el=document.getElementById("%(id)s");if(!el)return;
el.querySelectorAll("[data-css]").forEach(function(n){n.style.cssText=n.dataset.css;});
var box=el.querySelector(".first-view-map"),svg=box.querySelector("svg"),v=JSON.parse(el.dataset.view);
function fit(){var W=box.clientWidth,H=box.clientHeight;if(!W||!H)return;var z,cx,cy;
if(v.bounds){var b=v.bounds,s=Math.min(W*%(u)d/b[2],H*%(u)d/b[3]);z=%(base)d+Math.log(s)/Math.LN2;
z=Math.floor(Math.round(z*100)/100);z=Math.max(%(min)d,Math.min(%(max)d,z));cx=b[0]+b[2]/2;cy=b[1]+b[3]/2;}
else{z=v.zoom;cx=v.center[0];cy=v.center[1];}
var k=Math.pow(2,z-%(base)d)/%(u)d,w=W/k,h=H/k;svg.setAttribute("viewBox",[cx-w/2,cy-h/2,w,h].join(" "));
var names=el.querySelector(".first-view-labels");if(names&&window.hubeiLabels){
var ox=Math.round((cx-w/2)*k),oy=Math.round((cy-h/2)*k);window.hubeiLabels.firstView(names,box,
function(x,y){return[Math.round(x*k)-ox,Math.round(y*k)-oy];},z);}}
fit();window.addEventListener("resize",fit);
var sel="#react-entry-point "+el.dataset.wait,n=+el.dataset.count,obs;
var also=JSON.parse(el.dataset.also||"[]");function ready(q,k){
return document.querySelectorAll("#react-entry-point "+q).length>=k;}
function done(){if(obs)obs.disconnect();window.removeEventListener("resize",fit);el.classList.add("done");
setTimeout(function(){el.remove();},400);}
var due=false;function check(){due=false;if(document.querySelectorAll(sel).length>=n&&
also.every(function(a){return ready(a[0],a[1]);}))done();}
obs=new MutationObserver(function(){if(!due){due=true;requestAnimationFrame(check);}});
obs.observe(document.documentElement,{childList:true,subtree:true});setTimeout(done,%(give_up)d);})();"""


@functools.cache
def script() -> str:
    """The picture's inline script: the same text on every page, so the page's CSP allows it by its hash.

    The names' layout code (``_label_script``) comes first; the picture's own code sets the names' and
    markers' looks from their ``data-css`` through the CSSOM (the CSP refuses ``style`` attributes).
    """
    return _label_script() + _SCRIPT % {
        "id": ELEMENT_ID,
        "u": UNITS_PER_PX,
        "base": BASE_ZOOM,
        "min": settings.MIN_ZOOM,
        "max": settings.MAX_ZOOM,
        "give_up": GIVE_UP_S * 1000,
    }


def html_for(state: ViewState) -> str:
    """The picture for ``state`` as HTML to put before the page's React root ('' when not ``wanted``)."""
    if not wanted(state):
        return ""
    lang = state.lang
    layers = tuple(sorted({"neighbours", "prefectures", "layout", "province"} & set(state.layers)))
    waits_for = "path.unit-prefecture" if "prefectures" in layers else "path.unit-layout_role"
    count = len(_band("prefectures"))
    view = _view(state)
    box = view.get("bounds") or [view["center"][0] - 3600, view["center"][1] - 2400, 7200, 4800]
    legend = ""
    if "layout" in layers:
        roles = STYLES["layout_role"]["categories"]
        labels = roles["labels_zh"] if lang == "zh" else roles["labels_en"]
        legend = "".join(
            f'<li><svg class="swatch" viewBox="0 0 1 1" preserveAspectRatio="none"><rect width="1" height="1" '
            f'fill="{colour}"/></svg> {escape(labels[role])}</li>'  # no style attribute: the page's CSP refuses those
            for role, colour in roles["colors"].items()
        )
        legend = f'<ul class="first-view-legend">{legend}</ul>'
    names, wait_names = ("", "")
    if "prefectures" in layers:  # the names belong to the prefectures layer, as on the map
        points = tuple(i for i, spec in catalogue.catalogue().items() if spec.geometry == "point" and i in state.layers)
        names = f'<div class="first-view-labels">{_markers(points)}{_labels(lang)}</div>{_panels(lang)}'
        # ... and waits for the map's names and markers too, or a name would move once the markers arrive.
        also = [[".map-label-prefecture", count], [".facility-icon", _markers(points).count("facility-marker")]]
        wait_names = f'data-also="{escape(json.dumps(also))}" '
    return (
        f'<div id="{ELEMENT_ID}" aria-hidden="true" data-wait="{waits_for}" data-count="{count}" {wait_names}'
        f'data-view="{escape(json.dumps(view, separators=(",", ":")))}">'
        f'<div class="first-view-header"><h1>{escape(t("title", lang))}</h1>'
        f'<div class="view-nav"><span class="view-link current">{escape(t("view_map", lang))}</span>'
        f'<span class="view-link">{escape(t("view_targets", lang))}</span></div>'
        f'<span class="lang-button">{escape(t("switch_lang", lang))}</span></div>'
        f'<div class="first-view-main"><div class="first-view-sidebar">'
        f'<p class="loading">{escape(t("loading_map", lang))}</p>{legend}</div>'
        f'<div class="first-view-map"><svg viewBox="{" ".join(map(str, box))}" '
        f'preserveAspectRatio="xMidYMid meet">{_shapes(layers, lang)}</svg>{names}</div></div>'
        f"<script>{script()}</script></div>"
    )
