"""Serving while importing, in a real browser (README 「两个存储」): `streamlit run serve.py` serves while another
process imports, adds an account and takes a backup — the commands that used to need the dashboard
stopped. The open page shows the new 受理量 at its next interaction, with no restart and no error; the new
account logs in; the backup, restored into a fresh folder and served, shows the same 总览 figures."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.test_browser import (ARTIFACTS, CHROMIUM, OVERVIEW_CARDS, ROOT, browser, expect,  # noqa: F401
                                open_logged_in, page, serve, wait_ready)

CENTER = "ZX210681117000"            # a 东港 center of the demo
OVERVIEW = "/?county=210681000000&start=2022-12-01&end=2022-12-31"
NEW_RECORDS = 7


def cards(pg) -> dict[str, str]:
    """The 总览 cards as shown: label → value."""
    expect(pg.locator('[data-testid="stMetric"]')).to_have_count(len(OVERVIEW_CARDS), timeout=60_000)
    return pg.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
        .map(c => [c.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                   c.querySelector('[data-testid="stMetricValue"]').innerText.trim()]))""")


def received(pg) -> int:
    return int(cards(pg)["受理量"].replace(",", ""))


def cli(*args, stdin: str = "", env=None):
    return subprocess.run([sys.executable, "-m", "dangqun", *map(str, args)], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def served(demo_db, accounts_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served") / "data"
    folder.mkdir()
    db_path = folder / "dangqun.duckdb"
    shutil.copy(demo_db, db_path)
    with serve(db_path, folder.parent / "streamlit.log") as (url, proc):
        yield url, db_path, proc


def test_an_import_from_another_process_reaches_the_open_page(served, page, tmp_path):
    url, db_path, proc = served
    open_logged_in(page, url + OVERVIEW)
    before = received(page)
    export = tmp_path / "新记录.csv"
    export.write_text("受理编号,中心编码,受理时间,事项编码,办理状态\n" + "".join(
        f"LIVE-{i},{CENTER},2022-12-{10 + i} 09:30,0101,办理中\n" for i in range(NEW_RECORDS)), encoding="utf-8")
    done = cli("import", export, "--db", db_path)
    assert done.returncode == 0, done.stderr
    # the official's next interaction (R reruns the page): the new version, within 30 s, without a restart
    deadline = time.monotonic() + 30
    while True:
        page.keyboard.press("r")
        wait_ready(page)
        if received(page) == before + NEW_RECORDS or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert received(page) == before + NEW_RECORDS
    assert proc.poll() is None
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "publish_after_import.png"))


def test_an_account_added_while_serving_logs_in(served, browser):
    url, db_path, _ = served
    done = cli("user", "add", "xinren", "--role", "county", "--region", "210681", "--display-name", "东港新同志",
               "--password-stdin", "--db", db_path, stdin="Xinren-pass-1\n")
    assert done.returncode == 0, done.stderr
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(url)
        wait_ready(pg)
        pg.get_by_label("用户名").fill("xinren")
        pg.get_by_label("密码", exact=True).fill("Xinren-pass-1")
        pg.get_by_role("button", name="登录").click()
        wait_ready(pg)
        expect(pg.get_by_role("button", name="退出")).to_be_visible(timeout=30_000)
        expect(pg.get_by_text("东港新同志")).to_be_visible()
    finally:
        context.close()


def test_a_backup_taken_while_serving_restores_the_same_overview(served, page, tmp_path):
    url, db_path, _ = served
    backup = tmp_path / "备份"
    done = cli("backup", "--out", backup, "--db", db_path)
    assert done.returncode == 0, done.stderr
    restored = tmp_path / "restored" / "dangqun.duckdb"
    done = cli("restore", backup, "--db", restored)
    assert done.returncode == 0, done.stderr
    open_logged_in(page, url + OVERVIEW)
    original = cards(page)
    assert len(original) == len(OVERVIEW_CARDS)
    with serve(restored, tmp_path / "restored.log") as (url2, _):
        open_logged_in(page, url2 + OVERVIEW)
        assert cards(page) == original
