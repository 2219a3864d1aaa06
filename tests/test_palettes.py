from __future__ import annotations

import matplotlib as mpl
import matplotlib.colors as mc
import numpy as np
import pytest
from matplotlib import _cm

from layers import palettes

MPL_NAMES = {"blues": "Blues", "ylgnbu": "YlGnBu", "orrd": "OrRd", "puor": "PuOr", "rdbu": "RdBu"}
RAMPS = [p.name for p in palettes.PALETTES.values() if p.kind != "qualitative"]


@pytest.mark.parametrize("name", sorted(MPL_NAMES))
def test_colorbrewer_anchors_match_matplotlib(name):
    expected = [mc.to_hex(c) for c in _cm.datad[MPL_NAMES[name]]]
    assert list(palettes.palette(name).anchors) == expected


@pytest.mark.parametrize("name", ["viridis", "cividis"])
def test_perceptual_anchors_match_matplotlib(name):
    cmap = mpl.colormaps[name]
    assert list(palettes.palette(name).anchors) == [mc.to_hex(cmap(x)) for x in np.linspace(0, 1, 9)]


@pytest.mark.parametrize("name", RAMPS)
@pytest.mark.parametrize("k", range(2, 8))
@pytest.mark.parametrize("deficiency", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_adjacent_classes_stay_distinguishable(name, k, deficiency):
    """Neighbouring classes differ by at least ΔE 7 (CIE76), also as simulated for each deficiency."""
    assert palettes.min_adjacent_delta_e(palettes.colors(name, k), deficiency) >= 7


def test_the_check_can_fail():
    # A red-green pair that normal vision separates collapses for deuteranopes.
    pair = ["#d62728", "#2ca02c"]
    assert palettes.min_adjacent_delta_e(pair) > 50
    assert palettes.min_adjacent_delta_e(pair, "deuteranopia") < palettes.min_adjacent_delta_e(pair) / 3


def test_qualitative_categories_stay_apart_for_every_deficiency():
    colours = palettes.colors("okabe_ito", 7)
    for deficiency in ("protanopia", "deuteranopia", "tritanopia"):
        lab = palettes.to_lab(palettes.simulate_cvd(colours, deficiency))
        dist = np.linalg.norm(lab[:, None, :] - lab[None, :, :], axis=-1)
        assert dist[np.triu_indices(7, 1)].min() > 10


def test_sequential_ramps_get_darker_and_no_data_is_outside_them():
    for name in ("blues", "ylgnbu", "orrd"):
        lab = palettes.to_lab(palettes.colors(name, 6))
        assert np.all(np.diff(lab[:, 0]) < 0)
    assert palettes.NO_DATA_COLOR not in palettes.colors("blues", 9)


def test_unknown_palette_and_bad_k():
    with pytest.raises(KeyError, match="blues"):
        palettes.palette("jet")
    with pytest.raises(ValueError, match="only 7"):
        palettes.colors("okabe_ito", 9)
