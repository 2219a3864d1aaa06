from __future__ import annotations

import mapclassify
import numpy as np
import pytest

from layers import classify, palettes

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
    assert [b.label_en for b in big.bins] == ["40.8 – 1,560", "1,560 – 20,000"]


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
