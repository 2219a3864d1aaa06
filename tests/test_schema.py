from __future__ import annotations

import pytest
from pydantic import ValidationError

from geo.datafiles import DataFileError
from layers import schema

FACILITY_HEADER = (
    "id,name_zh,name_en,group,category,operator_zh,prefecture_code,district_code,precision,lon,lat,status,"
    "status_date,capacity_racks,capacity_pflops,plan_article,source_ids,confidence,note"
)
GOOD = ",".join(
    [
        "dc-a",
        "甲数据中心",
        "A data centre",
        "computing",
        "data_centre",
        "",
        "420100",
        "420112",
        "district",
        "",
        "",
        "operating",
        "2021-05",
        "",
        "100",
        "19",
        "PLAN;F01",
        "M",
        "",
    ]
)


def _csv(tmp_path, *rows: str, header: str = FACILITY_HEADER, name: str = "facilities.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def test_good_rows_load_with_typed_values(tmp_path):
    frame = schema.read_table(_csv(tmp_path, GOOD), "facility")
    row = frame.iloc[0]
    assert row["source_ids"] == ["PLAN", "F01"]
    assert row["capacity_pflops"] == 100.0 and row["status_date"] == "2021-05"
    assert row["district_code"] == "420112" and row["lon"] is None


def test_a_bom_is_tolerated(tmp_path):
    path = _csv(tmp_path, GOOD, encoding="utf-8-sig")
    assert len(schema.read_table(path, "facility")) == 1


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (GOOD.replace(",district,", ",site,"), "(row)", "needs lon and lat"),
        (GOOD.replace("420112,district,,,", "420112,district,114.3,30.6,"), "(row)", "lon/lat given"),
        (GOOD.replace(",district,,,", ",site,30.6,214.3,"), "lat", "swapped"),
        (GOOD.replace(",district,,,", ",site,-214.3,30.6,"), "lon", "longitude in -180..180"),
        (GOOD.replace(",100,", ",-100,"), "capacity_pflops", ">= 0"),
        (GOOD.replace("420100", "4201"), "prefecture_code", "6-digit"),
        (GOOD.replace(",operating,", ",finished,"), "status", "'operating'"),
        (GOOD.replace("2021-05", "2021-13"), "status_date", "date"),
        (GOOD.replace(",19,", ",28,"), "plan_article", "less than or equal to 27"),
        (GOOD.replace("PLAN;F01", ""), "source_ids", "at least 1"),
        (GOOD.replace("PLAN;F01", "plan"), "source_ids", "source ids"),
        (GOOD.replace(",100,", ",inf,"), "capacity_pflops", "finite"),
        (GOOD.replace(",100,", ",lots,"), "capacity_pflops", "valid number"),
        (GOOD.replace("dc-a", "DC A"), "id", "pattern"),
        (GOOD + ",extra", None, "20 cell(s) but the header has 19"),
        (GOOD.rsplit(",", 2)[0], None, "17 cell(s) but the header has 19"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, row, field, words):
    path = _csv(tmp_path, GOOD.replace("dc-a", "dc-0"), row)
    with pytest.raises(DataFileError) as err:
        schema.read_table(path, "facility")
    message = str(err.value)
    assert message.startswith(f"{path}, row 2" + (f", field '{field}'" if field else ":"))
    assert words in message


def test_every_bad_row_is_counted_and_nothing_is_returned(tmp_path):
    bad = GOOD.replace("420100", "x")
    with pytest.raises(DataFileError, match=r"row 1, .*\(2 more bad row\(s\)\)"):
        schema.read_table(_csv(tmp_path, bad, bad.replace("dc-a", "dc-b"), bad.replace("dc-a", "dc-c")), "facility")


def test_duplicate_ids_and_unknown_columns(tmp_path):
    with pytest.raises(DataFileError, match=r"row 2, field 'id': duplicate id \('dc-a',\)"):
        schema.read_table(_csv(tmp_path, GOOD, GOOD), "facility")
    with pytest.raises(DataFileError, match=r"field 'colour': unknown column"):
        schema.read_table(_csv(tmp_path, GOOD + ",red", header=FACILITY_HEADER + ",colour"), "facility")


def test_wrong_encoding_and_missing_file(tmp_path):
    path = _csv(tmp_path, GOOD, encoding="gbk")
    with pytest.raises(DataFileError, match="not UTF-8"):
        schema.read_table(path, "facility")
    with pytest.raises(DataFileError, match="file not found"):
        schema.read_table(tmp_path / "nope.csv", "facility")


def test_metro_member_required_only_when_published(tmp_path):
    header = "circle,circle_zh,circle_en,member_code,extent_status,plan_article,source_ids,note"
    ok = schema.read_table(
        _csv(tmp_path, "xiangyang,襄阳都市圈,Xiangyang circle,,not_published,3,PLAN,", header=header, name="m.csv"),
        "metro_circle",
    )
    assert ok.iloc[0]["member_code"] is None
    with pytest.raises(DataFileError, match="member_code is required"):
        schema.read_table(
            _csv(tmp_path, "wuhan,武汉都市圈,Wuhan circle,,published,3,PLAN,", header=header, name="m.csv"),
            "metro_circle",
        )


def test_sources_need_an_address(tmp_path):
    header = "source_id,title,publisher,date,url,read_at,confidence,note"
    with pytest.raises(DataFileError, match="url or read_at"):
        schema.read_table(_csv(tmp_path, "F01,标题,出版者,2022-10-19,,,M,", header=header, name="s.csv"), "source")


TARGET = {
    "target_id": "T-x",
    "plan_article": 18,
    "indicator_zh": "5G基站",
    "indicator_en": "5G base stations",
    "comparator": ">=",
    "value": 120000,
    "unit": "个",
    "target_date": "2024-12-31",
    "measure": "stock",
    "source_ids": "PLAN",
}
ACTUAL = {
    "target_id": "T-x",
    "date": "2024-10-31",
    "value": "163800",
    "unit": "个",
    "period": "point",
    "status_use": "yes",
    "plan_article": 18,
    "source_ids": "T02",
    "confidence": "H",
}


@pytest.mark.parametrize(
    ("model", "row", "words"),
    [
        (schema.TargetRow, TARGET | {"measure": "annual"}, "has no target_date"),
        (schema.TargetRow, TARGET | {"target_date": ""}, "needs one"),
        (schema.TargetRow, TARGET | {"measure": "growth", "unit": "%"}, "needs base_date"),
        (schema.TargetRow, TARGET | {"series_target": "T-y"}, "only for measure 'growth'"),
        (schema.TargetRow, TARGET | {"measure": "level"}, "'stock'"),
        (schema.TargetRow, TARGET | {"base_date": "2025"}, "before target_date"),
        (schema.ActualRow, ACTUAL | {"status_use": "no"}, "say"),
        (schema.ActualRow, ACTUAL | {"period": "ytd", "date": "2024"}, "months"),
        (schema.ActualRow, ACTUAL | {"period": "month"}, "'point'"),
    ],
)
def test_target_and_actual_rules(model, row, words):
    with pytest.raises(ValidationError, match=words):
        model.model_validate(row)


def test_good_target_and_actual_rows():
    growth = TARGET | {"measure": "growth", "unit": "%", "base_date": "2021", "series_target": "T-y"}
    assert schema.TargetRow.model_validate(growth).base_date == "2021"
    assert schema.ActualRow.model_validate(ACTUAL | {"status_use": "no", "note": "macro only"}).value == 163800
