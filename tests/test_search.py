from __future__ import annotations

import pytest

from layers.search import POINT_PAD_DEG, search


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("武汉", "武汉市"),  # Chinese
        ("wuchang", "武昌区"),  # pinyin / English, any case
        ("Jiang'an", "江岸区"),  # apostrophes ignored
        ("jiangan", "江岸区"),
        ("420106", "武昌区"),  # code
        ("tianhe", "武汉天河机场"),  # a facility by its English name
        ("光谷", "光谷软件园"),
    ],
)
def test_search_finds_units_and_facilities(query, first):
    hits = search(query)
    assert hits and hits[0]["name_zh"] == first


def test_exact_matches_come_first_and_bounds_are_south_west_north_east():
    hits = search("武汉")
    assert hits[0]["kind"] == "unit" and hits[0]["detail"] == "prefecture"
    assert any(h["kind"] == "facility" for h in hits)
    (south, west), (north, east) = hits[0]["bounds"]
    assert 29 < south < north < 32 and 113 < west < east < 115.2
    airport = search("tianhe")[0]
    (s, w), (n, e) = airport["bounds"]
    assert n - s == pytest.approx(2 * POINT_PAD_DEG) and (w + e) / 2 == pytest.approx(114.20806)


def test_nothing_for_blank_or_unknown_and_no_unplaced_facility():
    assert search("  ") == [] and search("zzzz") == []
    assert search("武钢大数据") == []  # in the data, but its location is unknown: nowhere to fly to
    assert len(search("区", limit=5)) == 5
