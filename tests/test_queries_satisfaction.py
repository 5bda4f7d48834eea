"""满意度与考核's queries and its ranking table against independent pandas computations on the demo rows."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import db, metrics
from dangqun.views import satisfaction
from expected import rates, valid, window

START, END = dt.date(2022, 3, 1), dt.date(2022, 10, 31)
PARAMS = {"region": "210682", "start": START, "end": END, "category": "03", "channel": "窗口",
          "as_of": None}


@pytest.fixture(scope="module")
def records(demo_raw):
    """凤城市 (210682), category 03 医疗保障, channel 窗口, March–October 2022."""
    return window(demo_raw["service_records"], "210682", START, END, "03", "窗口")


def test_satisfaction_levels(demo_con, records):
    got = metrics.satisfaction_levels(db.run(demo_con, "kpi_summary", PARAMS).iloc[0].to_dict())
    v = valid(records)
    assert got.satisfaction.tolist() == ["满意", "基本满意", "不满意"]
    assert got["count"].tolist() == [int((v.satisfaction == s).sum()) for s in ("满意", "基本满意", "不满意")]
    assert (got["valid"] == len(v)).all()
    assert len(v) > 100


def test_the_months_add_up_to_the_window(demo_con):
    """满意度与考核's cards are monthly_trend's totals: the same counts as kpi_summary's."""
    counts = ("received", "valid", "contacted", "solved", "satisfied", "basic", "unsatisfied")
    for params in (PARAMS, dict(PARAMS, category="", channel=""), dict(PARAMS, start=dt.date(2022, 3, 9))):
        kpi = db.run(demo_con, "kpi_summary", params).iloc[0]
        assert metrics.totals(db.run(demo_con, "monthly_trend", params), counts) == {c: int(kpi[c]) for c in counts}
    assert kpi["unsatisfied"] > 0


def test_satisfaction_levels_lists_every_level_when_empty(demo_con):
    summary = db.run(demo_con, "kpi_summary", dict(PARAMS, region="999999")).iloc[0].to_dict()
    assert metrics.satisfaction_levels(summary)["count"].tolist() == [0, 0, 0]


def test_dissatisfaction_reasons(demo_con, records):
    got = db.run(demo_con, "dissatisfaction_reasons", PARAMS)
    v = valid(records)
    unhappy = v[v.satisfaction == "不满意"]
    want = (unhappy.dissatisfaction_reason.fillna("未注明原因").value_counts()
            .rename_axis("dissatisfaction_reason").reset_index())
    want = want.sort_values(["count", "dissatisfaction_reason"], ascending=[False, True])
    assert got.dissatisfaction_reason.tolist() == want.dissatisfaction_reason.tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got["count"].sum() == len(unhappy) > 0


def expected_town_scores(records, prefix, start, end):
    """综合成绩 of each town under `prefix` that has 有效回访, computed straight from the rows with the
    weights (expected.rates)."""
    r = valid(window(records, prefix, start, end))
    return {town: rates(g)[4] for town, g in r.groupby(r.region_code.str[:9].str.ljust(12, "0"))}


def test_ranking_composite_equals_pandas_for_donggang_towns_2022(demo_con, demo_raw):
    p = {"region": "210681", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "category": "",
         "channel": "", "as_of": None, "child_digits": 9}
    before = db.run(demo_con, "unit_scores", dict(p, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31)))
    table = satisfaction.ranking(db.run(demo_con, "unit_scores", p), before)
    want = expected_town_scores(demo_raw["service_records"], "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    got = dict(zip(table.unit_code, table.composite_score))
    assert got.keys() == want.keys() and len(got) > 10
    assert all(abs(got[k] - want[k]) < 1e-9 for k in want)
    # best first, ranks 1..n with no unit skipped (no ties in the demo), and last year's ranks carried over
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table.composite_score.is_monotonic_decreasing
    prev = satisfaction.ranking(before)
    assert dict(zip(table.unit_code, table.prev_rank)) == dict(zip(prev.unit_code, prev["rank"]))
    assert (table.rank_change == table.prev_rank - table["rank"]).all()


def test_a_town_below_seventy_percent_is_flagged_and_rectified(demo_con):
    p = {"region": "210682", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "category": "",
         "channel": "", "as_of": None, "child_digits": 9}
    table = satisfaction.ranking(db.run(demo_con, "unit_scores", p))
    low = table[table.unit_name == "蓝旗镇"].iloc[0]
    assert low.solve_rate < 0.7 and low.satisfaction_rate < 0.7 and low.response_rate >= 0.7
    assert bool(low.flagged_yellow) and low.tier == "整改"
    assert table.flagged_yellow.sum() == 1
    shown = satisfaction.for_display(table)
    assert shown.loc[shown.unit_name == "蓝旗镇", "flagged_yellow"].item() == "⚠ 解决率、满意率"
    assert set(shown.loc[shown.unit_name != "蓝旗镇", "flagged_yellow"]) == {""}
    en = satisfaction.for_display(table, "en")
    assert en.loc[en.unit_name == "蓝旗镇", "flagged_yellow"].item() == "⚠ Resolution rate, Satisfaction rate"
    assert en.loc[en.unit_name == "蓝旗镇", "tier"].item() == "Needs rectification"


def test_style_highlights_only_the_low_rates():
    shown = pd.DataFrame({"单位": ["甲", "乙"], "响应率": [0.95, 0.69], "解决率": [0.7, 0.9],
                          "满意率": [0.91, 0.92], "综合成绩": [93.456, 80.0]})
    html = satisfaction.style(shown).to_html()
    assert "69.0%" in html and "70.0%" in html and "93.46" in html
    styler = satisfaction.style(shown)
    styler._compute()
    highlighted = {(r, c) for (r, c), props in styler.ctx.items() if props}
    assert highlighted == {(1, 1)}   # 乙's 响应率 only; 70.0% is not below 70%


def test_weights_note_reads_the_config():
    assert satisfaction.weights_note() == (
        "综合成绩 = 100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)；满意率 = (满意 + 0.9 × 基本满意) / 有效回访；"
        "三率任一项低于 70% 上黄榜；有效回访少于 10 件不排名；先进：前 10% 且三率均不低于 90%；"
        "进步：名次比对比期上升 3 位及以上；整改：三率任一项低于 70%。")
