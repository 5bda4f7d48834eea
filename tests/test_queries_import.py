"""数据导入 without Streamlit: saving uploads, previews, the import run (dangqun.views.data_import) and the queries
import_history and import_quarantine, on a published copy of the demo database (never the page tests' app_db):
the import runs in the importer's process and publishes a new version, which the test then reads."""
import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pytest

from dangqun import db, export, samples, uploads
from dangqun.views import data_import
from dangqun.db import ROOT

NEW_RECORDS = ("受理编号,中心编码,受理时间,受理渠道,事项编码,办理状态,服务对象,联系电话\r\n"
               "T9000000001,ZX210681107201,2022/3/5 9:07,窗口,0101,已办结,张三丰,13812341234\r\n"
               "T9000000002,ZX210681107201,2022-03-06 10:00:00,电话,0102,办理中,李四,13900001111\r\n"
               "T9000000003,ZX210681107201,不是日期,窗口,0102,办理中,王五,13900002222\r\n"
               "T9000000004,ZX210681107201,2022-03-07 10:00:00,窗口,0102,不知道,赵六,13900003333\r\n")
KPI_2022 = {"region": "210681", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31),
            "category": "", "channel": "", "as_of": None}


@dataclass
class FakeUpload:
    """What st.file_uploader hands the page: a name and the bytes."""
    name: str
    data: bytes
    file_id: str | None = None

    def getvalue(self):
        return self.data


@pytest.fixture(scope="module")
def exports(demo_db, tmp_path_factory):
    """The example exports: sample_data/'s files when another engineer has written them, else small
    ones written here the same way (dangqun.samples)."""
    out = tmp_path_factory.mktemp("exports")
    wanted = {"service_records_gbk.csv": ("service_records", "csv", "gbk"),
              "service_records.xlsx": ("service_records", "xlsx", "utf-8"),
              "centers.csv": ("centers", "csv", "utf-8-sig"),
              "funds.csv": ("funds", "csv", "utf-8"),
              "activities.csv": ("activities", "csv", "utf-8")}
    paths = {}
    with db.opened(demo_db, read_only=True) as c:
        for name, (kind, fmt, enc) in wanted.items():
            shipped = ROOT / "sample_data" / name
            if shipped.exists():
                paths[name] = shipped
                continue
            paths[name] = out / name
            where = "center_id like 'ZX210681107%'" if kind != "centers" else "region_code like '210681107%'"
            samples.write_export(c, kind, paths[name], fmt=fmt, encoding=enc, where=where, limit=300)
    return paths


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_save_uploads_keeps_names_and_never_leaves_the_directory(tmp_path):
    files = [FakeUpload("记录.csv", b"a"), FakeUpload("../../etc/passwd", b"b"),
             FakeUpload("记录.csv", b"c"), FakeUpload("C:\\Users\\x\\资金.xlsx", b"d"), FakeUpload("..", b"e")]
    saved = uploads.save_uploads(files, tmp_path)
    assert [s.name for s in saved] == ["记录.csv", "passwd", "记录.csv", "资金.xlsx", "upload"]
    paths = [s.path for s in saved]
    assert [p.name for p in paths] == ["upload.csv", "upload", "upload.csv", "upload.xlsx", "upload"]
    assert len(set(paths)) == 5
    assert all(tmp_path in p.parents for p in paths)
    assert [p.read_bytes() for p in paths] == [b"a", b"b", b"c", b"d", b"e"]
    # a rerun does not write again
    again = uploads.save_uploads(files, tmp_path)
    assert again == saved
    # a file taken out of the uploader is deleted
    kept = uploads.save_uploads([files[0]], tmp_path)
    assert kept == saved[:1]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [paths[0]]
    uploads.save_uploads([], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_discard_removes_saved_uploads(tmp_path):
    paths = uploads.save_uploads([FakeUpload("记录.csv", b"a"), FakeUpload("资金.csv", b"b")], tmp_path)
    assert all(p.path.stat().st_mode & 0o077 == 0 for p in paths)      # only the app's user reads them
    uploads.discard(paths)
    assert list(tmp_path.iterdir()) == []


def test_previews_of_the_example_exports(exports):
    previews = data_import.preview_files(list(exports.values()))
    kinds = {pv.file: pv.kind for pv in previews}
    assert kinds == {"service_records_gbk.csv": "service_records", "service_records.xlsx": "service_records",
                     "centers.csv": "centers", "funds.csv": "funds", "activities.csv": "activities"}
    by_name = {pv.file: pv for pv in previews}
    gbk = by_name["service_records_gbk.csv"]
    assert gbk.encoding.lower().startswith("gb")
    assert 0 < len(gbk.rows) <= data_import.PREVIEW_ROWS
    assert "受理编号" in gbk.rows.columns
    assert gbk.rows["服务对象"].dropna().str.fullmatch(r".\*{1,3}").all()
    assert gbk.rows["联系电话"].dropna().str.fullmatch(r"\d{3}\*{4}\d{4}").all()


def test_import_of_the_example_exports(published, exports):
    before = db.data_version(published.con)
    previews = data_import.preview_files(list(exports.values()))
    seen = []
    results = published.run_import(previews,
                                     progress=lambda done, total, f: seen.append((done, total, f)))
    assert [r.file for r in results] == [pv.file for pv in previews]          # upload order
    assert seen[0] == (0, 5, "centers.csv") and seen[-1] == (5, 5, None)     # centers first
    for r in results:
        rep = r.report
        assert not rep.rejected, rep.message
        assert rep.rows_read > 0
        assert rep.imported + rep.updated + rep.duplicates + rep.quarantined == rep.rows_read
        assert rep.imported == 0, r.file          # every id is already in the demo database
        assert r.import_id is not None
    assert db.data_version(published.con) == before + 5
    frame = data_import.results_frame(results)
    assert list(frame.columns) == ["文件", "类型", "编码", "读取", "新增", "更新", "重复", "隔离", "状态"]
    assert frame["类型"].tolist()[:3] == ["服务记录", "服务记录", "服务中心"]
    assert set(frame["状态"]) == {"已处理"}


def test_new_records_reach_the_overview_at_once(published, tmp_path):
    """The importer bumps the data version in its transaction; ui.query keys on it, so the 总览
    受理量 (kpi_summary) the page shows next is the new one."""
    received = db.run(published.con, "kpi_summary", KPI_2022).received.iloc[0]
    version = db.data_version(published.con)
    path = write(tmp_path, "新记录.csv", NEW_RECORDS, "gbk")
    [result] = published.run_import(data_import.preview_files([path]))
    rep = result.report
    assert (rep.rows_read, rep.imported, rep.updated, rep.duplicates, rep.quarantined) == (4, 2, 0, 0, 2)
    assert db.data_version(published.con) == version + 1
    assert db.run(published.con, "kpi_summary", KPI_2022).received.iloc[0] == received + 2
    # names and phones stored masked
    stored = published.con.execute("select resident_name, phone from service_records where record_id = 'T9000000001'"
                                 ).fetchall()
    assert stored == [("张**", "138****1234")]
    errors = data_import.errors_frame(rep)
    assert list(errors.columns) == ["行", "列", "原因"]
    assert errors["行"].tolist() == [4, 5]
    assert errors["列"].tolist() == ["受理时间", "办理状态"]
    # importing the same file again adds nothing
    [again] = published.run_import(data_import.preview_files([path]))
    assert (again.report.imported, again.report.duplicates) == (0, 2)
    assert db.run(published.con, "kpi_summary", KPI_2022).received.iloc[0] == received + 2


def test_import_quarantine_matches_the_table(published, tmp_path):
    path = write(tmp_path, "新记录.csv", NEW_RECORDS)
    [result] = published.run_import(data_import.preview_files([path]))
    got = db.run(published.con, "import_quarantine", {"import_id": result.import_id})
    want = (published.con.execute("select * from quarantine").df()
            .query("import_id == @result.import_id")
            .sort_values(["row_number", "column_name"]).reset_index(drop=True))
    assert len(got) == 2
    assert got.row_number.tolist() == want.row_number.tolist() == [4, 5]
    assert got.reason.tolist() == want.reason.tolist()
    assert got.file_name.unique().tolist() == ["新记录.csv"]
    assert "王五" not in "".join(got.raw) and "13900002222" not in "".join(got.raw)
    assert len(db.run(published.con, "import_quarantine", {"import_id": -1})) == 0
    # the download the page offers: BOM, Chinese headers, every quarantined row
    data = export.to_csv_bytes(data_import.quarantine_frame(got), "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "文件,行,列,原因,中心编码,原始内容"
    assert len([x for x in lines[1:] if x]) == 2


def test_rejected_file(published, tmp_path):
    path = write(tmp_path, "乱码.csv", "甲,乙\n1,2\n")
    before = db.data_version(published.con)
    [result] = published.run_import(data_import.preview_files([path]))
    assert result.report.rejected
    assert result.report.message
    assert db.data_version(published.con) == before
    frame = data_import.results_frame([result])
    assert frame.iloc[0].tolist() == ["乱码.csv", "—", "utf-8", 0, 0, 0, 0, 0, "已拒绝"]
    history = db.run(published.con, "import_history", {"limit": 1})
    assert history.status.tolist() == ["已拒绝"] and history.file_name.tolist() == ["乱码.csv"]


def test_centers_first_within_one_upload(published, tmp_path):
    records = write(tmp_path, "records.csv",
                    "受理编号,中心编码,受理时间,事项编码,办理状态\nT9100000001,ZXNEW0001,2022-05-01 09:00,0101,已办结\n")
    centers = write(tmp_path, "centers.csv",
                    "中心编码,中心名称,区划代码,中心类型\nZXNEW0001,卧龙村第二服务站,210681107201,家庭代办站\n")
    results = published.run_import(data_import.preview_files([records, centers]))
    assert [(r.file, r.report.imported, r.report.quarantined) for r in results] == [
        ("records.csv", 1, 0), ("centers.csv", 1, 0)]


def test_import_history_matches_import_log(published, tmp_path, exports):
    published.run_import(data_import.preview_files([exports["funds.csv"],
                                                                   write(tmp_path, "x.csv", "a\n1\n")]))
    published.run_import(data_import.preview_files([write(tmp_path, "新记录.csv", NEW_RECORDS)]))
    got = db.run(published.con, "import_history", {"limit": 200})
    want = published.con.execute("select * from import_log").df().sort_values("import_id", ascending=False)
    assert len(got) == len(want) == 3
    assert got.import_id.tolist() == want.import_id.tolist()
    assert got.file_name.tolist() == ["新记录.csv", "x.csv", "funds.csv"]
    for col in ("kind", "encoding", "rows_read", "imported", "updated", "duplicates", "quarantined", "status"):
        assert got[col].tolist() == want[col].tolist(), col
    assert db.run(published.con, "import_history", {"limit": 2}).import_id.tolist() == want.import_id.tolist()[:2]
    shown = data_import.history_frame(got)
    assert list(shown.columns) == ["时间", "文件", "类型", "编码", "读取", "新增", "更新", "重复", "隔离",
                                   "状态", "说明", "导入人"]
    assert shown["类型"].tolist() == ["服务记录", "—", "资金投入"]
    en = data_import.history_frame(got, "en")
    assert list(en.columns)[:5] == ["Time", "File", "Type", "Encoding", "Read"]
    assert en["Status"].tolist() == ["Processed", "Rejected", "Processed"]


def test_import_history_empty(published):
    got = db.run(published.con, "import_history", {"limit": 200})
    assert len(got) == 0
    assert list(data_import.history_frame(got).columns)[0] == "时间"
    assert isinstance(got, pd.DataFrame)


def test_safe_name():
    assert uploads.safe_name("a/b\\c:d*.csv") == "c_d_.csv"
    assert uploads.safe_name("  .  ") == "upload"
    long = uploads.safe_name("x" * 300 + ".csv")
    assert len(long) == 150 and long.endswith(".csv")
