"""What a print can be: paper sizes, raster resolutions and file formats (constants only, nothing heavy to import)."""

from __future__ import annotations

#: Paper sizes in millimetres (ISO 216), width x height as printed.
PAPERS_MM: dict[str, tuple[float, float]] = {
    "a4-landscape": (297.0, 210.0),
    "a4-portrait": (210.0, 297.0),
    "a3-landscape": (420.0, 297.0),
    "a3-portrait": (297.0, 420.0),
}
DEFAULT_PAPER = "a4-landscape"
#: Raster resolutions offered for PNG (dots per inch).
DPIS: tuple[int, ...] = (150, 300, 600)
DEFAULT_DPI = 300
FORMATS: tuple[str, ...] = ("pdf", "png", "svg")
MM_PER_INCH = 25.4
