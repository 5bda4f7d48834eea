"""Hostile workbooks through the command line (README 工作簿读取限制与上传文件): a cell at XFD1048576, a declared
range of the whole sheet, a zip bomb of 1 GB of XML, 200 sheets, 2.5 million shared strings. Each is
refused with a Chinese message naming the limit, within 30 s and under 1.5 GB of memory; without the
checks calamine aborts the process (a 512 GiB allocation) or grows past 9 GB."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from dangqun.ingest import limits, read
from tests.hostile_files import HOSTILE, body, write_xlsx
from tests.test_ingest_cli import ROOT, counts, make_db

RSS_LIMIT_KB = 1536 * 1024


def run_cli(*args, timeout=60):
    """(exit code, stdout, stderr, seconds, peak RSS in KB) of `python -m dangqun …`: wait4 gives this
    child's own peak, whatever other children the test process had."""
    out_path, err_path = (ROOT / "tests" / f".cli_{os.getpid()}_{k}" for k in ("out", "err"))
    with open(out_path, "w") as out, open(err_path, "w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "dangqun", *map(str, args)], cwd=ROOT, stdout=out,
                                stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                pytest.fail(f"import still running after {timeout} s")
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        return proc.returncode, out_path.read_text(), err_path.read_text(), seconds, usage.ru_maxrss
    finally:
        out_path.unlink()
        err_path.unlink()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_cli_refuses_a_hostile_workbook_within_budget(tmp_path, hostile_workbooks, name):
    dbp = make_db(tmp_path / "t.duckdb")
    path, message = hostile_workbooks[name]
    code, out, err, seconds, rss_kb = run_cli("import", path, "--db", dbp)
    assert code == 2, (out, err)
    assert f"✗ {path}：已拒绝，未导入任何数据。{message}" in out
    assert "Traceback" not in err
    assert seconds < 30
    assert rss_kb < RSS_LIMIT_KB
    c = counts(dbp)
    assert c["service_records"] == 0 and c["import_log"] == 1


def test_the_same_workbooks_without_their_excess_import(tmp_path):
    """The writer makes workbooks calamine reads: the same shapes within the limits import."""
    dbp = make_db(tmp_path / "t.duckdb")
    files = [write_xlsx(tmp_path / "dim.xlsx", body(2), dimension="A1:H3"),
             write_xlsx(tmp_path / "sheets.xlsx", body(2), sheets=limits.MAX_SHEETS),
             write_xlsx(tmp_path / "sst.xlsx", body(2), shared_strings=[b"<si><t>x</t></si>" * 1000])]
    code, out, err, _, _ = run_cli("import", *files, "--db", dbp)
    assert code == 0, (out, err)
    assert out.count("读取 2 行") == 3


def test_cells_at_the_limit_are_read(tmp_path):
    """A sheet spanning exactly MAX_SHEET_CELLS cells (8 columns, the last cell at H375000) passes."""
    rows = limits.MAX_SHEET_CELLS // 8
    for last, verdict in ((rows, None), (rows + 1, "工作簿超出读取限制：工作表「Sheet1」的数据范围 A1:H375001（")):
        tail = f'<row r="{last}"><c r="H{last}"><v>1</v></c></row>'.encode()
        message = limits.check_file(write_xlsx(tmp_path / f"{last}.xlsx", body(1) + tail))
        assert message == verdict or message.startswith(verdict)


def test_the_preview_refuses_too(hostile_workbooks):
    from dangqun import ingest

    path, message = hostile_workbooks["last_cell"]
    kind, encoding, rows, notes = ingest.preview(path)
    assert kind is None and len(rows) == 0 and notes[0].startswith(message)
    with pytest.raises(read.Rejected, match="工作表数为 200"):
        read.read_any(str(hostile_workbooks["many_sheets"][0]))


def test_the_preview_reads_only_the_first_rows(tmp_path):
    """The preview hands calamine a copy of the sheet cut after its first rows (and without the
    declared range); what it shows equals the head of a full read."""
    from python_calamine import CalamineWorkbook

    from dangqun import ingest

    path = write_xlsx(tmp_path / "big.xlsx", body(5_000), dimension="A1:H5001", sheets=3)
    head = limits.head_workbook(path, None, 51)
    sheet = CalamineWorkbook.from_filelike(head).get_sheet_by_index(0)
    assert (sheet.height, sheet.width) == (51, 8)
    assert head.getbuffer().nbytes < path.stat().st_size / 20
    kind, _, rows, _ = ingest.preview(path)
    full = read.read_any(str(path)).table
    assert kind == "service_records"
    assert rows["受理编号"].tolist() == full["c0"].to_pylist()[:20] == [f"SL{i:04d}" for i in range(1, 21)]
