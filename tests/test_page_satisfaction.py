"""满意度与考核 (app_pages/satisfaction.py): the cards, the ranking table against pandas, the 黄榜 flag,
empty scopes, English and the formulas as config/metrics.toml states them."""
import dataclasses
import datetime as dt

from dangqun import metrics
from expected import rates, window

PAGE = "app_pages/satisfaction.py"


def expected_cards(r):
    n, response, solve, sat, score = rates(r)
    return {"有效回访": f"{n:,}", "响应率": metrics.fmt_pct(response), "解决率": metrics.fmt_pct(solve),
            "满意率": metrics.fmt_pct(sat), "综合成绩": metrics.fmt_score(score)}


def help_of(at, label):
    return next(m.proto.help for m in at.metric if m.label == label)


def test_defaults_show_the_province_cities(open_page, demo_raw):
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "满意度与考核"
    assert {m.label: m.value for m in at.metric} == expected_cards(
        window(demo_raw["service_records"], "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
    table = at.dataframe[0].value
    assert set(table["单位"]) == {"丹东市", "朝阳市", "抚顺市", "大连市", "铁岭市"}
    assert len(at.get("plotly_chart")) == 4
    assert "综合成绩 = 100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)" in at.expander[0].caption[0].value
    assert help_of(at, "综合成绩") == "100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)"


def test_donggang_ranking_equals_pandas(open_page, demo_raw):
    at = open_page(PAGE, county="210681000000")
    assert not at.exception
    year = window(demo_raw["service_records"], "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert {m.label: m.value for m in at.metric} == expected_cards(year)
    table = at.dataframe[0].value
    assert table.columns.tolist()[:6] == ["排名", "单位编码", "单位", "综合成绩", "评定", "黄榜"]
    towns = year.assign(town=year.region_code.str[:9].str.ljust(12, "0"))
    want = {code: rates(g)[4] for code, g in towns.groupby("town")}
    got = dict(zip(table["单位编码"], table["综合成绩"]))
    assert got.keys() == want.keys()
    assert all(abs(got[c] - want[c]) < 1e-9 for c in want)
    assert table["排名"].tolist() == list(range(1, len(table) + 1))
    received = towns.groupby("town").size()
    assert dict(zip(table["单位编码"], table["受理量"])) == received.to_dict()
    assert set(table["评定"]) <= {"先进", "进步", "整改", "一般"}


def test_a_town_below_seventy_percent_is_flagged(open_page):
    at = open_page(PAGE, county="210682000000")
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["单位"] == "蓝旗镇"].iloc[0]
    assert row["黄榜"] == "⚠ 解决率、满意率"
    assert row["评定"] == "整改"
    assert (table.loc[table["单位"] != "蓝旗镇", "黄榜"] == "").all()
    assert "共 21 个单位，1 个上黄榜（三率任一项低于 70%，表中标 ⚠ 并高亮）" in [c.value for c in at.caption]


def test_english(open_page):
    at = open_page(PAGE, county="210682000000", lang="en")
    assert not at.exception
    assert at.title[0].value == "Satisfaction & assessment"
    assert [m.label for m in at.metric] == ["Valid follow-ups", "Response rate", "Resolution rate",
                                            "Satisfaction rate", "Composite score"]
    table = at.dataframe[0].value
    assert table.columns.tolist()[:6] == ["Rank", "Unit code", "Unit", "Composite score", "Rating", "Yellow list"]
    row = table[table["Unit"] == "蓝旗镇"].iloc[0]
    assert row["Yellow list"] == "⚠ Resolution rate, Satisfaction rate"
    assert row["Rating"] == "Needs rectification"
    assert "21 units, 1 on the yellow list (a rate below 70%, marked ⚠ and highlighted)" in [c.value for c in at.caption]


def test_the_formulas_shown_follow_the_config(open_page, monkeypatch):
    changed = dataclasses.replace(metrics.load_config(), w_response=0.2, w_solve=0.3, w_satisfaction=0.5,
                                  basic_factor=0.8, yellow_below=0.6, min_valid=5)
    monkeypatch.setattr(metrics, "load_config", lambda path=None: changed)
    at = open_page(PAGE, county="210681000000")
    assert not at.exception
    assert help_of(at, "综合成绩") == "100 × (0.2 × 响应率 + 0.3 × 解决率 + 0.5 × 满意率)"
    assert at.expander[0].caption[0].value == (
        "综合成绩 = 100 × (0.2 × 响应率 + 0.3 × 解决率 + 0.5 × 满意率)；满意率 = (满意 + 0.8 × 基本满意) / 有效回访；"
        "三率任一项低于 60% 上黄榜；有效回访少于 5 件不排名；先进：前 10% 且三率均不低于 90%；"
        "进步：名次比对比期上升 3 位及以上；整改：三率任一项低于 70%。")
