"""Every page at 1440 × 900 in Chromium, measured: no chart text outside its figure or over another label,
no button whose text is cut; and a click on a 资金投入 treemap tile drills as a click on a bar does.

Screenshots of each page go to tests/_artifacts/ (layout_<page>.png) for a person to look at.
"""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from dangqun.registry import PAGES, by_slug
from test_browser import ARTIFACTS, browser, heading, no_error_box, open_logged_in, server, wait_ready  # noqa: F401

pytestmark = pytest.mark.slow
# pages of 23 towns take seconds to draw on a shared two-core machine; 5 s (the default) is too short
expect.set_options(timeout=30_000)

COUNTY = "210681000000"     # 东港市: 23 towns, the ranking and the treemap at their fullest
WIDTH, HEIGHT = 1440, 900

# Every text of every Plotly figure against the figure's box; the value labels of bars and markers
# against each other; every button's text against its button (an ellipsis means scrollWidth > clientWidth).
MEASURE = """() => {
  const bad = [];
  const inside = (r, c) => r.left >= c.left - 1 && r.right <= c.right + 1 && r.top >= c.top - 1 && r.bottom <= c.bottom + 1;
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const title = (plot.querySelector('.gtitle') || {}).textContent || ('chart ' + i);
    const texts = [...plot.querySelectorAll('svg text')].filter(t => t.textContent.trim())
      .map(t => [t, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (const [t, r] of texts)
      if (!inside(r, box)) bad.push(`${title}: "${t.textContent}" outside the figure`);
    const labels = texts.filter(([t]) => t.closest('.scatterlayer, .barlayer'));
    for (let a = 0; a < labels.length; a++)
      for (let b = a + 1; b < labels.length; b++) {
        const [ta, ra] = labels[a], [tb, rb] = labels[b];
        if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
          bad.push(`${title}: "${ta.textContent}" over "${tb.textContent}"`);
      }
  });
  // a note on the plot's edge (a target line's, the 黄榜 line's) over the title or its subtitle
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const heads = [...plot.querySelectorAll('.gtitle, .gtitle-subtitle')].map(e => [e, e.getBoundingClientRect()]);
    for (const note of plot.querySelectorAll('.annotation-text')) {
      const r = note.getBoundingClientRect();
      for (const [h, b] of heads)
        if (r.width && b.width && r.left < b.right - 1 && b.left < r.right - 1 && r.top < b.bottom - 1 && b.top < r.bottom - 1)
          bad.push(`${h.textContent}: "${note.textContent}" over it`);
    }
  });
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const title = plot.querySelector('.gtitle'), legend = plot.querySelector('.legend');
    if (!title || !legend) return;
    const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
    if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      bad.push(`${title.textContent}: the legend over the title`);
  });
  // a KPI card's number cut to "163,…" (Streamlit ends a value too wide for its card with an ellipsis)
  document.querySelectorAll('[data-testid="stMetricValue"]').forEach(v => {
    for (const el of [v, ...v.querySelectorAll('*')])
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible') {
        bad.push(`card value "${v.textContent}" cut`);
        break;
      }
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    bad.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
  document.querySelectorAll('button').forEach(btn => {
    if (!btn.getBoundingClientRect().width) return;
    for (const p of btn.querySelectorAll('p, span')) {
      if (p.scrollWidth > p.clientWidth + 1 && getComputedStyle(p).overflow !== 'visible')
        bad.push(`button "${btn.textContent.trim()}" cut`);
    }
  });
  return bad;
}"""


@pytest.fixture()
def wide(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def settle(pg):
    """Wait until the page stops adding elements, then bring every figure into view once so Plotly has
    drawn it at its real width."""
    wait_ready(pg)
    count = -1
    for _ in range(30):
        now = pg.locator(".js-plotly-plot, [data-testid=stDataFrame]").count()
        if now == count:
            break
        count = now
        pg.wait_for_timeout(1000)
    for i in range(pg.locator(".js-plotly-plot").count()):
        pg.locator(".js-plotly-plot").nth(i).evaluate("el => el.scrollIntoView()")
        pg.wait_for_timeout(200)
    pg.wait_for_timeout(800)


def relayout(pg, width):
    """The window made `width` wide: no new run, only Streamlit's and Plotly's layout again (each figure
    brought into view once, as settle does, so Plotly draws it at its new width)."""
    pg.set_viewport_size({"width": width, "height": HEIGHT})
    pg.wait_for_timeout(700)
    for i in range(pg.locator(".js-plotly-plot").count()):
        pg.locator(".js-plotly-plot").nth(i).evaluate("el => el.scrollIntoView()")
        pg.wait_for_timeout(100)
    pg.wait_for_timeout(500)


def full_screenshot(pg, name, width=WIDTH):
    """The whole page (Streamlit scrolls inside its main block, so the viewport is made as tall as it)."""
    height = pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    pg.set_viewport_size({"width": width, "height": max(HEIGHT, height)})
    pg.wait_for_timeout(1500)
    pg.screenshot(path=str(ARTIFACTS / name), timeout=180_000)
    pg.set_viewport_size({"width": width, "height": HEIGHT})


# the widths officials open the dashboard at: two phones, two laptops, a desktop (the 大屏 has its own test)
WIDTHS = (360, 390, 1366, 1440, 1920)
SHOT_WIDTHS = (390, 1366)     # screenshots for a person to look at (tests/_artifacts/layout_<page>_<width>.png)


@pytest.mark.parametrize("registered", PAGES, ids=lambda p: p.name)
def test_no_text_overflows_its_box(server, wide, registered):  # noqa: F811
    """Each page once, measured at every width of WIDTHS in turn (the browser window resized: Streamlit and
    Plotly lay the page out again without a new run)."""
    open_logged_in(wide, f"{server}/{registered.slug}?county={COUNTY}", sidebar=registered.chrome)
    expect(wide.locator("h1").first).to_have_text(heading(registered, "东港市"))
    settle(wide)
    no_error_box(wide)
    problems = []
    for width in WIDTHS:
        relayout(wide, width)
        problems += [f"{width} px: {p}" for p in wide.evaluate(MEASURE)]
        if width in SHOT_WIDTHS:
            full_screenshot(wide, f"layout_{registered.name}_{width}.png", width)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


def test_breadcrumb_buttons_show_whole_names(server, wide):  # noqa: F811
    # equal-width columns cut the village's step to "赵家营…"
    open_logged_in(wide, f"{server}/?village=210681113203")
    settle(wide)
    for name in ("辽宁省", "丹东市", "东港市", "马家店镇", "赵家营子村"):
        expect(wide.locator("[data-testid=stMain] button").filter(has_text=name).first).to_have_text(name)
    assert wide.evaluate(MEASURE) == []


def test_a_treemap_tile_drills_into_its_region(server, wide):  # noqa: F811
    open_logged_in(wide, f"{server}/funds?county={COUNTY}")
    settle(wide)
    plot = wide.locator(".js-plotly-plot").filter(has=wide.locator(".treemaplayer g.slice"))
    plot.evaluate("el => el.scrollIntoView()")
    wide.wait_for_timeout(500)
    # a town tile (a region code, not a center id): its label strip at the top-left belongs to the town
    # itself, the rest of it to its centers
    town, name, x, y = plot.evaluate("""el => {
        for (const s of el.querySelectorAll('.treemaplayer g.slice')) {
            const d = s.__data__ && s.__data__.data && s.__data__.data.data;
            if (d && /^210681(?!000)\\d{3}000$/.test(d.id)) {
                const r = s.getBoundingClientRect();
                return [d.id, d.label, r.left + 12, r.top + 6];
            }
        }
        return [null, null, 0, 0];
    }""")
    assert town, "no town tile drawn"
    before_url = wide.url
    wide.mouse.click(x, y)
    wait_ready(wide)
    wide.wait_for_function("() => location.search.includes('town=')", timeout=30_000)
    assert f"town={town}" in wide.url and wide.url != before_url
    expect(wide.locator("h1").first).to_have_text("资金投入")
    expect(wide.get_by_text(f"丹东市 › 东港市 › {name} · 2022年")).to_be_visible()
    no_error_box(wide)
    settle(wide)
    full_screenshot(wide, "layout_funds_tile_drilled.png")


def test_the_screen_at_1366_by_768_shows_whole_numbers(server, browser):  # noqa: F811
    """The 大屏 at a meeting room projector's 1366 × 768, over the whole province (its largest numbers): the
    headline 受理量 whole and inside its card (163,300 was cut to 163,… there), nothing else overflowing."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        open_logged_in(pg, f"{server}/screen", sidebar=False)
        expect(pg.locator("h1").first).to_have_text(heading(by_slug("screen"), "辽宁省"))
        settle(pg)
        no_error_box(pg)
        card = pg.locator("[data-testid=stMetric]").filter(has_text="受理量")
        value = card.locator("[data-testid=stMetricValue]")
        expect(value).to_have_text(re.compile(r"\d{1,3}(,\d{3})+"))
        assert value.evaluate("v => [v, ...v.querySelectorAll('*')].every(e => e.scrollWidth <= e.clientWidth + 1)")
        inner, outer = value.bounding_box(), card.bounding_box()
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] and inner["height"] < outer["height"]
        assert pg.evaluate(MEASURE) == []
        pg.screenshot(path=str(ARTIFACTS / "layout_screen_1366x768.png"))
    finally:
        context.close()
