"""Comparisons like with like (README「同口径对比」): a comparison period's rates count only what had happened
by as many days after its end as the data run after the period now shown. The figures of the demo are
recomputed here from the raw records with pandas, independently of the SQL under test: 办结率 of the province
2022 against 2021, of 丹东 Q4 2022 against Q4 2021 and of 东港 December 2022 against December 2021, each
closed by the comparison period's own end (the demo's data end on 2022-12-31, the periods' end)."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import alerts, db, filters, periods, regions
from dangqun.views import overview
from dangqun.views import report as report_view

D = dt.date
THROUGH = D(2022, 12, 31)      # the demo's last day with records


def closed_by(raw, prefix, start, end, as_of):
    """(received, closed by the end of as_of) of the records received in [start, end] under prefix."""
    r = raw["service_records"]
    r = r[r["region_code"].str.startswith(prefix) & (r["received_at"] >= pd.Timestamp(start))
          & (r["received_at"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
    done = (r["status"] == "已办结") & (r["closed_at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1))
    return len(r), int(done.sum())


CASES = [  # region prefix, period, comparison, the rates the issue found (now, before as of the same vintage)
    ("21", periods.Period(D(2022, 1, 1), D(2022, 12, 31)), periods.Period(D(2021, 1, 1), D(2021, 12, 31)), "97.6%", "97.4%"),
    ("2106", periods.Period(D(2022, 10, 1), D(2022, 12, 31)), periods.Period(D(2021, 10, 1), D(2021, 12, 31)), "94.6%", "93.6%"),
    ("210681", periods.Period(D(2022, 12, 1), D(2022, 12, 31)), periods.Period(D(2021, 12, 1), D(2021, 12, 31)), "87.4%", "85.7%"),
]


@pytest.mark.parametrize("prefix, period, compare, now_rate, before_rate", CASES)
def test_the_comparison_counts_closings_by_its_own_end(demo_con, demo_raw, prefix, period, compare, now_rate, before_rate):
    v = periods.vintage(period, compare, THROUGH)
    assert v == periods.Vintage(0, compare.end)
    base = {"region": prefix, "category": "", "channel": ""}
    now = db.run(demo_con, "kpi_summary", dict(base, start=period.start, end=period.end, as_of=None)).iloc[0]
    before = db.run(demo_con, "kpi_summary", dict(base, start=compare.start, end=compare.end, as_of=v.as_of)).iloc[0]
    want_now = closed_by(demo_raw, prefix, period.start, period.end, THROUGH + dt.timedelta(days=400))
    want_before = closed_by(demo_raw, prefix, compare.start, compare.end, v.as_of)
    assert (now.received, now.closed) == want_now
    assert (before.received, before.closed) == want_before
    assert f"{want_now[1] / want_now[0]:.1%}" == now_rate
    assert f"{want_before[1] / want_before[0]:.1%}" == before_rate
    # counted as exported, the older period had had a year longer: the comparison the issue found unfair
    exported = db.run(demo_con, "kpi_summary", dict(base, start=compare.start, end=compare.end, as_of=None)).iloc[0]
    assert exported.closed > before.closed


@pytest.mark.parametrize("region, start, end, as_of, category, channel", [
    # whole months, cut on or after their end: the rollups minus rollup_late_closings
    ("210681", D(2021, 10, 1), D(2021, 12, 31), D(2021, 12, 31), "", ""),
    ("2106", D(2021, 6, 1), D(2021, 8, 31), D(2021, 9, 15), "", "电话"),
    ("21", D(2021, 12, 1), D(2021, 12, 31), D(2021, 12, 31), "03", ""),
    # any other window: the records themselves
    ("210681", D(2021, 10, 5), D(2021, 12, 20), D(2021, 12, 20), "", ""),
    ("21", D(2021, 12, 1), D(2021, 12, 31), D(2021, 12, 10), "", ""),
])
def test_every_count_as_of_a_day_matches_pandas(demo_con, demo_raw, region, start, end, as_of, category, channel):
    """Each count of record_counts_as_of against the raw records: a case closed after as_of is open then
    (超期 when its deadline fell before the window's end), its 回访 not yet made."""
    got = db.run(demo_con, "kpi_summary", {"region": region, "start": start, "end": end, "category": category,
                                            "channel": channel, "as_of": as_of}).iloc[0]
    r = demo_raw["service_records"]
    r = r[r["region_code"].str.startswith(region) & (r["received_at"] >= pd.Timestamp(start))
          & (r["received_at"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
    if category:
        r = r[r["item_code"].str[:2] == category]
    if channel:
        r = r[r["channel"] == channel]
    cut = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    later = (r["status"] == "已办结") & r["closed_at"].notna() & (r["closed_at"] >= cut)
    closed = (r["status"] == "已办结") & ~later
    closed_day = r["closed_at"].dt.normalize()
    due = pd.to_datetime(r["due_on"])
    on_time = closed & r["closed_at"].notna() & (closed_day <= due)
    late = closed & r["closed_at"].notna() & (closed_day > due)
    open_then = r["status"].isin(["待受理", "办理中", "延期"]) | later
    overdue = late | (open_then & (due < pd.Timestamp(end)))
    valid = r["survey_valid"].fillna(False).astype(bool) & r["in_assessment"].fillna(False).astype(bool) & ~later
    want = {"received": len(r), "closed": closed.sum(), "closed_on_time": on_time.sum(), "overdue": overdue.sum(),
            "valid": valid.sum(), "contacted": (valid & r["contacted"].fillna(False).astype(bool)).sum(),
            "solved": (valid & r["solved"].fillna(False).astype(bool)).sum(),
            "satisfied": (valid & (r["satisfaction"] == "满意")).sum(),
            "basic": (valid & (r["satisfaction"] == "基本满意")).sum()}
    assert {k: int(got[k]) for k in want} == {k: int(v) for k, v in want.items()}
    assert later.sum() > 0            # the cutoff is tested on cases it moves


@pytest.mark.parametrize("period, compare, through, want", [
    (periods.Period(D(2022, 12, 1), D(2022, 12, 31)), periods.Period(D(2021, 12, 1), D(2021, 12, 31)), D(2022, 12, 31),
     periods.Vintage(0, D(2021, 12, 31))),
    # data ten days past the period: the comparison period gets ten days too
    (periods.Period(D(2022, 11, 1), D(2022, 11, 30)), periods.Period(D(2022, 10, 1), D(2022, 10, 31)), D(2022, 12, 10),
     periods.Vintage(10, D(2022, 11, 10))),
    # a year-to-date period running past the data: counted as ending on the data's last day
    (periods.Period(D(2022, 1, 1), D(2022, 12, 31)), periods.Period(D(2021, 1, 1), D(2021, 12, 31)), D(2022, 12, 20),
     periods.Vintage(0, D(2021, 12, 31))),
    # a comparison period later than the period shown, or reaching the data's end: nothing to cut
    (periods.Period(D(2021, 1, 1), D(2021, 12, 31)), periods.Period(D(2022, 1, 1), D(2022, 12, 31)), D(2022, 12, 31), None),
    (periods.Period(D(2022, 12, 1), D(2022, 12, 31)), None, D(2022, 12, 31), None),
    (periods.Period(D(2022, 12, 1), D(2022, 12, 31)), periods.Period(D(2021, 12, 1), D(2021, 12, 31)), None, None),
])
def test_vintage(period, compare, through, want):
    assert periods.vintage(period, compare, through) == want


def test_the_filters_bind_the_cutoff_for_the_comparison_only():
    f = filters.default_filters(THROUGH)
    assert f.params()["as_of"] is None
    assert f.compare_params(THROUGH)["as_of"] == D(2021, 12, 31)
    assert f.compare_params(THROUGH)["start"] == D(2021, 1, 1)
    assert filters.default_filters(THROUGH).compare_params(None)["as_of"] is None


def test_the_card_says_how_the_comparison_counts():
    note = overview.vintage_note(periods.Vintage(0, D(2021, 12, 31)), "yoy")
    assert note == "同比按同口径：本期数据截至期末，对比期的办结、超期和回访也只统计到其期末（2021-12-31）"
    row = {"received": 100, "closed": 90, "closed_on_time": 80, "valid": 50, "contacted": 50, "solved": 45,
           "satisfied": 40, "basic": 5, "funds_wan": 10, "centers": 3, "activities": 4, "proxy": 7}
    cards = {c.label: c for c in overview.cards(row, row, vintage_note=note)}
    for label in ("办结率", "按期办结率", "满意率", "综合成绩"):
        assert cards[label].help.endswith(note), label
    assert note not in cards["受理量"].help


def build(con, region, name, period):
    run = lambda n, p: db.run(con, n, p, scope=region)  # noqa: E731
    return report_view.build(run, region, name, report_view.parse_period(period), "yoy", today=dt.date(2023, 1, 10),
                             store=lambda month: alerts.ensure(con, month))


@pytest.mark.parametrize("region, name, period, closed, signer", [
    ("210000000000", "辽宁省", "2022", "办结率97.6%，较上年同期上升0.2个百分点。", "中共辽宁省委组织部"),
    ("210600000000", "丹东市", "2022Q4", "办结率94.6%，较上年同期上升1.0个百分点。", "中共丹东市委组织部"),
    ("210681000000", "东港市", "2022-12", "办结率87.4%，较上年同期上升1.8个百分点。", "中共东港市委组织部"),
])
def test_the_report_compares_like_with_like_and_is_signed_by_its_region(alerts_con, region, name, period, closed, signer):
    rep = build(alerts_con, region, name, period)
    text = "\n".join(b.text for b in rep.blocks if b.kind == "para")
    assert closed in text
    assert rep.organ == signer
    assert "同比按同口径：本期数据截至期末，对比期的办结、按期办结、超期和回访也只统计到其期末（2021年12月31日）。" in text


def test_a_region_may_have_its_own_signer_in_the_config():
    config = {"issuer": {"date": "2023年1月5日", "regions": {
        "2106": {"organ": "中共丹东市委组织部办公室", "red_header": "中共丹东市委组织部文件", "doc_number": "丹组通〔2023〕1号"},
        "210681": {"date": "2023年1月9日"}}}}
    dandong = report_view.issuer_of("210600000000", "丹东市", config)
    assert dandong == {"organ": "中共丹东市委组织部办公室", "date": "2023年1月5日",
                       "red_header": "中共丹东市委组织部文件", "doc_number": "丹组通〔2023〕1号"}
    donggang = report_view.issuer_of("210681000000", "东港市", config)
    assert donggang == {"organ": "中共东港市委组织部", "date": "2023年1月9日", "red_header": "", "doc_number": ""}
    assert report_view.issuer_of("211324000000", "喀喇沁左翼蒙古族自治县", config)["organ"] == \
        "中共喀喇沁左翼蒙古族自治县委组织部"


def test_cases_per_wan_set_a_quarter_against_a_quarter_of_the_money(demo_con, demo_raw):
    """每万元服务量 of 东港 Q4 2022: its cases against the part of 2022's funds falling in the quarter (92 of 365
    days), not against the whole year's (the issue's 34.39 = 10,788 ÷ 313.69)."""
    got = db.run(demo_con, "funds_by_unit", {"region": "2106", "start": D(2022, 10, 1), "end": D(2022, 12, 31),
                                              "category": "", "channel": "", "as_of": None, "child_digits": 6})
    row = got.set_index("unit_code").loc["210681000000"]
    f = demo_raw["funds"].merge(demo_raw["centers"][["center_id", "region_code"]], on="center_id")
    year = float(f[f["region_code"].str.startswith("210681") & (f["fiscal_year"] == 2022)]["amount_wan"].sum())
    assert f"{year:.2f}" == "313.69"
    assert float(row["funds_wan"]) == pytest.approx(year)
    assert row["period_wan"] == pytest.approx(year * 92 / 365)
    assert int(row["received"]) == 10_788
    assert f"{10_788 / (year * 92 / 365):.2f}" == "136.44"
    assert regions.prefix("210681000000") == "210681"
