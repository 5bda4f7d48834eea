"""What a browser does that AppTest cannot: Back and Forward walk the drill (each drill is an address of its
own), and on a phone the sidebar closes itself once a page is chosen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_browser import browser, click_bar, open_logged_in, server, sidebar_box, wait_ready  # noqa: F401

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
