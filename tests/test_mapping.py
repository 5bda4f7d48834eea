"""Mapping profiles (dangqun/ingest/mapping.py) on a small foreign export: what a profile does, and every way a
bad profile blocks the file with one line (nothing written but the import_log line)."""
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dangqun import db, dictionaries, privacy
from dangqun.ingest import import_files

from test_ingest_files import con, dbp, make_db  # noqa: F401  (fixtures shared with the ingest tests)

ROOT = Path(__file__).resolve().parent.parent
HEAD = ["Ticket", "Opened", "Where", "Kind", "State", "Closed", "Day", "Time"]
ROWS = [
    ["T1", "04/12/2022 11:11:26 AM", "C001", "Alpha", "Closed", "04/13/2022 09:00:00 AM", "2022/4/12", "11:11"],
    ["T2", "04/14/2022 01:06:56 PM", "C001", "Beta", "Open", "", "2022/4/14", "13:06"],
    ["T3", "04/15/2022 08:00:00 AM", "C002", "Gamma", "Closed (Duplicate)", "04/15/2022 09:00:00 AM", "2022/4/15", ""],
    ["T4", "04/16/2022 05:30:13 PM", "C002", "Alpha", "New", "", "2022/4/16", "17:30"],
]
LOOKUP = "Kind,事项编码\nAlpha,0101\nBeta,0102\n"
GOOD = """
kind = "service_records"
[columns]
record_id   = { header = "Ticket", prefix = "X-" }
center_id   = "Where"
received_at = { header = "Opened", format = "%m/%d/%Y %I:%M:%S %p" }
channel     = { constant = "电话" }
item_code   = { header = "Kind", lookup = "kinds.csv", key = "Kind", value = "事项编码", unmatched = "0103" }
status      = "State"
closed_at   = { header = "Closed", format = "%m/%d/%Y %I:%M:%S %p" }
[values.status]
"Closed" = "已办结"
"Open" = "办理中"
"New" = "待受理"
"Closed (Duplicate)" = { skip = "重复工单" }
"""




def put(tmp_path, name, text) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def export(tmp_path, rows=ROWS, head=HEAD) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([head, *rows])
    return put(tmp_path, "foreign.csv", buf.getvalue())


def run(con, dbp, tmp_path, profile=GOOD, rows=ROWS, head=HEAD, lookup=LOOKUP, **kw):
    put(tmp_path, "kinds.csv", lookup)
    p = put(tmp_path, "p.toml", profile)
    (report,) = import_files(con, [export(tmp_path, rows, head)], db_path=dbp, mapping=p, **kw)
    return report


def records(con):
    return con.execute("select count(*) from service_records").fetchall()[0][0]


# ── what a profile does ──────────────────────────────────────────────────────────────────────────────

def test_profile_maps_headers_values_formats_lookups_and_skips(con, dbp, tmp_path):
    r = run(con, dbp, tmp_path)
    assert (r.rejected, r.rows_read, r.imported, r.quarantined, r.skipped, r.duplicates) == (False, 4, 3, 0, 1, 0)
    assert con.execute("select record_id, center_id, strftime(received_at, '%Y-%m-%d %H:%M:%S'), channel, item_code, "
                       "status, strftime(closed_at, '%Y-%m-%d %H:%M') from service_records order by 1").fetchall() == [
        ("X-T1", "C001", "2022-04-12 11:11:26", "电话", "0101", "已办结", "2022-04-13 09:00"),
        ("X-T2", "C001", "2022-04-14 13:06:56", "电话", "0102", "办理中", None),
        ("X-T4", "C002", "2022-04-16 17:30:13", "电话", "0101", "待受理", None)]
    log = con.execute("select rows_read, imported, skipped, mapping, status from import_log").fetchall()
    assert log == [(4, 3, 1, "映射配置 p：受理渠道=常量「电话」；事项编码=「Kind」经kinds.csv对照，未匹配→0103", "已处理")]
    assert "按映射跳过 State「Closed (Duplicate)」：重复工单（1 行）" in r.notes
    assert r.to_json()["skipped"] == 1


def test_a_profiles_texts_are_bound_not_written_into_the_sql(con, dbp, tmp_path):
    """Quotes and SQL in a profile's texts (a prefix, a mapped value, a skip reason) reach DuckDB as values."""
    from dangqun.ingest import mapping
    from dangqun.ingest.validate import Params

    prof = (GOOD.replace('prefix = "X-"', 'prefix = "X\'-"').replace('"Open" = "办理中"', '"Open\' or 1=1 --" = "办理中"')
            .replace('skip = "重复工单"', 'skip = "重复\'工单"'))
    rows = [ROWS[0], [*ROWS[1][:4], "Open' or 1=1 --", *ROWS[1][5:]], *ROWS[2:]]
    r = run(con, dbp, tmp_path, prof, rows=rows)
    assert (r.rejected, r.imported, r.quarantined, r.skipped) == (False, 3, 0, 1)
    assert con.execute("select record_id, status from service_records order by 1").fetchall() == [
        ("X'-T1", "已办结"), ("X'-T2", "办理中"), ("X'-T4", "待受理")]
    assert "按映射跳过 State「Closed (Duplicate)」：重复'工单（1 行）" in r.notes
    profile, params = mapping.load(tmp_path / "p.toml"), Params()
    exprs, _, skip = mapping.select_sql(profile, mapping._index(profile, HEAD), {"item_code": "m_lk4"}, params)
    sql = " ".join([*exprs, skip])
    assert [text for text in ("Open", "X'", "重复", "电话", "已办结") if text in sql] == []
    assert {"X'-", "Open' or 1=1 --", "State「Closed (Duplicate)」：重复'工单", "电话", "已办结"} <= \
        {v for v in params.values() if isinstance(v, str)}


def test_unmatched_category_without_fallback_is_quarantined_with_its_value(con, dbp, tmp_path):
    r = run(con, dbp, tmp_path, GOOD.replace(', unmatched = "0103"', ""), rows=ROWS + [
        ["T5", "04/17/2022 08:00:00 AM", "C001", "Delta", "Open", "", "", ""]])
    assert (r.rows_read, r.imported, r.quarantined, r.skipped) == (5, 3, 1, 1)
    assert [(e.row, e.column, e.reason) for e in r.errors] == [(6, "事项编码", "事项编码「Delta」不在服务事项目录中")]


def test_unmatched_category_goes_to_the_explicit_fallback_item(con, dbp, tmp_path):
    run(con, dbp, tmp_path, rows=ROWS + [["T5", "04/17/2022 08:00:00 AM", "C001", "Delta", "Open", "", "", ""]])
    assert con.execute("select item_code from service_records where record_id = 'X-T5'").fetchall() == [("0103",)]


def test_keyword_lookup_takes_the_first_keyword_found(con, dbp, tmp_path):
    prof = GOOD.replace('lookup = "kinds.csv", key = "Kind"', 'lookup = "kinds.csv", key = "Kind", match = "contains"')
    rows = [[*ROWS[0][:3], "about lph and Beta", *ROWS[0][4:]], [*ROWS[1][:3], "Alphabet", *ROWS[1][4:]]]
    put(tmp_path, "kinds.csv", "Kind,事项编码\nBeta,0102\nAlpha,0101\n")
    r = run(con, dbp, tmp_path, prof, rows=rows, lookup="Kind,事项编码\nBeta,0102\nAlpha,0101\n")
    assert r.imported == 2
    assert con.execute("select item_code from service_records order by record_id").fetchall() == [("0102",), ("0101",)]


def test_datetime_derived_from_a_date_and_a_time_column(con, dbp, tmp_path):
    prof = GOOD.replace('received_at = { header = "Opened", format = "%m/%d/%Y %I:%M:%S %p" }',
                        'received_at = { derive = "datetime", date = "Day", time = "Time" }')
    r = run(con, dbp, tmp_path, prof)
    assert r.imported == 3
    assert con.execute("select strftime(received_at, '%Y-%m-%d %H:%M') from service_records order by record_id"
                       ).fetchall() == [("2022-04-12 11:11",), ("2022-04-14 13:06",), ("2022-04-16 17:30",)]


def test_status_derived_from_a_close_time(con, dbp, tmp_path):
    prof = GOOD.replace('status      = "State"', 'status = { derive = "status", header = "Closed" }').split("[values")[0]
    r = run(con, dbp, tmp_path, prof)
    assert (r.imported, r.skipped) == (4, 0)
    assert con.execute("select record_id, status from service_records order by 1").fetchall() == [
        ("X-T1", "已办结"), ("X-T2", "办理中"), ("X-T3", "已办结"), ("X-T4", "办理中")]


# a centers' profile for a file with Code, Name and a 9-digit Town column
CENTERS_PROFILE = """kind = "centers"
[columns]
center_id = "Code"
center_name = "Name"
region_code = { header = "Town", pad = 12 }
center_type = { constant = "乡镇街道党群服务中心" }
"""


def test_town_codes_padded_to_twelve_digits_for_centers(con, dbp, tmp_path):
    prof = CENTERS_PROFILE
    p = put(tmp_path, "c.toml", prof)
    f = put(tmp_path, "c.csv", "Code,Name,Town\nZ1,孤山镇中心,210681107\n")
    (r,) = import_files(con, [f], db_path=dbp, mapping=p)
    assert (r.imported, r.quarantined) == (1, 0)
    assert con.execute("select region_code from centers where center_id = 'Z1'").fetchall() == [("210681107000",)]


def test_a_saved_profile_is_found_by_the_file_headers(con, dbp, tmp_path, monkeypatch):
    from dangqun.ingest import mapping

    monkeypatch.setattr(mapping, "PROFILE_DIR", tmp_path)
    put(tmp_path, "kinds.csv", LOOKUP)
    put(tmp_path, "foreign_platform.toml", 'fingerprint = ["Ticket", "Opened", "State"]\n' + GOOD)
    (r,) = import_files(con, [export(tmp_path)], db_path=dbp)
    assert (r.imported, r.skipped) == (3, 1)
    assert r.notes[0] == "表头与数据规范不符，按表头识别为映射配置「foreign_platform」"


# ── bad profiles: the file blocked with one line, nothing written ────────────────────────────────────

BAD = [
    ("header_missing", lambda p: p.replace('status      = "State"', 'status      = "Status"'),
     "映射配置 p：文件中没有指定的表头 status→「Status」（文件表头：Ticket、Opened、Where、Kind、State、Closed、Day、Time）"),
    ("constant_outside_enum", lambda p: p.replace('{ constant = "电话" }', '{ constant = "Phone" }'),
     "映射配置 p：列「channel」的常量「Phone」不是「受理渠道」的可选值（窗口/电话/网上/家庭代办站/12345转办/上门/主动发现）"),
    ("lookup_without_key", lambda p: p.replace('key = "Kind"', 'key = "Type"'),
     "映射配置 p：列「item_code」的对照表 kinds.csv 没有查找列「Type」（表头：Kind、事项编码）"),
    ("lookup_without_value", lambda p: p.replace('value = "事项编码"', 'value = "编码"'),
     "映射配置 p：列「item_code」的对照表 kinds.csv 没有结果列「编码」（表头：Kind、事项编码）"),
    ("lookup_missing_file", lambda p: p.replace('"kinds.csv"', '"nowhere.csv"'),
     "映射配置 p：列「item_code」的对照表 nowhere.csv 无法读取：No such file or directory"),
    ("date_format_under_80", lambda p: p.replace('{ header = "Opened", format = "%m/%d/%Y %I:%M:%S %p" }',
                                                 '{ header = "Opened", format = "%d/%m/%Y %I:%M:%S %p" }'),
     # 04/12 reads as 4 December: the one row that parses is wrong too, which is why a low rate blocks the file
     "映射配置 p：列「受理时间」（表头「Opened」）的日期格式 %d/%m/%Y %I:%M:%S %p只匹配 1 / 4 个单元格（25.0%），"
     "低于 80%，文件未导入；请检查 format"),
    ("wrong_column_for_a_date", lambda p: p.replace('{ header = "Opened", format = "%m/%d/%Y %I:%M:%S %p" }',
                                                    '"Kind"'),
     "映射配置 p：列「受理时间」（表头「Kind」）的默认日期格式只匹配 0 / 4 个单元格（0.0%），低于 80%，文件未导入；请检查 format"),
    ("todo_left", lambda p: p.replace('center_id   = "Where"', 'center_id   = "TODO"'),
     "映射配置 p：还有未填写的 TODO：center_id"),
    ("todo_value_left", lambda p: p.replace('"New" = "待受理"', '"New" = "TODO"'),
     "映射配置 p：还有未填写的 TODO：values.status.New"),
    ("unknown_column", lambda p: p.replace('center_id   = "Where"', 'center_id   = "Where"\nstation = "Where"'),
     "映射配置 p：「station」不是「服务记录」的列（可用："),
    ("required_without_source", lambda p: p.replace('center_id   = "Where"\n', ""),
     "映射配置 p：缺少必填列 中心编码 的来源（表头、常量或推导）"),
    ("value_target_outside_enum", lambda p: p.replace('"Open" = "办理中"', '"Open" = "处理中"'),
     "映射配置 p：[values.status]「Open」→「处理中」不是「办理状态」的可选值（待受理/办理中/已办结/退回/延期）"),
    ("skip_without_reason", lambda p: p.replace('{ skip = "重复工单" }', '{ skip = "" }'),
     "映射配置 p：[values.status]「Closed (Duplicate)」应为目标值或 { skip = \"原因\" }（跳过须写明原因）"),
    ("two_sources", lambda p: p.replace('{ constant = "电话" }', '{ constant = "电话", header = "Kind" }'),
     "映射配置 p：列「channel」须且只能有一个来源：header（表头）、constant（常量）或 derive（推导）"),
    ("unknown_derivation", lambda p: p.replace('status      = "State"', 'status = { derive = "guess", header = "State" }'),
     "映射配置 p：列「status」的推导「guess」不存在（可用：status 由时间列推导状态、datetime 由日期列加时间列）"),
    ("derived_status_outside_enum", lambda p: p.replace('status      = "State"',
                                                        'status = { derive = "status", header = "Closed", open = "Open" }'
                                                        ).split("[values")[0],
     "映射配置 p：列「status」推导出的「Open」不是可选值（待受理/办理中/已办结/退回/延期）"),
    ("format_on_a_text_column", lambda p: p.replace('center_id   = "Where"', 'center_id = { header = "Where", format = "%Y" }'),
     "映射配置 p：列「center_id」不是日期列，不能设置 format"),
    ("unknown_setting", lambda p: p.replace('{ header = "Ticket", prefix = "X-" }', '{ header = "Ticket", prefx = "X-" }'),
     "映射配置 p：列「record_id」有未知的设置 prefx（可用："),
    ("pad_not_a_number", lambda p: p.replace('center_id   = "Where"', 'center_id = { header = "Where", pad = "12" }'),
     "映射配置 p：列「center_id」的 pad 应为 1–20 的整数位数，而不是「12」"),
    ("values_for_an_unmapped_column", lambda p: p + '[values.group_tag]\n"x" = "党员"\n',
     "映射配置 p：[values.group_tag] 对应的列没有来源（在 [columns] 中未指定）"),
    ("unknown_kind", lambda p: p.replace('kind = "service_records"', 'kind = "tickets"'),
     "映射配置 p：kind「tickets」不是可导入的类型（可选：service_records/centers/funds/activities）"),
    ("not_toml", lambda p: p.replace('[columns]', '[columns'),
     "映射配置 p：不是有效的 TOML 文件（"),
]


@pytest.mark.parametrize("case, edit, message", BAD, ids=[b[0] for b in BAD])
def test_bad_profile_blocks_the_file_with_one_line(con, dbp, tmp_path, case, edit, message):
    r = run(con, dbp, tmp_path, edit(GOOD))
    assert r.rejected
    assert r.message.startswith(message), r.message
    assert len(r.errors) == 1 and r.errors[0].reason == r.message
    assert (r.imported, r.updated, r.duplicates, r.quarantined, r.skipped) == (0, 0, 0, 0, 0)
    assert records(con) == 0
    assert con.execute("select count(*) from quarantine").fetchall()[0][0] == 0
    assert con.execute("select status, message from import_log").fetchall() == [("已拒绝", r.message)]


def test_lookup_with_a_repeated_key_blocks_the_file(con, dbp, tmp_path):
    r = run(con, dbp, tmp_path, lookup=LOOKUP + "Alpha,0102\n")
    assert r.message == "映射配置 p：对照表 kinds.csv 第 4 行的「Alpha」在第 2 行已出现"
    assert (r.rejected, r.imported, records(con)) == (True, 0, 0)


def test_lookup_result_outside_the_enum_blocks_the_file(con, dbp, tmp_path):
    prof = GOOD.replace('channel     = { constant = "电话" }',
                        'channel = { header = "Kind", lookup = "ch.csv", key = "Kind", value = "渠道" }')
    put(tmp_path, "ch.csv", "Kind,渠道\nAlpha,Phone\n")
    r = run(con, dbp, tmp_path, prof)
    assert r.message == "映射配置 p：对照表 ch.csv 的结果「Phone」不是「受理渠道」的可选值"
    assert (r.rejected, r.imported, records(con)) == (True, 0, 0)


def test_declared_kind_that_differs_from_the_profile_blocks_the_file(con, dbp, tmp_path):
    r = run(con, dbp, tmp_path, kind="centers")
    assert r.message == "映射配置 p：是「服务记录」的映射，与指定的类型「服务中心」不符"
    assert (r.rejected, records(con)) == (True, 0)


# ── fixes on the import path ─────────────────────────────────────────────────────────────────────────

def test_identical_repeats_in_a_file_are_duplicates_and_different_ones_quarantined(con, dbp, tmp_path):
    from test_ingest_files import csv_text, rec

    rows = [rec("R1"), rec("R2"), rec("R1"), rec("R1", score="3"), rec("R2")]
    f = put(tmp_path, "r.csv", csv_text(rows))
    (r,) = import_files(con, [f], db_path=dbp)
    assert (r.rows_read, r.imported, r.duplicates, r.quarantined) == (5, 2, 2, 1)
    assert [(e.row, e.column, e.reason) for e in r.errors] == [(5, "受理编号", "「R1」在本文件第 2 行已出现")]


def test_a_file_whose_rows_all_fail_is_rejected_with_its_top_reasons(dbp, tmp_path):
    from test_ingest_files import csv_text, rec

    f = put(tmp_path, "r.csv", csv_text([rec("R1", center="NOPE"), rec("R2", center="NOPE", score="9"),
                                         rec("R3", received="someday")]))
    run_ = cli("import", f, "--db", dbp)
    assert run_.returncode == 2
    assert run_.stdout.splitlines()[0] == (
        f"✗ {f}：已拒绝。读取 3 行，全部 3 行都未通过校验，未导入任何数据。主要原因：中心编码「…」不存在，请先导入服务中心表"
        f"（中心编码列，2 行）；「…」不是有效的日期时间（受理时间列，1 行）；评分「…」应在 1–5 之间（评分列，1 行）（各行原因见隔离表）")
    with db.opened(dbp) as c:
        assert c.execute("select status, quarantined, imported from import_log").fetchall() == [("已拒绝", 3, 0)]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dangqun", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_dry_run_prints_parse_rates_and_unmapped_values_and_writes_nothing(dbp, tmp_path):
    put(tmp_path, "kinds.csv", LOOKUP)
    p = put(tmp_path, "p.toml", GOOD.replace('"New" = "待受理"\n', ""))
    out = cli("import", export(tmp_path), "--db", dbp, "--mapping", p, "--dry-run")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].endswith("读取 4 行，可导入 2，跳过 1，文件内重复 0，将隔离 1")
    assert "      办理状态：可解析 2 / 3（66.7%）" in lines
    assert "          未映射的值「New」：1 行" in lines
    assert "      受理时间：可解析 3 / 3（100.0%）" in lines
    with db.opened(dbp) as c:
        assert c.execute("select count(*) from import_log").fetchall()[0][0] == 0
        assert c.execute("select count(*) from service_records").fetchall()[0][0] == 0


def test_map_drafts_todos_and_every_enum_value(tmp_path):
    out = cli("map", export(tmp_path), "--out", tmp_path / "d.toml")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "d.toml").read_text(encoding="utf-8")
    assert out.stdout.startswith(f"已写入映射配置草稿 {tmp_path / 'd.toml'}：6 处 TODO 待填写")
    assert 'center_id = "TODO"' in text and 'item_code = "TODO"' in text
    assert 'record_id = { header = "Ticket" }   # 受理编号；样例：T1 | T2 | T3' in text
    assert 'status = { header = "State" }' in text
    assert '"Closed (Duplicate)" = "TODO"   # 1 行' in text and '"Open" = "TODO"   # 1 行' in text
    assert 'received_at = { header = "Opened", format = "%m/%d/%Y %I:%M:%S %p" }' in text


# ── dictionaries ─────────────────────────────────────────────────────────────────────────────────────

def test_regions_file_is_refused_by_import_and_taken_by_regions_import(tmp_path):
    dbp = tmp_path / "d.duckdb"
    f = ROOT / "sample_data" / "regions.csv"
    out = cli("import", f, "--db", dbp)
    assert out.returncode == 2
    assert out.stdout.startswith(f"✗ {f}：已拒绝，未导入任何数据。这是区划字典文件，不是业务数据导出；"
                                 "请用 python -m dangqun regions import 文件 导入")
    out = cli("regions", "import", f, "--db", dbp)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == f"✓ {f}（区划字典，utf-8）：读取 1108 行，新增 1108，更新 0，重复 0，隔离 0"
    again = cli("regions", "import", f, "--db", dbp)
    assert again.stdout.splitlines()[0] == f"✓ {f}（区划字典，utf-8）：读取 1108 行，新增 0，更新 0，重复 1108，隔离 0"


def test_regions_import_quarantines_bad_rows_with_reasons(con, dbp, tmp_path):
    f = put(tmp_path, "r.csv", "区划代码,区划名称,层级,上级区划代码\n"
                               "210681107,孤山镇,乡镇街道,210681\n21068110,坏码,乡镇街道,210681\n"
                               "210681108000,某镇,县,210681000000\n210681109000,某某镇,乡镇街道,999999\n")
    r = dictionaries.import_dictionary(con, "regions", str(f))
    assert (r.rows_read, r.imported, r.duplicates, r.quarantined) == (4, 0, 1, 3)
    assert [(e.row, e.column, e.reason) for e in r.errors] == [
        (3, "区划代码", "区划代码「21068110」应为 12 位数字（省 2 位、市 4 位、县 6 位、乡镇 9 位可补零）"),
        (4, "层级", "层级「县」与区划代码「210681108000」不符（应为「乡镇街道」）"),
        (5, "上级区划代码", "上级区划代码「999999000000」不在区划表中，也不在本文件中")]
    assert con.execute("select count(*) from quarantine where kind = 'regions'").fetchall()[0][0] == 3


def test_catalog_import_carries_platform_categories_and_checks_values(con, dbp, tmp_path):
    f = put(tmp_path, "c.csv", "事项编码,大类编码,大类名称,事项名称,办理方式,承诺时限(工作日)\n"
                               "TD01,TD01,城乡建设,城乡建设,承诺件,\nTD99,TD99,未分类,未分类,随到随办,\n"
                               "TD02,TD02,农村农业,农村农业,承诺件,三天\n")
    r = dictionaries.import_dictionary(con, "catalog", str(f))
    assert (r.rows_read, r.imported, r.quarantined) == (3, 1, 2)
    assert [(e.row, e.reason) for e in r.errors] == [
        (3, "办理方式「随到随办」不是可选值（即办/承诺件/全程代办/网上代办）"), (4, "承诺时限「三天」应为 0 或正整数")]
    assert con.execute("select item_code, category_name from catalog where item_code like 'TD%'").fetchall() == [
        ("TD01", "城乡建设")]


def test_shipped_national_dictionary_loads_to_town_level(tmp_path):
    with db.opened(tmp_path / "n.duckdb") as c:
        dictionaries.load(c, directory=None)
        # 东莞、中山、儋州 are also listed as their own county and 金门县 as its own town: one 12-digit code each
        assert c.execute("select level, count(*) from regions group by 1 order by 2").fetchall() == [
            ("省", 31), ("市", 342), ("县", 2975), ("乡镇街道", 41351)]
        assert c.execute("select region_name, parent_code from regions where region_code = '110101001000'"
                         ).fetchall() == [("东华门街道", "110101000000")]
        orphans = c.execute("select count(*) from regions r where parent_code is not null and parent_code not in "
                            "(select region_code from regions)").fetchall()[0][0]
        assert orphans == 0


def test_mask_text_python_and_sql_agree(con):
    texts = ["电话13812341234，或者 138-1234-5678", "身份证110101199001011234", "卡 6222 0212 3456 7890 123",
             "2019-04-25 09:32 拨打12345，金额 1,000,000 元", None, ""]
    privacy.install_macros(con)
    for t in texts:
        assert con.execute("select mask_text($t)", {"t": t}).fetchall()[0][0] == privacy.mask_text(t)
    assert [privacy.mask_text(t) for t in texts[:4]] == [
        "电话138****1234，或者 138****5678", "身份证110****1234", "卡 622****0123", texts[3]]


def test_first_upload_of_the_gbk_example_into_the_demo_reports_duplicates_not_updates(demo_db, tmp_path):
    import shutil

    dbp = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, dbp)
    shutil.copy(f"{demo_db}.salt", f"{dbp}.salt") if Path(f"{demo_db}.salt").exists() else None
    with db.opened(dbp) as c:
        (r,) = import_files(c, [ROOT / "sample_data" / "service_records_gbk.csv"], db_path=dbp)
        # the export gives times to the minute and was hashed under another salt: neither is a change
        assert (r.rows_read, r.imported, r.updated, r.duplicates, r.quarantined) == (2605, 0, 0, 2605, 0)


def test_import_summary_never_prints_none(con, dbp, tmp_path):
    empty = put(tmp_path, "empty.csv", "")
    (r,) = import_files(con, [empty], db_path=dbp)
    assert r.summary_zh() == f"✗ {empty}：已拒绝，未导入任何数据。文件为空"
    (r,) = import_files(con, [export(tmp_path)], db_path=dbp, mapping=put(tmp_path, "p.toml", GOOD))
    assert "None" not in r.summary_zh()


def test_preview_of_an_unrecognised_file_masks_what_looks_personal(tmp_path):
    from dangqun.ingest import preview

    f = put(tmp_path, "u.csv", "Name,Phone,Note,Ticket\n张三丰,13812345678,请回电13912345678,T1\n")
    kind, enc, df, notes = preview(f)
    assert kind is None
    assert df.to_dict("records") == [{"Name": "张**", "Phone": "138****5678", "Note": "请回电139****5678",
                                      "Ticket": "T1"}]


# ── centers' positions (README 地图与边界): 经度/纬度 through a profile and in contract format ────────────────────

def test_a_profile_maps_latitude_and_longitude_onto_the_centers_position(con, dbp, tmp_path):
    prof = CENTERS_PROFILE + 'longitude = "Longitude"\nlatitude = "Latitude"\n'
    p = put(tmp_path, "c.toml", prof)
    f = put(tmp_path, "c.csv", "Code,Name,Town,Latitude,Longitude\nZ1,孤山镇中心,210681107,39.8634,123.9128\n"
                               "Z2,某站,210681107,123.9,39.86\n")
    (r,) = import_files(con, [f], db_path=dbp, mapping=p)
    assert (r.imported, r.quarantined) == (1, 1)
    assert con.execute("select longitude, latitude from centers where center_id = 'Z1'").fetchall() == [
        (123.9128, 39.8634)]
    # the swapped row is quarantined with its reason (纬度 123.9 is no latitude)
    assert con.execute("select column_name, reason from quarantine").fetchall() == [
        ("纬度", "纬度「123.9」不在 -90–90 度之间（经纬度是否填反，或不是以度为单位？）")]


def test_the_draft_finds_latitude_and_longitude_headers(tmp_path):
    f = put(tmp_path, "sites.csv", "中心编码,中心名称,区划代码,中心类型,Latitude,Longitude\n"
                                   "Z1,孤山镇中心,210681107000,乡镇街道党群服务中心,39.8634,123.9128\n")
    out = cli("map", f, "--kind", "centers", "--out", tmp_path / "d.toml")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "d.toml").read_text(encoding="utf-8")
    assert 'longitude = { header = "Longitude" }' in text and 'latitude = { header = "Latitude" }' in text


def test_contract_centers_keep_their_position_and_west_is_not_negative_refused(con, dbp, tmp_path):
    f = put(tmp_path, "centers.csv", "中心编码,中心名称,区划代码,中心类型,经度,纬度\n"
                                     "Z3,孤山镇中心,210681107000,乡镇街道党群服务中心,123.9128,39.8634\n"
                                     "Z4,海外联络点,210681107000,乡镇街道党群服务中心,-76.61,39.29\n")
    (r,) = import_files(con, [f], db_path=dbp)
    assert (r.imported, r.quarantined) == (2, 0)
    assert con.execute("select center_id, longitude from centers where center_id in ('Z3', 'Z4') order by 1"
                       ).fetchall() == [("Z3", 123.9128), ("Z4", -76.61)]
