"""Property-based tests (hypothesis): CRS conversions, classification, the code/name joiner, OGC query parameters.

Examples are derandomised (the same on every run, so never flaky) and few enough for a
2-core CI machine; the strategies lean towards the edges (box borders, ties, huge numbers).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape
from test_classify import assert_labels_hold_values

from app.export import files as export
from app.export import ogc, ogc_params
from geo import boundaries, crs
from layers import classify, user_indicators

QUICK = settings(max_examples=60, deadline=None, derandomize=True, database=None)
SLOW = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- CRS ---------------------------------------------------------------------------------------
HUBEI = (108.3, 29.0, 116.2, 33.3)
CHINA = (73.5, 18.0, 135.0, 53.5)  # mainland China's extent, inside the box GCJ-02 applies to


def _points(box: tuple[float, float, float, float]) -> st.SearchStrategy[tuple[float, float]]:
    return st.tuples(
        st.floats(box[0], box[2], allow_nan=False, allow_infinity=False),
        st.floats(box[1], box[3], allow_nan=False, allow_infinity=False),
    )


def _metres(dlon: float, dlat: float, lat: float) -> float:
    return math.hypot(dlon * 111_320 * math.cos(math.radians(lat)), dlat * 110_574)


@QUICK
@given(st.one_of(_points(HUBEI), _points(CHINA)))
def test_gcj02_inverse_undoes_the_forward_shift(point):
    lon, lat = point
    g_lon, g_lat = crs.wgs84_to_gcj02(lon, lat)
    assert 1 < _metres(float(g_lon) - lon, float(g_lat) - lat, lat) < 1_000  # GCJ-02 moves points by metres
    w_lon, w_lat = crs.gcj02_to_wgs84(g_lon, g_lat)
    assert _metres(float(w_lon) - lon, float(w_lat) - lat, lat) < 1e-5  # well under a millimetre


@QUICK
@given(
    st.one_of(
        st.tuples(st.floats(-180, 72.0), st.floats(-90, 90)),
        st.tuples(st.floats(137.9, 180), st.floats(-90, 90)),
        st.tuples(st.floats(-180, 180), st.floats(56.0, 90)),
        st.tuples(st.floats(-180, 180), st.floats(-90, 0.8)),
    )
)
def test_points_outside_china_pass_through_gcj02_unchanged(point):
    lon, lat = point
    assert not crs.in_china_box(lon, lat)
    assert tuple(map(float, crs.wgs84_to_gcj02(lon, lat))) == (lon, lat)
    assert tuple(map(float, crs.gcj02_to_wgs84(lon, lat))) == (lon, lat)


@QUICK
@given(st.floats(106.5, 118.5))
def test_gauss_kruger_zone_is_the_nearest_central_meridian(lon):
    epsg = crs.gk_zone_epsg(lon)
    meridian = crs.CGCS2000_GK_ZONES[epsg]
    assert abs(meridian - lon) <= 1.5
    assert all(abs(meridian - lon) <= abs(other - lon) for other in crs.CGCS2000_GK_ZONES.values())


@QUICK
@given(st.one_of(st.floats(-180, 106.49), st.floats(118.51, 180)))
def test_no_gauss_kruger_zone_far_from_hubei(lon):
    with pytest.raises(ValueError, match="outside the CGCS2000 3-degree zones"):
        crs.gk_zone_epsg(lon)


@SLOW
@given(_points(HUBEI), st.sampled_from(sorted(export.CRS_CHOICES)))
def test_every_export_crs_round_trips_over_hubei(point, choice):
    """``export.reproject`` to any offered CRS and back lands within a millimetre."""
    lon, lat = point
    frame = gpd.GeoDataFrame({"feature_id": ["p"]}, geometry=[shapely.Point(lon, lat)], crs=crs.WGS84)
    out, label = export.reproject(frame, choice)
    x, y = out.geometry.iloc[0].x, out.geometry.iloc[0].y
    if label == "GCJ-02":
        back_lon, back_lat = (float(v) for v in crs.gcj02_to_wgs84(x, y))
    else:
        back = out.to_crs(crs.WGS84).geometry.iloc[0]
        back_lon, back_lat = back.x, back.y
        if label == f"EPSG-{crs.gk_zone_epsg(lon)}":  # the point's own Gauss-Kruger zone: within its 3 degrees
            assert abs(x - 500_000) < 150_000 and 3_200_000 < y < 3_700_000
    assert _metres(back_lon - lon, back_lat - lat, lat) < 1e-3


# --- classification ----------------------------------------------------------------------------
# Indicator magnitudes: 0 or 1e-9..1e9 either sign. (Below about 1e-200 mapclassify's Fisher-Jenks returns
# unsorted breaks; no indicator is that small.)
finite = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False).filter(lambda v: v == 0 or abs(v) >= 1e-9)
missing = st.sampled_from([None, float("nan"), float("inf"), float("-inf")])


def _check_classes(values: list, cls: classify.Classification) -> None:
    nums = np.array([v if v is not None else np.nan for v in values], dtype=float)
    present = np.isfinite(nums)
    idx = cls.class_index(values)
    assert list(cls.breaks) == sorted(cls.breaks)
    assert ((idx >= 0) & (idx < cls.k))[present].all()  # every value in exactly one class ...
    assert (idx[~present] == -1).all()  # ... and no data in none
    assert cls.no_data_count == int((~present).sum())
    assert sum(b.count for b in cls.bins) == int(present.sum())
    assert [b.count for b in cls.bins] == np.bincount(idx[present], minlength=cls.k).tolist()
    assert len({b.label_zh for b in cls.bins}) == cls.k == len(cls.colors)
    upper = np.array(cls.breaks)[idx[present]]
    assert (nums[present] <= upper).all() or cls.scheme == "user_defined"
    assert_labels_hold_values(values, cls)  # every value lies within its class's shown range


@QUICK
@given(
    st.lists(st.one_of(finite, missing), min_size=1, max_size=40),
    st.sampled_from(["quantiles", "natural_breaks", "equal_interval"]),
    st.integers(*classify.K_RANGE),
)
@example([0.0], "natural_breaks", 2)  # mapclassify refuses k > distinct values
@example([5.0, 5.0, None], "equal_interval", 3)  # ... and equal intervals of one value
@example([1.0, 1.0, 1.0, 1.0, 2.0], "natural_breaks", 4)
def test_classification_puts_every_value_in_one_class(values, scheme, k):
    assume(any(v is not None and math.isfinite(v) for v in values))
    cls = classify.classify(values, scheme=scheme, k=k)
    _check_classes(values, cls)
    assert cls.k <= k
    distinct = len({v for v in values if v is not None and math.isfinite(v)})
    if cls.k < k:  # fewer classes than asked for is said, with the reason
        assert cls.note_en is not None and f"{k} classes requested, {cls.k} formed" in cls.note_en
        assert f"{distinct} distinct values" in cls.note_en
    else:
        assert cls.note_en is None


@QUICK
@given(finite, st.integers(1, 30), st.integers(*classify.K_RANGE))
def test_a_constant_array_forms_one_class_and_says_so(value, n, k):
    cls = classify.classify([value] * n, scheme="quantiles", k=k)
    assert cls.k == 1 and cls.bins[0].count == n
    assert cls.note_en is not None and "1 distinct values" in cls.note_en


@QUICK
@given(st.lists(finite, min_size=1, max_size=30), st.lists(finite, min_size=1, max_size=6, unique=True))
@example([0.0], [-1.0])  # breaks below every value: an empty first class, labels still distinct
@example([0.0], [-0.5])
@example([0.0], [-999999950.5, -999999950.0])  # bounds that differ in the 10th significant digit
def test_user_breaks_are_honoured(values, breaks):
    breaks = sorted(breaks)
    cls = classify.classify(values, scheme="user_defined", breaks=breaks)
    _check_classes(values, cls)
    assert list(cls.breaks[: len(breaks)]) == breaks
    for value, i in zip(values, cls.class_index(values), strict=True):
        expected = next((j for j, b in enumerate(breaks) if value <= b), len(cls.breaks) - 1)
        assert i == min(expected, cls.k - 1)


@QUICK
@given(st.lists(st.one_of(missing, st.just("n/a")), min_size=1, max_size=10))
def test_no_numeric_value_is_refused(values):
    with pytest.raises(ValueError, match="no unit has a numeric value"):
        classify.classify(values)


# --- the code/name joiner ----------------------------------------------------------------------
UNITS = {
    level: boundaries.units(level)[["code", "name_zh"]].to_records(index=False).tolist()
    for level in ("prefecture", "county")
}
SPACES = ["", " ", "  ", "\t", "\u3000"]  # \u3000: the full-width space of Chinese input methods


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def _unit_cells(draw: st.DrawFn, level: str) -> tuple[str, str, str]:
    """A real unit and how someone might type it: (code, code cell, name cell); one of the cells empty."""
    code, name = draw(st.sampled_from(UNITS[level]))
    pad = draw(st.sampled_from(SPACES)), draw(st.sampled_from(SPACES))
    by = draw(st.sampled_from(["code", "full-width code", "code.0", "name", "short name"]))
    if by.endswith("name"):
        typed = user_indicators._SUFFIX.sub("", name) if by == "short name" else name
        return code, "", pad[0] + typed + pad[1]
    typed = {"code": code, "full-width code": _full_width(code), "code.0": f"{code}.0"}[by]
    return code, pad[0] + typed + pad[1], ""


def _table(rows: list[tuple[str, str, str]], encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "value"])
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


@SLOW
@given(st.data(), st.sampled_from(["prefecture", "county"]), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_every_way_of_writing_a_unit_joins_to_it(data, level, encoding):
    picked = data.draw(st.lists(_unit_cells(level), min_size=1, max_size=12, unique_by=lambda c: c[0]))
    values = data.draw(st.lists(finite, min_size=len(picked), max_size=len(picked)))
    rows = [(code_cell, name_cell, repr(v)) for (_, code_cell, name_cell), v in zip(picked, values, strict=True)]
    parsed = user_indicators.parse_table(_table(rows, encoding), level=level, name="t.csv")
    assert parsed.ok, parsed.problems
    assert parsed.values is not None
    assert parsed.values["code"].tolist() == [code for code, _, _ in picked]  # row order kept, each to its unit
    assert parsed.values["value"].tolist() == values


@SLOW
@given(st.data(), st.sampled_from(["prefecture", "county"]))
def test_two_rows_never_join_one_unit_silently(data, level):
    first = data.draw(_unit_cells(level))
    second = data.draw(_unit_cells(level).filter(lambda c: c[0] == first[0]) | st.just(first))
    others = data.draw(st.lists(_unit_cells(level), max_size=5, unique_by=lambda c: c[0]))
    rows = [cells for cells in others if cells[0] != first[0]]
    position = data.draw(st.integers(0, len(rows)))
    rows.insert(position, first)
    rows.append(second)
    parsed = user_indicators.parse_table(_table([(c, n, "1") for _, c, n in rows], "utf-8"), level=level, name="t.csv")
    assert not parsed.ok and parsed.values is None
    assert f"t.csv, row {len(rows)}: unit {first[0]} already given in row {position + 1}" in parsed.problems


@QUICK
@given(st.from_regex(r"\A[0-9]{6}\Z"), st.sampled_from(["prefecture", "county"]))
def test_unknown_codes_are_always_refused(code, level):
    assume(code not in {c for c, _ in UNITS[level]})
    parsed = user_indicators.parse_table(_table([(code, "", "1")], "utf-8"), level=level, name="t.csv")
    assert parsed.problems == [f"t.csv, row 1, field 'code': {code!r} is not a {level}-level Hubei code"]


@QUICK
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8))
def test_a_name_joins_only_to_a_unit_it_names(name):
    parsed = user_indicators.parse_table(_table([("", name, "1")], "utf-8"), name="t.csv")
    cleaned = unicodedata.normalize("NFKC", name).strip()
    exact = {n: c for c, n in UNITS["prefecture"]}
    short = {user_indicators._SUFFIX.sub("", n): c for c, n in UNITS["prefecture"]}
    expected = exact.get(cleaned) or short.get(cleaned) or short.get(user_indicators._SUFFIX.sub("", cleaned))
    if not cleaned:
        assert parsed.problems == ["t.csv, row 1: no code or name"]
    elif expected:
        assert parsed.ok and parsed.values is not None and parsed.values["code"].tolist() == [expected]
    else:
        assert not parsed.ok and any("matches no prefecture-level unit" in p for p in parsed.problems)


# --- the OGC API query parameters --------------------------------------------------------------
ITEMS = "/ogc/collections/{}/items"
safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
number_text = st.one_of(
    finite.map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "", " ", "1_000", "١٢", "0x10", "1.5", "-0"]),
    safe_text,
)


@pytest.fixture(scope="module")
def client():
    from app.serve.server import create_app

    return create_app().server.test_client()


@st.composite
def _queries(draw: st.DrawFn) -> dict[str, str]:
    query: dict[str, str] = {}
    if draw(st.booleans()):
        numbers = draw(st.lists(number_text, min_size=0, max_size=6))
        if draw(st.booleans()):  # mostly plausible boxes, some inverted or beyond the world
            x0, x1 = draw(st.floats(100, 125)), draw(st.floats(100, 125))
            y0, y1 = draw(st.floats(20, 40)), draw(st.floats(20, 40))
            numbers = [repr(v) for v in (x0, y0, x1, y1)]
        query["bbox"] = ",".join(numbers)
    for name in ("limit", "offset"):
        if draw(st.booleans()):
            query[name] = draw(number_text)
    if draw(st.booleans()):
        query["f"] = draw(st.one_of(st.sampled_from(["json", "geojson", "html", "JSON", "xml", ""]), safe_text))
    taken = {p.name for p in ogc_params.ENDPOINTS["ogc.items"][1]}
    for key in draw(st.lists(safe_text.filter(lambda k: k not in taken), max_size=2)):
        query[key] = draw(safe_text)  # unknown parameters (datetime, properties, ...) are refused
    return query


@SLOW
@given(st.sampled_from(["computing", "counties", "quantum_lines"]), _queries())
def test_items_answer_200_or_400_never_500(client, collection, query):
    response = client.get(ITEMS.format(collection), query_string=query)
    assert response.status_code in (200, 400), response.data[:300]
    body = response.get_json()
    if response.status_code == 400:
        assert body["code"] == "InvalidParameterValue"
        if set(query) - {"bbox", "limit", "offset", "f"}:
            assert body["description"].startswith("unknown parameter"), body["description"]
            return
        named = [p for p in ("bbox", "limit", "offset", "f") if re.search(rf"\b{p} must\b", body["description"])]
        assert len(named) == 1 and named[0] in query, body["description"]
        return
    assert body["type"] == "FeatureCollection"
    assert not set(query) - {"bbox", "limit", "offset", "f"}, "an unknown parameter was accepted"
    limit = min(int(query["limit"]), ogc.PAGE_MAX) if "limit" in query else ogc.DEFAULT_LIMIT
    assert body["numberReturned"] == len(body["features"]) <= limit
    assert body["numberReturned"] <= body["numberMatched"]
    if "bbox" in query:
        box = shapely.box(*(float(v) for v in query["bbox"].split(",")))
        for feature in body["features"]:
            assert shapely.intersects(shape(feature["geometry"]), box.buffer(1e-6))  # 6-decimal rounding
