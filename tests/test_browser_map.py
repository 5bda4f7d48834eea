"""The 地图 in a real browser: a click on a county lands in it, a county account's page holds no other
county's shape, and no request leaves the machine while the province, a city and a county are drawn."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangqun import boundaries
from test_browser import (ARTIFACTS, browser, no_error_box, open_logged_in, screenshot_whole, server,  # noqa: F401
                          wait_ready)

LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:")

# every shape and point the page's figures hold, read from Plotly's own data in the page
FIGURE_DATA = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => el.data.map(tr => ({
  type: tr.type,
  ids: tr.geojson ? tr.geojson.features.map(f => f.id) : [],
  coords: tr.geojson ? tr.geojson.features.map(f => JSON.stringify(f.geometry.coordinates)) : [],
  lon: Array.from(tr.lon || []), lat: Array.from(tr.lat || []),
})))"""


@pytest.fixture()
def context(browser):  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.requested = []
    ctx.on("request", lambda r: ctx.requested.append(r.url))
    ctx.on("websocket", lambda ws: ctx.requested.append(ws.url))
    yield ctx
    ctx.close()


def open_map(pg, url, **kw):
    open_logged_in(pg, url, **kw)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    pg.wait_for_timeout(1500)     # the figure's first layout


def click_unit(pg, name):
    """Click the unit `name` on the map where its name is written (inside its shape; Plotly finds the
    shape under the pointer). Streamlit may redraw the figure just after the script ends: look again."""
    for _ in range(5):
        try:
            label = pg.locator(".js-plotly-plot").first.locator("g.scattergeo text", has_text=name).first
            box = label.bounding_box(timeout=5_000)
            pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            return
        except Exception:  # noqa: BLE001 — detached or not yet drawn
            pg.wait_for_timeout(1000)
    raise AssertionError(f"could not click {name}")


def test_clicking_a_county_on_the_map_lands_in_it(server, context):  # noqa: F811
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    open_map(pg, f"{server}/map?city=210600000000")
    expect(pg.locator("h1").first).to_have_text("地图")
    click_unit(pg, "东港市")
    wait_ready(pg)
    pg.wait_for_function("() => location.search.includes('county=210681000000')", timeout=30_000)
    expect(pg.get_by_text("丹东市 › 东港市 · 2022年")).to_be_visible()
    # the county's map: its centers as points over its outline, the breadcrumb steps back
    pg.wait_for_selector(".js-plotly-plot .scattergeo", timeout=60_000)
    expect(pg.get_by_role("button", name="丹东市")).to_be_enabled()
    no_error_box(pg)
    screenshot_whole(pg, ARTIFACTS / "map_drill_county.png")
    outside = sorted({u for u in context.requested if not u.startswith(LOCAL)})
    assert outside == [], outside


def test_a_county_accounts_page_holds_no_other_countys_shape(server, context):  # noqa: F811
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    open_map(pg, f"{server}/map", user="donggang")
    expect(pg.get_by_text("东港市 · 2022年")).to_be_visible()      # the account's root is its county
    figures = pg.evaluate(FIGURE_DATA)
    traces = [tr for fig in figures for tr in fig]
    assert traces, "the map was not drawn"
    lon0, lat0, lon1, lat1 = boundaries.bounds([boundaries.shipped("210681000000", 2)])
    for tr in traces:
        assert all(code.startswith("210681") for code in tr["ids"]), tr["ids"]
        points = [(x, y) for x, y in zip(tr["lon"], tr["lat"]) if x is not None]
        assert all(lon0 - 1e-6 <= x <= lon1 + 1e-6 and lat0 - 1e-6 <= y <= lat1 + 1e-6 for x, y in points)
    # no other county's polygon anywhere in the page: 凤城市 next door, 西岗区 in another city
    html = pg.content()
    for other in ("210682000000", "210203000000"):
        ring = boundaries.shipped(other, 2)["coordinates"][0]
        ring = ring[0] if isinstance(ring[0][0], list) else ring
        assert all(f"{x}" not in html or f"{y}" not in html for x, y in ring[:3]), other
    no_error_box(pg)


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_map_at_each_level_fetches_nothing_from_outside(server, browser, width, height):  # noqa: F811
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    requested = []
    ctx.on("request", lambda r: requested.append(r.url))
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    try:
        for n, (name, query) in enumerate((("province", ""), ("city", "?city=210600000000"),
                                           ("county", "?county=210681000000"))):
            if n == 0:
                open_map(pg, f"{server}/map{query}", sidebar=width > 600)
            else:
                pg.goto(f"{server}/map{query}")
                wait_ready(pg)
                pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
                pg.wait_for_timeout(1500)
            no_error_box(pg)
            screenshot_whole(pg, ARTIFACTS / f"map_{name}_{width}.png")
    finally:
        ctx.close()
    outside = sorted({u for u in requested if not u.startswith(LOCAL)})
    assert outside == [], outside
