"""Where things go on the paper: header, map frame, side or bottom panel, footer (millimetres).

Designed for A4 and scaled by the paper's size, so an A3 page is an enlarged A4 page
with the same proportions and type sizes scaled alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.render.paper import MM_PER_INCH, PAPERS_MM

#: A4's short side; type sizes and spacing are designed for it.
A4_SHORT_MM = 210.0
MARGIN_MM = 10.0
HEADER_MM = 19.0
FOOTER_MM = 17.0
GAP_MM = 5.0
#: Landscape: width of the panel right of the map (inset locator above the legend).
SIDE_PANEL_MM = 68.0
#: Portrait: height of the panel under the map, and the inset's width in it.
BOTTOM_PANEL_MM = 92.0
INSET_MM = 44.0
POINTS_PER_INCH = 72.0

#: Type sizes in points on A4.
FONT_PT: dict[str, float] = {
    "title": 17.0,
    "subtitle": 9.0,
    "heading": 8.0,
    "legend": 6.8,
    "small": 5.8,
    "footer": 5.8,
    "approval": 7.5,
    "prefecture": 7.5,
    "county": 5.6,
    "neighbour": 7.0,
    "callout": 5.6,
    "scale": 6.0,
}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in millimetres from the lower-left corner


@dataclass(frozen=True)
class PageLayout:
    """Boxes (mm, origin lower left) of the parts of one page, and the type scale."""

    width: float
    height: float
    scale: float
    header: Box
    map: Box
    inset: Box
    legend: Box
    footer: Box

    def fraction(self, box: Box) -> tuple[float, float, float, float]:
        """A box as matplotlib's [left, bottom, width, height] in figure fractions."""
        x0, y0, x1, y1 = box
        return x0 / self.width, y0 / self.height, (x1 - x0) / self.width, (y1 - y0) / self.height

    def font(self, role: str) -> float:
        """Type size (points) for a role of text on this paper."""
        return FONT_PT[role] * self.scale

    def mm(self, value: float) -> float:
        """A length designed for A4 (mm), on this paper."""
        return value * self.scale

    @property
    def map_size_mm(self) -> tuple[float, float]:
        """Width and height of the map frame."""
        x0, y0, x1, y1 = self.map
        return x1 - x0, y1 - y0

    @property
    def map_width_pt(self) -> float:
        """Width of the map frame in points."""
        return self.map_size_mm[0] / MM_PER_INCH * POINTS_PER_INCH


def layout(paper: str) -> PageLayout:
    """The page layout for one of ``request.PAPERS_MM``."""
    width, height = PAPERS_MM[paper]
    s = min(width, height) / A4_SHORT_MM
    m, head, foot, gap = MARGIN_MM * s, HEADER_MM * s, FOOTER_MM * s, GAP_MM * s
    header = (m, height - m - head, width - m, height - m)
    footer = (m, m, width - m, m + foot)
    top, bottom = height - m - head, m + foot + gap
    if width > height:
        panel = SIDE_PANEL_MM * s
        map_box = (m, bottom, width - m - panel - gap, top)
        inset_h = panel * 0.62
        inset = (width - m - panel, top - inset_h, width - m, top)
        legend = (width - m - panel, bottom, width - m, top - inset_h - gap)
    else:
        panel = BOTTOM_PANEL_MM * s
        map_box = (m, bottom + panel + gap, width - m, top)
        inset_w = INSET_MM * s
        inset = (m, bottom + panel - inset_w * 0.8, m + inset_w, bottom + panel)
        legend = (m + inset_w + gap, bottom, width - m, bottom + panel)
    return PageLayout(width, height, s, header, map_box, inset, legend, footer)
