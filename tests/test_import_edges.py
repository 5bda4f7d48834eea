"""Import edge cases that ended in tracebacks (README 工作簿读取限制与上传文件): uploads that outlive their
session, two imports at the same moment, a 100-character Chinese file name, a UTF-8 BOM over UTF-16
bytes, a forged period value, a cell of a million characters."""
from __future__ import annotations

import codecs
import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

from dangqun import db, filters, periods, uploads
from dangqun.markup import md
from dangqun.views import data_import
from tests.test_hostile_workbooks import run_cli
from tests.test_ingest_cli import HEAD, make_db
from tests.test_page_data_import import NOT_AN_EXPORT, PAGE, history_rows
from tests.test_queries_import import FakeUpload

ROW = "SL{n},C001,2022-03-05 09:07,0101,已办结,{name},13812341234,5\n"


def records_csv(names) -> bytes:
    return (HEAD + "".join(ROW.format(n=i + 1, name=name) for i, name in enumerate(names))).encode()


# ── item 7: uploads in the data directory, swept by age and at a process's first sweep ──

def test_uploads_are_swept_by_age_and_leftovers_at_the_first_sweep(tmp_path, monkeypatch):
    root = tmp_path / "uploads"
    root.mkdir()
    leftover = root / "tmp_from_before"          # a folder an earlier server process left behind
    (leftover / "x").mkdir(parents=True)
    (leftover / "x" / "upload.csv").write_bytes(b"name,phone")
    monkeypatch.setattr(uploads, "_swept_once", False)
    fresh, idle = uploads.session_dir(root), uploads.session_dir(root)
    uploads.save_uploads([FakeUpload("记录.csv", b"a")], fresh)
    uploads.save_uploads([FakeUpload("记录.csv", b"b")], idle)
    old = time.time() - uploads.UPLOAD_MAX_AGE - 60
    for p in [idle, *idle.rglob("*")]:
        os.utime(p, (old, old))
    assert sorted(uploads.sweep(root)) == sorted([leftover, idle])
    assert sorted(root.iterdir()) == [fresh]
    assert fresh.stat().st_mode & 0o777 == 0o700
    # later sweeps go by age only: a folder of another live process is kept while it is in use
    other = root / "tmp_other_process"
    other.mkdir()
    assert uploads.sweep(root) == []
    assert uploads.sweep(root, now=time.time() + uploads.UPLOAD_MAX_AGE + 1) == sorted([fresh, other]) or \
        sorted(root.iterdir()) == []


def test_upload_root_is_beside_the_database_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGQUN_DB", str(tmp_path / "data" / "x.duckdb"))
    root = uploads.upload_root()
    assert root == tmp_path / "data" / "uploads" and root.stat().st_mode & 0o777 == 0o700


# ── item 8 ──

def test_a_100_character_chinese_file_name(open_page, app_db):
    """The upload is stored under a short name ("File name too long" before); the import log and the
    audit log keep the official's name."""
    name = "党群服务中心" * 16 + "登记表.csv"          # 99 characters, 297 bytes in UTF-8
    logged = history_rows(app_db)
    at = open_page(PAGE)
    at.file_uploader(key="import_files").set_value([(name, NOT_AN_EXPORT, "text/csv")]).run()
    assert not at.exception
    at.button(key="import_run").click().run()
    assert not at.exception
    # the file name is shown as text: Markdown escaped (dangqun.markup.md)
    assert [e.value for e in at.error][0].startswith(f"{md(name)}：已拒绝，未导入任何数据。表头无法识别")
    assert history_rows(app_db) == logged + 1
    from dangqun import ui

    from tests.test_audit import rows

    con = ui.connection()
    assert con.execute("select file_name from import_log order by import_id desc limit 1").fetchone()[0] == name
    assert [(r[2], r[4]) for r in rows(ui.state(), "import")][-1] == (name, "rejected")


def test_two_imports_at_the_same_moment_queue(published, tmp_path):
    """Two officials press 开始导入 together: each import runs in an importer process, and the second waits
    for the first's lock (dangqun.publish) instead of failing or losing its file."""
    path = tmp_path / "records.csv"
    rows = 3000
    centers = [r[0] for r in published.con.execute("select center_id from centers limit 1").fetchall()]
    path.write_bytes((HEAD + "".join(f"Q{i:06d},{centers[0]},2022-03-05 09:07,0101,已办结,张三,13812341234,5\n"
                                     for i in range(rows))).encode())
    previews = [data_import.preview_files([path]), data_import.preview_files([path])]
    before = published.con.execute("select count(*) from import_log").fetchone()[0]
    start = threading.Barrier(2)
    results, errors = [None, None], []

    def run(i):
        try:
            start.wait()
            results[i] = published.run_import(previews[i])[0]
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    reports = sorted((r.report for r in results), key=lambda r: r.imported)
    assert [(r.rejected, r.imported, r.duplicates) for r in reports] == [(False, 0, rows), (False, rows, 0)], \
        [r.message for r in reports]
    assert published.con.execute("select count(*) from import_log").fetchone()[0] == before + 2


def test_a_utf8_bom_over_utf16_bytes(tmp_path):
    dbp = make_db(tmp_path / "t.duckdb")
    path = tmp_path / "bom16.csv"
    path.write_bytes(codecs.BOM_UTF8 + records_csv(["张三"]).decode().encode("utf-16-le"))
    code, out, err, _, _ = run_cli("import", path, "--db", dbp)
    assert (code, err) == (2, "")
    assert ("已拒绝，未导入任何数据。文件开头标明是 UTF-8 编码，但含有空字符（NUL），可能是 UTF-16 编码或不是文本文件，"
            "无法读取。请在 Excel 或记事本中另存为 UTF-8 或 GBK 编码的 CSV 后再导入") in out
    with db.opened(dbp, read_only=True) as con:
        assert con.execute("select status from import_log").fetchall() == [("已拒绝",)]


def test_a_cell_of_a_million_characters_quarantines_its_row(tmp_path):
    """Longer than pyarrow's 1 MiB parse block ("straddling object"): the row is quarantined as
    README says, the others are imported."""
    dbp = make_db(tmp_path / "t.duckdb")
    path = tmp_path / "long.csv"
    path.write_bytes(records_csv(["张三", '"' + "长" * 1_000_000 + '"', "李四"]))
    code, out, err, _, _ = run_cli("import", path, "--db", dbp, "--json")
    assert (code, err) == (0, "")
    import json

    report = json.loads(out)
    assert (report["rows_read"], report["imported"], report["quarantined"]) == (3, 2, 1)
    assert report["errors"] == [{"row": 3, "column": "服务对象", "reason": "内容过长（1000000 字，上限 2000 字），请检查是否粘贴错误"}]


LATEST = dt.date(2022, 12, 31)


@pytest.mark.parametrize("forged", ["decade", "", None, "custom", 3])
def test_a_forged_period_value_falls_back_with_a_notice(forged):
    f = filters.default_filters(LATEST)
    quarter = filters.choose_period(f, "quarter", LATEST)
    got = filters.choose_period(quarter, forged, LATEST, start="2022-01-01", end=None)
    assert got.period == periods.preset_period("year", LATEST) and got.preset == "year"
    assert got.notices == (f"f_period={forged}",)
    assert filters.choose_period(f, "custom", LATEST, dt.date(2022, 5, 1), dt.date(2022, 2, 1)).period == \
        periods.Period(dt.date(2022, 2, 1), dt.date(2022, 5, 1))
