"""预警 (dangqun.alerts, queries/alert_*.sql): the tail probabilities against exact decimal sums, each rule
against an independent computation on the demo database or on constructed data, statuses kept across a
recomputation and audit-logged, the scope of a county, and the command line's refusals."""
from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal, getcontext
from math import comb, factorial

import pandas as pd
import pytest

from dangqun import alerts, cli, db, demo, metrics, regions, stats
from dangqun.demo import anomalies as A

getcontext().prec = 60
CFG = alerts.load_config()
LATEST = dt.date(2022, 12, 31)


def exact_binom_cdf(k: int, n: int, p: str) -> float:
    p = Decimal(p)
    return float(sum(comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1)))


def exact_poisson_sf(x: int, lam: int) -> float:
    return exact_poisson_sf_dec(x, Decimal(lam))


def exact_poisson_sf_dec(x: int, lam: Decimal) -> float:
    below = sum(lam ** i / factorial(i) for i in range(x)) * (-lam).exp()
    return float(1 - below)


# ── the statistics ──────────────────────────────────────────────────────────────────────────────

def test_binomial_tail_matches_the_exact_sum():
    assert stats.binom_cdf(2, 10, 0.5) == pytest.approx(56 / 1024, rel=1e-12)
    assert stats.binom_cdf(140, 200, 0.95) == pytest.approx(exact_binom_cdf(140, 200, "0.95"), rel=1e-9)
    assert stats.binom_sf(60, 100, 0.5) == pytest.approx(1 - exact_binom_cdf(59, 100, "0.5"), rel=1e-9)
    assert (stats.binom_cdf(-1, 5, 0.3), stats.binom_cdf(5, 5, 0.3)) == (0.0, 1.0)


def test_poisson_tail_and_upper_limit():
    assert stats.poisson_sf(30, 10) == pytest.approx(exact_poisson_sf(30, 10), rel=1e-9)
    assert stats.poisson_sf(12, 10) == pytest.approx(exact_poisson_sf(12, 10), rel=1e-9)
    assert stats.poisson_sf(3, 10) == pytest.approx(exact_poisson_sf(3, 10), rel=1e-9)
    # the limit: P(X > 21) ≤ 0.001 < P(X > 20) for a mean of 10
    assert stats.poisson_upper_limit(10, 0.001) == 21
    assert exact_poisson_sf(22, 10) <= 0.001 < exact_poisson_sf(21, 10)
    # large baselines (a town's 事项 at 20M records): the one-pass limit is the definition's
    for lam, alpha in ((0.6, 0.001), (57.3, 0.01), (480.5, 0.001), (1234.5, 1e-5)):
        u = stats.poisson_upper_limit(lam, alpha)
        assert stats.poisson_sf(u + 1, lam) <= alpha < stats.poisson_sf(u, lam) or u == math.floor(lam)
    assert stats.poisson_pmf(12, 10) == pytest.approx(float(Decimal(10) ** 12 / factorial(12) * Decimal(-10).exp()),
                                                     rel=1e-12)
    assert stats.poisson_pmf(12, 10) <= stats.poisson_sf(12, 10)
    assert stats.p_chart_lower(0.95, 200) == pytest.approx(0.95 - 3 * (0.95 * 0.05 / 200) ** 0.5)


# ── each rule on constructed frames ─────────────────────────────────────────────────────────────

def item_frame(rows):
    return pd.DataFrame(rows, columns=["unit_code", "unit_name", "item_code", "item_name", "received",
                                       "base_received"])


def test_spike_30_against_a_mean_of_10_is_flagged_and_10_is_not():
    # two towns whose other 事项 hold steady, and the 事项 steady in the other town (both scaling factors
    # are 1): 12 months averaging 10 a month
    frame = item_frame([
        ("210681001000", "甲镇", "0101", "事项一", 30, 120), ("210681001000", "甲镇", "0102", "事项二", 50, 600),
        ("210681002000", "乙镇", "0101", "事项一", 10, 120), ("210681002000", "乙镇", "0102", "事项二", 50, 600),
    ])
    found = alerts.spike_alerts(frame, "2022-10", 12, CFG)
    assert [(a["unit_code"], a["subject"]) for a in found] == [("210681001000", "0101")]
    assert found[0]["p_value"] == pytest.approx(exact_poisson_sf(30, 10), rel=1e-9)
    assert found[0]["numbers"] == "本月 30 件，约为平时的 3.0 倍"      # 30 against a usual month of 10
    assert "泊松分布上限 21 件" in found[0]["explanation"] and "p = 2.5e-07" in found[0]["explanation"]


def test_a_rise_of_the_season_in_every_town_is_no_spike():
    # 事项一 triples in both towns (参保 at the year's end): against the other town's rise, neither town's is its own
    frame = item_frame([
        ("210681001000", "甲镇", "0101", "事项一", 30, 120), ("210681001000", "甲镇", "0102", "事项二", 50, 600),
        ("210681002000", "乙镇", "0101", "事项一", 30, 120), ("210681002000", "乙镇", "0102", "事项二", 50, 600),
    ])
    assert alerts.spike_alerts(frame, "2022-10", 12, CFG) == []
    # 甲镇 doubles that: 乙镇's 事项 rose 3× while 乙镇 as a whole rose 80 / 60, so 10 × 3 / (80 / 60) = 22.5
    # are expected of 甲镇, and its 60 are its own rise (乙镇's 30 are under the 32.7 expected of it)
    frame.loc[0, "received"] = 60
    found = alerts.spike_alerts(frame, "2022-10", 12, CFG)
    assert [(a["unit_code"], a["numbers"]) for a in found] == [("210681001000", "本月 60 件，约为平时的 2.7 倍")]
    assert found[0]["p_value"] == pytest.approx(exact_poisson_sf_dec(60, Decimal("22.5")), rel=1e-9)


def test_satisfaction_falling_from_95_to_70_percent_on_200_follow_ups_is_flagged_with_its_p_value():
    units = pd.DataFrame([
        # 140 satisfied of 200 this month; 2,280 of 2,400 (95 %) over the 12 months before
        ("210681001000", "甲镇", 200, 140, 0, 2400, 2280, 0),
        ("210681002000", "乙镇", 200, 188, 0, 2400, 2280, 0),   # 94 %: no significant fall
        ("210681003000", "丙镇", 20, 12, 2, 0, 0, 0),           # (12 + 0.9 × 2) / 20 = 69 %: no baseline
    ], columns=["unit_code", "unit_name", "valid", "satisfied", "basic", "base_valid", "base_satisfied",
                "base_basic"])
    found = alerts.satisfaction_alerts(units, "2022-10", CFG)
    # 70.0 % is on the 黄榜 line, not under it
    assert [(a["rule"], a["unit_code"]) for a in found] == [("satisfaction", "210681001000"),
                                                            ("yellow", "210681003000")]
    drop = found[0]
    assert drop["p_value"] == pytest.approx(exact_binom_cdf(140, 200, "0.95"), rel=1e-9)
    assert drop["severity"] == "高"
    assert drop["explanation"] == (
        "本月满意率 70.0%（有效回访 200 件），前 12 个月为 95.0%（2,400 件）；按前 12 个月的满意率，200 件中折算满意"
        f"不多于 140 件的概率 p = {alerts.fmt_p(drop['p_value'])}（单侧二项检验），低于 0.001；p 控制图下限为 "
        f"{metrics.fmt_pct(stats.p_chart_lower(0.95, 200))}。")
    assert found[1]["explanation"] == "本月满意率 69.0%（有效回访 20 件），低于黄榜线 70%。"


# ── the rules on the demo database, against independent computations ─────────────────────────────

def test_backlog_matches_an_independent_count(demo_con, demo_raw):
    as_of = dt.date(2022, 12, 31)
    got = db.run(demo_con, "alert_backlog", {"region": "21", "as_of": as_of})
    r = demo_raw["service_records"]
    due = pd.to_datetime(r["due_on"])
    closed_after = r["closed_at"].notna() & (r["closed_at"].dt.normalize() > pd.Timestamp(as_of))
    still_open = r["status"].isin(metrics.OPEN_STATUSES) | ((r["status"] == "已办结") & closed_after)
    late = r[still_open & (due < pd.Timestamp(as_of)) & (r["received_at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1))]
    assert sorted(got["record_id"]) == sorted(late["record_id"])
    assert len(got) > 0
    found = alerts.backlog_alerts(got, "2022-12", as_of, CFG)
    # 2022-12-31 is a Saturday: a case due on Friday the 30th is past its date by no working day, no backlog yet
    late = late[due[late.index] < pd.Timestamp("2022-12-30")]
    assert len(alerts.backlog_cases(got, as_of)) == len(late)
    towns = late.assign(town=late["region_code"].str[:9] + "000").groupby("town").size()
    # no demo case is more than 10 working days late: the towns with 5 cases or more are the alerts
    assert CFG.backlog_min_cases == 5
    want = towns[towns >= 5].to_dict()
    assert want and len(towns) > 5 * len(want)      # most towns' one or two late cases are no alert
    assert {a["unit_code"]: int(a["numbers"].split(" 件")[0]) for a in found} == want


def backlog_frame(days_late: list[int], as_of: dt.date = dt.date(2022, 10, 31)) -> pd.DataFrame:
    """One town's cases open past their deadline, each so many working days late at as_of."""
    import numpy as np

    from dangqun import workdays

    def due_for(d):
        day = as_of
        while True:
            day -= dt.timedelta(days=1)
            late = workdays.workdays_between_many(np.array([day], dtype="datetime64[D]"), np.datetime64(as_of))[0]
            if late == d:
                return day

    due = [due_for(d) for d in days_late]
    return pd.DataFrame({"record_id": [f"R{i}" for i in range(len(days_late))], "unit_code": "210681001000",
                         "unit_name": "甲镇", "center_name": "甲镇中心", "item_code": "0101",
                         "received_at": pd.Timestamp("2022-09-01"), "due_on": due, "status": "办理中"})


@pytest.mark.parametrize("days_late, severity", [
    ([1, 1, 2, 2], None),                     # four fresh cases: the 超期件 list, not 预警
    ([1, 1, 2, 2, 3], "中"),                  # five: worth an official's attention
    ([1] * 9 + [3], "高"),                    # ten: 高
    ([12], "高"),                             # one case more than ten working days late: 高 on its own
    ([10], None),                             # ten is not more than ten
])
def test_backlog_alerts_from_the_configured_line(days_late, severity):
    as_of = dt.date(2022, 10, 31)
    frame = backlog_frame(days_late, as_of)
    assert alerts.backlog_cases(frame, as_of)["workdays_overdue"].tolist() == days_late
    found = alerts.backlog_alerts(frame, "2022-10", as_of, CFG)
    assert [a["severity"] for a in found] == ([severity] if severity else [])
    # the explanation counts the long-overdue cases only where there are some
    for a in found:
        said = a["explanation_text"].format(**a["args"])
        long = sum(d > CFG.backlog_escalate_days for d in days_late)
        assert (f"其中 {long} 件超期超过 10 个工作日。" in said) if long else ("都没有超期超过 10 个工作日。" in said)


def test_a_case_past_its_date_over_a_weekend_only_is_no_backlog():
    sunday = dt.date(2022, 10, 30)
    frame = backlog_frame([0, 1, 1, 2, 2], sunday)      # due on the Saturday: no working day late
    assert alerts.backlog_cases(frame, sunday)["workdays_overdue"].tolist() == [1, 1, 2, 2]
    assert alerts.backlog_alerts(frame, "2022-10", sunday, CFG) == []     # four remain: no alert


def test_item_counts_match_pandas(demo_con, demo_raw):
    params = alerts.query_params("210681000000", "2022-10", LATEST)["spike"]
    got = db.run(demo_con, "alert_item_counts", params).set_index(["unit_code", "item_code"])
    r = demo_raw["service_records"]
    r = r[r["region_code"].str.startswith("210681")].assign(town=lambda d: d["region_code"].str[:9] + "000")
    month = r[(r["received_at"] >= "2022-10-01") & (r["received_at"] < "2022-11-01")]
    base = r[(r["received_at"] >= "2021-10-01") & (r["received_at"] < "2022-10-01")]
    expected = pd.concat([month.groupby(["town", "item_code"]).size().rename("received"),
                          base.groupby(["town", "item_code"]).size().rename("base_received")], axis=1).fillna(0)
    expected.index.names = ["unit_code", "item_code"]
    assert got[["received", "base_received"]].astype(int).sort_index().equals(expected.astype(int).sort_index())


def test_satisfaction_counts_match_pandas(demo_con, demo_raw):
    params = alerts.query_params("210681000000", "2022-10", LATEST)["alert_satisfaction"]
    got = db.run(demo_con, "alert_satisfaction", params).set_index("unit_code")
    r = demo_raw["service_records"]
    r = r[r["region_code"].str.startswith("210681") & r["survey_valid"].fillna(False)
          & r["in_assessment"].fillna(False)].assign(town=lambda d: d["region_code"].str[:9] + "000")
    month = r[(r["received_at"] >= "2022-10-01") & (r["received_at"] < "2022-11-01")]
    base = r[(r["received_at"] >= "2021-10-01") & (r["received_at"] < "2022-10-01")]
    for town, g in month.groupby("town"):
        b = base[base["town"] == town]
        assert got.loc[town, ["valid", "satisfied", "basic", "base_valid", "base_satisfied"]].tolist() == [
            len(g), (g["satisfaction"] == "满意").sum(), (g["satisfaction"] == "基本满意").sum(),
            len(b), (b["satisfaction"] == "满意").sum()], town


# ── the anomalies planted in the demo (dangqun.demo.anomalies), each found by its rule ───────────────

def town_records(raw, town: str) -> pd.DataFrame:
    r = raw["service_records"]
    return r[r["region_code"].str.startswith(town[:9])]


def in_month(r: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return r[(r["received_at"] >= start) & (r["received_at"] < end)]


def rule_alerts(con, rule: str, period: str) -> list[dict]:
    found = alerts.run_all(con, "210000000000", period, scope=None)
    return found[found["rule"] == rule].to_dict("records")


def test_the_planted_fall_in_satisfaction_is_found_in_its_town_and_month(alerts_con, demo_raw):
    r = town_records(demo_raw, A.FALL_TOWN)
    r = r[r["survey_valid"].fillna(False) & r["in_assessment"].fillna(False)]
    month = in_month(r, "2022-10-01", "2022-11-01")
    base = in_month(r, "2021-10-01", "2022-10-01")
    valid, base_valid = len(month), len(base)
    weighted = (month["satisfaction"] == "满意").sum() + Decimal("0.9") * (month["satisfaction"] == "基本满意").sum()
    base_w = (base["satisfaction"] == "满意").sum() + Decimal("0.9") * (base["satisfaction"] == "基本满意").sum()
    base_rate = base_w / base_valid
    k = int((weighted + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR"))
    # the planted fall: about 93 % in the twelve months before, about 76 % in October on some hundred answers
    assert base_rate > Decimal("0.9") and Decimal("0.7") < weighted / valid < Decimal("0.8") and valid >= 100
    found = [a for a in rule_alerts(alerts_con, "satisfaction", "2022-10") if a["unit_code"] == A.FALL_TOWN]
    assert len(found) == 1
    fall = found[0]
    assert (fall["unit_name"], fall["period"], fall["severity"]) == ("凤凰城街道", "2022-10", "高")
    assert fall["p_value"] == pytest.approx(exact_binom_cdf(k, valid, str(base_rate)), rel=1e-6)
    assert fall["p_value"] < 1e-6
    assert fall["numbers"] == (f"本月满意率 {float(weighted / valid) * 100:.1f}%，"
                               f"前 12 个月为 {float(base_rate) * 100:.1f}%")
    # above the 黄榜 line: only the fall against its own past finds it
    assert A.FALL_TOWN not in {a["unit_code"] for a in rule_alerts(alerts_con, "yellow", "2022-10")}
    # one month: neither September nor November alerts the town
    for period in ("2022-09", "2022-11"):
        assert A.FALL_TOWN not in {a["unit_code"] for a in rule_alerts(alerts_con, "satisfaction", period)}


def test_satisfaction_false_alarms_on_the_unplanted_months(demo_con):
    """Every 满意率下滑 alert but the planted one is a false alarm. Measured on the demo (README, 演示数据中的
    预警): 2 of the 1,741 tested town-months of 2021–2022 (0.11 %), in any month at most 1 of its tested towns
    (1 of 70, 1.4 %, in 2021-10); the bound is 2 % of the towns tested each month."""
    flagged, tested, worst = 0, 0, 0.0
    for year, month in [(y, m) for y in (2021, 2022) for m in range(1, 13)]:
        period = f"{year}-{month:02d}"
        params = alerts.query_params("210000000000", period, LATEST)["alert_satisfaction"]
        units = db.run(demo_con, "alert_satisfaction", params)
        found = [a for a in alerts.satisfaction_alerts(units, period, CFG) if a["rule"] == "satisfaction"
                 and (a["unit_code"], period) != (A.FALL_TOWN, "2022-10")]
        n = int(((units["valid"] >= CFG.sat_min_valid) & (units["base_valid"] >= CFG.sat_min_base_valid)).sum()
                - (period == "2022-10"))
        flagged, tested = flagged + len(found), tested + n
        worst = max(worst, len(found) / n) if n else worst
    assert worst <= 0.02
    assert (flagged, tested) == (2, 1741), "the false-alarm rate stated in the README moved"


def test_the_planted_repeat_resident_is_found_once_with_four_cases(alerts_con, demo_raw):
    r = demo_raw["service_records"]
    mine = r[r["resident_hash"] == A.REPEAT_HASH].sort_values("received_at")
    assert len(mine) == 4 and set(mine["item_code"]) == {A.REPEAT_ITEM}
    assert mine["region_code"].str.startswith(A.REPEAT_TOWN[:9]).all()
    days = mine["received_at"].dt.date.tolist()
    assert (days[-1] - days[0]).days < 90 and [d.month for d in days] == [8, 9, 10, 10]
    found = [a for a in rule_alerts(alerts_con, "repeat", "2022-10") if a["subject"].startswith(A.REPEAT_HASH)]
    assert len(found) == 1
    rep = found[0]
    assert (rep["unit_code"], rep["unit_name"], rep["severity"]) == (A.REPEAT_TOWN, "孤山镇", "高")
    assert rep["subject_name"] == "赵*（139****0414） · 医疗费用报销代办"
    assert rep["numbers"] == f"{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d} 共 4 次"
    # before October only two fell in a window; in November none is new
    for period in ("2022-09", "2022-11"):
        assert not [a for a in rule_alerts(alerts_con, "repeat", period) if a["subject"].startswith(A.REPEAT_HASH)]


def test_the_planted_spike_is_found_in_its_town_item_and_month(alerts_con, demo_raw):
    town = A.SPIKE_CENTER[2:]
    r = town_records(demo_raw, town)
    month = in_month(r, "2022-10-01", "2022-11-01")
    base = in_month(r, "2021-10-01", "2022-10-01")
    now = int((month["item_code"] == A.SPIKE_ITEM).sum())
    mean = Decimal(int((base["item_code"] == A.SPIKE_ITEM).sum())) / 12
    others_now = int((month["item_code"] != A.SPIKE_ITEM).sum())
    others_mean = Decimal(int((base["item_code"] != A.SPIKE_ITEM).sum())) / 12
    # … and by how the 事项 moved in the province's other towns, against everything else there
    everywhere = demo_raw["service_records"]
    elsewhere = lambda frame: frame[~frame["region_code"].str.startswith(town[:9])]  # noqa: E731
    rest_now = elsewhere(in_month(everywhere, "2022-10-01", "2022-11-01"))
    rest_base = elsewhere(in_month(everywhere, "2021-10-01", "2022-10-01"))
    season = (Decimal(int((rest_now["item_code"] == A.SPIKE_ITEM).sum()))
              / int((rest_base["item_code"] == A.SPIKE_ITEM).sum())) / (Decimal(len(rest_now)) / len(rest_base))
    expected = mean * others_now / others_mean * season
    assert now >= A.SPIKE_RECORDS and expected < 2
    found = [a for a in rule_alerts(alerts_con, "spike", "2022-10") if a["unit_code"] == town]
    assert [a["subject"] for a in found] == [A.SPIKE_ITEM]
    spike = found[0]
    assert (spike["unit_name"], spike["subject_name"], spike["period"]) == ("庆云堡镇", "路灯设施报修", "2022-10")
    exact = 1 - sum(expected ** i / factorial(i) for i in range(now)) * (-expected).exp()
    assert spike["p_value"] == pytest.approx(float(exact), rel=1e-6)
    # the first line in words: the count against the adjusted baseline, as a multiple
    assert spike["numbers"] == f"本月 {now} 件，约为平时的 {now / float(expected):.0f} 倍"
    # the planted records replaced as many of the county's month: the demo keeps its size
    assert len(demo_raw["service_records"]) == demo.DEFAULT_RECORDS
    assert not [a for a in rule_alerts(alerts_con, "spike", "2022-09") if a["unit_code"] == town]


# ── constructed cases in a copy of the demo ──────────────────────────────────────────────────────

def add_cases(con, resident: str, item: str, days: list[str], center: str = "ZX210681001000"):
    for i, day in enumerate(days):
        con.execute("""insert into service_records (record_id, center_id, received_at, item_code, status,
                       resident_name, phone, resident_hash)
                       values ($id, $c, $at, $item, '已办结', '李*', '138****0000', $h)""",
                    {"id": f"T-{resident}-{i}", "c": center, "at": f"{day} 10:00:00", "item": item, "h": resident})


def repeat_alerts_of(con, period: str, resident: str):
    params = alerts.query_params("210681000000", period, LATEST)["alert_repeats"]
    cases = db.run(con, "alert_repeats", params)
    return [a for a in alerts.repeat_alerts(cases, period, CFG) if a["subject"].startswith(resident[:16])], cases


def test_three_cases_on_one_item_within_90_days_make_exactly_one_alert(scratch_con):
    add_cases(scratch_con, "aaaaaaaaaaaaaaaaaaaa", "0101", ["2022-08-20", "2022-09-15", "2022-10-12"])
    add_cases(scratch_con, "bbbbbbbbbbbbbbbbbbbb", "0101", ["2022-07-01", "2022-08-20", "2022-10-12"])  # 103 days
    found, cases = repeat_alerts_of(scratch_con, "2022-10", "aaaaaaaaaaaaaaaaaaaa")
    assert len(found) == 1
    assert found[0]["numbers"] == "2022-08-20 至 2022-10-12 共 3 次"
    assert found[0]["subject_name"] == "李*（138****0000） · " + found[0]["subject_name"].split(" · ")[1]
    assert repeat_alerts_of(scratch_con, "2022-10", "bbbbbbbbbbbbbbbbbbbb")[0] == []
    # the third case fell in October: November has no new alert for the same resident
    assert repeat_alerts_of(scratch_con, "2022-11", "aaaaaaaaaaaaaaaaaaaa")[0] == []
    assert set(cases.loc[cases["resident_hash"] == "aaaaaaaaaaaaaaaaaaaa", "record_id"]) == {
        "T-aaaaaaaaaaaaaaaaaaaa-0", "T-aaaaaaaaaaaaaaaaaaaa-1", "T-aaaaaaaaaaaaaaaaaaaa-2"}


def test_status_is_kept_across_recompute_and_audited(scratch_con, store):
    before = alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000", store=store)
    assert (before["status"] == "待处理").all() and len(before) > 0
    first = before.iloc[0].to_dict()
    params = alerts.status_params(first, "已核实", "已电话联系镇里", "donggang", dt.datetime(2022, 11, 2, 9))
    alerts.set_status(store, params)
    # new records change nothing of that alert's identity: recomputed, it keeps its status and note
    add_cases(scratch_con, "cccccccccccccccccccc", "0102", ["2022-10-03"])
    after = alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000", store=store) \
        .set_index("alert_key")
    row = after.loc[first["alert_key"]]
    assert (row["status"], row["note"], row["updated_by"]) == ("已核实", "已电话联系镇里", "donggang")
    assert (after.drop(index=first["alert_key"])["status"] == "待处理").all()
    from tests.test_audit import rows

    assert [(u, t, d) for u, _, t, d, _ in rows(store, "alert_status")] \
        == [("donggang", first["alert_key"], "已核实：已电话联系镇里")]
    # another county's account does not see what was recorded on 东港's alerts; the province's and 丹东's do
    assert alerts.statuses(store, "2022-10", "211324000000").empty
    assert len(alerts.statuses(store, "2022-10", "210681000000")) == 1
    assert len(alerts.statuses(store, "2022-10", "210600000000")) == 1
    assert len(alerts.statuses(store, "2022-10", None)) == 1
    with pytest.raises(ValueError, match="未知的预警状态"):
        alerts.status_params(first, "已关闭", "", "donggang")


def test_a_county_sees_only_its_county(alerts_con):
    county = alerts.run_all(alerts_con, "210681000000", "2022-12", scope="210681000000")
    province = alerts.run_all(alerts_con, "210000000000", "2022-12", scope=None)
    assert len(county) > 0 and county["unit_code"].str.startswith("210681").all()
    # the county's own units' alerts are the province's for those units (热点 is per region looked at)
    mine = province[province["unit_code"].str.startswith("210681") & (province["rule"] != "hotspot")]
    assert sorted(county.loc[county["rule"] != "hotspot", "alert_key"]) == sorted(mine["alert_key"])
    # an account scoped to the county asking for the whole province still sees its county only
    assert alerts.run_all(alerts_con, "210000000000", "2022-12", scope="210681000000")["unit_code"] \
        .str.startswith("210681").all()


# ── the stored alerts (alert_found): what the pages read ─────────────────────────────────────────

@pytest.mark.parametrize("region, scope, period", [
    ("210000000000", None, "2022-10"), ("210600000000", None, "2022-12"),
    ("210681000000", "210681000000", "2022-10"), (A.REPEAT_TOWN, "210681000000", "2022-10")])
def test_stored_alerts_are_the_regions_own_computation(alerts_con, region, scope, period):
    """The province's alerts found once and read back for a region under a scope equal the alerts found
    from that region's own records under that scope, row by row and in the same order; 诉求突增's
    baseline follows each 事项 in all the province's other towns, so its alerts are the province's; 热点's
    topics are found from their whole county's texts (a matter's share is of its county), so below a county
    they are the province's too."""
    run = lambda name, params: db.run(alerts_con, name, params, scope=scope)  # noqa: E731
    frames, latest, first = alerts.gather(run, region, period)
    everything, last, first_day = alerts.gather(lambda name, params: db.run(alerts_con, name, params),
                                                "210000000000", period)
    province = alerts.evaluate(everything, period, last, first_day)
    spikes = province[(province["rule"] == "spike") & province["unit_code"].str.startswith(regions.prefix(region))]
    for lang in ("zh", "en"):
        want = alerts.evaluate(frames, period, latest, first, lang=lang)
        got = alerts.listing(run, region, alerts.ensure(alerts_con, period), lang)
        assert len(want) > 0
        theirs = {"spike"} | ({"hotspot"} if regions.level_of(region) >= 3 else set())
        others = lambda found: found[~found["rule"].isin(theirs)].reset_index(drop=True)  # noqa: E731
        pd.testing.assert_frame_equal(others(got), others(want), check_dtype=False)
        assert got.loc[got["rule"] == "spike", "alert_key"].tolist() == spikes["alert_key"].tolist()
        hot = province[(province["rule"] == "hotspot") & province["unit_code"].str.startswith(regions.prefix(region))]
        assert got.loc[got["rule"] == "hotspot", "alert_key"].tolist() == hot["alert_key"].tolist()


def test_a_village_reads_its_towns_alerts(alerts_con):
    village = alerts_con.execute("select min(region_code) from centers where region_code like $t",
                                 {"t": A.REPEAT_TOWN[:9] + "%"}).fetchone()[0]
    stored = alerts.ensure(alerts_con, "2022-10")
    run = lambda name, params: db.run(alerts_con, name, params)  # noqa: E731
    assert alerts.town_of(village) == A.REPEAT_TOWN
    pd.testing.assert_frame_equal(alerts.listing(run, village, stored), alerts.listing(run, A.REPEAT_TOWN, stored))


def test_a_month_is_found_once_and_again_when_the_rules_change(scratch_con, tmp_path, monkeypatch):
    first = alerts.ensure(scratch_con, "2022-10")
    when = scratch_con.execute("select computed_at from alert_run where period = '2022-10'").fetchone()
    assert alerts.ensure(scratch_con, "2022-10") == first
    assert scratch_con.execute("select computed_at from alert_run where period = '2022-10'").fetchone() == when
    run = lambda name, params: db.run(scratch_con, name, params)  # noqa: E731
    repeats = (alerts.listing(run, "210000000000", first)["rule"] == "repeat").sum()
    # two cases make a repeat now: the changed file is a new key, and the month is found anew
    config = tmp_path / "alerts.toml"
    config.write_text(alerts.CONFIG_PATH.read_text(encoding="utf-8").replace("min_count = 3", "min_count = 2"),
                      encoding="utf-8")
    monkeypatch.setattr(alerts, "CONFIG_PATH", config)
    again = alerts.ensure(scratch_con, "2022-10")
    assert again.key != first.key
    assert (alerts.listing(run, "210000000000", again)["rule"] == "repeat").sum() > repeats
    # rows are read only under the key they were found with
    assert db.run(scratch_con, "alert_list", {"region": "21", "period": "2022-10", "run_key": first.key}).empty


def test_new_data_is_a_new_key_and_refresh_keeps_only_the_latest_month(scratch_con):
    old = alerts.ensure(scratch_con, "2022-10")
    add_cases(scratch_con, "dddddddddddddddddddd", "0101", ["2022-12-01", "2022-12-05", "2022-12-09"])
    db.bump_data_version(scratch_con)
    stored = alerts.refresh(scratch_con)
    assert (stored.period, stored.as_of) == ("2022-12", dt.date(2022, 12, 31)) and stored.key != old.key
    assert scratch_con.execute("select period, run_key from alert_run").fetchall() == [("2022-12", stored.key)]
    assert scratch_con.execute("select distinct period from alert_found").fetchall() == [("2022-12",)]
    keys = scratch_con.execute("select alert_key from alert_found where rule = 'repeat'").df()["alert_key"]
    assert keys.str.contains("dddddddddddddddd:0101").sum() == 1


# ── the command line ─────────────────────────────────────────────────────────────────────────────

def test_cli_json_and_refusals(demo_db, tmp_path, accounts_file, capsys):
    path = tmp_path / "cli.duckdb"
    path.write_bytes(demo_db.read_bytes())
    assert cli.main(["alerts", "--db", str(path), "--region", "210681", "--period", "2022-10", "--json",
                     "--user", "donggang"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["region"], out["region_name"], out["period"]) == ("210681000000", "东港市", "2022-10")
    assert out["counts"]["repeat"] == sum(a["rule"] == "repeat" for a in out["alerts"]) > 0
    assert out["counts"]["backlog"] == sum(a["rule"] == "backlog" for a in out["alerts"])
    assert all(a["unit_code"].startswith("210681") for a in out["alerts"])
    assert cli.main(["alerts", "--db", str(path), "--region", "210600", "--user", "donggang"]) == 2
    assert "账号 donggang 无权查看区划 210600000000" in capsys.readouterr().err
    assert cli.main(["alerts", "--db", str(path), "--period", "2022-13"]) == 2
    assert "预警月份应写成 YYYY-MM" in capsys.readouterr().err


# ── 热点 from 诉求内容 (dangqun.topics) ────────────────────────────────────────────────────────────

SEPTEMBER_TEXTS = [
    "医保报销材料不全，需要补交什么", "低保申请递交一个月没有回音", "社保卡丢了怎么补办", "垃圾清运不及时，门口堆满了",
    "楼下饭店油烟太大", "医保报销比例是多少", "低保复核需要哪些材料", "养老保险断缴能不能补缴", "邻居装修噪音扰民",
    "社保卡激活不了", "门前下水道堵塞", "老年证在哪里办", "户口迁移需要什么手续", "医保报销进度查询",
    "物业费收费标准不合理", "农机补贴什么时候发放", "宅基地审批进度", "残疾人补贴申请", "医保电子凭证怎么用",
    "居住证办理需要多久", "低保金没有按时发放", "孤山镇政府门前占道经营", "身份证到期换领", "楼道灯泡坏了",
    "临时救助申请进度",
]
# one matter twelve times, worded as residents word it: the village's street lamps out
LAMP_TEXTS = [
    "大鹿岛村路灯不亮，晚上出行不安全", "大鹿岛村村口的路灯不亮好几天了", "反映大鹿岛村路灯一到晚上就不亮",
    "大鹿岛村主干道路灯不亮，请派人检修", "大鹿岛村学校门前路灯不亮，孩子放学看不清路", "大鹿岛村东头路灯不亮",
    "大鹿岛村路灯线路老化，路灯不亮", "投诉大鹿岛村北街路灯全部不亮", "大鹿岛村码头路灯不亮存在安全隐患",
    "大鹿岛村桥头路灯坏了不亮", "请求修理大鹿岛村广场路灯，晚上不亮", "大鹿岛村菜市场附近路灯不亮",
]
# another, nine times: below the ten a 热点 needs, a topic all the same
HEATING_TEXTS = [
    "供暖温度不达标，家里很冷", "还没开始供暖，老人受不了", "供暖管道漏水，供暖不热", "楼上供暖不热", "供暖费怎么交，供暖不热",
    "单元供暖阀门坏了，供暖不热", "供暖公司不接电话，供暖不热", "供暖温度太低不热", "供暖期间温度太低，供暖不热",
]
OCTOBER_TEXTS = LAMP_TEXTS + HEATING_TEXTS + [
    "医保报销需要哪些材料", "低保申请进度查询", "社保卡密码忘了", "垃圾清运车几点来", "养老保险缴费档次", "宅基地确权",
]


def add_texts(con, texts: list[str], month: str, center: str = "ZX210681101000"):
    for i, text in enumerate(texts):
        con.execute("""insert into service_records (record_id, center_id, received_at, item_code, status,
                       resident_hash, request_text) values ($id, $c, $at, '1204', '已办结', $h, $text)""",
                    {"id": f"TXT-{month}-{i:03d}", "c": center, "at": f"{month}-{i % 28 + 1:02d} 10:00:00",
                     "h": f"H{i % 10}", "text": text})


def test_place_names_are_the_region_dictionarys(demo_con, demo_raw):
    got = db.run(demo_con, "alert_place_names", {"region": "210681"})["region_name"].tolist()
    r = demo_raw["regions"]
    r = r[r["region_code"].str.startswith("210681")]
    digits = r["level"].map({"省": 2, "市": 4, "县": 6, "乡镇街道": 9}).fillna(12).astype(int)
    held = [any(c.startswith(code[:d]) for c in demo_raw["centers"]["region_code"])
            for code, d in zip(r["region_code"], digits)]
    assert got == sorted(set(r.loc[held, "region_name"]))
    assert "孤山镇" in got and "东港市" in got
    # a county's account asking for the province reads its own places and those above it only
    scoped = db.run(demo_con, "alert_place_names", {"region": "21"}, scope="210681000000")["region_name"].tolist()
    assert scoped == sorted(set(got) | {"辽宁省", "丹东市"})


def test_a_matter_in_the_requests_text_is_one_hotspot(scratch_con):
    hot = lambda: [a for a in alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000")  # noqa: E731
                   .to_dict("records") if a["rule"] == "hotspot"]
    scratch_con.execute("update service_records set request_text = null where center_id in "
                        "(select center_id from centers where region_code like '210681%')")
    db.bump_data_version(scratch_con)
    # without any 诉求内容 the 热点 are the region's 事项 (code subjects)
    assert all(a["subject"].isdigit() for a in hot())
    add_texts(scratch_con, SEPTEMBER_TEXTS, "2022-09")
    add_texts(scratch_con, OCTOBER_TEXTS, "2022-10")
    db.bump_data_version(scratch_con)       # as an import does: the stored month is found anew
    texts = db.run(scratch_con, "topic_texts", alerts.query_params("210681000000", "2022-10", LATEST)["topic_texts"])
    assert sorted(texts.loc[texts["this_month"], "request_text"]) == sorted(OCTOBER_TEXTS)
    assert sorted(texts.loc[~texts["this_month"], "request_text"]) == sorted(SEPTEMBER_TEXTS)
    assert set(texts["county_code"]) == {"210681000000"} and set(texts["town_name"]) == {"孤山镇"}
    found = hot()
    # the lamps are one alert, not one per word; the heating (nine) is no 热点
    assert len(found) == 1
    alert = found[0]
    assert "大鹿岛村" in alert["subject_name"] and "路灯" in alert["subject_name"]
    residents = len({i % 10 for i in range(len(LAMP_TEXTS))})
    assert alert["numbers"] == f"本月 {len(LAMP_TEXTS)} 件（{residents} 人），上月 0 件"
    assert (alert["unit_code"], alert["unit_name"], alert["period"]) == ("210681101000", "孤山镇", "2022-10")
    assert f"占东港市本月有诉求内容的 {len(OCTOBER_TEXTS)} 件的" in alert["explanation"]
    # rising from nothing: 中
    assert alert["severity"] == "中"
    params = alerts.query_params("210681000000", "2022-10", LATEST)
    assert db.run(scratch_con, "text_volume", params["text_volume"])["texts"].tolist() == [len(OCTOBER_TEXTS)]


def test_the_stored_topics_are_counted_within_the_region(scratch_con):
    from dangqun import topics

    scratch_con.execute("update service_records set request_text = null where center_id in "
                        "(select center_id from centers where region_code like '210681%')")
    add_texts(scratch_con, SEPTEMBER_TEXTS, "2022-09")
    add_texts(scratch_con, OCTOBER_TEXTS, "2022-10")
    db.bump_data_version(scratch_con)
    stored = alerts.ensure(scratch_con, "2022-10")
    run = lambda name, params: db.run(scratch_con, name, params, scope="210681000000")  # noqa: E731
    found = topics.listing(run, "210681000000", stored)
    raw = run("topic_list", {"region": "210681", "period": "2022-10", "run_key": stored.key})
    assert raw["topic_key"].tolist() == found["topic_key"].tolist() and len(found) >= 2
    lamps = found.iloc[0]
    assert "大鹿岛村" in lamps["label"] and bool(lamps["hot"])
    assert (lamps["count"], lamps["residents"], lamps["previous"]) == (len(LAMP_TEXTS), 10, 0)
    assert list(lamps["towns"]) == ["孤山镇"] and lamps["examples"] == LAMP_TEXTS[:3]
    # the heating: topics (texts saying only 供暖 and nothing more of it stay out), none hot
    heating = found[found["label"].str.contains("供暖")]
    assert 3 <= heating["count"].sum() <= len(HEATING_TEXTS) and not heating["hot"].any()
    records = run("topic_records", {"region": "210681", "period": "2022-10", "run_key": stored.key,
                                    "topic_key": lamps["topic_key"]})
    assert sorted(records["request_text"]) == sorted(LAMP_TEXTS)
    # another county's account sees none of them
    other = topics.listing(lambda n, p: db.run(scratch_con, n, p, scope="210602000000"), "210602000000", stored)
    assert not other["label"].str.contains("大鹿岛村").any()
    # the trend counts the topic's two heaviest words in every month
    trend = run("topic_trend", {"region": "210681", "start": dt.date(2022, 9, 1), "end": dt.date(2022, 10, 31),
                                "words": ["大鹿岛村", "路灯"]})
    got = dict(zip(pd.to_datetime(trend["month"]).dt.strftime("%Y-%m"), trend["matching"]))
    assert got == {"2022-09": 0, "2022-10": sum("大鹿岛村" in x and "路灯" in x for x in OCTOBER_TEXTS)}


def test_the_records_behind_an_alert_are_stored_with_it(alerts_con, demo_raw):
    from dangqun.views import alerts as view

    stored = alerts.ensure(alerts_con, "2022-10")
    run = lambda name, params: db.run(alerts_con, name, params, scope="210681000000")  # noqa: E731
    found = alerts.listing(run, "210681000000", stored)
    # the planted resident's four cases, as the records hold them
    planted = found[found["subject"].str.startswith(A.REPEAT_HASH)].iloc[0].to_dict()
    cases = view.cases_of(planted, run, stored)
    r = demo_raw["service_records"]
    mine = r[r["resident_hash"] == A.REPEAT_HASH].sort_values("received_at")
    assert cases["record_id"].tolist() == mine["record_id"].tolist()
    assert set(cases["resident_name"]) == {"赵*"} and set(cases["item_name"]) == {"医疗费用报销代办"}
    # a town's backlog (December: towns with five cases and more): its cases open past their deadline at
    # the month's end, the longest overdue first
    stored = alerts.ensure(alerts_con, "2022-12")
    run = lambda name, params: db.run(alerts_con, name, params)  # noqa: E731
    found = alerts.listing(run, "210000000000", stored)
    late = found[found["rule"] == "backlog"].iloc[0].to_dict()
    cases = view.cases_of(late, run, stored)
    want = alerts.backlog_cases(db.run(alerts_con, "alert_backlog", {"region": regions.prefix(late["unit_code"]),
                                                                     "as_of": stored.as_of}), stored.as_of)
    assert sorted(cases["record_id"]) == sorted(want["record_id"]) and len(cases) > 0
    assert cases["workdays_overdue"].is_monotonic_decreasing
    assert int(late["numbers"].split(" 件")[0]) == len(cases)


@pytest.mark.parametrize("period", ["2021-03", "2021-11", "2022-10", "2022-12"])
def test_a_province_month_reads_short(alerts_con, period):
    """The months of the demo with the most alerts still list about 15 at most: one or two fresh late cases
    stay on 服务办理's 超期件 list, and only the five strongest 热点 are listed; the severest come first, the
    bigger before the smaller within a severity."""
    found = alerts.run_all(alerts_con, "210000000000", period, scope=None)
    assert 0 < len(found) <= 15
    assert (found["rule"] == "hotspot").sum() <= 5
    rank = found["severity"].map({s: i for i, s in enumerate(alerts.SEVERITIES)})
    assert rank.is_monotonic_increasing
    for _, same in found.groupby("severity"):
        assert same["size"].is_monotonic_decreasing
