"""The dashboard in a real browser: Playwright drives Debian's Chromium against `streamlit run`.

Screenshots go to tests/_artifacts/ (ignored by git) for a person to look at.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs /usr/bin/chromium for the browser tests (.ci/run installs it)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Error as PlaywrightError, expect, sync_playwright  # noqa: E402

# a rerun on a loaded 2-core machine can take several seconds; 5 s (the default) made the login flaky
expect.set_options(timeout=20_000)

from dangqun import metric_registry  # noqa: E402
from dangqun.registry import PAGES, by_title  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db_path: Path, log_path: Path, *options: str):
    """`streamlit run serve.py` (app.py behind dangqun.server_guard) over `db_path` on a free localhost
    port, with extra command-line `options`: yields (url, process)."""
    port = _free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *options],
        cwd=ROOT, env={**os.environ, "DANGQUN_DB": str(db_path)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start within 60 s")
    try:
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def server(demo_db, accounts_file, tmp_path_factory):
    """The app served over its own copy of the demo database (the demo accounts come from
    accounts_file through $DANGQUN_USERS)."""
    db_path = tmp_path_factory.mktemp("browser") / "browser.duckdb"
    shutil.copy(demo_db, db_path)
    with serve(db_path, tmp_path_factory.mktemp("log") / "streamlit.log") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def wait_ready(pg):
    """Streamlit is done when its status widget stops saying it is running."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    pg.wait_for_timeout(500)


def open_logged_in(pg, url, user="admin", sidebar=True):
    """Open `url` as an official arriving by a link: the login form comes first (a new browser
    session), then the page of the link with its parameters. sidebar=False: a page or a screen
    without the sidebar's logout button in view (the 大屏, a phone)."""
    from dangqun import auth

    pg.goto(url)
    wait_ready(pg)
    pg.get_by_label("用户名").fill(user)
    pg.get_by_label("密码", exact=True).fill(auth.DEMO_PASSWORD)
    pg.get_by_role("button", name="登录").click()
    wait_ready(pg)
    if sidebar:
        expect(pg.get_by_role("button", name="退出")).to_be_visible(timeout=30_000)   # a loaded machine is slow
    else:
        expect(pg.get_by_label("用户名")).to_have_count(0)


def heading(registered, region):
    """The page's first heading: its title, or for a page without chrome (the 大屏) the region's name."""
    return registered.title if registered.chrome else f"{region} · 党群服务数据"


def upload_mb():
    """server.maxUploadSize as the served app reads it (.streamlit/config.toml)."""
    import tomllib

    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]


def no_error_box(pg):
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert pg.locator('[data-testid="stAlertContentError"]').count() == 0


# every address the pages were ever served under (bookmarks, links in 通报 e-mails): st.navigation in app.py
# must keep serving each page there
ADDRESSES = {"": "总览", "brands": "品牌矩阵", "funds": "资金投入", "satisfaction": "满意度与考核", "services": "服务办理",
             "records": "明细查询", "report": "通报", "alerts": "预警", "map": "地图", "screen": "大屏",
             "data_import": "数据导入", "audit": "审计日志", "accounts": "账号管理"}


def test_every_page_keeps_its_address():
    assert {p.slug: p.title for p in PAGES} == ADDRESSES


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda a: a or "root")
def test_every_page_opens_at_its_address_without_an_error(server, page, address):
    registered = by_title(ADDRESSES[address])
    if not (ROOT / registered.file).exists():
        pytest.fail(f"{registered.file} is missing")
    open_logged_in(page, f"{server}/{address}", sidebar=registered.chrome)
    expect(page.locator("h1").first).to_have_text(heading(registered, "辽宁省"))
    no_error_box(page)
    page.screenshot(path=str(ARTIFACTS / f"page_{registered.name}.png"), full_page=True)


def sidebar_box(pg, label):
    return pg.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True)


def choose(pg, label, option):
    sidebar_box(pg, label).click()
    pg.get_by_role("option", name=option, exact=True).click()
    wait_ready(pg)


def test_choose_a_county_then_click_a_bar_to_drill(server, page):
    open_logged_in(page, server)
    choose(page, "市", "丹东市")
    choose(page, "县区", "东港市")
    expect(page.get_by_text("丹东市 › 东港市 · 2022年")).to_be_visible()
    assert "county=210681000000" in page.url
    # the ranking's bars are the towns of 东港市: clicking one drills into that town
    ranking = page.locator(".js-plotly-plot").nth(1)
    # the charts are drawn again once their data arrives: scroll to the one that stays
    for _ in range(5):
        wait_ready(page)
        try:
            ranking.scroll_into_view_if_needed(timeout=5_000)
            break
        except PlaywrightError:
            page.wait_for_timeout(1_000)
    bar = ranking.locator(MARKS).last
    bar.click(force=True)
    wait_ready(page)
    page.wait_for_function("() => location.search.includes('town=')", timeout=30_000)
    assert "town=210681" in page.url
    expect(sidebar_box(page, "乡镇街道")).not_to_have_value("全部")
    no_error_box(page)
    page.screenshot(path=str(ARTIFACTS / "drill_town.png"), full_page=True)


def test_download_a_csv(server, page):
    open_logged_in(page, f"{server}/?county=210681000000")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    first_line = data[3:].decode("utf-8").split("\r\n")[0]
    assert first_line.split(",")[:3] == ["月份", "受理量", "办结量"]
    no_error_box(page)


# what a click lands on in a figure: a bar, or a dot (the ranking draws a dot per unit)
MARKS = ".barlayer g.point path, .scatterlayer path.point"


def click_bar(pg, chart_index, name):
    """Click the bar labelled `name` in the chart_index-th Plotly figure of the page. Streamlit may
    redraw a figure just after the script ends, so a detached element is looked up again."""
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            chart = pg.locator(".js-plotly-plot").nth(chart_index)
            chart.scroll_into_view_if_needed()
            labels = chart.evaluate("el => el.data[0].y")
            assert name in labels, f"{name} not among the bars: {labels}"
            chart.locator(MARKS).nth(labels.index(name)).click(force=True)
            break
        except Error:
            pg.wait_for_timeout(1000)
    else:
        raise AssertionError(f"could not click the bar {name}")
    wait_ready(pg)


def test_four_clicks_from_a_city_to_a_villages_records(server, page):
    open_logged_in(page, f"{server}/?city=210600000000")
    click_bar(page, 1, "东港市")                                           # 1
    expect(page.get_by_text("丹东市 › 东港市 · 2022年")).to_be_visible()
    click_bar(page, 1, "长山镇")                                           # 2
    expect(page.get_by_text("丹东市 › 东港市 › 长山镇 · 2022年")).to_be_visible()
    click_bar(page, 1, "卧龙村")                                           # 3
    expect(page.get_by_text("丹东市 › 东港市 › 长山镇 › 卧龙村 · 2022年")).to_be_visible()
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="明细查询").click()   # 4
    wait_ready(page)
    expect(page.locator("h1").first).to_have_text("明细查询")
    expect(page.get_by_text("丹东市 › 东港市 › 长山镇 › 卧龙村 · 2022年")).to_be_visible()
    expect(page.get_by_text("共 ")).to_be_visible()
    no_error_box(page)
    page.screenshot(path=str(ARTIFACTS / "four_clicks_records.png"), full_page=True)


def test_a_tab_of_services_draws_its_section_when_opened(server, page):
    """服务办理's sections are tabs of which only the open one runs: 24 小时服务（AB岗）'s heatmaps and ranking
    appear once its tab is clicked, and 办理情况's bars are gone until it is clicked again."""
    open_logged_in(page, f"{server}/services?county=210681000000")
    ranking = page.get_by_text("AB岗中心夜间、节假日受理排名")
    expect(ranking).to_have_count(0)
    expect(page.get_by_text("各大类受理量")).to_be_visible()
    page.get_by_role("tab", name="24 小时服务（AB岗）").click()
    wait_ready(page)
    expect(ranking).to_be_visible(timeout=30_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(2)      # the two heatmaps, nothing of the other tabs
    no_error_box(page)
    page.screenshot(path=str(ARTIFACTS / "services_ab_tab.png"), full_page=True)


def test_a_category_clicked_on_services_shows_as_a_chip_on_the_overview(server, page):
    """A click on the 医疗保障 bar of 服务办理 filters the records; 总览 then says so under its title, leaves out
    投入 and 活动场次 (not records), and a click on the chip clears the filter everywhere."""
    open_logged_in(page, f"{server}/services")
    for _ in range(5):
        try:
            chart = page.locator(".js-plotly-plot").nth(0)
            chart.scroll_into_view_if_needed()
            labels = chart.evaluate("el => el.data[0].x")
            chart.locator("g.point path").nth(labels.index("医疗保障")).click(force=True)
            break
        except PlaywrightError:
            page.wait_for_timeout(1000)
    page.wait_for_function("() => location.search.includes('cat=03')", timeout=30_000)
    wait_ready(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="总览").click()
    wait_ready(page)
    chip = page.get_by_role("button", name="事项大类：医疗保障 ✕")
    expect(chip).to_be_visible()
    expect(page.get_by_text("只筛选服务记录：投入、活动场次和中心数不随之变化")).to_be_visible()
    labels = page.locator('[data-testid="stMetricLabel"]')
    expect(labels.filter(has_text="受理量")).to_have_count(1)
    expect(labels.filter(has_text="活动场次")).to_have_count(0)
    expect(labels.filter(has_text="投入总额")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "filter_chip.png"), full_page=True)
    chip.click()
    wait_ready(page)
    expect(chip).to_have_count(0)
    expect(labels.filter(has_text="活动场次")).to_have_count(1)
    assert "cat=" not in page.url
    no_error_box(page)


LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:")


def test_no_request_leaves_the_machine(server, browser):
    """On an intranet nothing may be fetched from outside: every request the browser makes on the
    login form and on every page (fonts, icons, the page icon, scripts) goes to the app itself."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    context.on("websocket", lambda ws: requested.append(ws.url))
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        open_logged_in(pg, f"{server}/?county=210681000000")
        for registered in PAGES[1:]:     # the sidebar's links: the session stays logged in
            if registered.file == "app_pages/screen.py":
                continue                 # the 大屏 has no sidebar to come back by: opened last, below
            pg.locator('[data-testid="stSidebar"]').get_by_role("link", name=registered.title).click()
            wait_ready(pg)
            expect(pg.locator("h1").first).to_have_text(registered.title)
        pg.goto(f"{server}/screen")      # the session cookie keeps the login across the load
        wait_ready(pg)
        expect(pg.locator("h1").first).to_contain_text("党群服务数据")
        pg.goto(server)                  # a fresh load: the login form with its page icon
        wait_ready(pg)
        pg.wait_for_timeout(1000)
    finally:
        context.close()
    assert any("/favicon" in u or "/media/" in u for u in requested), "the page icon was never requested"
    outside = sorted({u for u in requested if not u.startswith(LOCAL_PREFIXES)})
    assert outside == [], outside


def test_file_uploader_speaks_chinese(server, page):
    open_logged_in(page, f"{server}/data_import")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    button_text = zone.locator("button p")
    size_line = page.locator('[data-testid="stFileUploaderDropzoneInstructions"] span')
    # Streamlit's English stays in the DOM with no size; the Chinese is what shows
    for element, shown in ((button_text, '"选择文件"'), (size_line, f'"每个文件不超过 {upload_mb()}MB · CSV、XLSX"')):
        assert element.evaluate("e => getComputedStyle(e).fontSize") == "0px"
        assert element.evaluate("e => getComputedStyle(e, '::after').content") == shown
    box = zone.locator("button").bounding_box()
    assert box["width"] > 60                      # the Chinese label is laid out inside the button
    zone.screenshot(path=str(ARTIFACTS / "uploader_zh.png"))


def test_a_refused_upload_says_why_in_chinese(demo_db, accounts_file, tmp_path, browser):
    """A file over the size limit (refused by the browser) and one over the session's total (refused by
    the server guard with a 413) show a Chinese reason on hover, not Streamlit's English."""
    db_path = tmp_path / "upload.duckdb"
    shutil.copy(demo_db, db_path)
    big = tmp_path / "大文件.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * 400_000)                 # 1.5 MiB, over the 1 MiB limit
    parts = [tmp_path / f"{n}.csv" for n in ("一", "二", "三")]
    for f in parts:
        f.write_bytes(b"a,b\n" + b"1,2\n" * 240_000)             # 0.92 MiB each: the third passes 2 MiB
    with serve(db_path, tmp_path / "streamlit.log", "--server.maxUploadSize", "1") as (url, _):
        pg = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        try:
            open_logged_in(pg, f"{url}/data_import")
            chooser = pg.locator('input[type="file"]')
            chooser.set_input_files([str(big)])
            for f in parts:
                chooser.set_input_files([str(f)])
                wait_ready(pg)
            refused = pg.locator('[data-testid="stFileChip"][aria-invalid="true"]')
            expect(refused).to_have_count(2)
            reason = ("未能上传：只接受 CSV、XLSX 文件，每个不超过 1MB，本次登录上传合计不超过 2MB。"
                      "请移除该文件后重试。")
            for name in ("大文件.csv", "三.csv"):
                refused.filter(has_text=name).hover()
                tip = pg.locator('[data-testid="stTooltipErrorContent"]')
                expect(tip).to_be_visible()
                assert tip.evaluate("e => getComputedStyle(e).fontSize") == "0px"
                assert tip.evaluate("e => getComputedStyle(e, '::after').content") == f'"{reason}"'
                pg.wait_for_timeout(600)     # the tooltip fades in
                pg.screenshot(path=str(ARTIFACTS / f"upload_refused_{name}.png"))
                pg.mouse.move(0, 0)
            for name in ("一.csv", "二.csv"):
                expect(pg.locator('[data-testid="stFileChip"]').filter(has_text=name)).not_to_have_attribute(
                    "aria-invalid", "true")
        finally:
            pg.close()


def test_logout_button_shows_its_whole_label_in_english(server, page):
    open_logged_in(page, server)
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    wait_ready(page)
    button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Log out")
    expect(button).to_be_visible()
    label = button.locator("p")
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), "the label is cut"
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    box = button.bounding_box()
    assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"]
    page.locator('[data-testid="stSidebar"]').screenshot(path=str(ARTIFACTS / "sidebar_en.png"))


MAPPED_CSV = ("编号,站点编码,留言时间,服务事项编码,状态,留言人,手机\n"
              "WB2016-1,ZX210681107201,2016/05/05 09:07,0101,已办结,张三丰,13812341234\n"
              "WB2016-2,ZX210681107201,2016/05/06 10:00,0102,处理中,李四,13900001111\n"
              "WB2016-3,ZX210681107201,2016/05/07 11:00,0102,已办结,王五,13900002222\n")


def test_mapping_step_up_to_the_dry_run(server, page, tmp_path):
    """A file whose headers fit no kind (编号 and 留言时间 are not contract headers): the page drafts the
    mapping, shows masked samples and parse rates, and the dry run reports what would be imported."""
    upload = tmp_path / "外部平台.csv"
    upload.write_text(MAPPED_CSV, encoding="utf-8")
    open_logged_in(page, f"{server}/data_import")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    wait_ready(page)
    expect(page.get_by_text("无法识别该文件的表头。可在下面把它的列对应到数据规范")).to_be_visible()
    expect(page.get_by_text("列对应", exact=True)).to_be_visible()
    expect(page.get_by_text("值对应", exact=True)).to_be_visible()
    expect(page.get_by_text("逐列核对", exact=True)).to_be_visible()
    page.get_by_text("列对应", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data_import_mapping_grid.png"))
    page.get_by_role("button", name="试运行").click()
    wait_ready(page)
    summary = page.locator('[data-testid="stCode"]')
    expect(summary).to_contain_text("（试运行，未写入）外部平台.csv：读取 3 行，可导入 2，跳过 0，文件内重复 0，将隔离 1")
    expect(summary).to_contain_text("未映射的值「处理中」：1 行")
    expect(page.get_by_role("button", name="保存映射配置")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "data_import_mapping.png"), full_page=True)


# ── a phone (390 × 844) and the 大屏 (1920 × 1080, 3840 × 2160) ───────────────────────────────────

# Text (outside charts and table canvases) reaching past the viewport's sides, and a page wider than
# the viewport: what an official would have to scroll sideways for, or could not read at all.
OVERFLOW = """() => {
  const W = innerWidth, bad = [], main = document.querySelector('[data-testid="stMain"]');
  if (document.documentElement.scrollWidth > W) bad.push('page ' + document.documentElement.scrollWidth);
  if (main.scrollWidth > main.clientWidth) bad.push('main ' + main.scrollWidth);
  const texts = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const node = texts.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest('svg, [data-testid="stDataFrame"]')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (box.width && (box.right > W + 1 || box.left < -1)) {
        bad.push(node.textContent.trim().slice(0, 40) + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
        break;
      }
    }
  }
  return bad;
}"""

# The KPI cards' boxes in page order: reading order is row by row, left to right.
# the 总览 cards the metric registry declares (the demo has data for each)
OVERVIEW_CARDS = metric_registry.shown_in(metric_registry.CARDS)
CARDS = """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(card => {
  const box = card.getBoundingClientRect();
  return [Math.round(box.top), Math.round(box.left)];
})"""


def screenshot_whole(pg, path):
    """The whole page: Streamlit scrolls inside its main section, not the document, so the viewport is
    made as tall as the page for the picture (and put back)."""
    size = pg.viewport_size
    height = pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    pg.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    # charts below the first screen are drawn once they come into view
    pg.wait_for_function("""() => Array.from(document.querySelectorAll('.stPlotlyChart'))
        .every(chart => chart.querySelector('.main-svg'))""", timeout=60_000)
    pg.wait_for_timeout(1500)
    pg.screenshot(path=str(path))
    pg.set_viewport_size(size)


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.mark.parametrize("registered", PAGES, ids=lambda p: p.name)
def test_every_page_on_a_phone(server, phone, registered):
    open_logged_in(phone, f"{server}/{registered.slug}", sidebar=False)
    expect(phone.locator("h1").first).to_have_text(heading(registered, "辽宁省"))
    wait_ready(phone)
    no_error_box(phone)
    if registered.chrome:   # the sidebar starts closed (initial_sidebar_state "auto") instead of covering the page
        expect(phone.get_by_role("button", name="退出")).not_to_be_in_viewport()
        expect(phone.locator('[data-testid="stExpandSidebarButton"]')).to_be_visible()
    if registered.name == "overview":
        expect(phone.locator('[data-testid="stMetric"]')).to_have_count(len(OVERVIEW_CARDS), timeout=60_000)
    phone.wait_for_timeout(1000)   # the charts' first layout
    assert phone.evaluate(OVERFLOW) == []
    cards = phone.evaluate(CARDS)
    assert cards == sorted(cards), "KPI cards out of reading order"
    rows = [top for top, _ in cards]
    assert all(rows.count(top) <= 2 for top in rows), "more than two KPI cards a row on a phone"
    if registered.name == "overview":
        assert len(set(rows)) == -(-len(OVERVIEW_CARDS) // 2)     # two a row
    screenshot_whole(phone, ARTIFACTS / f"phone_{registered.name}.png")


@pytest.mark.parametrize("width, height", [(1920, 1080), (3840, 2160)])
def test_the_screen_fills_the_display_without_scrolling(server, browser, width, height):
    from dangqun.views import screen

    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        open_logged_in(pg, f"{server}/screen?county=210681000000", sidebar=False)
        no_error_box(pg)
        expect(pg.locator("h1").first).to_have_text("东港市 · 党群服务数据")
        # no sidebar (Streamlit still puts the page navigation's sidebar in the DOM), no header
        expect(pg.locator('[data-testid="stSidebar"]')).to_be_hidden()
        expect(pg.locator('header[data-testid="stHeader"]')).to_be_hidden()
        title = pg.locator(".js-plotly-plot .gtitle")
        expect(title).to_have_text("月度受理量与满意率", timeout=30_000)
        fits = """() => { const main = document.querySelector('[data-testid="stMain"]');
            return [document.documentElement.scrollWidth, document.documentElement.scrollHeight,
                    main.scrollWidth, main.scrollHeight, innerWidth, innerHeight]; }"""
        page_w, page_h, main_w, main_h, view_w, view_h = pg.evaluate(fits)
        assert (page_w, page_h, main_w, main_h) == (view_w, view_h, view_w, view_h)
        # the panel fills the height left under the cards (within the page's bottom padding)
        plot = pg.locator(".js-plotly-plot").bounding_box()
        assert plot["y"] + plot["height"] > 0.95 * height
        assert pg.evaluate(OVERFLOW) == []
        pg.screenshot(path=str(ARTIFACTS / f"screen_{width}.png"))
        # the next panel comes up by itself after rotate_seconds
        seconds = screen.load_config().rotate_seconds
        expect(pg.locator(".js-plotly-plot .gtitle", has_text="下级单位综合成绩排名")).to_be_visible(
            timeout=(seconds + 20) * 1000)
        expect(pg.locator(".js-plotly-plot .gtitle", has_text="月度受理量与满意率")).to_have_count(0)
        pg.wait_for_timeout(1500)
        no_error_box(pg)
        assert pg.evaluate(fits)[:4] == [view_w, view_h, view_w, view_h]
        pg.screenshot(path=str(ARTIFACTS / f"screen_{width}_ranking.png"))
        if width == 1920:      # the map and the alerts fill the same panel (once is enough: 20 s each)
            for name, title in (("map", "综合成绩地图"), ("alerts", "本月预警")):
                expect(pg.locator(".js-plotly-plot .gtitle", has_text=title)).to_be_visible(timeout=(seconds + 20) * 1000)
                pg.wait_for_timeout(1500)
                no_error_box(pg)
                assert pg.evaluate(fits)[:4] == [view_w, view_h, view_w, view_h]
                assert pg.evaluate(OVERFLOW) == []
                pg.screenshot(path=str(ARTIFACTS / f"screen_{width}_{name}.png"))
    finally:
        context.close()
