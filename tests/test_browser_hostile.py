"""Hostile workbooks uploaded to the served app (README 工作簿读取限制与上传文件): on 数据导入 as admin, each is
refused with its message in the preview and on import, the server's peak RSS stays under 1.5 GB, and
it still answers afterwards (before: a cell at XFD1048576 aborted the server, a zip bomb grew it past
9 GB)."""
from __future__ import annotations

import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_browser import ARTIFACTS, browser, open_logged_in, page, serve, wait_ready  # noqa: F401

RSS_LIMIT_KB = 1536 * 1024


def peak_rss_kb(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM) since it started."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


@pytest.fixture(scope="module")
def served(demo_db, accounts_file, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("hostile_server") / "served.duckdb"
    shutil.copy(demo_db, db_path)
    with serve(db_path, tmp_path_factory.mktemp("log") / "streamlit.log") as (url, proc):
        yield url, proc, db_path


NAMES = ["last_cell", "declared_range", "zip_bomb", "many_sheets", "shared_strings"]


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_workbook_uploaded_to_the_server(served, page, hostile_workbooks, name):
    url, proc, db_path = served
    path, message = hostile_workbooks[name]
    open_logged_in(page, url + "/data_import")
    t0 = time.perf_counter()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_ready(page)
    page.get_by_text("无法识别该文件，导入时将被拒绝。").wait_for()
    page.get_by_text(f"注：{message}", exact=False).wait_for()
    page.get_by_role("button", name="开始导入").click()
    wait_ready(page)
    page.get_by_text(f"{path.name}：已拒绝，未导入任何数据。{message}", exact=False).wait_for()
    assert time.perf_counter() - t0 < 30
    page.screenshot(path=str(ARTIFACTS / f"hostile_{name}.png"), full_page=True)
    assert proc.poll() is None
    assert peak_rss_kb(proc.pid) < RSS_LIMIT_KB
    assert urllib.request.urlopen(url + "/_stcore/health", timeout=5).read() == b"ok"
    # the upload is gone from disk (uploads/ beside the database) once imported
    uploads = db_path.parent / "uploads"
    assert [p for p in uploads.rglob("*") if p.is_file()] == []
    page.get_by_role("link", name="资金投入").click()          # and another page still renders
    wait_ready(page)
    page.get_by_role("heading", name="资金投入").wait_for()
