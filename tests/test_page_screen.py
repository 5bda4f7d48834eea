"""大屏 (app_pages/screen.py): the headline cards as 总览 computes them, no sidebar, header or downloads,
the panels in the configured turn, the scope of the account, and config/screen.toml's checks."""
import datetime as dt
import json

import pytest

from dangqun.views import screen as view
from test_page_overview import expected_cards

PAGE = "app_pages/screen.py"


def chart_titles(at):
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_headline_cards_trend_first_and_no_chrome(open_page, demo_raw):
    at = open_page(PAGE)
    assert not at.exception
    cfg = view.load_config()
    expected = expected_cards(demo_raw, "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert [(m.label, m.value) for m in at.metric] == [(key, expected[key]) for key in cfg.cards]
    assert at.title[0].value == "辽宁省 · 党群服务数据"
    assert "2022年 · 数据截至 2022-12-31" in [m.value for m in at.markdown]
    assert chart_titles(at) == ["月度受理量与满意率"]
    # no sidebar (navigation, filters, logout) and no download buttons on a wall display
    # (right after a login the sidebar holds only the invisible script that sets the session cookie)
    assert [type(e).__name__ for e in at.sidebar.children.values()] in ([], ["Html"])
    assert not at.get("download_button")


def test_the_panels_take_turns(open_page):
    at = open_page(PAGE)
    titles = [chart_titles(at)[0]]
    for _ in range(4):
        at.run()
        assert not at.exception
        titles.append(chart_titles(at)[0])
    assert titles == ["月度受理量与满意率", "下级单位综合成绩排名", "综合成绩地图", "本月预警（2022-12，共 "
                      + titles[3].split("共 ")[1], "月度受理量与满意率"]
    at.run()
    ranking = json.loads(at.get("plotly_chart")[0].proto.spec)
    # the 5 cities of the demo province, the best drawn on top (the last bar), in the dark look
    assert ranking["data"][0]["y"] == ["铁岭市", "丹东市", "抚顺市", "朝阳市", "大连市"]
    assert ranking["layout"]["template"]["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"


def test_the_ranking_shows_the_best_ranking_rows(open_page):
    at = open_page(PAGE, county="210681000000")   # 东港市: 23 towns
    at.run()
    from expected import numbers

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    dots, scores = spec["data"][0], numbers(spec["data"][0]["x"])
    assert len(dots["y"]) == view.load_config().ranking_rows == 15
    assert dots["mode"] == "markers" and scores == sorted(scores)     # best last (on top)
    # each name carries its score beside it (the axis' labels), as the dot's place shows it
    assert spec["layout"]["yaxis"]["tickvals"] == dots["y"]
    assert spec["layout"]["yaxis"]["ticktext"] == [f"{name}  {score:.2f}" for name, score in zip(dots["y"], scores)]


def test_a_town_account_sees_its_town(open_page, demo_raw):
    at = open_page(PAGE, user="lizhou")
    assert not at.exception
    assert at.title[0].value == "利州街道 · 党群服务数据"
    expected = expected_cards(demo_raw, "211324002", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert {m.label: m.value for m in at.metric} == {key: expected[key] for key in view.load_config().cards}


def test_english(open_page):
    at = open_page(PAGE, lang="en", county="210681000000")
    assert not at.exception
    assert at.title[0].value == "东港市 · Party–masses service data"
    assert [m.label for m in at.metric][:2] == ["Cases received", "Closure rate"]


def test_panel_turns_round_the_configured_order():
    cfg = view.ScreenConfig(rotate_seconds=20, panels=("ranking", "trend"), cards=("受理量",), ranking_rows=3)
    assert [view.panel(tick, cfg) for tick in range(5)] == ["ranking", "trend", "ranking", "trend", "ranking"]


def test_headline_follows_the_configured_cards_in_any_language():
    row = dict(received=1200, closed=1000, closed_on_time=900, overdue=0, valid=800, contacted=780, solved=760,
               satisfied=700, basic=60, proxy=0, proactive=0, funds_wan=12.5, centers=4, activities=30)
    cfg = view.ScreenConfig(rotate_seconds=20, panels=("trend",), cards=("活动场次", "受理量"), ranking_rows=3)
    assert [(c.label, c.value) for c in view.headline(row, None, "zh", cfg)] == [("活动场次", "30"), ("受理量", "1,200")]
    assert [c.label for c in view.headline(row, None, "en", cfg)] == ["Activities", "Cases received"]


@pytest.mark.parametrize("text, message", [
    ("rotate_seconds = 2\n", "screen.toml：rotate_seconds 应为不小于 5 的整数秒，现为 2"),
    ('panels = ["trend", "globe"]\n', "screen.toml：panels 只能取 trend、ranking、map、alerts，现为 ['trend', 'globe']"),
    ('cards = ["受理量", "访客数"]\n',
     "screen.toml：cards 只能取总览的指标 受理量、办结率、按期办结率、满意率、综合成绩、投入总额(万元)、中心数、活动场次、代办件数，"
     "现为 ['受理量', '访客数']"),
    ("ranking_rows = 0\n", "screen.toml：ranking_rows 应为正整数，现为 0"),
    ("chart_font_px = 200\n", "screen.toml：chart_font_px 应为 12 到 96 之间的整数（像素），现为 200"),
])
def test_config_errors_name_the_key_and_the_reason(tmp_path, text, message):
    path = tmp_path / "screen.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        view.load_config(path)
    assert str(err.value) == message


def test_the_shipped_config():
    assert view.load_config() == view.ScreenConfig(
        rotate_seconds=20, panels=("trend", "ranking", "map", "alerts"),
        cards=("受理量", "办结率", "按期办结率", "满意率", "综合成绩", "活动场次"), ranking_rows=15,
        chart_font_px=22)


def test_a_4k_display_gets_type_twice_as_large():
    import pandas as pd

    from dangqun import metrics
    from dangqun.charts import screen as charts

    trend = metrics.add_rates(pd.DataFrame({
        "month": pd.to_datetime(["2022-01-01", "2022-02-01"]), "received": [15000, 15001], "valid": [100, 100],
        "contacted": [98, 98], "solved": [92, 92], "satisfied": [90, 90], "basic": [5, 5]}))
    base, big = charts.panel("trend", trend), charts.panel("trend", trend, font_px=44)
    assert (base.layout.template.layout.font.size, base.layout.title.font.size) == (22, 30)
    assert (big.layout.font.size, big.layout.title.font.size, big.layout.legend.font.size) == (44, 60, 44)
    assert [a.font.size for a in big.layout.annotations] == [2 * (a.font.size or 22) for a in base.layout.annotations]
    # thousands separated on the wall display too (15,000, never 15000 or 15k)
    assert base.layout.template.layout.yaxis.tickformat == ",~f"



def test_the_map_panel_shows_the_cities_of_the_province_and_the_centers_of_a_county(open_page, demo_raw):
    from expected import numbers

    def map_spec(**query):
        at = open_page(PAGE, **query)
        at.run()
        at.run()                                          # trend, ranking, then the map
        assert not at.exception
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        assert spec["layout"]["title"]["text"] == "综合成绩地图"
        assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"
        return spec

    # the province: its 5 demo cities coloured by the score the ranking shows
    spec = map_spec()
    (shaded,) = [d for d in spec["data"] if d["type"] == "choropleth" and d.get("showscale", True) is not False]
    assert sorted(shaded["locations"]) == ["210200000000", "210400000000", "210600000000", "211200000000",
                                          "211300000000"]
    # 东港市 (no town shapes shipped): every center with a position as a point inside the county
    spec = map_spec(county="210681000000")
    points = [d for d in spec["data"] if d["type"] == "scattergeo" and d.get("mode") == "markers"]
    ids = [c[0] for d in points for c in d["customdata"]]
    centers = demo_raw["centers"]
    mine = centers[centers.region_code.str.startswith("210681") & centers.longitude.notna()]
    assert sorted(ids) == sorted(mine.center_id)
    lons = [x for d in points for x in numbers(d["lon"])]
    assert min(lons) >= mine.longitude.min() - 1e-9 and max(lons) <= mine.longitude.max() + 1e-9


def test_the_alerts_panel_counts_what_the_alerts_page_counts(open_page):
    at = open_page(PAGE, county="210681000000")
    for _ in range(3):
        at.run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    shown = dict(zip(bars["y"], bars["text"]))
    page = open_page("app_pages/alerts.py", county="210681000000")
    cards = {m.label: m.value for m in page.metric}
    assert set(shown) == set(cards)
    for name, value in cards.items():
        assert shown[name].startswith(f"{value} 条（待处理 ")
    total = sum(int(v.replace(",", "")) for v in cards.values())
    assert spec["layout"]["title"]["text"] == f"本月预警（2022-12，共 {total:,} 条）"
