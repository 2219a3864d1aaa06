"""A CJK font for matplotlib, embedded properly in PDF.

The renderer uses Noto Sans CJK SC (or Source Han Sans SC) from the system, found by
file name among matplotlib's system font paths, and registered in-process
(``font_manager.fontManager.addfont``; no global matplotlibrc is touched). Text is
embedded as Type 42 (``pdf.fonttype = 42``) so it stays text: searchable, copyable and
checked by ``pdftotext``.

One matplotlib quirk is worked around here: Noto/Source Han fonts have CFF (PostScript)
outlines, and matplotlib embeds a subset of any OpenType font as ``FontFile2`` under a
``CIDFontType2`` (TrueType) font. For CFF fonts that is malformed: poppler warns
"Mismatch between font type and embedded font file", and Acrobat can refuse the font.
``_truetype_subset`` converts the small subset matplotlib embeds (only the glyphs used)
to TrueType outlines, so the PDF declares what it contains: FreeType (through matplotlib's
``FT2Font``) reads the glyphs' cubic outlines, fontTools' ``cu2qu`` makes them quadratic.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from matplotlib import font_manager
from matplotlib.backends import _backend_pdf_ps
from matplotlib.ft2font import FT2Font, GlyphIndexType, LoadFlags
from matplotlib.path import Path as Path_

#: Family names tried in order; the first one installed is used.
CJK_FAMILIES: tuple[str, ...] = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN")
#: File-name fragments of fonts that carry those families (OTF/TTF/TTC).
CJK_FILE_HINTS: tuple[str, ...] = ("NotoSansCJK", "SourceHanSans", "NotoSansSC")
#: Latin fallback for glyphs a CJK font lacks (shipped with matplotlib).
LATIN_FALLBACK = "DejaVu Sans"
#: Maximum deviation (font units) allowed when cubic outlines are approximated by quadratics.
_CU2QU_MAX_ERR = 1.0
#: Colour of the hatching that marks units without data.
HATCH_COLOUR = "#8c8c8c"
INSTALL_HINT = "install Noto Sans CJK (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk)"


class FontError(RuntimeError):
    """No CJK font is installed, so Chinese text cannot be drawn."""


def _candidate_files() -> list[Path]:
    files = font_manager.findSystemFonts(fontext="otf")  # type: ignore[arg-type]  # stubs list ttf/afm only + font_manager.findSystemFonts(fontext="ttf")
    return sorted(Path(f) for f in set(files) if any(h in Path(f).name for h in CJK_FILE_HINTS))


@functools.cache
def cjk_family() -> str:
    """Register the system's CJK font files with matplotlib and return the family name to use.

    Raises
    ------
    FontError
        If none of ``CJK_FAMILIES`` is installed (with the command that installs one).
    """
    for path in _candidate_files():
        font_manager.fontManager.addfont(str(path))
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            _install_truetype_subsetting()
            return family
    raise FontError(f"no CJK font found (looked for {list(CJK_FAMILIES)}); {INSTALL_HINT}")


def cjk_font_file() -> Path:
    """The file matplotlib uses for the CJK family (regular weight)."""
    prop = font_manager.FontProperties(family=cjk_family())
    return Path(font_manager.findfont(prop, fallback_to_default=False))


def rc_params() -> dict[str, Any]:
    """Matplotlib settings for every snapshot: the CJK font first, Type 42 embedding, a real minus sign off."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_family(), LATIN_FALLBACK],
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",  # SVG text as outlines: looks the same without the font installed
        "axes.unicode_minus": False,
        "lines.scale_dashes": False,  # dash lengths in points, as given by the styles
        "path.simplify": True,
        "hatch.color": HATCH_COLOUR,
        "hatch.linewidth": 0.4,
    }


# --- TrueType outlines for the embedded subset -------------------------------------------------

_PATCH_LOCK = threading.Lock()
_ORIGINAL_SUBSET = _backend_pdf_ps.get_glyphs_subset


def _draw_outline(face: FT2Font, gid: int, pen: Any) -> None:
    """Draw glyph ``gid`` of ``face`` in font units onto a fontTools pen, as read by FreeType (unscaled, unhinted).

    FreeType closes every contour with an explicit line back to its start; it is left out, as ``closePath``
    implies it (fontTools' own CFF reader draws the same segments).
    """
    face.load_glyph(GlyphIndexType(gid), flags=LoadFlags.NO_SCALE | LoadFlags.NO_HINTING)
    vertices, codes = face.get_path()
    points = [(round(x * 64), round(y * 64)) for x, y in vertices.tolist()]  # get_path divides by 64
    segments: list[tuple[str, list[tuple[int, int]]]] = []
    start = (0, 0)
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == Path_.MOVETO:
            start = points[i]
            pen.moveTo(start)
            i += 1
        elif code == Path_.LINETO:
            segments.append(("l", [points[i]]))
            i += 1
        elif code == Path_.CURVE4:
            segments.append(("c", points[i : i + 3]))
            i += 3
        elif code == Path_.CURVE3:
            segments.append(("q", points[i : i + 2]))
            i += 2
        else:  # CLOSEPOLY
            if segments and segments[-1] == ("l", [start]):
                segments.pop()
            for kind, pts in segments:
                if kind == "l":
                    pen.lineTo(pts[0])
                elif kind == "c":
                    pen.curveTo(*pts)
                else:
                    pen.qCurveTo(*pts)
            pen.closePath()
            segments = []
            i += 1


def _truetype_glyphs(fontfile: Any, gids: list[int]) -> dict[int, Any]:
    """TrueType (quadratic) outlines of glyphs ``gids`` of a CFF font, read with FreeType (no CFF parsing here)."""
    face = FT2Font(str(fontfile), face_index=getattr(fontfile, "face_index", 0))
    glyphs = {}
    for gid in gids:
        pen = TTGlyphPen(None)
        _draw_outline(face, gid, Cu2QuPen(pen, _CU2QU_MAX_ERR, reverse_direction=True))
        glyphs[gid] = pen.glyph()
    return glyphs


def to_truetype(font: TTFont, glyphs: dict[str, Any]) -> None:
    """Make a CFF-flavoured OpenType ``font`` a TrueType font in place, with ``glyphs`` (name: quadratic glyph)."""
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for glyph in glyphs.values():
        glyph.recalcBounds(glyf)
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    hmtx = font["hmtx"]
    for name in order:
        hmtx.metrics[name] = (hmtx.metrics[name][0], getattr(glyphs[name], "xMin", 0))
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.recalc(font)
    font["post"].formatType = 3.0  # no glyph names needed in an embedded subset
    font.sfntVersion = "\x00\x01\x00\x00"


#: Tables kept from a CFF font for its embedded TrueType subset (the rest are rebuilt or not needed).
_CFF_KEPT = ("head", "hhea", "maxp", "OS/2", "name", "post")


@contextlib.contextmanager
def _truetype_subset(fontfile: Any, glyphs: Any) -> Iterator[Any]:
    """A font subset as matplotlib's ``get_glyphs_subset`` makes it, in TrueType outlines.

    A CFF font (Noto Sans CJK) is cut directly: the outlines of the glyphs used (read by FreeType, which
    matplotlib already uses to draw text, and converted to quadratics), their advance widths (from the raw
    ``hmtx``) and the few tables a ``CIDFontType2`` needs. Its CFF table (65,535 glyphs) is never parsed:
    fontTools' subsetter, then its CFF reader and charstring interpreter, were most of a snapshot's time.
    Glyph names are not embedded (``post`` format 3), so the subset names its glyphs by index.
    """
    # the font's own modification time, not the clock: the same request gives the same bytes
    with TTFont(fontfile, fontNumber=fontfile.face_index, lazy=True, recalcTimestamp=False) as font:
        if "CFF " not in font:
            with _ORIGINAL_SUBSET(fontfile, glyphs) as subset:
                yield subset
            return
        keep = sorted({0, *glyphs})  # .notdef first, then the glyphs in their original order
        names = [".notdef" if gid == 0 else f"glyph{gid:05d}" for gid in keep]
        count = font["hhea"].numberOfHMetrics
        advances = np.frombuffer(font.reader["hmtx"], dtype=">u2", count=2 * count)[0::2]
        hmtx = newTable("hmtx")
        hmtx.metrics = {name: (int(advances[min(gid, count - 1)]), 0) for gid, name in zip(keep, names, strict=True)}
        outlines = _truetype_glyphs(fontfile, keep)
        for tag in [t for t in font.keys() if t not in (*_CFF_KEPT, "GlyphOrder")]:
            del font[tag]
        font["hmtx"] = hmtx
        font["name"].names = [n for n in font["name"].names if n.nameID <= 6 and n.langID == 0x409]
        font.setGlyphOrder(names)
        to_truetype(font, {name: outlines[gid] for gid, name in zip(keep, names, strict=True)})
        yield _backend_pdf_ps.SubsetResults(font, {gid: new for new, gid in enumerate(keep)})


def _install_truetype_subsetting() -> None:
    with _PATCH_LOCK:
        _backend_pdf_ps.get_glyphs_subset = _truetype_subset


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Matplotlib settings for drawing and saving a snapshot (``rc_params``), restored afterwards."""
    import matplotlib

    with matplotlib.rc_context(rc_params()):  # type: ignore[arg-type]  # keys are checked by matplotlib
        yield
