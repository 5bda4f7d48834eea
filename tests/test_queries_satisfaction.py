"""满意度与考核's queries and its ranking table against independent pandas computations on the demo rows."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dangqun import assessment, db

START, END = dt.date(2022, 3, 1), dt.date(2022, 10, 31)
PARAMS = {"region": "210682", "start": START, "end": END, "category": "03", "channel": "窗口"}


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def all_records(con):
    r = con.execute("select * from service_records").df()
    c = con.execute("select center_id, region_code from centers").df()
    return r.merge(c, on="center_id")


def window(r, prefix, start, end, category="", channel=""):
    keep = r.region_code.str.startswith(prefix) & (r.received_at >= pd.Timestamp(start)) \
        & (r.received_at < pd.Timestamp(end) + pd.Timedelta(days=1))
    if category:
        keep &= r.item_code.str[:2] == category
    if channel:
        keep &= r.channel == channel
    return r[keep]


def valid(r):
    return r[r.survey_valid.fillna(False).astype(bool) & r.in_assessment.fillna(False).astype(bool)]


@pytest.fixture(scope="module")
def records(all_records):
    """凤城市 (210682), category 03 医疗保障, channel 窗口, March–October 2022."""
    return window(all_records, "210682", START, END, "03", "窗口")


def test_satisfaction_levels(con, records):
    got = db.run(con, "satisfaction_levels", PARAMS)
    v = valid(records)
    assert got.satisfaction.tolist() == ["满意", "基本满意", "不满意"]
    assert got["count"].tolist() == [int((v.satisfaction == s).sum()) for s in ("满意", "基本满意", "不满意")]
    assert (got["valid"] == len(v)).all()
    assert len(v) > 100


def test_satisfaction_levels_lists_every_level_when_empty(con):
    got = db.run(con, "satisfaction_levels", dict(PARAMS, region="999999"))
    assert got["count"].tolist() == [0, 0, 0]


def test_dissatisfaction_reasons(con, records):
    got = db.run(con, "dissatisfaction_reasons", PARAMS)
    v = valid(records)
    unhappy = v[v.satisfaction == "不满意"]
    want = (unhappy.dissatisfaction_reason.fillna("未注明原因").value_counts()
            .rename_axis("dissatisfaction_reason").reset_index())
    want = want.sort_values(["count", "dissatisfaction_reason"], ascending=[False, True])
    assert got.dissatisfaction_reason.tolist() == want.dissatisfaction_reason.tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got["count"].sum() == len(unhappy) > 0


def expected_town_scores(all_records, prefix, start, end):
    """综合成绩 of each town under `prefix`, computed straight from the rows with DESIGN §4's weights."""
    r = valid(window(all_records, prefix, start, end))
    town = r.region_code.str[:9].str.ljust(12, "0")
    g = r.assign(town=town).groupby("town")
    n = g.size()
    response = g.contacted.apply(lambda s: s.fillna(False).astype(bool).sum()) / n
    solve = g.solved.apply(lambda s: s.fillna(False).astype(bool).sum()) / n
    sat = (g.satisfaction.apply(lambda s: (s == "满意").sum()) + 0.9 * g.satisfaction.apply(
        lambda s: (s == "基本满意").sum())) / n
    return (100 * (0.1 * response + 0.5 * solve + 0.4 * sat)).to_dict()


def test_ranking_composite_equals_pandas_for_donggang_towns_2022(con, all_records):
    p = {"region": "210681", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "category": "",
         "channel": "", "child_digits": 9}
    before = db.run(con, "unit_scores", dict(p, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31)))
    table = assessment.ranking(db.run(con, "unit_scores", p), before)
    want = expected_town_scores(all_records, "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    got = dict(zip(table.unit_code, table.composite_score))
    assert got.keys() == want.keys() and len(got) > 10
    assert all(abs(got[k] - want[k]) < 1e-9 for k in want)
    # best first, ranks 1..n with no unit skipped (no ties in the demo), and last year's ranks carried over
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table.composite_score.is_monotonic_decreasing
    prev = assessment.ranking(before)
    assert dict(zip(table.unit_code, table.prev_rank)) == dict(zip(prev.unit_code, prev["rank"]))
    assert (table.rank_change == table.prev_rank - table["rank"]).all()


def test_a_town_below_seventy_percent_is_flagged_and_rectified(con):
    p = {"region": "210682", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "category": "",
         "channel": "", "child_digits": 9}
    table = assessment.ranking(db.run(con, "unit_scores", p))
    low = table[table.unit_name == "蓝旗镇"].iloc[0]
    assert low.solve_rate < 0.7 and low.satisfaction_rate < 0.7 and low.response_rate >= 0.7
    assert bool(low.flagged_yellow) and low.tier == "整改"
    assert table.flagged_yellow.sum() == 1
    shown = assessment.for_display(table)
    assert shown.loc[shown.unit_name == "蓝旗镇", "flagged_yellow"].item() == "⚠ 解决率、满意率"
    assert set(shown.loc[shown.unit_name != "蓝旗镇", "flagged_yellow"]) == {""}
    en = assessment.for_display(table, "en")
    assert en.loc[en.unit_name == "蓝旗镇", "flagged_yellow"].item() == "⚠ Resolution rate, Satisfaction rate"
    assert en.loc[en.unit_name == "蓝旗镇", "tier"].item() == "Needs rectification"


def test_style_highlights_only_the_low_rates():
    shown = pd.DataFrame({"单位": ["甲", "乙"], "响应率": [0.95, 0.69], "解决率": [0.7, 0.9],
                          "满意率": [0.91, 0.92], "综合成绩": [93.456, 80.0]})
    html = assessment.style(shown).to_html()
    assert "69.0%" in html and "70.0%" in html and "93.46" in html
    styler = assessment.style(shown)
    styler._compute()
    highlighted = {(r, c) for (r, c), props in styler.ctx.items() if props}
    assert highlighted == {(1, 1)}   # 乙's 响应率 only; 70.0% is not below 70%


def test_weights_note_reads_the_config():
    assert assessment.weights_note() == (
        "综合成绩 = 100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)；满意率 = (满意 + 0.9 × 基本满意) / 有效回访；"
        "三率任一项低于 70% 上黄榜；有效回访少于 10 件不排名；先进：前 10% 且三率均不低于 90%；"
        "进步：名次比对比期上升 3 位及以上；整改：三率任一项低于 70%。")
