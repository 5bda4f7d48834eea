"""A download of every row a query finds (dangqun.export_job): a large one is built in a child process at a
lower priority, with the very bytes the server would have built; a child that fails is one line."""
import datetime as dt
import io
import logging
import sys

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from dangqun import db, export, export_job
from dangqun.views import records

COUNTY = "210681"          # 东港市


def job(demo_db, kind="csv", scope=None, heading=None):
    params = {"region": COUNTY, "start": dt.date(2022, 10, 1), "end": dt.date(2022, 12, 31), "category": "",
              "channel": "", "center_id": "", "id_prefix": "", "item_text": "", "limit": 1_000_000, "offset": 0}
    return export_job.Job(demo_db, "record_page", params, scope, records.labelled, kind, "zh", "服务记录明细", heading)


def expected_ids(demo_db):
    """The county's record ids of the quarter, newest first, read straight from the tables."""
    con = db.Reader(demo_db)
    try:
        return [r[0] for r in con.execute("""
            select r.record_id from service_records r join centers c using (center_id)
            where c.region_code like '210681%' and r.received_at >= '2022-10-01' and r.received_at < '2023-01-01'
            order by r.received_at desc, r.record_id desc""").fetchall()]
    finally:
        con.close()


def test_a_large_download_built_apart_has_the_bytes_built_in_the_server(demo_db):
    here = export_job.build(job(demo_db))
    apart = export_job.build_apart(job(demo_db))
    assert apart == here
    rows = pd.read_csv(io.BytesIO(apart), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(rows.columns) == list(records.COLUMNS.values())
    assert rows["受理编号"].tolist() == expected_ids(demo_db)


def test_an_excel_file_built_apart_holds_the_heading_and_every_row(demo_db):
    heading = export.Heading("服务记录明细", "丹东市 › 东港市", "2022年第4季度", dt.date(2022, 12, 31), "管理员（admin）",
                             exported_at=dt.datetime(2023, 1, 5, 9, 30))
    data = export_job.build_apart(job(demo_db, "xlsx", heading=heading))
    cells = [row[0] for row in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()]
    assert cells[:2] == ["服务记录明细", "地区：丹东市 › 东港市"]
    assert cells[cells.index("受理编号") + 1:] == expected_ids(demo_db)


def test_the_child_reads_under_the_accounts_scope(demo_db):
    town = "210681107"       # 长山镇: a town account asking for its county's rows gets its own only
    rows = pd.read_csv(io.BytesIO(export_job.build_apart(job(demo_db, scope=town + "000"))), encoding="utf-8-sig",
                       dtype=str)
    con = db.Reader(demo_db)
    try:
        centers = {r[0] for r in con.execute("select center_name from centers where region_code like $p",
                                             {"p": town + "%"}).fetchall()}
    finally:
        con.close()
    assert len(rows) > 0 and set(rows["中心"]) <= centers


def test_only_a_large_download_goes_to_a_child(demo_db, monkeypatch):
    apart = []
    monkeypatch.setattr(export_job, "build_apart", lambda j: apart.append(j) or b"apart")
    small = export_job.bytes_of(job(demo_db), export_job.APART_ROWS)
    assert small.startswith("\ufeff受理编号,".encode()) and apart == []
    assert export_job.bytes_of(job(demo_db), export_job.APART_ROWS + 1) == b"apart" and len(apart) == 1


def test_a_child_that_fails_is_one_line_for_the_official_and_its_reason_in_the_log(demo_db, monkeypatch, caplog):
    monkeypatch.setattr(export_job, "CHILD", [sys.executable, "-c", "import sys; sys.exit('磁盘已满')"])
    with caplog.at_level(logging.ERROR, logger="dangqun.export_job"):
        with pytest.raises(export_job.BuildFailed) as err:
            export_job.build_apart(job(demo_db))
    assert str(err.value) == "下载文件生成失败，请稍后重试"
    assert "磁盘已满" in caplog.text
