"""地图 (app_pages/map.py): the numbers the map colours by equal the rankings' (and an independent pandas
computation), the figure stays small, a county shows its centers as points inside its outline, and a
county account receives no shape outside its county."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

import expected as E
from dangqun import boundaries, db, metrics
from dangqun.charts import map as charts
from dangqun.views import map as view
from expected import full_title, numbers

PAGE = "app_pages/map.py"
YEAR = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
PARAMS = dict(start=YEAR[0], end=YEAR[1], category="", channel="", as_of=None)
NO_DATA = charts.NO_DATA


def figure(at) -> dict:
    charts_ = at.get("plotly_chart")
    assert len(charts_) == 1
    return json.loads(charts_[0].proto.spec)


def coloured(fig: dict) -> dict[str, float]:
    """Unit code → the value the coloured choropleth draws (rates in percent)."""
    traces = [d for d in fig["data"] if d["type"] == "choropleth" and d.get("showscale", True) is not False]
    assert len(traces) == 1
    tr = traces[0]
    return dict(zip(tr["locations"], numbers(tr["z"])))


def grey(fig: dict) -> list[str]:
    return [c for d in fig["data"] if d["type"] == "choropleth" and d.get("showscale") is False for c in d["locations"]]


def expected_by_unit(raw, prefix: str, digits: int) -> pd.DataFrame:
    """Per child unit of `prefix`: every metric of the map, from the raw records and funds (tests/expected)."""
    r = E.window(raw["service_records"], prefix, *YEAR)
    unit = r.region_code.str[:digits].str.ljust(12, "0")
    rows = {}
    for code, g in r.groupby(unit):
        c = E.counts(g, YEAR[1])
        v, _, _, sat, score = E.rates(g) if c["valid"] else (0, None, None, float("nan"), float("nan"))
        rows[code] = dict(received=c["received"], close_rate=c["closed"] / c["received"],
                          on_time_rate=c["closed_on_time"] / c["closed"] if c["closed"] else float("nan"),
                          satisfaction_rate=sat, composite_score=score,
                          proxy=int(g.is_proxy.fillna(False).astype(bool).sum()))
    out = pd.DataFrame.from_dict(rows, orient="index")
    f = E.funds_in(raw, prefix, *YEAR)
    funds = f.groupby(f.region_code.str[:digits].str.ljust(12, "0")).amount_wan.sum().astype(float)
    out["funds_wan"] = funds.reindex(out.index).fillna(0.0)
    out["per_wan"] = out["received"] / out["funds_wan"].where(out["funds_wan"] > 0)
    return out


def legend(fig: dict) -> str:
    """The coloured choropleth's colour bar title."""
    (tr,) = [d for d in fig["data"] if d["type"] == "choropleth" and d.get("showscale", True) is not False]
    return tr["colorbar"]["title"]["text"]


def shown_values(fig, key):
    """The map's values in the metric's own scale (rates back from percent)."""
    m = view.METRICS[key]
    return {c: v / 100 if m.rate else v for c, v in coloured(fig).items()}


# ── the page ────────────────────────────────────────────────────────────────────────────────

def test_the_province_colours_its_cities_by_the_rankings_numbers(open_page, demo_con, demo_raw):
    at = open_page(PAGE)
    assert not at.exception
    fig = figure(at)
    # the default metric is 综合成绩: per city the overview's ranking query and the raw records agree with it
    ranking = metrics.add_rates(db.run(demo_con, "unit_scores", dict(PARAMS, region="21", child_digits=4)))
    shown = coloured(fig)
    assert set(shown) == set(ranking.unit_code)
    for code, score in zip(ranking.unit_code, ranking.composite_score):
        assert shown[code] == pytest.approx(score, abs=1e-9)
    independent = expected_by_unit(demo_raw, "21", 4)
    for code, v in shown.items():
        assert v == pytest.approx(independent.at[code, "composite_score"], abs=1e-9)
    # every city of 辽宁 is drawn: the ones without data in grey
    assert len(shown) + len(grey(fig)) == 14
    assert "210100000000" in grey(fig)                       # 沈阳 has no demo data
    # hover: value, rank and the 受理量 behind it; the legend names its unit
    tr = next(d for d in fig["data"] if d["type"] == "choropleth" and d.get("showscale", True) is not False)
    best = ranking.sort_values("composite_score", ascending=False).iloc[0]
    hover = dict((c[0], c[1]) for c in tr["customdata"])[best.unit_code]
    assert f"综合成绩：{metrics.fmt_score(best.composite_score)} 分" in hover
    assert f"第 1 名（共 {len(ranking)} 个）" in hover and f"受理量：{metrics.fmt_int(best.received)}" in hover
    assert tr["colorbar"]["title"]["text"] == "综合成绩（分）"
    # names on the map, the caption on statistical areas
    labels = next(d for d in fig["data"] if d["type"] == "scattergeo" and d.get("mode") == "text")
    assert "丹东市" in labels["text"] and "沈阳市" in labels["text"]
    assert any("不代表法定行政区域界线" in c.value for c in at.caption)
    # at most 500 KB of figure at province level (README 地图与边界)
    assert len(at.get("plotly_chart")[0].proto.spec) <= 500 * 1024


@pytest.mark.parametrize("key", [k for k, m in view.METRICS.items() if m.source != "alerts"])
def test_each_metric_equals_the_ranking_queries_per_county(open_page, demo_con, demo_raw, key):
    at = open_page(PAGE, city="210600000000")
    at.session_state["map_metric"] = key
    at.run()
    assert not at.exception
    m = view.METRICS[key]
    shown = shown_values(figure(at), key)
    # the same numbers as the ranking queries' (unit_scores, or funds_by_unit for the funds metrics) …
    query = "funds_by_unit" if m.source == "funds" else "unit_scores"
    frame = db.run(demo_con, query, dict(PARAMS, region="2106", child_digits=6))
    units = view.with_metrics(db.run(demo_con, "unit_scores", dict(PARAMS, region="2106", child_digits=6)),
                              frame if m.source == "funds" else None)
    want = dict(zip(units.unit_code, units[key].astype(float)))
    assert shown == pytest.approx({c: v for c, v in want.items() if v == v})
    # … and as the raw records and funds give them
    independent = expected_by_unit(demo_raw, "2106", 6)[key]
    assert shown == pytest.approx({c: v for c, v in independent.items() if v == v})
    assert set(shown) == {"210681000000", "210682000000"}       # 东港市, 凤城市; 丹东's other districts grey


def test_a_county_shows_its_centers_as_points_inside_its_outline(open_page, demo_con, demo_raw):
    at = open_page(PAGE, county="210681000000")
    assert not at.exception
    fig = figure(at)
    assert not [d for d in fig["data"] if d["type"] == "choropleth"]     # no town shapes shipped
    outline = next(d for d in fig["data"] if d.get("mode") == "lines")
    points = [d for d in fig["data"] if d.get("mode") == "markers"]
    ids = [c[0] for d in points for c in d["customdata"]]
    centers = db.run(demo_con, "center_positions", {"region": "210681"})
    assert sorted(ids) == sorted(centers.center_id) and len(ids) > 90
    county = boundaries.shipped("210681000000", 2)
    lon = [x for d in points for x in numbers(d["lon"])]
    lat = [y for d in points for y in numbers(d["lat"])]
    assert all(boundaries.contains(county, x, y) for x, y in zip(lon, lat))
    assert min(x for x in outline["lon"] if x is not None) == pytest.approx(
        boundaries.bounds([county])[0], abs=1e-3)
    # each center's value is its own 综合成绩 (unit_scores per center), as the raw records give it
    r = E.window(demo_raw["service_records"], "210681", *YEAR)
    hover = {c[0]: c[1] for d in points for c in d["customdata"]}
    busiest = r.center_id.value_counts().index[0]
    score = E.rates(r[r.center_id == busiest])[4]
    assert f"综合成绩：{metrics.fmt_score(score)} 分" in hover[busiest]
    # the towns' numbers are listed under the map
    towns = at.dataframe[0].value
    assert len(towns) == len(db.run(demo_con, "unit_scores", dict(PARAMS, region="210681", child_digits=9)))


def test_a_county_account_receives_only_its_county(open_page):
    at = open_page(PAGE, user="donggang")
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    fig = json.loads(spec)
    county = boundaries.shipped("210681000000", 2)
    lon0, lat0, lon1, lat1 = boundaries.bounds([county])
    for d in fig["data"]:
        for x, y in zip(numbers(d.get("lon") or []), numbers(d.get("lat") or [])):
            if x is not None:
                assert lon0 - 1e-6 <= x <= lon1 + 1e-6 and lat0 - 1e-6 <= y <= lat1 + 1e-6
        assert "geojson" not in d or all(f["id"].startswith("210681") for f in d["geojson"]["features"])
    # 凤城市's shape (the neighbour in 丹东) is nowhere in what the browser receives
    fengcheng = json.dumps(boundaries.shipped("210682000000", 2)["coordinates"][0][0][:3])[1:-1]
    assert fengcheng not in spec


def test_alerts_on_the_map_are_the_alerts_pages_per_county(open_page, page_con):
    from dangqun import alerts

    at = open_page(PAGE, city="210600000000")
    at.session_state["map_metric"] = "alerts"
    at.run()
    assert not at.exception
    shown = shown_values(figure(at), "alerts")
    # the 预警 page's own computation for 丹东市 in 2022-12, counted by county …
    found = alerts.run_all(page_con, "210600000000", "2022-12", scope=None)
    assert len(found) > 0
    want = {code: sum(str(u).startswith(code[:6]) for u in found["unit_code"]) for code in shown}
    assert shown == want
    # … and all of it: the 预警 page's cards for the city add up to what the map shows
    page = open_page("app_pages/alerts.py", city="210600000000")
    assert sum(int(m.value.replace(",", "")) for m in page.metric) == sum(shown.values())
    assert legend(figure(at)) == "预警（条）"
    assert full_title(figure(at)["layout"]) == "2022-12 预警（按下级单位，点击进入）"


def test_alerts_are_offered_where_the_units_are_cities_or_counties():
    assert "alerts" in view.offered("210000000000") and "alerts" in view.offered("210600000000")
    assert "alerts" not in view.offered("210681000000")           # a county: its centers carry no alerts
    assert view.metric("alerts", "210681000000").key == view.DEFAULT_METRIC
    assert view.metric("alerts", "210600000000").key == "alerts"


def test_clicking_is_decided_like_the_ranking_bars():
    units = pd.DataFrame({"unit_code": ["210681000000", "210682000000"]})
    assert view.click_action("210681000000", units, 6) == ("drill", "210681000000")
    assert view.click_action("210683000000", units, 6) is None               # a grey unit: nothing to drill into
    assert view.click_action("ZX210681107201", units, 9, centers=["ZX210681107201"]) == \
        ("records", "ZX210681107201")
    assert view.click_action("ZX1", pd.DataFrame({"unit_code": ["ZX1"]}), 0) == ("records", "ZX1")
    assert view.click_action(None, units, 6) is None


def test_english_map(open_page):
    at = open_page(PAGE, city="210600000000", lang="en")
    assert not at.exception
    fig = figure(at)
    assert full_title(fig["layout"]) == "Composite score by unit below (click a unit to drill in)"
    tr = next(d for d in fig["data"] if d["type"] == "choropleth" and d.get("showscale", True) is not False)
    assert tr["colorbar"]["title"]["text"] == "Composite score (points)"


def test_the_table_rounds_scores_half_up_like_the_cards(open_page, demo_raw):
    """东港市's 示范农场 scores 94.225 exactly (the browser would show the binary 94.2249… as 94.22): the table
    under the map holds the score rounded half up, as the ranking and the cards write it."""
    from decimal import ROUND_HALF_UP, Decimal

    at = open_page(PAGE, county="210681000000")
    table = at.dataframe[0].value
    year = E.window(demo_raw["service_records"], "210681", *YEAR)
    towns = year.assign(town=year.region_code.str[:9].str.ljust(12, "0"))
    for code, group in towns.groupby("town"):
        n, response, solve, sat, _ = E.rates(group)
        # the score from the counts in exact decimals: 100 × (0.1 c + 0.5 s + 0.4 (sat + 0.9 basic)) / n
        v = E.valid(group)
        counts = (Decimal(int(E.flag(v.contacted).sum())), Decimal(int(E.flag(v.solved).sum())),
                  Decimal(int((v.satisfaction == "满意").sum())) + Decimal("0.9") * int((v.satisfaction == "基本满意").sum()))
        score = 100 * (Decimal("0.1") * counts[0] + Decimal("0.5") * counts[1] + Decimal("0.4") * counts[2]) / n
        shown = table.loc[table["单位编码"] == code, "综合成绩"].iloc[0]
        assert shown == float(score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), (code, score, shown)


def test_a_town_without_shapes_stands_on_its_countys_outline(open_page):
    """The demo's 利州街道 account: no town shapes are shipped or imported, so its centres are drawn on the
    county's shipped outline, and the page says so in words for the official, with no command for operators."""
    at = open_page("app_pages/map.py", user="lizhou")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "本区域没有自己的边界数据，底图是" in captions and "的轮廓" in captions
    assert "dangqun" not in captions and "import" not in captions
