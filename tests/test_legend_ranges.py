"""The legend of a classed map, as the web page, the printed page and the offline HTML map show it.

All three take their class labels from ``layers.choropleth.choropleth()``; here each is read back
from what the output holds and every value checked against the range it is shown in.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from test_classify import shown_range

from app.render import SnapshotRequest, figure, fonts, html_map
from app.web import indicator_panel
from layers import choropleth

SCHEMES = ["quantiles", "natural_breaks", "equal_interval"]


def _held(indicator: str, scheme: str, lang: str) -> list[str]:
    """The class labels of the indicator's legend, checked to hold every value of their class."""
    chosen = choropleth.choropleth(indicator, scheme=scheme, lang=lang)
    labels = [e.label for e in chosen.legend.entries if not e.no_data]
    for value, index in zip(chosen.table["value"], chosen.table["class"], strict=True):
        if index >= 0:
            lo, hi = shown_range(labels[index])
            assert lo <= value <= hi, (value, labels[index])
    return labels


@pytest.mark.parametrize("scheme", SCHEMES)
def test_web_legend_shows_ranges_that_hold_their_values(scheme):
    labels = _held("gdp_2023", scheme, "zh")
    legend = choropleth.choropleth("gdp_2023", scheme=scheme, lang="zh").legend
    cells = list(_texts(indicator_panel.legend_view(legend, "zh")))
    assert [c for c in cells if c in labels] == labels


def _texts(node: Any) -> Iterator[str]:
    """Every string in a tree of Dash components, in order."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list | tuple):
        for child in node:
            yield from _texts(child)
    elif hasattr(node, "children"):
        yield from _texts(node.children)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_legend_shows_ranges_that_hold_their_values(lang):
    labels = _held("gdp_2023", "quantiles", lang)
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(indicator="gdp_2023", lang=lang))
        texts = {t.get_text() for ax in built.figure.axes for t in ax.texts}
    assert set(labels) <= texts


def test_html_map_shows_ranges_that_hold_their_values():
    labels = _held("gdp_2023", "natural_breaks", "en")
    page = html_map.to_html(SnapshotRequest(indicator="gdp_2023", scheme="natural_breaks", lang="en"))
    for label in labels:
        assert html.escape(label) in page
