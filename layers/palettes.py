"""Colour palettes for choropleths and categories, and a colour-vision-deficiency check.

Ramps are ColorBrewer schemes that ColorBrewer marks colour-blind safe, and the
perceptually uniform viridis and cividis; categories use the Okabe-Ito palette. The
anchor colours are ColorBrewer's (as shipped in matplotlib's ``_cm.datad``) and
matplotlib's viridis/cividis sampled at nine even steps; ``tests/test_palettes.py``
checks them against matplotlib. No-data is a neutral grey, never
a ramp colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from layers.choices import DEFAULT_SEQUENTIAL as DEFAULT_SEQUENTIAL  # re-exported: the palette a map opens with
from layers.style import OKABE_ITO

PaletteKind = Literal["sequential", "diverging", "qualitative"]


@dataclass(frozen=True)
class Palette:
    """A named palette: its kind, anchor colours (hex) and bilingual names."""

    name: str
    kind: PaletteKind
    anchors: tuple[str, ...]
    title_zh: str
    title_en: str


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        Palette(
            "blues",
            "sequential",
            ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"),
            "蓝色",
            "Blues",
        ),
        Palette(
            "ylgnbu",
            "sequential",
            ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
            "黄绿蓝",
            "Yellow-green-blue",
        ),
        Palette(
            "orrd",
            "sequential",
            ("#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"),
            "橙红",
            "Orange-red",
        ),
        Palette(
            "viridis",
            "sequential",
            ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"),
            "Viridis",
            "Viridis",
        ),
        Palette(
            "cividis",
            "sequential",
            ("#00224e", "#1a386f", "#434e6c", "#61656f", "#7d7c78", "#9b9476", "#bcae6c", "#dec958", "#fee838"),
            "Cividis",
            "Cividis",
        ),
        Palette(
            "puor",
            "diverging",
            (
                "#7f3b08",
                "#b35806",
                "#e08214",
                "#fdb863",
                "#fee0b6",
                "#f7f7f7",
                "#d8daeb",
                "#b2abd2",
                "#8073ac",
                "#542788",
                "#2d004b",
            ),
            "紫橙（发散）",
            "Purple-orange (diverging)",
        ),
        Palette(
            "rdbu",
            "diverging",
            (
                "#67001f",
                "#b2182b",
                "#d6604d",
                "#f4a582",
                "#fddbc7",
                "#f7f7f7",
                "#d1e5f0",
                "#92c5de",
                "#4393c3",
                "#2166ac",
                "#053061",
            ),
            "红蓝（发散）",
            "Red-blue (diverging)",
        ),
        Palette(
            "okabe_ito",
            "qualitative",
            tuple(
                OKABE_ITO[k]
                for k in ("orange", "sky_blue", "bluish_green", "yellow", "blue", "vermillion", "reddish_purple")
            ),
            "Okabe-Ito 分类色",
            "Okabe-Ito categories",
        ),
    )
}
#: Palettes for classed choropleths (ordered classes): every palette but the qualitative ones. The map, its
#: address and the snapshot request accept exactly these.
CLASS_PALETTES: tuple[str, ...] = tuple(name for name, p in PALETTES.items() if p.kind != "qualitative")
#: Fill of units without data: a neutral grey outside every ramp; the legend shows the same swatch.
NO_DATA_COLOR = "#d9d9d9"


def palette(name: str) -> Palette:
    """Return the named palette; KeyError lists the known names."""
    if name not in PALETTES:
        raise KeyError(f"unknown palette {name!r}; known palettes: {sorted(PALETTES)}")
    return PALETTES[name]


def _hex_to_rgb(colors: list[str] | tuple[str, ...]) -> npt.NDArray[np.float64]:
    return np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors])


def _rgb_to_hex(rgb: npt.NDArray[np.float64]) -> list[str]:
    clipped = np.clip(np.round(rgb * 255), 0, 255).astype(int)
    return ["#" + "".join(f"{v:02x}" for v in row) for row in clipped]


def colors(name: str, k: int) -> list[str]:
    """Return ``k`` colours of a palette, light to dark (sequential) or end to end (diverging).

    Sequential ramps skip the near-white start so the lightest class is not mistaken
    for no-data; ramps are interpolated in linear RGB between the anchors. A
    qualitative palette returns its first ``k`` colours.

    Raises
    ------
    ValueError
        If ``k`` is below 1, or above the palette's size for a qualitative palette.

    """
    pal = palette(name)
    if k < 1:
        raise ValueError(f"need at least one class, got {k}")
    if pal.kind == "qualitative":
        if k > len(pal.anchors):
            raise ValueError(f"palette {name!r} has only {len(pal.anchors)} colours; {k} requested")
        return list(pal.anchors[:k])
    start = 0.15 if pal.kind == "sequential" else 0.0
    positions = np.linspace(start, 1.0, k) if k > 1 else np.array([0.65])
    lin = srgb_to_linear(_hex_to_rgb(pal.anchors))
    grid = np.linspace(0.0, 1.0, len(pal.anchors))
    out = np.column_stack([np.interp(positions, grid, lin[:, c]) for c in range(3)])
    return _rgb_to_hex(linear_to_srgb(out))


# --- colour science for the colour-vision check ---------------------------------------

#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
#: color vision deficiency", IEEE TVCG 15(6): severity-1.0 matrices on linear sRGB.
CVD_MATRICES: dict[str, npt.NDArray[np.float64]] = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}


def srgb_to_linear(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Convert sRGB (0-1) to linear RGB (IEC 61966-2-1)."""
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(lin: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Convert linear RGB to sRGB (0-1), clipped to the gamut."""
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate_cvd(hex_colors: list[str], deficiency: str) -> list[str]:
    """How ``hex_colors`` look with a full colour-vision deficiency (protanopia, deuteranopia, tritanopia)."""
    lin = srgb_to_linear(_hex_to_rgb(hex_colors))
    return _rgb_to_hex(linear_to_srgb(lin @ CVD_MATRICES[deficiency].T))


def to_lab(hex_colors: list[str]) -> npt.NDArray[np.float64]:
    """CIE L*a*b* (D65) of sRGB hex colours."""
    lin = srgb_to_linear(_hex_to_rgb(hex_colors))
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])


def min_adjacent_delta_e(hex_colors: list[str], deficiency: str | None = None) -> float:
    """Smallest CIE76 ΔE between neighbouring colours, optionally as seen with a deficiency."""
    seen = simulate_cvd(hex_colors, deficiency) if deficiency else hex_colors
    lab = to_lab(seen)
    return float(np.min(np.linalg.norm(np.diff(lab, axis=0), axis=1))) if len(lab) > 1 else float("inf")
