"""CSV and XLSX downloads (dangqun.export)."""
import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from dangqun import export
from dangqun.export import XlsxTooLarge, download_name, escape_formula, to_csv_bytes, to_xlsx_bytes
from dangqun.periods import Period

BOM = b"\xef\xbb\xbf"


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "record_id": ["GD001", "=1+1", None, "张*"],
        "received": [120, -5, 0, 7],
        "response_rate": [0.9345, float("nan"), 1.0, 1 / 3],
        "is_proxy": [True, False, True, False],
        "received_at": pd.to_datetime(["2022-03-05 09:07:00", None, "2022-12-31 23:59:59",
                                       "2022-01-01 00:00:00"]),
        "opened_on": pd.to_datetime(["2022-03-05", "2021-12-31", None, "2024-02-29"]),
        "staff_count": pd.array([3, None, 0, 12], dtype="Int64"),
    })


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def test_csv_bom_header_and_line_ends():
    data = to_csv_bytes(_frame())
    assert data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8")
    assert text.split("\r\n")[0] == "受理编号,受理量,响应率,是否代办,受理时间,投用日期,专职人员数"
    assert text.count("\r\n") == 5 and text.count("\n") == 5   # header + 4 rows, CRLF only
    assert text.endswith("\r\n")


def test_csv_english_headers():
    first = to_csv_bytes(_frame(), lang="en")[len(BOM):].decode("utf-8").split("\r\n")[0]
    assert first == "Record ID,Cases received,Response rate,Proxy,Received at,Opened on,Full-time staff"


def test_csv_values_equal_the_frame():
    rows = _csv_rows(to_csv_bytes(_frame()))
    assert rows[1:] == [
        ["GD001", "120", "93.5%", "是", "2022-03-05 09:07:00", "2022-03-05", "3"],
        ["'=1+1", "-5", "", "否", "", "2021-12-31", ""],          # text escaped, number kept
        ["", "0", "100.0%", "是", "2022-12-31 23:59:59", "", "0"],
        ["张*", "7", "33.3%", "否", "2022-01-01 00:00:00", "2024-02-29", "12"],
    ]
    back = pd.read_csv(io.BytesIO(to_csv_bytes(_frame())), encoding="utf-8-sig")
    assert back["受理量"].tolist() == _frame()["received"].tolist()
    assert back["专职人员数"].tolist()[0] == 3


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+8613800001234", "'+8613800001234"),
    ("-5", "'-5"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("abc", "abc"),
    ("张*", "张*"),
    (" =1", " =1"),          # not at the start
    ("—", "—"),              # the dash of an empty ratio is not a minus
    ("", ""),
    ("a=b", "a=b"),
    (-5, -5),                # numbers stay numbers
    (None, None),
])
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


@pytest.mark.parametrize("dtype", ["str", object, "category"])
def test_csv_escapes_text_columns_of_any_dtype(dtype):
    values = ["=1+1", "+1", "-1", "@a", "\tx", "ok", None]
    df = pd.DataFrame({"handler": pd.Series(values, dtype=dtype)})
    rows = _csv_rows(to_csv_bytes(df))
    assert [r[0] for r in rows] == ["承办人", "'=1+1", "'+1", "'-1", "'@a", "'\tx", "ok", ""]


def test_csv_mixed_object_column():
    df = pd.DataFrame({"x": pd.Series(["=a", -3, True, Decimal("2512.36"), date(2022, 3, 5), None],
                                      dtype=object)})
    rows = _csv_rows(to_csv_bytes(df, lang="en"))
    assert [r[0] for r in rows] == ["x", "'=a", "-3", "Yes", "2512.36", "2022-03-05", ""]


def _read_xlsx(data: bytes, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()


def test_xlsx_round_trip():
    df = _frame()
    data = to_xlsx_bytes(df)
    rows = _read_xlsx(data)
    assert rows[0] == ["受理编号", "受理量", "响应率", "是否代办", "受理时间", "投用日期", "专职人员数"]
    assert len(rows) == len(df) + 1
    for i, row in enumerate(rows[1:]):
        src = df.iloc[i]
        assert row[0] == ("" if src["record_id"] is None or pd.isna(src["record_id"]) else src["record_id"])
        assert row[1] == src["received"]
        assert row[2] == ("" if pd.isna(src["response_rate"]) else src["response_rate"])   # full precision, shown as 0.0%
        assert row[3] == ("是" if src["is_proxy"] else "否")
        for col, value in (("received_at", row[4]), ("opened_on", row[5])):
            if pd.isna(src[col]):
                assert value == ""
            else:
                assert pd.Timestamp(value) == src[col], (i, col)
        assert row[6] == ("" if pd.isna(src["staff_count"]) else src["staff_count"])
    assert rows[2][0] == "=1+1"     # text, exactly as given, no quote needed in a text cell


def test_xlsx_writes_no_formulas_and_formats_dates():
    data = to_xlsx_bytes(_frame(), sheet_name="排名")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = z.read("xl/styles.xml").decode("utf-8")
    assert "<f>" not in sheet
    assert "yyyy-mm-dd hh:mm:ss" in styles and 'formatCode="yyyy-mm-dd"' in styles
    assert '<pane ySplit="1"' in sheet                     # header row frozen
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["排名"]


def test_xlsx_object_column_and_english():
    df = pd.DataFrame({
        "x": pd.Series(["=a", -3, True, Decimal("2512.36"), date(2022, 3, 5),
                        datetime(2022, 3, 5, 9, 7), None], dtype=object),
        "amount_wan": [1.5, 2.0, None, 3.25, 0.0, -1.0, 1e9],
    })
    rows = _read_xlsx(to_xlsx_bytes(df, lang="en"))
    assert rows[0] == ["x", "Amount (10k yuan)"]
    assert [r[0] for r in rows[1:]] == ["=a", -3.0, "Yes", 2512.36, date(2022, 3, 5),
                                        datetime(2022, 3, 5, 9, 7), ""]
    assert [r[1] for r in rows[1:]] == [1.5, 2.0, "", 3.25, 0.0, -1.0, 1e9]


def test_xlsx_empty_frame_and_timezones():
    rows = _read_xlsx(to_xlsx_bytes(pd.DataFrame({"received": pd.Series([], dtype="int64")})))
    assert rows == [["受理量"]]
    tz = pd.DataFrame({"received_at": pd.to_datetime(["2022-03-05 09:07"]).tz_localize("Asia/Shanghai")})
    assert _read_xlsx(to_xlsx_bytes(tz))[1] == [datetime(2022, 3, 5, 9, 7)]


@pytest.mark.parametrize("name, expected", [
    ("数据", "数据"),
    ("排名[2022]:一/二*?", "排名_2022__一_二__"),
    ("'引号'", "引号"),
    ("很长" * 20, "很长" * 15 + "很"),
    ("", "数据"),
])
def test_sheet_title(name, expected):
    assert export._sheet_title(name) == expected


def test_xlsx_too_large():
    rows = export.XLSX_MAX_ROWS + 1
    with pytest.raises(XlsxTooLarge) as err:
        to_xlsx_bytes(pd.DataFrame({"received": range(rows)}))
    assert str(err.value) == "数据共 1,048,576 行，超过 Excel 单表上限 1,048,575 行，请缩小范围或下载 CSV。"
    assert err.value.rows == 1_048_576
    assert "1,048,575 rows" in str(XlsxTooLarge(rows, "en"))


def test_xlsx_limit_boundary(monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)
    df = pd.DataFrame({"received": [1, 2, 3]})
    assert len(_read_xlsx(to_xlsx_bytes(df))) == 4          # exactly the limit: written
    with pytest.raises(XlsxTooLarge):
        to_xlsx_bytes(pd.DataFrame({"received": [1, 2, 3, 4]}))


@pytest.mark.parametrize("args, expected", [
    (("满意度排名", "csv", Period(date(2022, 1, 1), date(2022, 12, 31))),
     "满意度排名_2022-01-01_2022-12-31.csv"),
    (("满意度排名", ".XLSX", date(2022, 1, 1), date(2022, 12, 31)),
     "满意度排名_2022-01-01_2022-12-31.xlsx"),
    (("资金/投入:明细", "csv"), "资金_投入_明细.csv"),
    (("a<b>c\"d|e?f*g\\h", "csv"), "a_b_c_d_e_f_g_h.csv"),
    (("../../etc/passwd", "csv"), "_.._etc_passwd.csv"),
    (("排名\n换行\t", "csv"), "排名_换行_.csv"),
    (("CON", "csv"), "_CON.csv"),
    (("lpt1", "xlsx"), "_lpt1.xlsx"),
    (("排名 ", "xlsx", None), "排名.xlsx"),
    (("", "csv"), "data.csv"),
    (("...", "csv"), "data.csv"),
    (("明细", "csv", "东港市", 2022), "明细_东港市_2022.csv"),
])
def test_download_name(args, expected):
    assert download_name(*args) == expected


def test_nullable_dtypes_leave_missing_cells_empty():
    df = pd.DataFrame({"solved": pd.array([True, None, False], dtype="boolean"),
                       "amount_wan": pd.array([1.5, None, 2.25], dtype="Float64"),
                       "score": pd.array([5, None, 1], dtype="Int64")})
    assert _csv_rows(to_csv_bytes(df))[1:] == [["是", "1.50", "5"], ["", "", ""], ["否", "2.25", "1"]]
    assert _read_xlsx(to_xlsx_bytes(df))[1:] == [["是", 1.5, 5.0], ["", "", ""], ["否", 2.25, 1.0]]


def _page_like_frame() -> pd.DataFrame:
    """Columns as the queries name them, with the values an official saw unrounded in a download."""
    return pd.DataFrame({
        "month": pd.to_datetime(["2022-01-01", "2022-02-01"]),
        "year": [2022, 2022],
        "received": [16500.0, float("nan")],           # a count that became float next to a gap
        "response_rate": [0.9834519420389265, 0.5],
        "proxy_share": [0.0993, None],
        "composite_score": [92.81111206379147, 70.005],
        "amount_wan": [39992.5, 316000.0],
        "per_wan": [80.34567, 1.0],
        "median_hours": [12.345, 0.05],
    })


def test_csv_rounds_like_the_page():
    rows = _csv_rows(to_csv_bytes(_page_like_frame()))
    assert rows[0] == ["月份", "年度", "受理量", "响应率", "代办占比", "综合成绩", "金额(万元)", "每万元服务量",
                       "中位用时(小时)"]
    assert rows[1:] == [
        ["2022-01", "2022", "16500", "98.3%", "9.9%", "92.81", "39992.50", "80.35", "12.3"],
        ["2022-02", "2022", "", "50.0%", "", "70.01", "316000.00", "1.00", "0.1"],
    ]


def test_number_formats_by_name_and_values():
    df = _page_like_frame()
    got = {c: export.number_format(c, df[c]) for c in df.columns}
    assert got["month"] is None
    assert got["year"].excel == "0"
    assert got["received"].excel == "#,##0"
    assert got["response_rate"].excel == got["proxy_share"].excel == "0.0%"
    assert got["composite_score"].excel == "#,##0.00"
    assert got["amount_wan"].excel == "#,##0.00"        # money: always two decimals
    assert export.number_format("visits", pd.Series([3.0, None])).excel == "#,##0"   # whole numbers
    assert export.number_format("visits", pd.Series([1.5])).excel == "#,##0.00"
    assert got["median_hours"].excel == "#,##0.0"
    assert export.number_format("unit_name", pd.Series(["东港市"])) is None
    assert export.number_format("flagged_yellow", pd.Series([True])) is None
    assert export.number_format("satisfaction_rate", pd.Series(["93.5%"])) is None   # already as shown


def _cell_formats(data: bytes) -> dict[str, str]:
    """Cell reference → its number format code (the built-in 0 'General' where none is set)."""
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = z.read("xl/styles.xml").decode("utf-8")
    # Excel's built-in formats have no numFmt element
    codes = {"0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%"}
    codes |= dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
    cell_xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xf_fmt = [m for m in re.findall(r'<xf numFmtId="(\d+)"', cell_xfs)]
    out = {}
    for ref, style in re.findall(r'<c r="([A-Z]+\d+)"(?: s="(\d+)")?', sheet):
        fmt_id = xf_fmt[int(style)] if style else "0"
        out[ref] = codes.get(fmt_id, fmt_id).replace("&quot;", '"')
    return out


def test_xlsx_number_formats_look_like_the_page():
    data = to_xlsx_bytes(_page_like_frame())
    fmts = _cell_formats(data)
    assert [fmts[f"{col}2"] for col in "ABCDEFGHI"] == [
        "yyyy-mm", "0", "#,##0", "0.0%", "0.0%", "#,##0.00", "#,##0.00", "#,##0.00", "#,##0.0"]
    rows = _read_xlsx(data)
    # the cells keep the full values; only their format rounds
    assert rows[1][3] == 0.9834519420389265 and rows[1][5] == 92.81111206379147
    assert rows[1][0] == datetime(2022, 1, 1) or rows[1][0] == date(2022, 1, 1)


HEADING = export.Heading(title="下级单位排名", region="丹东市 › 东港市", period="2022年",
                         data_through=date(2022, 12, 31), user="演示管理员（admin）",
                         exported_at=datetime(2026, 3, 5, 9, 7))


def test_xlsx_title_lines_above_the_table():
    data = to_xlsx_bytes(_page_like_frame(), heading=HEADING)
    rows = _read_xlsx(data)
    assert [r[0] for r in rows[:6]] == ["下级单位排名", "地区：丹东市 › 东港市", "统计周期：2022年",
                                       "数据截至：2022-12-31", "导出时间：2026-03-05 09:07　导出人：演示管理员（admin）", ""]
    assert rows[6][:3] == ["月份", "年度", "受理量"]
    assert rows[7][2] == 16500.0 and len(rows) == 9
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert '<pane ySplit="7"' in z.read("xl/worksheets/sheet1.xml").decode("utf-8")   # header frozen
    assert _cell_formats(data)["D8"] == "0.0%"


def test_xlsx_title_lines_in_english_and_without_data():
    import dataclasses

    lines = dataclasses.replace(HEADING, data_through=None).lines("en")
    assert lines[1:] == ["Region: 丹东市 › 东港市", "Period: 2022年", "Data as of: no data",
                         "Exported: 2026-03-05 09:07 by 演示管理员（admin）"]


def test_csv_has_no_title_lines():
    """The CSV stays machine-readable: its first line is the header (README, 下载)."""
    rows = _csv_rows(to_csv_bytes(_page_like_frame()))
    assert rows[0][0] == "月份" and len(rows) == 3
