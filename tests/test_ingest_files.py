"""Import of whole files, malformed ones above all: exact counts and reason texts."""
import csv
import io
import json
import logging
from pathlib import Path

import pytest

from dangqun import db
from dangqun.ingest import Problem, import_files, preview

ROOT = Path(__file__).resolve().parent.parent
HEAD = ["受理编号", "中心编码", "受理时间", "受理渠道", "事项编码", "服务对象", "联系电话", "办理状态", "办结时间", "评分",
        "不满意原因"]
NAMES = ["张三丰", "欧阳娜娜", "李四"]
PHONES = ["13812345678", "13987654321", "15011112222"]


def make_db(path: Path) -> Path:
    """Dictionaries (the shipped catalog, a few 12-digit regions) and two centers."""
    with db.opened(path) as con:
        con.execute("insert into catalog select * from read_csv($p, all_varchar = true, header = true)",
                    {"p": str(ROOT / "sample_data" / "catalog.csv")})
        con.execute("""insert into regions values
            ('210600000000', '丹东市', '市', '210000000000'), ('210681000000', '东港市', '县', '210600000000'),
            ('210681107000', '孤山镇', '乡镇街道', '210681000000'), ('210681107201', '某村', '村社区', '210681107000')""")
        con.execute("""insert into centers (center_id, center_name, region_code, center_type) values
            ('C001', '某村党群服务中心', '210681107201', '村级党群服务中心'),
            ('C002', '孤山镇党群服务中心', '210681107000', '乡镇街道党群服务中心')""")
    return path


@pytest.fixture
def dbp(tmp_path):
    return make_db(tmp_path / "t.duckdb")


@pytest.fixture
def con(dbp):
    c = db.connect(dbp)
    yield c
    c.close()


def rec(rid="R1", center="C001", received="2022-03-05 09:07", channel="窗口", item="0101", name="张三丰",
        phone="13812345678", status="已办结", closed="2022-03-06 10:00", score="5", reason=""):
    return [rid, center, received, channel, item, name, phone, status, closed, score, reason]


def csv_text(rows, head=HEAD, newline="\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows([head, *rows])
    return buf.getvalue()


def put(tmp_path, name, text, encoding="utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def run(con, dbp, path, **kw):
    (report,) = import_files(con, [path], db_path=dbp, **kw)
    assert report.imported + report.updated + report.duplicates + report.quarantined == report.rows_read
    return report


def counts(r):
    return (r.rows_read, r.imported, r.updated, r.duplicates, r.quarantined)


def table_count(con, t):
    return con.execute(f"select count(*) from {t}").fetchall()[0][0]


def three_good():
    return [rec("R1"), rec("R2", name="欧阳娜娜", phone="13987654321"), rec("R3", name="李四", phone="15011112222")]


# ---- encodings, layout -------------------------------------------------------------------------

def test_gbk_file_named_as_utf8_is_detected(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "records_utf8.csv", csv_text(three_good()), "gbk"))
    assert (r.kind, r.encoding, counts(r), r.errors, r.notes) == ("service_records", "gbk", (3, 3, 0, 0, 0), [], [])
    assert con.execute("select resident_name from service_records order by record_id").fetchall() == [
        ("张**",), ("欧***",), ("李*",)]


def test_gb18030_only_characters(con, dbp, tmp_path):
    rows = [rec("R1", name="王𠀀")]   # outside GBK
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows), "gb18030"))
    assert (r.encoding, counts(r)) == ("gb18030", (1, 1, 0, 0, 0))


def test_utf8_bom_crlf_fullwidth_and_aliased_headers(con, dbp, tmp_path):
    head = ["\ufeff工单编号", " 中心编码 ", "受理时间", "受理渠道", "事项编码", "服务对象", "手机号", "状态", "办结时间", "评分",
            "不满意原因", "承诺时限（工作日）"]
    rows = [rec("R1") + ["3"], rec("R2", received="2022年3月4日", closed="") + [""]]
    r = run(con, dbp, put(tmp_path, "r.csv", "\ufeff" + csv_text(rows, head, "\r\n")))
    assert (r.encoding, counts(r), r.errors) == ("utf-8-sig", (2, 2, 0, 0, 0), [])
    got = con.execute("select record_id, received_at::varchar, promised_days, due_on::varchar from service_records "
                      "order by 1").fetchall()
    # R1: 3 promised working days from the file; R2: catalog 0101 (即办, 0 days): the same day
    assert got == [("R1", "2022-03-05 09:07:00", 3, "2022-03-09"), ("R2", "2022-03-04 00:00:00", None, "2022-03-04")]


def test_declared_kind_is_overruled_by_the_headers(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "funds.csv", csv_text(three_good())), kind="funds")
    assert (r.kind, counts(r)) == ("service_records", (3, 3, 0, 0, 0))
    assert r.notes == ["指定的类型「资金投入」与表头不符，已按表头识别为「服务记录」"]


def test_utf16_with_tabs(con, dbp, tmp_path):
    text = csv_text(three_good()).replace(",", "\t")
    r = run(con, dbp, put(tmp_path, "r.txt", "\ufeff" + text, "utf-16-le"))
    assert (r.encoding, counts(r)) == ("utf-16", (3, 3, 0, 0, 0))


def test_truncated_last_row(con, dbp, tmp_path):
    text = csv_text(three_good()[:2]) + "R3,C001,2022-03-05 09:07"
    r = run(con, dbp, put(tmp_path, "r.csv", text))
    assert counts(r) == (3, 2, 0, 0, 1)
    assert r.errors == [Problem(4, None, "本行只有 3 列，表头有 11 列（行不完整，可能被截断）")]
    raw = con.execute("select row_number, raw from quarantine").fetchall()
    assert raw == [(4, '{"受理编号":"R3","中心编码":"C001","受理时间":"2022-03-05 09:07"}')]


def test_rows_after_quoted_line_breaks_keep_their_spreadsheet_numbers(con, dbp, tmp_path):
    """A remark holding line breaks is one row, as Excel shows it; a blank line is a row number too."""
    rows = [rec("R1", reason="第一行\r\n第二行\n第三行"), rec("R2", received="2022-13-01")]
    text = csv_text(rows, newline="\r\n") + "\r\n" + "R3,C001\r\n" + ",".join(rec("R4", score="9")) + "\r\n"
    r = run(con, dbp, put(tmp_path, "r.csv", text))
    assert counts(r) == (4, 1, 0, 0, 3)
    # header 1, R1 2 (three lines), R2 3, blank 4, R3 5, R4 6
    assert [(e.row, e.column) for e in r.errors] == [(3, "受理时间"), (5, None), (6, "评分")]
    assert con.execute("select dissatisfaction_reason from service_records").fetchall() == [("第一行\n第二行\n第三行",)]


def test_title_rows_above_the_header_csv(con, dbp, tmp_path):
    text = "东港市党群服务中心受理台账（2022年3月）\n导出时间：2022-04-01\n\n" + csv_text(
        [rec("R1"), rec("R2", score="7"), rec("R3")])
    r = run(con, dbp, put(tmp_path, "r.csv", text))
    assert counts(r) == (3, 2, 0, 0, 1)
    # title (1), export time (2), blank (3), header (4): R2 sits on line 6
    assert r.errors == [Problem(6, "评分", "评分「7」应在 1–5 之间")]
    assert con.execute("select row_number, column_name from quarantine").fetchall() == [(6, "评分")]


def _xlsx(path, sheets):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, (start_row, rows) in sheets.items():
        ws = book.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(start_row + i, j, v)   # text as text, '=...' included: never a formula
                elif v is not None:
                    ws.write(start_row + i, j, v)
    book.close()
    return path


def test_title_row_above_the_header_xlsx_and_excel_serials(con, dbp, tmp_path):
    rows = [["2022年3月受理台账"], [], HEAD,
            ["R1", "C001", 44625.38, "窗口", "0101", "张三丰", 13812345678, "已办结", 44626, 5, ""],
            ["R2", "C001", "2022-02-30", "窗口", "0101", "李四", 13987654321, "办理中", None, 4, ""]]
    p = _xlsx(tmp_path / "r.xlsx", {"台账": (1, rows)})   # title on sheet row 2, header on row 4
    r = run(con, dbp, p)
    assert (r.encoding, counts(r)) == ("xlsx", (2, 1, 0, 0, 1))
    assert r.errors == [Problem(6, "受理时间", "「2022-02-30」不是有效的日期时间")]
    got = con.execute("select received_at::varchar, closed_at::varchar, phone, score from service_records").fetchall()
    assert got == [("2022-03-05 09:07:12", "2022-03-06 00:00:00", "138****5678", 5)]


def test_xlsx_with_two_sheets(con, dbp, tmp_path):
    p = _xlsx(tmp_path / "r.xlsx", {"说明": (0, [["本表由平台导出"], ["请勿修改"]]),
                                    "Sheet2": (0, [HEAD, rec("R1"), rec("R2")])})
    r = run(con, dbp, p)
    assert r.rejected and r.errors[0].reason.startswith("表头无法识别")
    assert r.notes == ["工作簿有 2 个工作表，只读取了第一个「说明」；其他工作表请用「文件名.xlsx#工作表名」导入"]
    r = run(con, dbp, str(p) + "#Sheet2")
    assert (r.rejected, counts(r), r.notes) == (False, (2, 2, 0, 0, 0), [])
    assert con.execute("select file_name from import_log order by import_id").fetchall() == [("r.xlsx",), ("r.xlsx#Sheet2",)]


# ---- rejected whole ------------------------------------------------------------------------------

def test_missing_required_column_rejects_the_file(con, dbp, tmp_path):
    head = [h if h != "受理时间" else "受理日期" for h in HEAD]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(three_good(), head)))
    assert r.rejected and counts(r) == (0, 0, 0, 0, 0)
    assert r.errors == [Problem(1, None, "表头不完整，按「服务记录」缺少必填列：受理时间（文件中最接近的表头：受理日期）")]
    assert table_count(con, "service_records") == 0 and table_count(con, "quarantine") == 0
    assert con.execute("select status, message, rows_read from import_log").fetchall() == [
        ("已拒绝", "表头不完整，按「服务记录」缺少必填列：受理时间（文件中最接近的表头：受理日期）", 0)]
    assert db.data_version(con) == 0


def test_empty_file_is_rejected(con, dbp, tmp_path):
    for content in (b"", b"\r\n  \n"):
        r = run(con, dbp, put(tmp_path, "empty.csv", content))
        assert r.rejected and r.errors == [Problem(None, None, "文件为空")]


def test_undecodable_file_is_rejected(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "x.csv", b"\x81\x30\xff\xfe\x00garbage" * 10))
    assert r.rejected
    assert r.errors[0].reason == "无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030），请另存为 UTF-8 或 GBK 编码的 CSV 后再导入"


def test_header_only_file_is_processed_with_no_rows(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([])))
    assert (r.rejected, r.kind, counts(r), r.errors) == (False, "service_records", (0, 0, 0, 0, 0), [])
    assert r.notes == ["文件只有表头，没有数据行"]
    assert con.execute("select status from import_log").fetchall() == [("已处理",)]


# ---- row errors ----------------------------------------------------------------------------------

def test_duplicate_ids_in_a_file(con, dbp, tmp_path):
    rows = [rec("R1"), rec("R2"), rec("R1", score="3"), rec("R1", score="4")]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows)))
    assert counts(r) == (4, 2, 0, 0, 2)
    assert r.errors == [Problem(4, "受理编号", "「R1」在本文件第 2 行已出现"),
                        Problem(5, "受理编号", "「R1」在本文件第 2 行已出现")]
    assert con.execute("select score from service_records where record_id = 'R1'").fetchall() == [(5,)]


def test_impossible_date(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("R1", received="2022-02-30 10:00"), rec("R2")])))
    assert counts(r) == (2, 1, 0, 0, 1)
    assert r.errors == [Problem(2, "受理时间", "「2022-02-30 10:00」不是有效的日期时间")]


def test_score_out_of_range(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("R1", score="7"), rec("R2", score="五")])))
    assert counts(r) == (2, 0, 0, 0, 2)
    assert r.errors == [Problem(2, "评分", "评分「7」应在 1–5 之间"), Problem(3, "评分", "「五」不是整数")]


def test_closed_before_received(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("R1", closed="2022-03-01")])))
    assert counts(r) == (1, 0, 0, 0, 1)
    assert r.errors == [Problem(2, "办结时间", "办结时间「2022-03-01 00:00」早于受理时间「2022-03-05 09:07」")]


def test_time_chain_received_dispatched_accepted_closed(con, dbp, tmp_path):
    head = ["受理编号", "中心编码", "受理时间", "事项编码", "办理状态", "派单时间", "接单时间", "办结时间"]
    rows = [["R1", "C001", "2022-03-05 09:00", "0101", "已办结", "2022-03-05 10:00", "2022-03-05 09:30", "2022-03-06"],
            ["R2", "C001", "2022-03-05 09:00", "0101", "已办结", "2022-03-05 08:00", "", ""],
            ["R3", "C001", "2022-03-05 09:00", "0101", "已办结", "2022-03-05 10:00", "2022-03-05 11:00", "2022-03-06"]]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows, head)))
    assert counts(r) == (3, 1, 0, 0, 2)
    assert r.errors == [Problem(2, "接单时间", "接单时间「2022-03-05 09:30」早于派单时间「2022-03-05 10:00」"),
                        Problem(3, "派单时间", "派单时间「2022-03-05 08:00」早于受理时间「2022-03-05 09:00」")]


def test_unknown_center_and_item_code(con, dbp, tmp_path):
    rows = [rec("R1", center="C999"), rec("R2", item="9999"), rec("R3", item="101")]   # 101: Excel ate the 0
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows)))
    assert counts(r) == (3, 1, 0, 0, 2)
    assert r.errors == [Problem(2, "中心编码", "中心编码「C999」不存在，请先导入服务中心表"),
                        Problem(3, "事项编码", "事项编码「9999」不在服务事项目录中")]
    assert con.execute("select item_code from service_records").fetchall() == [("0101",)]


def test_enumerations_and_yes_no(con, dbp, tmp_path):
    head = HEAD + ["是否纳入考核"]
    rows = [rec("R1", channel="微信") + ["是"], rec("R2", status="已完成") + ["Y"], rec("R3") + ["也许"],
            rec("R4") + ["0"]]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows, head)))
    assert counts(r) == (4, 1, 0, 0, 3)
    assert r.errors == [
        Problem(2, "受理渠道", "「微信」不是可选值（窗口/电话/网上/家庭代办站/12345转办/上门/主动发现）"),
        Problem(3, "办理状态", "「已完成」不是可选值（待受理/办理中/已办结/退回/延期）"),
        Problem(4, "是否纳入考核", "「也许」应为 是 或 否")]
    assert con.execute("select in_assessment from service_records").fetchall() == [(False,)]


def test_several_errors_in_one_row_count_once(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("", center="", score="9")])))
    assert counts(r) == (1, 0, 0, 0, 1)
    assert r.errors == [Problem(2, "受理编号", "必填项为空"), Problem(2, "中心编码", "必填项为空"),
                        Problem(2, "评分", "评分「9」应在 1–5 之间")]
    assert table_count(con, "quarantine") == 3


def test_ten_thousand_character_cell_is_quarantined(con, dbp, tmp_path):
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("R1", reason="慢" * 10_000), rec("R2")])))
    assert counts(r) == (2, 1, 0, 0, 1)
    assert r.errors == [Problem(2, "不满意原因", "内容过长（10000 字，上限 2000 字），请检查是否粘贴错误")]


def test_formula_like_cells_are_stored_as_plain_text(con, dbp, tmp_path):
    head = HEAD + ["承办人"]
    rows = [rec("R1", reason='=HYPERLINK("http://example.com","点我")') + ["@王五"],
            rec("R2", reason="+1", phone="+8613812345678") + ["-"],
            rec("R3", reason="-无-") + ["=1+1"]]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text(rows, head)))
    assert (counts(r), r.errors) == ((3, 3, 0, 0, 0), [])
    got = con.execute("select dissatisfaction_reason, phone, handler from service_records order by record_id").fetchall()
    assert got == [('=HYPERLINK("http://example.com","点我")', "138****5678", "@**"),
                   ("+1", "+86*******5678", "*"), ("-无-", "138****5678", "=***")]


def test_unknown_extra_column_is_a_note_not_an_error(con, dbp, tmp_path):
    head = HEAD + ["备注", "满意度评价"]
    r = run(con, dbp, put(tmp_path, "r.csv", csv_text([rec("R1") + ["x", "y"]], head)))
    assert (counts(r), r.errors) == ((1, 1, 0, 0, 0), [])
    assert r.notes == ["以下列不在「服务记录」的数据规范中，已忽略（未导入）：备注、满意度评价（是否为「满意度」？）"]


# ---- other kinds ---------------------------------------------------------------------------------

def test_funds_negative_amount_and_thousands_separator(con, dbp, tmp_path):
    head = ["项目编号", "中心编码", "年度", "资金来源", "金额（万元）", "资金用途", "拨付日期"]
    rows = [["P1", "C001", "2022", "财政专项", "1,234.50", "新建", "2022/3/5"],
            ["P2", "C001", "2022", "党费", "-5", "运行经费", ""],
            ["P3", "C002", "2022年", "党费", "2", "运行经费", ""]]
    r = run(con, dbp, put(tmp_path, "f.csv", csv_text(rows, head)))
    assert (r.kind, counts(r)) == ("funds", (3, 1, 0, 0, 2))
    assert r.errors == [Problem(3, "金额（万元）", "「-5」不能为负数"), Problem(4, "年度", "「2022年」不是整数")]
    assert con.execute("select amount_wan::varchar, disbursed_on::varchar from funds").fetchall() == [
        ("1234.50", "2022-03-05")]


def test_centers_first_in_a_run_and_region_codes(con, dbp, tmp_path):
    records = put(tmp_path, "a_records.csv", csv_text([rec("R1", center="C100")]))
    head = ["中心编码", "中心名称", "区划代码", "中心类型", "建筑面积(m²)", "是否24小时AB岗"]
    centers = put(tmp_path, "b_centers.csv", csv_text(
        [["C100", "新站", "210681", "家庭代办站", "1,200", "是"],
         ["C101", "另一站", "210681999999", "家庭代办站", "", ""],
         ["C102", "短码站", "2106", "家庭代办站", "", ""]], head))
    r_rec, r_cen = import_files(con, [records, centers], db_path=dbp)
    assert counts(r_cen) == (3, 1, 0, 0, 2)
    assert r_cen.errors == [Problem(3, "区划代码", "区划代码「210681999999」不在区划表中"),
                            Problem(4, "区划代码", "区划代码「2106」应为 12 位数字（市、县可用 6 位）")]
    assert counts(r_rec) == (1, 1, 0, 0, 0)
    assert con.execute("select region_code, floor_area_m2, has_ab_post from centers where center_id = 'C100'"
                       ).fetchall() == [("210681000000", 1200.0, True)]
    assert [x[0] for x in con.execute("select file_name from import_log order by import_id").fetchall()] == [
        "b_centers.csv", "a_records.csv"]


def test_activities(con, dbp, tmp_path):
    head = ["活动编号", "中心编码", "活动日期", "活动类型", "活动地点", "参与人数", "志愿服务时长（小时）"]
    rows = [["A1", "C001", "2022年3月5日", "志愿服务", "广场院落", "1,200", "2.5"],
            ["A2", "C001", "2022-03-05", "跳舞", "室内", "-3", ""]]
    r = run(con, dbp, put(tmp_path, "a.csv", csv_text(rows, head)))
    assert (r.kind, counts(r)) == ("activities", (2, 1, 0, 0, 1))
    assert r.errors == [Problem(3, "活动类型", "「跳舞」不是可选值（教育培训/文化宣传/文明实践/农业技术讲座/志愿服务/农产品评比/党员轮训/健康服务/矛盾调解）"),
                        Problem(3, "参与人数", "「-3」不能为负数")]


# ---- ids: duplicates and updates -----------------------------------------------------------------

def test_reimport_is_all_duplicates(con, dbp, tmp_path):
    p = put(tmp_path, "r.csv", csv_text(three_good() + [rec("R4", score="8")]))
    assert counts(run(con, dbp, p)) == (4, 3, 0, 0, 1)
    before = con.execute("select * from service_records order by record_id").fetchall()
    r = run(con, dbp, p)
    assert counts(r) == (4, 0, 0, 3, 1)
    assert con.execute("select * from service_records order by record_id").fetchall() == before
    assert con.execute("select count(*), count(distinct import_id) from quarantine").fetchall() == [(2, 2)]
    assert db.data_version(con) == 2


def test_updated_reexport_counts_updates_and_stores_new_values(con, dbp, tmp_path):
    first = [rec("R1", status="办理中", closed="", score=""), rec("R2", status="办理中", closed="", score=""), rec("R3")]
    assert counts(run(con, dbp, put(tmp_path, "r1.csv", csv_text(first)))) == (3, 3, 0, 0, 0)
    later = [rec("R1", status="已办结", closed="2022-03-07 16:00", score="4"), rec("R2", status="办理中", closed="", score=""),
             rec("R3"), rec("R5")]
    r = run(con, dbp, put(tmp_path, "r2.csv", csv_text(later)))
    assert counts(r) == (4, 1, 1, 2, 0)
    assert con.execute("select status, closed_at::varchar, score from service_records where record_id = 'R1'"
                       ).fetchall() == [("已办结", "2022-03-07 16:00:00", 4)]
    assert con.execute("select count(*), count(distinct record_id) from service_records").fetchall() == [(4, 4)]


def test_narrower_export_updates_only_its_columns(con, dbp, tmp_path):
    run(con, dbp, put(tmp_path, "r1.csv", csv_text([rec("R1", status="办理中", closed="")])))
    head = ["受理编号", "中心编码", "受理时间", "事项编码", "办理状态", "办结时间"]
    r = run(con, dbp, put(tmp_path, "r2.csv", csv_text([["R1", "C001", "2022-03-05 09:07", "0101", "已办结", "2022-03-08"]], head)))
    assert counts(r) == (1, 0, 1, 0, 0)
    assert con.execute("select status, phone, resident_name from service_records").fetchall() == [
        ("已办结", "138****5678", "张**")]


# ---- privacy, log ---------------------------------------------------------------------------------

def test_no_raw_name_or_phone_anywhere_in_the_database(con, dbp, tmp_path):
    head = HEAD + ["承办人", "诉求内容", "答复意见"]
    # free text holding a mobile number (also with hyphens), an ID number and a bank card number
    ask = "请回电13700001111或137-0000-2222，身份证11010119900101123X"
    reply = "已退款到卡 6222 0212 3456 7890 123，12345热线于2022-03-06回访"
    rows = [rec("R1") + ["赵敏华", ask, reply], rec("R2", name="欧阳娜娜", phone="13987654321") + ["钱多多", "", ""],
            rec("R3", name="李四", phone="15011112222", score="9") + ["孙悟空", ask, reply],   # quarantined
            ["R4", "C001", "2022-03-05", "窗口", "0101", "周芷若", "18600001111"]]  # truncated
    run(con, dbp, put(tmp_path, "r.csv", csv_text(rows, head)))
    assert table_count(con, "service_records") == 2 and table_count(con, "quarantine") == 2
    assert con.execute("select request_text, reply_text from service_records where record_id = 'R1'").fetchall() == [
        ("请回电137****1111或137****2222，身份证110****123X", "已退款到卡 622****0123，12345热线于2022-03-06回访")]
    secrets = NAMES + PHONES + ["周芷若", "18600001111", "赵敏华", "钱多多", "孙悟空", "13700001111", "0000-2222",
                                "11010119900101123X", "19900101", "6222 0212 3456"]
    cols = con.execute("select table_name, column_name from information_schema.columns "
                       "where data_type = 'VARCHAR' and table_schema = 'main'").fetchall()
    for table, column in cols:
        for s in secrets:
            n = con.execute(f'select count(*) from "{table}" where contains("{column}", $s)', {"s": s}).fetchall()[0][0]
            assert n == 0, (table, column, s)
    raw = json.loads(con.execute("select raw from quarantine where row_number = 4").fetchall()[0][0])
    assert (raw["服务对象"], raw["联系电话"], raw["承办人"]) == ("李*", "150****2222", "孙**")
    assert raw["诉求内容"] == "请回电137****1111或137****2222，身份证110****123X"
    hashes = con.execute("select resident_hash from service_records order by record_id").fetchall()
    from dangqun import privacy
    assert hashes == [(privacy.resident_hash(privacy.salt_for(dbp), "张三丰", "13812345678"),),
                      (privacy.resident_hash(privacy.salt_for(dbp), "欧阳娜娜", "13987654321"),)]


def test_import_log_and_data_version(con, dbp, tmp_path):
    p = put(tmp_path, "r.csv", csv_text(three_good()))
    run(con, dbp, p)
    import hashlib
    assert con.execute("select file_name, content_hash, kind, encoding, rows_read, imported, updated, duplicates, "
                       "quarantined, status from import_log").fetchall() == [
        ("r.csv", hashlib.sha256(p.read_bytes()).hexdigest(), "service_records", "utf-8", 3, 3, 0, 0, 0, "已处理")]
    assert db.data_version(con) == 1
    again = run(con, dbp, p)
    assert con.execute("select max(import_id) from import_log").fetchall()[0][0] == again.import_id == 2


def test_preview_masks_and_uses_canonical_headers(tmp_path):
    p = put(tmp_path, "r.csv", csv_text(three_good(), ["工单编号", *HEAD[1:]]), "gbk")
    kind, enc, df, notes = preview(p, n=2)
    assert (kind, enc, notes) == ("service_records", "gbk", [])
    assert list(df.columns) == HEAD and len(df) == 2
    assert df["服务对象"].tolist() == ["张**", "欧***"] and df["联系电话"].tolist() == ["138****5678", "139****4321"]


def _big_export(rows: int) -> str:
    return csv_text([rec(f"R{i}", reason="服务态度" * 20) for i in range(rows)])


def test_preview_of_a_big_csv_parses_only_its_head(tmp_path, monkeypatch):
    """The page previews an upload on every rerun: a big export is not read whole for 20 rows."""
    from dangqun.ingest import read

    p = put(tmp_path, "big.csv", _big_export(12_000), "gbk")
    assert p.stat().st_size > 2 * read.PREVIEW_BYTES
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    kind, enc, df, notes = preview(p, n=20)
    assert (kind, enc, notes) == ("service_records", "gbk", [])
    assert df["受理编号"].tolist() == [f"R{i}" for i in range(20)]
    assert df["服务对象"].tolist()[:2] == ["张**", "张**"]


def test_preview_cut_inside_a_quoted_cell_reads_the_whole_file(tmp_path):
    from dangqun.ingest import read

    head = csv_text([rec("R1")])
    # the first MiB ends inside one long remark holding line breaks
    remark = "\n".join(["很长的备注"] * (read.PREVIEW_BYTES // 10))
    p = put(tmp_path, "odd.csv", head + ",".join(rec("R2")[:-1]) + f',"{remark}"\n' + ",".join(rec("R3")) + "\n")
    kind, enc, df, notes = preview(p, n=20)
    assert (kind, enc) == ("service_records", "utf-8")
    assert df["受理编号"].tolist() == ["R1", "R2", "R3"]
    assert df["不满意原因"].iloc[1] == remark


def test_preview_of_a_workbook_reads_its_first_rows(tmp_path):
    p = tmp_path / "r.xlsx"
    _xlsx(p, {"Sheet1": (2, [["东港市受理台账"], [], HEAD, *[rec(f"R{i}") for i in range(200)]])})
    kind, enc, df, notes = preview(p, n=20)
    assert (kind, enc) == ("service_records", "xlsx")
    assert df["受理编号"].tolist() == [f"R{i}" for i in range(20)]


def test_a_failing_after_import_hook_is_logged_not_a_failed_import(con, dbp, tmp_path, monkeypatch, caplog):
    """The data is committed when the after-import hooks run (dangqun.hooks): one that fails is logged in the
    server's log, the import reports its rows as imported, and the hooks after it still run."""
    from dangqun import hooks

    ran = []

    def broken(con):
        raise RuntimeError("预警算不出来")

    monkeypatch.setattr(hooks, "AFTER_IMPORT", [broken, ran.append])
    with caplog.at_level(logging.ERROR, logger="dangqun.hooks"):
        report = run(con, dbp, put(tmp_path, "a.csv", csv_text([rec()])))
    assert (report.imported, report.rejected) == (1, False) and ran == [con]
    assert "导入后的处理未能完成：broken" in caplog.text and "预警算不出来" in caplog.text
    assert con.execute("select count(*) from service_records").fetchone() == (1,)
    # nothing was imported: no hook runs
    run(con, dbp, put(tmp_path, "b.csv", csv_text([rec()])))
    assert ran == [con]


def test_an_import_stores_the_latest_months_alerts(con, dbp, tmp_path):
    """The pages read stored alerts (dangqun.alerts): an import finds its data's latest month's anew."""
    days = ["2022-08-20", "2022-09-15", "2022-10-12"]
    rows = [rec(rid=f"R{i}", received=f"{d} 09:00", closed=f"{d} 16:00") for i, d in enumerate(days)]
    run(con, dbp, put(tmp_path, "a.csv", csv_text(rows)))
    assert con.execute("select period, split_part(run_key, '|', 1) from alert_run").fetchall() == [
        ("2022-10", str(db.data_version(con)))]
    # the one resident's three cases on one 事项 in 孤山镇 within 90 days
    assert con.execute("select rule, region_code, unit_name from alert_found").fetchall() == [
        ("repeat", "210681107000", "孤山镇")]
    # a later import: the month found from the older data is dropped, the new latest month stored
    later = [rec(rid="R9", received="2022-11-02 09:00", closed="2022-11-02 16:00", name="李四", phone="15011112222")]
    run(con, dbp, put(tmp_path, "b.csv", csv_text(later)))
    assert con.execute("select period from alert_run").fetchall() == [("2022-11",)]
    assert con.execute("select count(*) from alert_found where period = '2022-10'").fetchone() == (0,)
