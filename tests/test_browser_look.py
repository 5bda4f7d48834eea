"""What a browser does that AppTest cannot: Back and Forward walk the drill (each drill is an address of its
own), and on a phone the sidebar closes itself once a page is chosen."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from test_browser import (browser, click_bar, no_error_box, open_logged_in, server, sidebar_box,  # noqa: F401
                          wait_ready)
from test_browser_layout import SHOT_WIDTHS, full_screenshot, relayout, settle

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)


@pytest.fixture()
def desktop(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture()
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def where(pg, crumbs: str):
    """The page shows the region of `crumbs` ('丹东市 › 东港市') in its heading line."""
    expect(pg.get_by_text(f"{crumbs} · 2022年")).to_be_visible()


def test_back_and_forward_walk_the_drill(server, desktop):  # noqa: F811
    open_logged_in(desktop, f"{server}/?city=210600000000")
    where(desktop, "丹东市")
    click_bar(desktop, 1, "东港市")
    where(desktop, "丹东市 › 东港市")
    click_bar(desktop, 1, "长山镇")
    where(desktop, "丹东市 › 东港市 › 长山镇")
    assert "town=210681107000" in desktop.url
    desktop.go_back()
    wait_ready(desktop)
    where(desktop, "丹东市 › 东港市")
    assert "county=210681000000" in desktop.url and "town=" not in desktop.url
    # the sidebar follows the address too
    expect(sidebar_box(desktop, "县区")).to_have_value("东港市")
    expect(sidebar_box(desktop, "乡镇街道")).to_have_value("全部")
    desktop.go_back()
    wait_ready(desktop)
    where(desktop, "丹东市")
    assert "county=" not in desktop.url
    desktop.go_forward()
    wait_ready(desktop)
    where(desktop, "丹东市 › 东港市")
    # and a drill from there starts a new history, as on any web page
    click_bar(desktop, 1, "大东街道")
    where(desktop, "丹东市 › 东港市 › 大东街道")


def test_a_page_change_keeps_the_drill(server, desktop):  # noqa: F811
    open_logged_in(desktop, f"{server}/?county=210681000000")
    where(desktop, "丹东市 › 东港市")
    desktop.locator('[data-testid="stSidebar"]').get_by_role("link", name="资金投入").click()
    wait_ready(desktop)
    expect(desktop.locator("h1").first).to_have_text("资金投入")
    where(desktop, "丹东市 › 东港市")
    desktop.go_back()
    wait_ready(desktop)
    expect(desktop.locator("h1").first).to_have_text("总览")
    where(desktop, "丹东市 › 东港市")


def test_on_a_phone_the_sidebar_closes_after_choosing_a_page(server, phone):  # noqa: F811
    open_logged_in(phone, f"{server}/?county=210681000000", sidebar=False)
    sidebar = phone.locator('[data-testid="stSidebar"]')
    phone.locator('[data-testid="stExpandSidebarButton"]').click()
    link = sidebar.get_by_role("link", name="资金投入")
    expect(link).to_be_in_viewport()
    link.click()
    wait_ready(phone)
    expect(phone.locator("h1").first).to_have_text("资金投入")
    expect(link).not_to_be_in_viewport()
    expect(phone.locator('[data-testid="stExpandSidebarButton"]')).to_be_visible()


def test_on_a_wide_screen_the_sidebar_stays(server, desktop):  # noqa: F811
    open_logged_in(desktop, f"{server}/?county=210681000000")
    link = desktop.locator('[data-testid="stSidebar"]').get_by_role("link", name="资金投入")
    link.click()
    wait_ready(desktop)
    expect(desktop.locator("h1").first).to_have_text("资金投入")
    desktop.wait_for_timeout(1000)
    expect(link).to_be_in_viewport()


def test_a_choice_box_without_matches_says_so_in_chinese(server, desktop):  # noqa: F811
    # Streamlit writes "No results" and has no setting for it: the Chinese words are drawn in its place
    open_logged_in(desktop, f"{server}/")
    wait_ready(desktop)
    sidebar_box(desktop, "市").click()
    listbox = desktop.get_by_role("listbox", name="市")
    expect(listbox).to_be_visible()
    sidebar_box(desktop, "市").press_sequentially("zzzz")
    expect(listbox).to_have_attribute("data-empty", "true")
    drawn = listbox.locator("[role=option] > span").evaluate(
        "el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content]")
    assert drawn == ["0px", '"没有匹配的选项"']


# ---- The look, second pass, as an official sees it: what the browser draws, not what the script sends ----

# Streamlit draws a table's cells on a canvas: the words an official reads there are the ones handed to
# fillText, so every page of these tests records them (the table's accessible copy holds the raw values,
# an empty string where the canvas draws the placeholder)
DRAWN_TEXT = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.__drawn = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__drawn.push(String(text));
    return fill.call(this, text, ...rest);
  };
})();"""
# what a cell without a value reads when Streamlit's own placeholder shows through
UNDEFINED = ("None", "nan", "NaN", "<NA>", "null", "NaT")
FUNDS_TOWN = "/funds?city=210600000000&county=210681000000&town=210681101000"    # 孤山镇: no funds in 2022


@pytest.fixture()
def watched(browser):  # noqa: F811
    """A 1440 × 900 window (the widest laptop: every column of the tables in view) whose canvas text is
    recorded, downloads accepted."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.add_init_script(DRAWN_TEXT)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def drawn(pg) -> list[str]:
    return pg.evaluate("() => window.__drawn")


def grid(pg, header: str) -> list[list[str]]:
    """The rows (header row first) of the table whose header row has `header`, as its accessible copy holds
    them: the columns in view only, raw values ('' where the cell has none)."""
    for table in pg.locator("[data-testid=stDataFrame]").all():
        rows = table.evaluate("""el => [...el.querySelectorAll('table[role=grid] tr')]
            .map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent))""")
        if rows and header in rows[0]:
            return rows
    raise AssertionError(f"no table with the column {header} in view")


def column(rows: list[list[str]], header: str) -> list[str]:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


# a figure's arrays as plain lists (Plotly keeps a typed array's source in _inputArray)
FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => {
  const list = v => v == null ? null : v._inputArray ? Array.from(v._inputArray)
                  : (typeof v === 'object' && v.length !== undefined) ? Array.from(v) : v;
  const title = (p.layout.title && (p.layout.title.text || p.layout.title)) || '';
  return {title: String(title).replace(/<[^>]+>/g, ''), traces: p.data.map(d => ({
    type: d.type, mode: d.mode || null, x: list(d.x), y: list(d.y), lon: list(d.lon), lat: list(d.lat),
    line: d.line ? {color: d.line.color} : null,
    marker: d.marker ? {color: list(d.marker.color), colorscale: d.marker.colorscale || null,
                        cmin: d.marker.cmin ?? null, cmax: d.marker.cmax ?? null} : null}))};
})"""


def figures(pg) -> list[dict]:
    return pg.evaluate(FIGURES)


def look_at(pg, name: str) -> None:
    """Screenshots of the whole page at a phone's and a laptop's width (tests/_artifacts/look_<name>_<w>.png)
    for a person to look at; the window is 1440 wide again afterwards."""
    for width in SHOT_WIDTHS:
        relayout(pg, width)
        full_screenshot(pg, f"look_{name}_{width}.png", width)
    relayout(pg, 1440)


def main_text(pg) -> str:
    return pg.locator("[data-testid=stMain]").inner_text()


def test_funds_without_funds_read_a_dash_and_leave_the_units_out_of_the_cost_charts(server, watched):  # noqa: F811
    open_logged_in(watched, f"{server}{FUNDS_TOWN}")
    settle(watched)
    no_error_box(watched)
    rows = grid(watched, "每万元服务量")
    assert len(rows) > 1 and set(column(rows, "本期分摊资金(万元)")) == {"0"}
    # neither is defined without funds: 0.00 元/件 would read as a free service
    assert set(column(rows, "每万元服务量")) == {""} and set(column(rows, "单件成本(元/件)")) == {""}
    # and the canvas writes those cells —, not Streamlit's "None"
    texts = drawn(watched)
    assert "—" in texts and not set(texts) & set(UNDEFINED)
    # the charts by unit draw no bar at 0.00: the six villages without funds are left out, and said so
    for fig in figures(watched):
        if "单件成本" in fig["title"] or "每万元服务量" in fig["title"]:
            assert all(v > 0 for v in fig["traces"][0]["x"]), fig
    expect(watched.get_by_text("6 个下级单位没有本期资金，不列出")).to_have_count(2)
    look_at(watched, "funds_town")


def test_one_brand_is_not_normalised(server, watched):  # noqa: F811
    open_logged_in(watched, f"{server}/brands", user="donggang")      # 东港市: one brand community
    settle(watched)
    no_error_box(watched)
    expect(watched.get_by_text("只有一个品牌社区，不作归一化比较")).to_be_visible()
    # min–max over one value would paint every cell and every spoke 1, the best
    kinds = {tr["type"] for fig in figures(watched) for tr in fig["traces"]}
    assert kinds == {"scatter"}, kinds          # the 投入—成绩 scatter only: no heatmap, no radar
    assert "归一化）" not in main_text(watched)
    look_at(watched, "brands_one")


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of a #RRGGBB colour against white."""
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_map_lowest_centers_stand_out_and_a_town_stands_on_its_county(server, watched):  # noqa: F811
    open_logged_in(watched, f"{server}/map?county=210681000000")
    settle(watched)
    no_error_box(watched)
    [fig] = figures(watched)
    [dots] = [tr for tr in fig["traces"] if tr["marker"] and tr["marker"]["colorscale"]]
    scores = dots["marker"]["color"]
    # the lowest-scoring centers take the scale's first colour: on the white page it must show as a colour
    # (the former #DCE9F2, 1.2 : 1 against white, left them almost invisible)
    assert dots["marker"]["cmin"] == min(scores)
    lowest = dots["marker"]["colorscale"][0][1]
    assert contrast_with_white(lowest) >= 1.5, lowest
    look_at(watched, "map_county")

    watched.context.clear_cookies()
    open_logged_in(watched, f"{server}/map", user="lizhou")     # 利州街道: no shapes of its own
    settle(watched)
    no_error_box(watched)
    [fig] = figures(watched)
    outline, *points = fig["traces"]
    assert outline["line"] and outline["line"]["color"] == "#8A8A8A" and len(outline["lon"]) > 10
    lon = [v for v in outline["lon"] if v is not None]
    lat = [v for v in outline["lat"] if v is not None]
    for tr in points:            # drawn after the outline, so over it, and inside it
        assert all(min(lon) <= x <= max(lon) for x in tr["lon"]) and all(min(lat) <= y <= max(lat) for y in tr["lat"])
    assert sum(len(tr["lon"]) for tr in points) == 8
    text = main_text(watched)
    assert "本区域没有自己的边界数据，底图是喀喇沁左翼蒙古族自治县的轮廓。" in text
    # a town official has no command line: no operator's instructions on the page
    for word in ("dangqun", "boundaries", "import", "导入"):
        assert word not in text
    look_at(watched, "map_town")


def test_alerts_of_the_province_name_counties_show_status_and_no_case_zero_days_late(server, watched):  # noqa: F811
    open_logged_in(watched, f"{server}/alerts")
    settle(watched)
    no_error_box(watched)
    units = column(grid(watched, "预警条数"), "单位")
    towns = [u for u in units if u != "辽宁省"]      # the 热点 stands for the whole province
    assert towns and all(re.fullmatch(r"\S+市\S+(市|区|县) \S+", u) for u in towns), units
    assert "丹东市东港市 前阳镇" in towns
    # 状态 among the columns in view, without scrolling the list sideways
    listed = grid(watched, "规则")
    assert "状态" in listed[0] and set(column(listed, "状态")) <= {"待处理", "已核实", "已处理"}
    assert watched.evaluate("() => document.documentElement.scrollWidth") <= 1440
    box = watched.locator("[data-testid=stDataFrame]").nth(1).bounding_box()
    assert box["x"] + box["width"] <= 1440
    backlogs = [r for r in column(listed, "规则") if r == "超期积压"]
    picker = watched.get_by_role("combobox", name="选择预警")
    names = [o for o in options_of(watched, picker) if "超期积压" in o]
    assert backlogs and len(names) == len(backlogs)
    for name in names:
        choose_in(watched, picker, name)
        late = column(grid(watched, "超期工作日"), "超期工作日")
        assert late and all(int(d) >= 1 for d in late), (name, late)
    look_at(watched, "alerts_province")


def options_of(pg, box) -> list[str]:
    box.scroll_into_view_if_needed()
    box.click()
    expect(pg.get_by_role("option").first).to_be_visible()
    found = pg.get_by_role("option").all_inner_texts()
    pg.keyboard.press("Escape")
    return found


def choose_in(pg, box, option: str) -> None:
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()
    wait_ready(pg)


def test_overview_a_change_of_nothing_reads_flat_in_grey(server, watched):  # noqa: F811
    # 利州街道 2022-12 against 2021-12: 按期办结率 differs by less than 0.05 个百分点
    open_logged_in(watched, f"{server}/?start=2022-12-01&end=2022-12-31&compare=yoy", user="lizhou")
    settle(watched)
    no_error_box(watched)
    card = watched.locator("[data-testid=stMetric]").filter(has_text="按期办结率")
    delta = card.locator("[data-testid=stMetricDelta]")
    expect(delta).to_have_text("持平")
    assert delta.locator("svg").count() == 0            # no arrow
    r, g, b = map(int, re.findall(r"\d+", delta.evaluate("e => getComputedStyle(e).color"))[:3])
    assert not (g > r + 40 and g > b), (r, g, b)        # not green, the colour of a rise
    look_at(watched, "overview_flat")


# the plural nouns English counts (dangqun.i18n.SINGULAR): "1 cases" anywhere is a missed singular
ONE_PLURAL = re.compile(r"(?<![\d.,])1 (cases|alerts|files|centers|units|towns|cities|counties|records|rows|days|"
                        r"working days|brand communities|residents|accounts|messages|topics|projects|activities|"
                        r"items|times)\b")
CJK = re.compile(r"[\u3400-\u9fff]")


def test_english_pages_say_what_stays_chinese_and_download_english_headers(server, watched):  # noqa: F811
    open_logged_in(watched, f"{server}/report?county=210681000000")
    watched.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    wait_ready(watched)
    expect(watched.locator("h1").first).to_have_text("Report")
    # the 通报 is a 公文 sent upward: its text stays Chinese, and the page says so in English
    expect(watched.get_by_text("The report is an official document sent upward: its text and its files are in "
                               "Chinese.")).to_be_visible()
    # the period and the comparison read in English after the switch, the comparison still chosen
    period = watched.locator('[data-testid="stSelectbox"]').filter(has_text="Report period")
    expect(period).not_to_contain_text("年")
    expect(watched.get_by_role("radio", name="Same period last year")).to_be_checked()
    seen = {"report": main_text(watched)}
    look_at(watched, "report_en")

    sidebar = watched.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="Brand matrix").click()
    wait_ready(watched)
    expect(watched.locator("h1").first).to_have_text("Brand matrix")
    settle(watched)
    with watched.expect_download() as info:
        watched.get_by_role("button", name="Download CSV").first.click()
    headers = Path(info.value.path()).read_bytes()[3:].decode("utf-8").split("\r\n")[0].split(",")
    assert len(headers) > 3 and not [h for h in headers if CJK.search(h)], headers
    seen["brands"] = main_text(watched)

    # a new load of the page resumes the session by its cookie: the log then holds a 恢复会话
    watched.goto(f"{server}/audit?county=210681000000&lang=en")
    wait_ready(watched)
    expect(watched.locator("h1").first).to_have_text("Audit log")
    settle(watched)
    texts = drawn(watched)
    assert "Session resumed" in texts and not [x for x in texts if "恢复会话" in x]
    seen["audit"] = main_text(watched) + "\n".join(texts)
    look_at(watched, "audit_en")

    # one town's alerts: a count of 1 takes the singular
    watched.goto(f"{server}/alerts?county=210681000000&town=210681104000&lang=en")     # 前阳镇
    wait_ready(watched)
    expect(watched.locator("h1").first).to_have_text("Alerts")
    expect(watched.get_by_text("lateness counted to 2022-12-31; 1 alert.")).to_be_visible()
    seen["alerts"] = main_text(watched)

    watched.locator('[data-testid="stSidebar"]').get_by_role("link", name="Data import").click()
    wait_ready(watched)
    expect(watched.locator("h1").first).to_have_text("Data import")
    settle(watched)
    inbox = watched.get_by_text("Inbox: ")
    expect(inbox).to_contain_text("recorded as imported by the inbox")
    assert "收件箱" not in inbox.inner_text()
    seen["data_import"] = main_text(watched)
    look_at(watched, "data_import_en")

    for name, text in seen.items():
        assert not ONE_PLURAL.search(text), (name, ONE_PLURAL.search(text)[0])
