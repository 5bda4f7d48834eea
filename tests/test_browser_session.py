"""Sessions, downloads and data shown as text, in a real browser against `streamlit run serve.py`
(README 部署与安全): a login survives F5 and a shared link, ends for good at logout and after the idle
time; a download after logout or idle delivers nothing; a download URL is useless outside its
session; names carrying Markdown or HTML render as text on the records page, the import preview and
the brand chart."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from test_browser import ARTIFACTS, ROOT, _free_port, browser, no_error_box, open_logged_in, wait_ready  # noqa: F401
from playwright.sync_api import expect  # noqa: E402

from dangqun import contract, db, ingest, web_session

HOSTILE_CENTER = "ZX210681107201"        # 长山镇卧龙村, a branded village center of the demo
EVIL = "evil.invalid"
HOSTILE_NAME = f"![n](http://{EVIL}/x.png) [钓鱼](http://{EVIL}/y)"
HOSTILE_BRAND = f'<a href="http://{EVIL}/z">卧龙品牌</a>'
HOSTILE_HEADER = f"![h](http://{EVIL}/h.png)[表头](http://{EVIL}/h)"
IDLE_SECONDS = 15


@contextlib.contextmanager
def served(db_path, log_path, **env):
    """`streamlit run serve.py` on a free port over `db_path`, with extra environment `env`."""
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "DANGQUN_DB": str(db_path), **env}, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise RuntimeError("streamlit did not start within 60 s")
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def hostile_copy(demo_db, path):
    """A copy of the demo database in which one branded village center carries a Markdown name and an
    HTML brand, imported through the importer like any centers export."""
    shutil.copy(demo_db, path)
    con = db.connect(path)
    try:
        row = con.execute("select * from centers where center_id = $c", {"c": HOSTILE_CENTER}).df()
        row["center_name"], row["brand_name"] = HOSTILE_NAME, HOSTILE_BRAND
        headers = {c.name: c.header for c in contract.CENTERS.columns}
        csv = path.with_name("centers.csv")
        row[[c for c in row.columns if c in headers]].rename(columns=headers).to_csv(csv, index=False)
        (report,) = ingest.import_files(con, [csv])
        assert not report.rejected and report.updated == 1, report
    finally:
        con.close()


@pytest.fixture(scope="module")
def server(demo_db, accounts_file, tmp_path_factory):
    base = tmp_path_factory.mktemp("session")
    hostile_copy(demo_db, base / "hostile.duckdb")
    with served(base / "hostile.duckdb", base / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def idle_server(demo_db, accounts_file, tmp_path_factory):
    base = tmp_path_factory.mktemp("idle")
    shutil.copy(demo_db, base / "idle.duckdb")
    with served(base / "idle.duckdb", base / "streamlit.log", DANGQUN_IDLE_SECONDS=str(IDLE_SECONDS)) as url:
        yield url


@pytest.fixture()
def context(browser):  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    yield ctx
    ctx.close()


def new_page(ctx):
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    return pg


def session_cookie(ctx, timeout=20):
    """The session cookie once the browser holds it (the page fetches it right after login)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [c for c in ctx.cookies() if c["name"] == web_session.COOKIE]
        if found:
            return found[0]
        time.sleep(0.3)
    raise AssertionError("no session cookie was set")


# a run of the app may take a while on a loaded machine: every expectation waits as long as a page load
expect.set_options(timeout=60_000)


def logged_in(pg):
    expect(pg.get_by_role("button", name="退出")).to_be_visible()


def login_form(pg):
    """The login form and nothing of a page: no logout, no chart, no table (stale ones included)."""
    expect(pg.get_by_role("button", name="登录")).to_be_visible()
    expect(pg.get_by_role("button", name="退出")).to_have_count(0)
    expect(pg.locator(".js-plotly-plot")).to_have_count(0)
    expect(pg.locator('[data-testid="stDataFrame"]')).to_have_count(0)


def logout(pg):
    pg.get_by_role("button", name="退出").click()
    wait_ready(pg)
    login_form(pg)


# ── the session across reloads, tabs and logout ─────────────────────────────────────────────

def test_f5_keeps_the_login_on_the_same_page_and_url(server, context):
    pg = new_page(context)
    open_logged_in(pg, f"{server}/records?county=210681000000")
    cookie = session_cookie(context)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert pg.evaluate("document.cookie").find(web_session.COOKIE) == -1     # out of reach of scripts
    url = pg.url
    pg.reload()
    wait_ready(pg)
    logged_in(pg)
    expect(pg.locator("h1").first).to_have_text("明细查询")
    expect(pg.get_by_text("丹东市 › 东港市 · 2022年")).to_be_visible()
    assert pg.url == url
    no_error_box(pg)


def test_a_shared_link_opens_logged_in_in_another_tab(server, context):
    pg = new_page(context)
    open_logged_in(pg, server, user="dandong")
    session_cookie(context)
    other = new_page(context)
    other.goto(f"{server}/services?county=210681000000")
    wait_ready(other)
    logged_in(other)
    expect(other.locator("h1").first).to_have_text("服务办理")
    expect(other.get_by_text("东港市 · 2022年")).to_be_visible()
    no_error_box(other)


def test_logout_ends_the_session_for_reload_back_button_and_a_replayed_cookie(server, browser, context):  # noqa: F811
    pg = new_page(context)
    open_logged_in(pg, server)
    cookie = session_cookie(context)
    pg.locator('[data-testid="stSidebar"]').get_by_role("link", name="明细查询").click()
    wait_ready(pg)
    expect(pg.locator("h1").first).to_have_text("明细查询")
    logout(pg)
    expect(pg.get_by_text("已退出登录")).to_be_visible()
    # the cookie is cleared in the browser, and the session ended on the server
    deadline = time.time() + 20
    while any(c["name"] == web_session.COOKIE for c in context.cookies()) and time.time() < deadline:
        time.sleep(0.3)
    assert not any(c["name"] == web_session.COOKIE for c in context.cookies())
    pg.go_back()
    wait_ready(pg)
    login_form(pg)
    pg.reload()
    wait_ready(pg)
    login_form(pg)
    # the old cookie, replayed in a fresh browser, opens nothing
    thief = browser.new_context()
    try:
        thief.add_cookies([cookie])
        tp = new_page(thief)
        tp.goto(f"{server}/records")
        wait_ready(tp)
        login_form(tp)
    finally:
        thief.close()


def test_a_made_up_cookie_opens_nothing(server, context):
    context.add_cookies([{"name": web_session.COOKIE, "value": "x" * 43, "url": server}])
    pg = new_page(context)
    pg.goto(server)
    wait_ready(pg)
    login_form(pg)


# ── downloads ───────────────────────────────────────────────────────────────────────────────

def download_url(pg):
    with pg.expect_download() as info:
        pg.get_by_role("button", name="下载 CSV").first.click()
    download = info.value
    return download.url, download.path().read_bytes()


def test_a_download_url_is_nothing_without_its_session(server, browser, context):  # noqa: F811
    pg = new_page(context)
    open_logged_in(pg, f"{server}/?county=210681000000")
    session_cookie(context)
    url, data = download_url(pg)
    assert "/media/" in url and data.startswith(b"\xef\xbb\xbf")
    assert context.request.get(url).body() == data      # the owner's session may fetch it again
    # the same URL without the session's cookie: a plain HTTP client, then another browser
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 404
    other = browser.new_context()
    try:
        assert other.request.get(url).status == 404
    finally:
        other.close()
    # another logged-in official's session does not open it either
    colleague = browser.new_context()
    try:
        cp = new_page(colleague)
        open_logged_in(cp, server, user="dandong")
        session_cookie(colleague)
        assert colleague.request.get(url).status == 404
    finally:
        colleague.close()


def test_the_report_downloads_as_word_for_its_session(server, context):
    import io

    import docx

    pg = new_page(context)
    open_logged_in(pg, f"{server}/report?county=210681000000")
    with pg.expect_download(timeout=120_000) as info:
        pg.get_by_role("button", name="下载 Word").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx") and "东港市" in download.suggested_filename
    document = docx.Document(io.BytesIO(download.path().read_bytes()))
    assert "东港市" in document.paragraphs[0].text or any("东港市" in p.text for p in document.paragraphs[:3])
    assert len(document.inline_shapes) >= 2          # the charts, rendered by the server's Chromium
    assert context.request.get(download.url).status == 200       # fetchable again by its own session only
    other = context.browser.new_context()
    try:
        assert other.request.get(download.url).status == 404
    finally:
        other.close()


def refused_in_chinese(pg):
    """The download button's error line (Streamlit's English "Failed to generate file for download")
    shows its Chinese text instead."""
    error = pg.locator('[data-testid="stDownloadButtonError"]')
    expect(error).to_be_visible()
    assert error.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    assert error.evaluate("e => getComputedStyle(e, '::after').content") == (
        '"下载失败：登录已结束，请刷新页面重新登录"')
    box = error.bounding_box()
    assert box["height"] > 10          # the Chinese line is laid out, not squeezed to nothing
    error.screenshot(path=str(ARTIFACTS / "download_refused.png"))


@pytest.mark.parametrize("path, button", [("/", "下载 CSV"), ("/report", "下载 Word")])
def test_after_logout_a_download_click_in_another_tab_delivers_nothing(server, context, path, button):
    pg = new_page(context)
    open_logged_in(pg, f"{server}{path}?county=210681000000")
    session_cookie(context)
    other = new_page(context)
    other.goto(f"{server}{path}?county=210681000000")
    wait_ready(other)
    logged_in(other)
    logout(pg)
    downloads = []
    other.on("download", lambda d: downloads.append(d))
    other.get_by_role("button", name=button).first.click()
    refused_in_chinese(other)
    other.wait_for_timeout(2000)
    assert downloads == []


def test_idle_ends_the_session_and_refuses_downloads(idle_server, context):
    pg = new_page(context)
    open_logged_in(pg, f"{idle_server}/?county=210681000000")
    session_cookie(context)
    downloads = []
    pg.on("download", lambda d: downloads.append(d))
    pg.wait_for_timeout((IDLE_SECONDS + 2) * 1000)
    pg.get_by_role("button", name="下载 CSV").first.click()
    refused_in_chinese(pg)
    pg.wait_for_timeout(2000)
    assert downloads == []
    pg.reload()
    wait_ready(pg)
    login_form(pg)
    expect(pg.get_by_text("长时间未操作，已自动退出，请重新登录")).to_be_visible()
    pg.screenshot(path=str(ARTIFACTS / "session_idle.png"), full_page=True)


# ── names from data are text ────────────────────────────────────────────────────────────────

def links_and_images_from_data(pg) -> list[str]:
    return pg.evaluate(f"""() => [...document.querySelectorAll('a, img, image')]
        .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('xlink:href') || '')
        .filter(v => v.includes('{EVIL}'))""")


def shown(locator) -> str:
    """The text as a person reads it (markup.md breaks autolinks with zero-width spaces)."""
    return locator.inner_text().replace("\u200b", "").strip()


def test_markdown_and_html_in_names_render_as_text(server, context, tmp_path):
    pg = new_page(context)
    asked = []
    pg.on("request", lambda r: asked.append(r.url) if EVIL in r.url else None)
    open_logged_in(pg, f"{server}/brands")
    chart = pg.locator(".js-plotly-plot").first
    # the scatter names only the bubbles it finds room for; the heatmap names every brand on its axis
    heatmap = pg.locator(".js-plotly-plot").nth(1)
    heatmap.scroll_into_view_if_needed()
    texts = heatmap.evaluate("el => [...el.querySelectorAll('text')].map(t => t.textContent)")
    assert any(HOSTILE_BRAND in text for text in texts), texts   # the tags shown as characters, not a link
    chart.scroll_into_view_if_needed()
    assert links_and_images_from_data(pg) == []
    pg.screenshot(path=str(ARTIFACTS / "hostile_brands.png"), full_page=True)

    # a click on the brand's bubble opens its records: the 只看中心 notice shows the name as typed
    ids = chart.evaluate("el => el.data[0].customdata.map(c => c[0])")
    chart.locator("g.points path.point").nth(ids.index(HOSTILE_CENTER)).click(force=True)
    wait_ready(pg)
    expect(pg.locator("h1").first).to_have_text("明细查询")
    notice = pg.locator('[data-testid="stAlertContentInfo"]').filter(has_text="只看中心")
    expect(notice).to_be_visible()
    assert shown(notice) == f"只看中心：{HOSTILE_NAME}"
    assert links_and_images_from_data(pg) == []
    pg.screenshot(path=str(ARTIFACTS / "hostile_records.png"), full_page=True)

    # an export with a Markdown header cell: the preview's note names it as text
    upload = tmp_path / "记录.csv"
    upload.write_text(f"受理编号,中心编码,受理时间,事项编码,办理状态,{HOSTILE_HEADER}\n"
                      f"T1,{HOSTILE_CENTER},2022-03-05 09:00:00,0101,已办结,x\n", encoding="utf-8")
    pg.locator('[data-testid="stSidebar"]').get_by_role("link", name="数据导入").click()
    wait_ready(pg)
    pg.locator('input[type="file"]').set_input_files(str(upload))
    wait_ready(pg)
    expect(pg.get_by_text("文件预览")).to_be_visible()
    note = pg.locator('[data-testid="stCaptionContainer"]').filter(has_text="已忽略")
    expect(note).to_be_visible()
    assert HOSTILE_HEADER in shown(note)
    assert links_and_images_from_data(pg) == []
    pg.screenshot(path=str(ARTIFACTS / "hostile_import_preview.png"), full_page=True)
    assert asked == []
    no_error_box(pg)
