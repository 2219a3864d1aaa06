from __future__ import annotations

import math

import mapclassify
import numpy as np
import pytest

from layers import choropleth, classify, palettes

VALUES = [3.0, 7.0, 8.0, 12.0, 15.0, 21.0, 22.0, 40.0, 55.0, 90.0, None, float("nan")]
PRESENT = np.array([v for v in VALUES if v is not None and v == v])


@pytest.mark.parametrize(
    ("scheme", "reference"),
    [
        ("quantiles", mapclassify.Quantiles(PRESENT, k=4)),
        ("natural_breaks", mapclassify.FisherJenks(PRESENT, k=4)),
        ("equal_interval", mapclassify.EqualInterval(PRESENT, k=4)),
    ],
)
def test_breaks_and_counts_match_mapclassify(scheme, reference):
    cls = classify.classify(VALUES, scheme=scheme, k=4)
    assert cls.breaks == pytest.approx(tuple(reference.bins))
    assert [b.count for b in cls.bins] == list(reference.counts)
    assert cls.no_data_count == 2
    assert cls.k == 4 and cls.note_en is None


def test_labels_are_exact_and_readable():
    cls = classify.classify(VALUES, scheme="equal_interval", k=4)  # whole numbers: classes (a, b] read a+1 – b
    assert [b.label_zh for b in cls.bins] == ["3 – 24", "25 – 46", "47 – 68", "69 – 90"]
    cls = classify.classify([v / 10 for v in PRESENT], scheme="equal_interval", k=4)
    assert [b.label_zh for b in cls.bins] == ["0.300 – 2.47", "2.47 – 4.65", "4.65 – 6.82", "6.82 – 9.00"]
    big = classify.classify([40.8, 1014.0, 2109.0, 20012.0], scheme="quantiles", k=2)
    assert [b.label_en for b in big.bins] == ["40.8 – 1,560", "1,560 – 20,100"]  # 20,000 would cut Wuhan off


def test_whole_numbers_get_whole_number_labels():
    cls = classify.classify([0, 0, 0, 1, 1, 3, 16], scheme="quantiles", k=5)
    # mapclassify's quantile breaks 0, 0.4, 1, 2.6, 16: (0, 0.4] can hold no whole number and is dropped
    assert [b.label_zh for b in cls.bins] == ["0", "1", "2", "3 – 16"]
    assert [b.count for b in cls.bins] == [3, 2, 0, 2]
    assert cls.note_en.startswith("5 classes requested, 4 formed")


def test_fewer_classes_than_requested_is_said():
    cls = classify.classify([1, 1, 1, 2, 2, 5], scheme="quantiles", k=5)
    assert cls.k < 5
    assert cls.note_en.startswith(f"5 classes requested, {cls.k} formed")
    assert "3 distinct values" in cls.note_en and "请求 5 类" in cls.note_zh


def test_class_index_and_colours():
    cls = classify.classify(VALUES, scheme="quantiles", k=4, palette="viridis")
    idx = cls.class_index(VALUES)
    assert idx.tolist()[-2:] == [-1, -1]
    assert idx[:10].min() == 0 and idx.max() == 3
    # a value equal to an upper bound belongs to that class (mapclassify's x <= bin)
    assert cls.class_index([cls.breaks[0]]).tolist() == [0]
    assert cls.colors == tuple(palettes.colors("viridis", 4))
    assert cls.colors_for([None])[0] == palettes.NO_DATA_COLOR


def test_user_defined_breaks():
    cls = classify.classify(VALUES, scheme="user_defined", breaks=[10, 50])
    assert cls.breaks == (10.0, 50.0, 90.0)  # mapclassify closes the last class at the maximum
    assert [b.count for b in cls.bins] == [3, 5, 2]
    with pytest.raises(ValueError, match="ascending breaks"):
        classify.classify(VALUES, scheme="user_defined", breaks=[50, 10])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"scheme": "jenks"}, "unknown scheme"), ({"k": 1}, "2-9"), ({"k": 12}, "2-9")],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify.classify(VALUES, **kwargs)


def test_no_values_at_all():
    with pytest.raises(ValueError, match="no unit has a numeric value"):
        classify.classify([None, "x"])


def test_categories():
    cls = classify.classify_categories(
        ["core", "wing", "wing", None, "other"], ["core", "wing", "support"], colors={"core": "#D55E00"}
    )
    assert [b.count for b in cls.bins] == [1, 2, 0]
    assert cls.no_data_count == 2
    assert cls.bins[0].color == "#D55E00"
    assert cls.class_index(["wing", "other", None]).tolist() == [1, -1, -1]


# --- legends whose ranges hold their values ------------------------------------------------------
def shown_range(label: str) -> tuple[float, float]:
    """The range a legend label states: ``a – b`` or one number."""
    parts = [float(p.replace(",", "")) for p in label.split(" – ")]
    return parts[0], parts[-1]


def assert_labels_hold_values(values, cls: classify.Classification) -> None:
    """Each value lies in its class's shown range; a value in two ranges only on a user's break, with the note."""
    nums = np.array([v if v is not None else np.nan for v in values], dtype=float)
    ranges = [shown_range(b.label_en) for b in cls.bins]
    assert [r[0] for r in ranges] == sorted(r[0] for r in ranges)
    assert all(lo <= hi for lo, hi in ranges)
    for value, i in zip(nums, cls.class_index(values), strict=True):
        if not math.isfinite(value):
            continue
        lo, hi = ranges[i]
        assert lo <= value <= hi, (value, cls.bins[i].label_en)
        others = [b.label_en for j, b in enumerate(cls.bins) if j != i and ranges[j][0] <= value <= ranges[j][1]]
        if others:  # a value on a shared bound (a user's break, or two neighbouring floats): the note says where
            assert value in (ranges[i][1], ranges[i][0]), (value, others)
            assert classify.BOUND_NOTE[1] in (cls.note_en or "") and classify.BOUND_NOTE[0] in (cls.note_zh or "")
    if cls.bins:
        present = nums[np.isfinite(nums)]
        assert ranges[0][0] <= present.min() and ranges[-1][1] >= present.max()


# GDP 2023 (亿元) of the 16 prefectures with a figure; Wuhan as its 2023 bulletin gives it.
GDP_2023 = [20011.65, 2109, 2359, 5756, 5843, 1266, 2272, 2920, 3151, 2885, 1819, 1331, 1014.33, 904.92, 712.17, 40.8]


@pytest.mark.parametrize(
    ("scheme", "breaks", "labels"),
    [  # before: "40.8 – 1,010" (holds 1,014.33), "2,360 – 3,150" (holds 3,151), "3,150 – 20,000" (holds 20,011.65)
        ("quantiles", None, ["40.8 – 1,020", "1,020 – 1,820", "1,820 – 2,360", "2,360 – 3,160", "3,160 – 20,100"]),
        ("natural_breaks", None, ["40.8 – 1,340", "1,340 – 2,360", "2,360 – 3,160", "3,160 – 5,850", "5,850 – 20,100"]),
        (
            "equal_interval",
            None,
            ["40.8 – 4,030", "4,030 – 8,030", "8,030 – 12,000", "12,000 – 16,000", "16,000 – 20,100"],
        ),
        ("user_defined", [1000, 2000, 5000], ["40.8 – 1,000", "1,000 – 2,000", "2,000 – 5,000", "5,000 – 20,100"]),
        # a user's break is rounded like the others where that cuts no value: 2,110 is above Huangshi's 2,109
        ("user_defined", [1000, 2109, 5000], ["40.8 – 1,000", "1,000 – 2,110", "2,110 – 5,000", "5,000 – 20,100"]),
    ],
)
def test_gdp_2023_legend_ranges_hold_their_values(scheme, breaks, labels):
    cls = classify.classify(GDP_2023, scheme=scheme, k=5, breaks=breaks)
    assert [b.label_en for b in cls.bins] == labels
    assert_labels_hold_values(GDP_2023, cls)
    assert cls.note_en is None


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shipped_gdp_legend_holds_its_values(scheme, lang):
    """The one legend of map, print and HTML: from choropleth(), on the data as shipped."""
    chosen = choropleth.choropleth("gdp_2023", scheme=scheme, lang=lang)
    values = chosen.table["value"].tolist()
    assert_labels_hold_values(values, chosen.classification)
    entries = [e for e in chosen.legend.entries if not e.no_data]
    assert [e.label for e in entries] == [b.label(lang) for b in chosen.classification.bins]
    wuhan = chosen.table.set_index("code").loc["420100"]
    lo, hi = shown_range(entries[int(wuhan["class"])].label)
    assert lo <= wuhan["value"] <= hi


@pytest.mark.parametrize(
    ("values", "kwargs", "labels"),
    [
        # a natural break on a round value is moved off it: 1,500 is in one range only
        ([1400.5, 1500.0, 2400.5, 2500.5], {"scheme": "natural_breaks", "k": 2}, ["1,400 – 1,510", "1,510 – 2,510"]),
        # values that differ in the 5th figure: the precision widens until the ranges tell them apart
        ([1000.1, 1000.2, 1000.4, 1000.6], {"scheme": "quantiles", "k": 2}, ["1,000.1 – 1,000.3", "1,000.3 – 1,000.6"]),
        # a float stored just below its decimal (40.8) is not shown rounded down to 40.7
        ([40.8, 50.1], {"scheme": "equal_interval", "k": 2}, ["40.8 – 45.5", "45.5 – 50.1"]),
        # negative values round outward too; the break on -5.55 is moved up off it
        ([-12.34, -5.55, 3.21], {"scheme": "quantiles", "k": 2}, ["-12.4 – -5.54", "-5.54 – 3.21"]),
        # one value in the first class: a range that holds it, and no shared bound on it
        ([1.05, 5.25, 6.35], {"scheme": "natural_breaks", "k": 3}, ["1.05 – 1.06", "1.06 – 5.26", "5.26 – 6.35"]),
        # a user's break below every value: an empty first class that reads as the break
        ([0.5, 2.5], {"scheme": "user_defined", "breaks": [-1]}, ["-1.00", "-1.00 – 2.50"]),
        # a user's break with more figures is rounded where that cuts no value ...
        ([0.25, 3.5, 9.75], {"scheme": "user_defined", "breaks": [1.2345]}, ["0.250 – 1.23", "1.23 – 9.75"]),
        # ... and with more figures where it would
        (
            [0.25, 1.234, 1.2346],
            {"scheme": "user_defined", "breaks": [1.2345]},
            ["0.25000 – 1.2345", "1.2345 – 1.2346"],
        ),
        # a value on a user's round break: the break is shown as given, and the note says which range holds the value
        ([0.5, 2.0, 3.5], {"scheme": "user_defined", "breaks": [2]}, ["0.500 – 2.00", "2.00 – 3.50"]),
    ],
)
def test_legend_ranges_in_hand_cases(values, kwargs, labels):
    cls = classify.classify(values, **kwargs)
    assert [b.label_en for b in cls.bins] == labels
    assert_labels_hold_values(values, cls)
    assert (cls.note_en == classify.BOUND_NOTE[1]) == (values == [0.5, 2.0, 3.5])


def test_maps_that_share_breaks_share_their_labels():
    """A comparison classes two years with one set of breaks; with both years' values, both legends read the same."""
    first, second = [40.8, 904.92, 1014.33, 1266.0, 5843.0], [35.6, 880.0, 1012.0, 1201.0, 5400.0]
    breaks = list(classify.classify(first + second, scheme="quantiles", k=3).breaks)
    alone = [classify.classify(v, scheme="user_defined", breaks=breaks) for v in (first, second)]
    shared = [
        classify.classify(v, scheme="user_defined", breaks=breaks, legend_values=first + second)
        for v in (first, second)
    ]
    for values, cls in zip((first, second), [*alone, *shared], strict=False):
        assert_labels_hold_values(values, cls)
    # alone, the break 1,201 reads 1,200 in the first (no value there) and 1,210 in the second (which holds 1,201)
    assert [b.label_en for b in alone[0].bins] != [b.label_en for b in alone[1].bins]
    assert [b.label_en for b in shared[0].bins] == [b.label_en for b in shared[1].bins]
    assert [b.count for b in shared[0].bins] == [b.count for b in alone[0].bins]


def test_the_scheme_ids_known_without_mapclassify_are_the_schemes():
    """The snapshot request checks schemes against `layers.choices` so a layout map never imports mapclassify."""
    from layers import choices

    assert choices.SCHEME_IDS == tuple(classify.SCHEMES)
