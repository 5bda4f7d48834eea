"""数据导入 page (AppTest): the uploader, previews, the history table, in Chinese and English; and one
upload through the page into app_db — records dated 2020, outside the demo's 2021–2022, with ids the
demo does not have, so the other pages' views are unchanged — after which the 总览 受理量 for 2020
moves at once (the data version the caches key on)."""
from pathlib import Path

import pytest

from dangqun import db

PAGE = "app_pages/data_import.py"
CSV_2020 = ("受理编号,中心编码,受理时间,事项编码,办理状态,服务对象,联系电话\r\n"
            "T2020000001,ZX210681107201,2020/3/5 9:07,0101,已办结,张三丰,13812341234\r\n"
            "T2020000002,ZX210681107201,2020-03-06 10:00:00,0102,办理中,李四,13900001111\r\n"
            "T2020000003,ZX210681107201,不是日期,0102,办理中,王五,13900002222\r\n").encode("gbk")
NOT_AN_EXPORT = "甲,乙\n1,2\n".encode("utf-8")


def history_rows(app_db) -> int:
    from dangqun import ui

    return ui.connection().execute("select count(*) from import_log").fetchone()[0]   # the version published now


def frame_with(at, columns):
    """The table whose headers start with `columns` (AppTest finds dataframes by position only)."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:len(columns)] == columns)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("lang, url, title, uploader, history", [
    ("zh", {}, "数据导入", "选择导出文件（CSV 或 Excel，可多选）", "导入记录"),
    ("zh", {"county": "210681000000"}, "数据导入", "选择导出文件（CSV 或 Excel，可多选）", "导入记录"),
    ("en", {}, "Data import", "Choose export files (CSV or Excel, several at once)", "Import history"),
])
def test_page_shows_uploader_and_history(open_page, app_db, lang, url, title, uploader, history):
    at = open_page(PAGE, lang=lang, **url)
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    up = at.file_uploader(key="import_files")
    assert up.label == uploader
    assert up.accept_multiple_files
    assert sorted(up.allowed_type) == [".csv", ".xlsx"]
    assert at.button(key="import_run").disabled            # nothing uploaded yet
    assert history in [s.value for s in at.subheader]
    if history_rows(app_db) == 0:
        assert [i.value for i in at.info] == [{"zh": "还没有导入记录", "en": "No imports yet"}[lang]]
    else:                     # the history's table, beside the table of what is loaded
        assert [list(d.value.columns)[:2] for d in at.dataframe if {"File", "文件"} & set(d.value.columns)] \
            == [{"zh": ["时间", "文件"], "en": ["Time", "File"]}[lang]]


def test_preview_of_an_upload(open_page, app_db):
    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([("新记录.csv", CSV_2020, "text/csv"),
                                                    ("表格.csv", NOT_AN_EXPORT, "text/csv")]).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "类型：服务记录 · 编码：gbk · 前 3 行（个人信息已脱敏）" in captions
    assert not at.warning          # the file whose headers fit no kind gets the mapping step (test_page_mapping)
    assert [i.value for i in at.info][0].startswith("无法识别该文件的表头。可在下面把它的列对应到数据规范")
    preview = at.dataframe[0].value
    assert preview["服务对象"].tolist() == ["张**", "李*", "王*"]
    assert preview["联系电话"].tolist() == ["138****1234", "139****1111", "139****2222"]
    assert not at.button(key="import_run").disabled
    saved = Path(at.session_state["import_dir"])
    assert [p.name for p in saved.rglob("*.csv")] == ["upload.csv", "upload.csv"]   # saved under short names
    assert saved.parent == app_db.parent / "uploads" and saved.stat().st_mode & 0o777 == 0o700
    at.file_uploader(key="import_files").set_value(None).run()      # the official removes the files
    assert not at.exception
    assert list(saved.iterdir()) == []
    assert at.button(key="import_run").disabled


def test_import_through_the_page_moves_the_overview(open_page, app_db):
    """The one test that writes to app_db (see the module docstring)."""
    overview = open_page("app_pages/overview.py", start="2020-01-01", end="2020-12-31", county="210681000000")
    assert not overview.exception
    before = int(metric(overview, "受理量").replace(",", ""))
    logged = history_rows(app_db)

    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([("新记录2020.csv", CSV_2020, "text/csv"),
                                                    ("表格.csv", NOT_AN_EXPORT, "text/csv")]).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    results = frame_with(at, ["文件", "类型", "编码", "读取"])
    assert results.iloc[0].tolist() == ["新记录2020.csv", "服务记录", "gbk", 3, 2, 0, 0, 1, "已处理"]
    assert results.iloc[1].tolist()[::8] == ["表格.csv", "已拒绝"]
    [error] = [e.value for e in at.error]
    assert error.startswith("表格\\.csv：已拒绝，未导入任何数据。")   # the name Markdown-escaped: shown as text
    problems = frame_with(at, ["行", "列", "原因"])
    assert problems.iloc[0].tolist()[:2] == [4, "受理时间"]
    keys = [b.key for b in at.get("download_button")]
    assert any(k.startswith("csv_quarantine_") for k in keys)
    assert history_rows(app_db) == logged + 2
    assert list(Path(at.session_state["import_dir"]).iterdir()) == []     # imported files deleted
    history = frame_with(at, ["时间", "文件"])
    assert history["文件"].tolist()[:2] == ["表格.csv", "新记录2020.csv"]     # newest first
    at.run()                            # imported files stay in the uploader but are not imported twice
    assert at.button(key="import_run").disabled
    assert not at.warning and "文件预览" not in [s.value for s in at.subheader]
    assert history_rows(app_db) == logged + 2

    overview.run()                       # the same official goes back to 总览: no stale cache
    assert int(metric(overview, "受理量").replace(",", "")) == before + 2


def test_page_lists_what_is_loaded(open_page):
    from dangqun import ui

    at = open_page("app_pages/data_import.py")
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "数据表" in d.value.columns)
    cur = ui.connection().cursor()   # the version the app reads
    try:
        want = {label: cur.execute(f"select count(*) from {table}").fetchone()[0] for label, table in [
            ("服务记录", "service_records"), ("服务中心", "centers"), ("资金投入", "funds"),
            ("活动记录", "activities"), ("区划", "regions"), ("服务事项目录", "catalog")]}
        first, last = cur.execute("select min(received_at)::date, max(received_at)::date from service_records").fetchone()
    finally:
        cur.close()
    counts = dict(zip(shown["数据表"], shown["行数"]))
    assert {label: counts[label] for label in want} == want
    records = shown[shown["数据表"] == "服务记录"].iloc[0]
    assert (records["起始日期"], records["结束日期"]) == (first.isoformat(), last.isoformat())


def test_an_upload_unsafe_to_read_is_refused_in_one_line_and_audited(open_page, tmp_path, monkeypatch):
    """A workbook whose far cell makes the reader ask for 512 GiB, the text checks switched off (safety must
    not depend on them): the page's preview (parsed in a child process) says so in one line, the server lives
    on, and the refusal is audited once."""
    import sys

    from dangqun import ui
    from dangqun.ingest import sandbox
    from dangqun.markup import md
    from tests.test_audit import rows
    from tests.test_sandbox_reader import WORKBOOKS

    monkeypatch.setattr(sandbox, "CHILD", [sys.executable, "-c", "from dangqun.ingest import limits, sandbox; "
                                           "limits.check_file = lambda *a, **k: None; sandbox.main()"])
    data = WORKBOOKS["single_quotes"](tmp_path / "x.xlsx").read_bytes()
    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([("坏表.xlsx", data, "application/vnd.ms-excel")]).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["无法识别该文件，导入时将被拒绝。"]
    assert [c.value for c in at.caption if c.value.startswith("注：")] == [    # as Markdown, escaped (md)
        "注：" + md("文件过大或结构异常，无法安全读取：读取所需内存超过上限 1.5 GB")]
    at.run()                                   # a rerun previews again (from the cache): no second audit row
    assert [(r[2], r[3], r[4]) for r in rows(ui.state(), "import") if r[2] == "坏表.xlsx"] == [
        ("坏表.xlsx", "预览：文件过大或结构异常，无法安全读取：读取所需内存超过上限 1.5 GB", "rejected")]
