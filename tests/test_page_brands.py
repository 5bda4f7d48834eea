"""品牌矩阵 (app_pages/brands.py): the page as an official sees it (AppTest) and its plain logic."""
import datetime as dt
import json

import pandas as pd

from dangqun import db, metrics
from dangqun.views import brands
from dangqun.i18n import t
from expected import full_title

PAGE = "app_pages/brands.py"
KAZUO = "211324000000"
YEAR = dict(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), category="", channel="", as_of=None)
# the comparison counted like with like: 2021 as it stood at its end (the data end at 2022's)
BEFORE = dict(YEAR, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31), as_of=dt.date(2021, 12, 31))


def titles(at):
    return [full_title(json.loads(c.proto.spec)["layout"]) for c in at.get("plotly_chart")]


def cards(at):
    return {m.label: m.value for m in at.metric}


# ── the page ────────────────────────────────────────────────────────────────────────────────

def test_kazuo_shows_its_14_brand_communities_ranked(open_page, demo_con):
    at = open_page(PAGE, county=KAZUO)
    assert not at.exception
    want = brands.with_ranks(db.run(demo_con, "brand_scorecard", dict(YEAR, region="211324")),
                             db.run(demo_con, "brand_scorecard", dict(BEFORE, region="211324")))
    assert cards(at) == {"品牌社区数": "14", "服务量": metrics.fmt_int(want.received.sum()),
                         "活动场次": metrics.fmt_int(want.activities.sum()),
                         "投入(万元)": metrics.fmt_wan(want.funds_wan.sum())}
    table = at.dataframe[0].value
    assert list(table.columns[:11]) == ["党建品牌", "中心名称", "品牌类别", "受理量", "活动场次",
                                        "志愿服务时长(小时)", "满意率", "综合成绩", "投入总额(万元)",
                                        "排名", "名次变化"]
    assert {"有效回访", "满意折算数"} <= set(table.columns)        # the counts behind 满意率
    assert len(table) == 14
    assert set(table["党建品牌"]) >= {"功能型网格党支部", "雷锋志愿服务社区", "红色网格堡垒", "暖心服务"}
    best = want.sort_values("composite_score", ascending=False).iloc[0]
    assert table.iloc[0]["党建品牌"] == best.brand_name and table.iloc[0]["排名"] == 1
    assert table.iloc[0]["满意率"] == metrics.fmt_pct(best.satisfaction_rate)
    assert table.iloc[0]["名次变化"] == brands.fmt_rank_change(best.rank_change)
    assert titles(at) == ["投入与综合成绩（气泡大小为服务量，虚线为中位数；点击查看该中心明细）",
                          "各社区指标对比（按列最小–最大归一化，0–1）", "品牌对比（归一化指标）"]
    # the radar starts with the top three by 综合成绩
    assert at.multiselect(key="brand_pick").value == brands.default_pick(want)
    assert ("名次变化对比：2021年 同比按同口径：本期数据截至期末，对比期的办结、超期和回访也只统计到其期末（2021-12-31）"
            in [c.value for c in at.caption])
    # every figure and the table carry their downloads
    assert len(at.get("download_button")) == 2 * 4


def test_the_costly_low_scoring_quadrant_is_named(open_page, demo_con):
    at = open_page(PAGE, county=KAZUO)
    df = brands.with_ranks(db.run(demo_con, "brand_scorecard", dict(YEAR, region="211324")))
    mask, _, _ = brands.costly_low_scoring(df)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "高投入低成绩" in [a["text"] for a in spec["layout"]["annotations"]]
    warnings = [w.value for w in at.warning]
    if mask.any():
        assert (f"{int(mask.sum())} 个品牌社区落在高投入低成绩区间（投入高于中位数、综合成绩低于中位数）："
                + "、".join(df.loc[mask, "brand_name"])) in warnings


def test_the_radar_follows_the_pick(open_page):
    at = open_page(PAGE, county=KAZUO)
    options = at.multiselect(key="brand_pick").options
    at.multiselect(key="brand_pick").set_value([]).run()   # an empty pick falls back to the default
    assert not at.exception
    assert len(at.multiselect(key="brand_pick").value) == 3
    spec = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert len(spec["data"]) == 3
    assert len(options) == 14


def test_defaults_show_the_brand_communities_of_the_province(open_page, demo_con):
    at = open_page(PAGE)
    assert not at.exception
    want = db.run(demo_con, "brand_scorecard", dict(YEAR, region="21"))
    assert cards(at)["品牌社区数"] == str(len(want))
    assert len(at.dataframe[0].value) == len(want)


def test_a_county_without_brands_says_so(open_page):
    at = open_page(PAGE, county="210682000000")      # 凤城市 has no brand communities
    assert not at.exception
    assert [i.value for i in at.info] == ["该范围内没有党建品牌社区"]
    assert not at.get("plotly_chart")


def test_a_village_without_records_says_so(open_page, demo_con):
    # a village whose centers received nothing in December 2022
    village = demo_con.execute("""
        select c.region_code from centers c
        left join service_records r on r.center_id = c.center_id and r.received_at >= '2022-12-01'
        where right(c.region_code, 3) <> '000'
        group by 1 having count(r.record_id) = 0 order by 1 limit 1""").fetchone()[0]
    at = open_page(PAGE, village=village, start="2022-12-01", end="2022-12-31")
    assert not at.exception
    assert [i.value for i in at.info] == ["该范围内没有党建品牌社区"]


def test_english(open_page):
    at = open_page(PAGE, county=KAZUO, lang="en")
    assert not at.exception
    assert at.title[0].value == "Brand matrix"
    assert list(cards(at)) == ["Brand communities", "Services", "Activities", "Funds (10k yuan)"]
    assert list(at.dataframe[0].value.columns[:3]) == ["Party brand", "Center", "Brand category"]
    assert titles(at)[2] == "Brand comparison (normalised indicators)"
    at = open_page(PAGE, county="210682000000", lang="en")
    assert [i.value for i in at.info] == ["No Party-brand communities in this scope"]


def test_no_comparison_shows_a_dash(open_page):
    at = open_page(PAGE, county=KAZUO, compare="none")
    assert not at.exception
    assert set(at.dataframe[0].value["名次变化"]) == {"—"}
    assert "未选择对比周期，名次变化显示为 —" in [c.value for c in at.caption]


# ── plain logic ─────────────────────────────────────────────────────────────────────────────

def test_normalise_is_min_max_per_column():
    df = pd.DataFrame({"a": [10, 20, 30], "b": [5.0, 5.0, None], "c": [0.9, 0.8, 0.85]})
    out = brands.normalise(df, ["a", "b", "c"])
    assert out.a.tolist() == [0.0, 0.5, 1.0]
    assert out.c.round(6).tolist() == [1.0, 0.0, 0.5]
    # one distinct value compares nothing: no 1 ('the best') for every row, but no value at all
    assert out.b.isna().all()
    assert brands.normalise(df.head(1), ["a", "c"]).isna().all().all()


def test_the_indicators_not_compared_are_named_with_their_value():
    df = pd.DataFrame({"received": [10, 20], "activities": [3, 3], "volunteer_hours": [1.0, 2.0],
                       "satisfaction_rate": [None, None], "composite_score": [90.0, 91.0], "funds_wan": [0.0, 0.0]})
    normalised = brands.normalise(df, [c for c, _ in brands.INDICATORS])
    assert brands.compared(normalised) == ["received", "volunteer_hours", "composite_score"]
    zh = lambda key, **fmt: t(key, "zh", **fmt)   # noqa: E731
    assert brands.not_compared_note(df, normalised, zh) == (
        "活动场次各品牌社区相同（3）、满意率没有数据、投入各品牌社区相同（0.00 万元），"
        "不作归一化：热力图中显示为 —，雷达图不含该项。")
    every = pd.DataFrame({c: [1.0, 2.0] for c, _ in brands.INDICATORS})
    assert brands.not_compared_note(every, brands.normalise(every, list(every)), zh) is None


def test_one_brand_is_not_normalised(open_page, demo_con, offered):
    """东港市 has one brand community: no heatmap or radar of 1s (its 投入 0.00 drawn as 'best'), one
    line saying why; the scatter draws it without medians of one value."""
    at = open_page(PAGE, user="donggang")
    assert not at.exception
    assert cards(at)["品牌社区数"] == "1"
    assert "只有一个品牌社区，不作归一化比较" in [c.value for c in at.caption]
    assert titles(at) == ["投入与综合成绩（气泡大小为服务量；点击查看该中心明细）"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not spec["layout"].get("shapes") and not spec["layout"].get("annotations")
    assert not at.get("multiselect")
    # no download carries a normalised column, let alone one of 1s
    assert {"品牌成绩表", "投入与综合成绩"} <= set(offered)      # (the 总览 the login lands on offers its own)
    assert not {"各社区指标对比", "品牌对比"} & set(offered)
    for make_frame in offered.values():
        frame = make_frame()
        assert not [c for c in frame.columns if "归一化" in str(c)]


def test_no_column_of_equal_values_is_normalised_to_one(open_page, offered):
    """A year without data: every brand alike (0 services, no surveys, no funds), so nothing is compared."""
    at = open_page(PAGE, county=KAZUO, start="2020-01-01", end="2020-12-31")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "各品牌社区的各项指标都相同或没有数据，不作归一化比较" in captions
    assert "14 个品牌社区没有有效回访，不列出" in captions
    assert titles(at) == []
    assert [i.value for i in at.info] == ["投入与综合成绩：该范围内没有数据"]
    for make_frame in offered.values():
        frame = make_frame()
        for col in [c for c in frame.columns if "归一化" in str(c)]:
            assert not (frame[col] == 1.0).all(), col


def test_the_costly_low_scoring_quadrant_needs_two_brands():
    mask, x_med, y_med = brands.costly_low_scoring(pd.DataFrame({"funds_wan": [0.0], "composite_score": [94.7]}))
    assert not mask.any() and x_med is None and y_med is None


def test_costly_low_scoring_is_above_median_funds_and_below_median_score():
    df = pd.DataFrame({"funds_wan": [1.0, 2.0, 3.0, 4.0, 5.0], "composite_score": [95, 90, 85, 80, None]})
    mask, x_med, y_med = brands.costly_low_scoring(df)
    assert (x_med, y_med) == (2.5, 87.5)
    assert mask.tolist() == [False, False, True, True, False]
    empty, x, y = brands.costly_low_scoring(df.assign(composite_score=None))
    assert not empty.any() and x is None and y is None


def test_rank_change_against_the_comparison_period():
    def frame(valids, sats):
        n = len(valids)
        return pd.DataFrame({"center_id": list("abcd")[:n], "valid": valids, "contacted": valids,
                             "solved": valids, "satisfied": sats, "basic": [0] * n})
    now = frame([20, 20, 20, 5], [20, 18, 16, 5])      # d has too few surveys to be ranked
    before = frame([20, 20, 20], [10, 18, 20])
    out = brands.with_ranks(now, before).set_index("center_id")
    assert out["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(out.loc["d", "rank"])
    assert out["prev_rank"].tolist()[:3] == [3, 2, 1]
    assert [brands.fmt_rank_change(x) for x in out["rank_change"]] == ["↑2", "0", "↓2", "—"]
    assert brands.with_ranks(now)["rank_change"].isna().all()


def test_pick_defaults_to_the_top_three_and_stays_in_scope():
    df = pd.DataFrame({"center_id": list("abcde"), "composite_score": [90, None, 95, 80, 92]})
    assert brands.default_pick(df) == ["c", "e", "a"]
    assert brands.valid_pick(["x", "d"], list("abcde"), ["c"]) == ["d"]
    assert brands.valid_pick(["x"], list("abcde"), ["c", "e"]) == ["c", "e"]
    assert brands.valid_pick(list("abcdef"), list("abcdef"), []) == list("abcde")


def test_the_table_and_heat_frame(demo_con):
    df = brands.with_ranks(db.run(demo_con, "brand_scorecard", dict(YEAR, region="211324")))
    table = brands.table(df)
    assert table["rank"].tolist() == sorted(table["rank"].tolist())
    assert table["satisfaction_rate"].str.endswith("%").all()
    heat = brands.heat_frame(df, brands.normalise(df, [c for c, _ in brands.INDICATORS]),
                             lambda key, **fmt: t(key, "en", **fmt))
    assert "Services (normalised)" in heat.columns
    assert heat["Funds (normalised)"].max() == 1.0 and heat["Funds (normalised)"].min() == 0.0
