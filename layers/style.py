"""Styles shared by the web map and (later) the print renderer: colours live here only.

Colours for categories and point groups come from the Okabe-Ito palette, which stays
distinguishable under the common colour-vision deficiencies; point groups also differ in
shape, so colour is never the only cue.
"""

from __future__ import annotations

from typing import Any

from layers.vocabulary import category_labels

#: Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Leaflet path options per catalogue ``style`` name. ``categories`` colours polygons by a
#: property; ``marker`` draws points as a shape; ``interactive: False`` turns off hover.
STYLES: dict[str, dict[str, Any]] = {
    "province": {"color": "#1f3b57", "weight": 2.8, "fillOpacity": 0.0, "opacity": 1.0, "interactive": False},
    "prefecture": {"color": "#3d3d3d", "weight": 1.6, "fillColor": "#f4efe6", "fillOpacity": 0.85, "opacity": 1.0},
    "county": {
        "color": "#7a7a7a",
        "weight": 0.7,
        "fillColor": "#f4efe6",
        "fillOpacity": 0.0,
        "opacity": 0.9,
        "dashArray": "3 3",
    },
    # The counties of a prefecture drilled into: solid outlines, a faint fill that takes clicks.
    "drill_county": {"color": "#1a1a1a", "weight": 1.8, "fillColor": "#ffffff", "fillOpacity": 0.05, "opacity": 1.0},
    # A map of one unit (an atlas page, a drill-down): the unit's outline, and everything outside it
    # faded under a light grey veil with thin outlines and grey names (``labelColor``).
    "focus_unit": {"color": "#1a1a1a", "weight": 4.0, "fillOpacity": 0.0, "opacity": 1.0, "interactive": False},
    "outside_unit": {
        "color": "#a6a6a6",
        "weight": 1.0,
        "fillColor": "#ededed",
        "fillOpacity": 0.92,
        "opacity": 1.0,
        "interactive": False,
        "labelColor": "#8c8c8c",
    },
    "context": {
        "color": "#b5b5b5",
        "weight": 0.8,
        "fillColor": "#e3e3e3",
        "fillOpacity": 1.0,
        "opacity": 1.0,
        "interactive": False,
    },
    "layout_role": {
        "color": "#3d3d3d",
        "weight": 1.4,
        "fillOpacity": 0.75,
        "categories": {
            "field": "role",
            "colors": {"core": OKABE_ITO["vermillion"], "wing": OKABE_ITO["blue"], "support": "#d9d2c3"},
            **category_labels("role"),
        },
    },
    "metro_circle": {
        "weight": 2.5,
        "fillOpacity": 0.12,
        "dashArray": "8 4",
        "categories": {
            "field": "circle",
            "colors": {
                "wuhan": OKABE_ITO["vermillion"],
                "xiangyang": OKABE_ITO["blue"],
                "yichang": OKABE_ITO["bluish_green"],
            },
            **category_labels("circle"),
        },
    },
    "river_belt": {
        "weight": 1.0,
        "fillOpacity": 0.35,
        "categories": {
            "field": "river",
            "colors": {"yangtze": OKABE_ITO["sky_blue"], "han": OKABE_ITO["bluish_green"]},
            **category_labels("river"),
        },
    },
    "gigabit_city": {
        "color": OKABE_ITO["reddish_purple"],
        "weight": 2.5,
        "fillColor": OKABE_ITO["reddish_purple"],
        "fillOpacity": 0.25,
    },
    # 5G coverage (article 18): units with a published figure in blues, gigabit cities without one in
    # purple, units without any figure in the no-data grey of the choropleths (never a class of zero).
    "fiveg_coverage": {
        "color": "#3d3d3d",
        "weight": 1.2,
        "fillOpacity": 0.7,
        "categories": {
            "field": "coverage_class",
            "colors": {
                "figure_gigabit_city": OKABE_ITO["blue"],
                "figure": OKABE_ITO["sky_blue"],
                "no_figure_gigabit_city": OKABE_ITO["reddish_purple"],
                "no_figure": "#d9d9d9",  # = palettes.NO_DATA_COLOR (palettes imports this module; a test checks)
            },
            **category_labels("coverage_class"),
        },
    },
    "plan_designation": {
        "weight": 2.0,
        "fillOpacity": 0.3,
        "dashArray": "6 3",
        "categories": {
            "field": "designation_status",
            "colors": {
                "aim": OKABE_ITO["orange"],
                "held": OKABE_ITO["bluish_green"],
                "aim;held": OKABE_ITO["blue"],
            },
            **category_labels("designation_status"),
        },
    },
    "computing": {"marker": {"shape": "circle", "color": OKABE_ITO["vermillion"], "size": 14}},
    "parks_platforms": {"marker": {"shape": "square", "color": OKABE_ITO["blue"], "size": 13}},
    "hubs": {"marker": {"shape": "diamond", "color": OKABE_ITO["bluish_green"], "size": 15}},
    "quantum_line": {"color": OKABE_ITO["reddish_purple"], "weight": 3.5, "opacity": 0.95, "dashArray": "10 6"},
}
#: Defaults Leaflet uses for path options a style leaves out (the print renderer and GIS styles use them too).
LEAFLET_DEFAULTS: dict[str, Any] = {"color": "#3388ff", "weight": 3, "opacity": 1.0, "fillOpacity": 0.2}
#: An indicator choropleth's units: outline, fill opacity of classed units, and of units without data
#: (drawn dashed). Print, the offline HTML map and GIS styles read them; the web map gets them in its
#: choropleth's ``hideout`` (``choropleth_look``), which ``hubeiMap.layer.choropleth`` applies.
CHOROPLETH_STYLE: dict[str, Any] = {
    "color": "#4d4d4d",
    "weight": 0.8,
    "fillOpacity": 0.9,
    "noDataFillOpacity": 0.55,
    "noDataDashArray": "2 3",
}


def choropleth_look() -> list[Any]:
    """``CHOROPLETH_STYLE`` as the web map's choropleth ``hideout`` carries it, in few bytes.

    ``[color, weight, fillOpacity, noDataFillOpacity, noDataDashArray]``: the order
    ``hubeiMap.layer.choropleth`` (``app/web/assets/hubei_map.js``) reads.
    """
    return [CHOROPLETH_STYLE[key] for key in ("color", "weight", "fillOpacity", "noDataFillOpacity", "noDataDashArray")]


#: A facility marker's rim; approximate places (a representative point) get a dashed, fainter one.
MARKER_EDGE: dict[str, Any] = {"color": "#333333", "weight": 1.0, "approxDashArray": "2 1.5", "approxOpacity": 0.85}
#: Place names on the web map and its first view: near-black type in a white halo, so a name reads on
#: every fill and class colour (the halo, not the fill, is what the type sits on). Sizes in CSS pixels.
LABELS: dict[str, Any] = {
    "color": "#1a1a1a",
    "halo": "#ffffff",
    "halo_px": 2,
    "size_px": {"prefecture": 14, "county": 12, "facility": 11},
    "weight": {"prefecture": 700, "county": 600, "facility": 400},
}
#: Zoom from which facilities are named on the web map (in a drill-down, those of its unit always are).
FACILITY_LABELS_FROM_ZOOM = 11


def label_css(kind: str) -> str:
    """Inline CSS of a place name of ``kind`` (prefecture, county, facility): the map and first view share it.

    The halo is a stroke ``halo_px`` wide outside the type, painted under it (``paint-order``), as the
    prints draw theirs; blurred text shadows looked the same and cost the browser far more to paint.
    """
    return (
        f"color:{LABELS['color']};font-size:{LABELS['size_px'][kind]}px;font-weight:{LABELS['weight'][kind]};"
        f"-webkit-text-stroke:{2 * LABELS['halo_px']}px {LABELS['halo']};paint-order:stroke fill"
    )


#: The catalogue layer an indicator choropleth is drawn just above (web map, print, HTML).
CHOROPLETH_ABOVE = "layout"
#: Outline drawn over a feature under the pointer.
HOVER_STYLE: dict[str, Any] = {"weight": 3, "color": "#1f4e79"}
#: Map background (water-free plain paper, no tiles needed).
MAP_BACKGROUND = "#cfdbe6"


def style(name: str) -> dict[str, Any]:
    """Return a copy of the named style; KeyError lists the known names."""
    if name not in STYLES:
        raise KeyError(f"unknown style {name!r}; known styles: {sorted(STYLES)}")
    return dict(STYLES[name])
