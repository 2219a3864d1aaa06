"""The legend of a classed map, as the web page, the printed page and the offline HTML map show it.

All three take their class labels from ``layers.choropleth.choropleth()``; here each is read back
from what the output holds and every value checked against the range it is shown in.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_classify import shown_range

from app.render import SnapshotRequest, figure, fonts, html_map
from app.render import legend as print_legend
from app.web import indicator_panel
from layers import choropleth, classify, indicators

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


# --- one source for all three legends, over random data ------------------------------------------------
PREFECTURES = indicators.values("gdp_2023")["code"].tolist()
value = st.one_of(
    st.none(),
    st.floats(-1e7, 1e7, allow_nan=False).filter(lambda v: v == 0 or abs(v) >= 1e-6),
    st.integers(-1000, 100_000).map(float),
)


def _printed_labels(chosen: choropleth.Choropleth, lang: str) -> dict[str, list[str]]:
    """The class labels (no data left out) as the web legend, the PDF legend and the offline HTML show them."""
    classes = [e.label for e in chosen.legend.entries if not e.no_data]
    web = [c for c in _texts(indicator_panel.legend_view(chosen.legend, lang)) if c in classes]
    pdf = [row.label for row in print_legend.choropleth_items(chosen, 1.0) if row.kind == "patch"][: len(classes)]
    page = html_map.legend_html(chosen, [], lang)
    shown = [html.unescape(m) for m in re.findall(r'<span class="sw"[^>]*></span>([^<]*)<span class="c">', page)]
    return {"web": web, "pdf": pdf, "html": shown}


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(
    st.lists(value, min_size=len(PREFECTURES), max_size=len(PREFECTURES)).filter(
        lambda vs: any(v is not None for v in vs)
    ),
    st.sampled_from(SCHEMES),
    st.integers(*classify.K_RANGE),
    st.sampled_from(["zh", "en"]),
)
def test_every_legend_prints_ranges_that_hold_their_values(values, scheme, k, lang):
    frame = indicators.values("gdp_2023").assign(value=values)
    chosen = choropleth.choropleth("gdp_2023", scheme=scheme, k=k, lang=lang, values=frame)
    labels = [b.label(lang) for b in chosen.classification.bins]
    assert _printed_labels(chosen, lang) == {"web": labels, "pdf": labels, "html": labels}  # one source
    ranges = [shown_range(label) for label in labels]
    assert len(set(labels)) == len(labels)  # adjacent classes never read the same ...
    for (lo, hi), (next_lo, next_hi) in itertools.pairwise(ranges):
        assert lo <= hi <= next_lo <= next_hi and (lo, hi) != (next_lo, next_hi)  # ... and run in order
    present = [v for v in values if v is not None]
    assert ranges[0][0] <= min(present) and ranges[-1][1] >= max(present)
    for v, index in zip(chosen.table["value"], chosen.table["class"], strict=True):
        if index >= 0:
            lo, hi = ranges[index]
            assert lo <= v <= hi, (v, labels[index])
