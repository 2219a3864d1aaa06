"""Styles shared by the web map and (later) the print renderer: colours live here only."""

from __future__ import annotations

from typing import Any

#: Leaflet path options per catalogue ``style`` name. Neutral greys and a warm paper fill;
#: the boundary hierarchy is carried by line weight, not hue, so it survives colour blindness.
STYLES: dict[str, dict[str, Any]] = {
    "prefecture": {"color": "#3d3d3d", "weight": 1.6, "fillColor": "#f4efe6", "fillOpacity": 0.85, "opacity": 1.0},
    "county": {
        "color": "#7a7a7a",
        "weight": 0.7,
        "fillColor": "#f4efe6",
        "fillOpacity": 0.0,
        "opacity": 0.9,
        "dashArray": "3 3",
    },
    "province": {"color": "#1f3b57", "weight": 2.8, "fillOpacity": 0.0, "opacity": 1.0, "interactive": False},
    "context": {
        "color": "#b5b5b5",
        "weight": 0.8,
        "fillColor": "#e3e3e3",
        "fillOpacity": 1.0,
        "opacity": 1.0,
        "interactive": False,
    },
}
#: Outline drawn over a feature under the pointer.
HOVER_STYLE: dict[str, Any] = {"weight": 3, "color": "#1f4e79"}
#: Map background (water-free plain paper, no tiles needed).
MAP_BACKGROUND = "#cfdbe6"


def style(name: str) -> dict[str, Any]:
    """Return a copy of the named style; KeyError lists the known names."""
    if name not in STYLES:
        raise KeyError(f"unknown style {name!r}; known styles: {sorted(STYLES)}")
    return dict(STYLES[name])
