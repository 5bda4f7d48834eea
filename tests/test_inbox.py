"""The inbox (dangqun.inbox): files dropped into a folder are imported while the dashboard runs (its watcher
starts the importer), logged as imported by 收件箱 and moved to done/ or rejected/; the command line imports
while the server runs too."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dangqun import db, inbox

ROOT = Path(__file__).resolve().parent.parent
CSV = ("受理编号,中心编码,受理时间,事项编码,办理状态,服务对象,联系电话\r\n"
       "IN2019000001,ZX210681107201,2019-05-05 09:07,0101,已办结,张三丰,13812341234\r\n"
       "IN2019000002,ZX210681107201,2019-05-06 10:00:00,0102,办理中,李四,13900001111\r\n"
       "IN2019000003,ZX210681107201,不是日期,0102,办理中,王五,13900002222\r\n")


def drop(folder: Path, name: str, text: str, age: float = 60) -> Path:
    """Write a file the way a job should (a temporary name, then a rename) and date it `age` seconds back."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (name + ".part")
    tmp.write_text(text, encoding="utf-8")
    path = tmp.rename(folder / name)
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_process_imports_moves_and_logs(scratch_con, store, tmp_path):
    folder = tmp_path / "inbox"
    drop(folder, "夜间导出.csv", CSV)
    drop(folder, "不是导出.csv", "甲,乙\n1,2\n")
    drop(folder, "还在写.csv", CSV, age=0)                 # changed just now: waits for the next pass
    drop(folder, "半截.csv.part", CSV).rename(folder / "半截.csv.part")
    reports = inbox.process(scratch_con, store, folder)
    # oldest first: 夜间导出.csv was dropped a moment before 不是导出.csv
    assert [(Path(r.file).name, r.rows_read, r.imported, r.quarantined, r.rejected) for r in reports] == [
        ("夜间导出.csv", 3, 2, 1, False), ("不是导出.csv", 0, 0, 0, True)]
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["半截.csv.part", "还在写.csv"]
    [done] = list((folder / "done").iterdir())
    [rejected] = list((folder / "rejected").iterdir())
    assert done.name.endswith("_夜间导出.csv") and rejected.name.endswith("_不是导出.csv")
    rows = scratch_con.execute("select file_name, imported, quarantined, status, imported_by from import_log "
                               "order by import_id desc limit 2").fetchall()
    assert sorted(rows) == [("不是导出.csv", 0, 0, "已拒绝", "收件箱"), ("夜间导出.csv", 2, 1, "已处理", "收件箱")]
    from tests.test_audit import rows as audit_rows

    audited = [(r[0], r[2], r[4]) for r in audit_rows(store, "import")]
    assert sorted(audited) == [("收件箱", "不是导出.csv", "rejected"), ("收件箱", "夜间导出.csv", "ok")]
    assert inbox.process(scratch_con, store, folder) == []         # nothing new waits: a second pass does nothing


def test_directory_and_poll(monkeypatch, tmp_path):
    monkeypatch.delenv("DANGQUN_INBOX", raising=False)
    assert inbox.directory(tmp_path / "x.duckdb") == tmp_path / "inbox"
    monkeypatch.setenv("DANGQUN_INBOX", str(tmp_path / "elsewhere"))
    assert inbox.directory(tmp_path / "x.duckdb") == tmp_path / "elsewhere"
    monkeypatch.setenv("DANGQUN_INBOX_POLL", "0")
    assert inbox.start(None) is None
    monkeypatch.setenv("DANGQUN_INBOX_POLL", "abc")
    assert inbox.poll_seconds() == inbox.DEFAULT_POLL


@pytest.fixture()
def served(demo_db, accounts_file, tmp_path):
    """`streamlit run serve.py` over a copy of the demo database, its inbox looked into every second."""
    db_path = tmp_path / "served.duckdb"
    shutil.copy(demo_db, db_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "streamlit.log", "w")
    env = {**os.environ, "DANGQUN_DB": str(db_path), "DANGQUN_INBOX_POLL": "1"}
    env.pop("DANGQUN_INBOX", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port), "--server.headless",
         "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not start within 60 s")
        yield db_path, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)
        log.close()


def test_a_file_dropped_while_the_server_runs_is_imported(served, capsys):
    """Nobody opens a page: the server's watcher, started with it, hands the file to the importer; the command
    line imports while the server runs as well."""
    from dangqun import cli, publish

    db_path, proc = served
    folder = db_path.parent / "inbox"
    other = CSV.replace("IN2019", "CL2019")
    assert cli.main(["import", str(drop(db_path.parent / "elsewhere", "x.csv", other)), "--db", str(db_path)]) == 0
    drop(folder, "nightly.csv", CSV)
    deadline = time.time() + 60
    while time.time() < deadline and not list((folder / "done").glob("*_nightly.csv")):
        time.sleep(0.5)
    assert [p.name[16:] for p in (folder / "done").iterdir()] == ["nightly.csv"]
    assert not (folder / "nightly.csv").exists()
    assert proc.poll() is None                              # the server serves on

    def published_log():      # the file is moved to done/ before the pass publishes: wait for the version
        reader = db.Reader(publish.current(db_path))
        try:
            return reader.execute("select file_name, rows_read, imported, quarantined, status, imported_by "
                                  "from import_log where file_name = 'nightly.csv'").fetchall()
        finally:
            reader.close()

    while time.time() < deadline and not published_log():
        time.sleep(0.5)
    con = db.Reader(publish.current(db_path))               # the version published last
    assert con.execute("select file_name, rows_read, imported, quarantined, status, imported_by from import_log "
                       "where file_name = 'nightly.csv'").fetchall() == [("nightly.csv", 3, 2, 1, "已处理", "收件箱")]
    assert con.execute("select count(*) from service_records where record_id like 'IN2019%' or record_id like "
                       "'CL2019%'").fetchone()[0] == 4
