"""Normaliser and validator units, table-driven: the same DuckDB macros the importer runs."""
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from dangqun import privacy
from dangqun.ingest import normalise, write


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    privacy.install_macros(c)
    normalise.install(c)
    yield c
    c.close()


@pytest.mark.parametrize("text, expected", [
    ("2022/3/5 9:07", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022-03-05 09:07:00", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022-03-05 09:07", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022-03-05", dt.datetime(2022, 3, 5)),
    ("2022/03/05", dt.datetime(2022, 3, 5)),
    ("2022年3月5日", dt.datetime(2022, 3, 5)),
    ("2022年3月5日 9:07", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022-03-05T09:07:00", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022.3.5", dt.datetime(2022, 3, 5)),
    ("44625", dt.datetime(2022, 3, 5)),                      # Excel serial
    ("44625.38", dt.datetime(2022, 3, 5, 9, 7, 12)),         # serial with time of day
    ("  2022-03-05 09:07:00 ", dt.datetime(2022, 3, 5, 9, 7)),
    ("2022-02-30", None),                                    # impossible date
    ("2022-13-01", None),
    ("2021-02-29", None),
    ("12345", None),                                         # a number, not a plausible serial
    ("昨天", None),
    ("", None),
    (None, None),
])
def test_timestamps(con, text, expected):
    assert normalise.normalise_values(con, "timestamp", [text]) == [expected]


def test_dates(con):
    assert normalise.normalise_values(con, "date", ["2022年3月5日", "2022/3/5 9:07", "44625", "2022-02-30"]) == [
        dt.date(2022, 3, 5), dt.date(2022, 3, 5), dt.date(2022, 3, 5), None]


@pytest.mark.parametrize("text, expected", [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("y", True), ("n", False), ("1", True), ("0", False),
    ("true", True), ("FALSE", False), ("True", True), (" 是 ", True), ("yes", True), ("no", False),
    ("也许", None), ("2", None), ("", None), (None, None),
])
def test_yes_no(con, text, expected):
    assert normalise.normalise_values(con, "boolean", [text]) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", Decimal("1234.50")), ("12,345,678", Decimal("12345678.00")), ("2.2", Decimal("2.20")),
    ("1，234.5", Decimal("1234.50")), ("-5", Decimal("-5.00")), ("0", Decimal("0.00")),
    ("1,23", None), ("12,34,567", None), ("abc", None), ("", None),
])
def test_amounts(con, text, expected):
    assert normalise.normalise_values(con, "decimal", [text]) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("3", 3), ("3.0", 3), ("1,000", 1000), ("3.5", None), ("三", None), ("-2", -2), ("99999999999", None),
])
def test_integers(con, text, expected):
    assert normalise.normalise_values(con, "integer", [text]) == [expected]


@pytest.mark.parametrize("text, expected", [("1,200.5", 1200.5), ("85", 85.0), ("八十", None)])
def test_doubles(con, text, expected):
    assert normalise.normalise_values(con, "double", [text]) == [expected]


@pytest.mark.parametrize("cell, expected", [
    ("承诺时限（工作日）", "承诺时限(工作日)"),
    (" 承诺时限 (工作日) ", "承诺时限(工作日)"),
    ("承诺时限【工作日】", "承诺时限(工作日)"),
    ("\ufeff受理编号", "受理编号"),
    ("受 理 编 号", "受理编号"),
    ("受理编号\u3000", "受理编号"),
    ("*受理编号", "受理编号"),
    ("建筑面积（㎡）", "建筑面积(m2)"),
    ("建筑面积(m²)", "建筑面积(m2)"),
    ("是否24小时AB岗", "是否24小时ab岗"),
])
def test_header_normalisation(cell, expected):
    assert normalise.norm_header(cell) == expected


@pytest.mark.parametrize("headers, kind", [
    (["受理编号", "中心编码", "受理时间", "事项编码", "办理状态"], "service_records"),
    (["工单编号", "服务中心编码", "登记时间", "服务事项编码", "工单状态"], "service_records"),     # aliases
    ([" 受理编号 ", "中心编码", "受理时间", "事项编码", "办理状态", "承诺时限（工作日）"], "service_records"),
    (["中心编码", "中心名称", "区划代码", "中心类型", "建筑面积（㎡）"], "centers"),
    (["项目编号", "中心编码", "年度", "资金来源", "金额（万元）"], "funds"),
    (["活动编号", "中心编码", "活动日期", "活动类型"], "activities"),
])
def test_kind_from_headers(headers, kind):
    m, notes, message = normalise.detect(headers)
    assert m.kind.name == kind and message is None and notes == []
    assert not m.missing


def test_header_aliases_map_to_contract_columns():
    m, _, _ = normalise.detect(["工单编号", "中心编码", "受理时间", "事项编码", "状态", "承诺时限（工作日）", "手机号"])
    assert {c.name for c in m.columns.values()} == {
        "record_id", "center_id", "received_at", "item_code", "status", "promised_days", "phone"}


def test_declared_kind_that_does_not_fit_is_overruled_with_a_note():
    m, notes, _ = normalise.detect(["活动编号", "中心编码", "活动日期", "活动类型"], declared="funds")
    assert m.kind.name == "activities"
    assert notes == ["指定的类型「资金投入」与表头不符，已按表头识别为「活动记录」"]


def test_missing_required_column_message_names_it_and_the_nearest_header():
    m, _, message = normalise.detect(["受理编号", "中心编码", "受理日期", "事项编码", "办理状态"])
    assert m is None
    assert message == "表头不完整，按「服务记录」缺少必填列：受理时间（文件中最接近的表头：受理日期）"


@pytest.mark.parametrize("name, phone", [("张三", "13812345678"), ("欧阳娜娜", "138 1234 5678"), ("", "13812345678"),
                                         ("李四", None), (None, None), ("王", "+86-138-1234-5678")])
def test_sql_hash_and_masks_equal_the_python_reference(con, name, phone):
    digits = "regexp_replace($p, '\\D', '', 'g')"
    sql = write.hash_sql("pepper", True, True).replace("s.t_resident_name", "$n").replace("s.phone_digits", digits)
    got = con.execute(f"select {sql.rsplit(' as ', 1)[0]}, mask_name($n), mask_phone($p)", {"n": name, "p": phone}).fetchall()[0]
    assert got == (privacy.resident_hash("pepper", name, phone), privacy.mask_name(name), privacy.mask_phone(phone))
