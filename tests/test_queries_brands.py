"""brand_scorecard against an independent pandas computation on the demo's raw rows."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dangqun import db


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw(con):
    return {t: con.execute(f"select * from {t}").df()
            for t in ("service_records", "centers", "funds", "activities", "regions")}


def expected_scorecard(raw, prefix, start, end, category="", channel=""):
    centers = raw["centers"]
    brand = centers[centers.region_code.str.startswith(prefix) & centers.brand_name.notna()]
    r = raw["service_records"]
    r = r[r.center_id.isin(brand.center_id)
          & (r.received_at >= pd.Timestamp(start)) & (r.received_at < pd.Timestamp(end) + pd.Timedelta(days=1))]
    if category:
        r = r[r.item_code.str[:2] == category]
    if channel:
        r = r[r.channel == channel]
    valid = r.survey_valid.fillna(False).astype(bool) & r.in_assessment.fillna(False).astype(bool)
    r = r.assign(
        closed=(r.status == "已办结").astype(int),
        valid=valid.astype(int),
        contacted=(valid & r.contacted.fillna(False).astype(bool)).astype(int),
        solved=(valid & r.solved.fillna(False).astype(bool)).astype(int),
        satisfied=(valid & (r.satisfaction == "满意")).astype(int),
        basic=(valid & (r.satisfaction == "基本满意")).astype(int),
    )
    counts = r.groupby("center_id").agg(
        received=("record_id", "size"), closed=("closed", "sum"), valid=("valid", "sum"),
        contacted=("contacted", "sum"), solved=("solved", "sum"), satisfied=("satisfied", "sum"),
        basic=("basic", "sum"))
    a = raw["activities"]
    a = a[a.center_id.isin(brand.center_id) & (a.activity_date >= pd.Timestamp(start))
          & (a.activity_date <= pd.Timestamp(end))]
    acts = a.groupby("center_id").agg(activities=("activity_id", "size"), volunteer_hours=("volunteer_hours", "sum"))
    f = raw["funds"]
    f = f[f.center_id.isin(brand.center_id) & f.fiscal_year.between(start.year, end.year)]
    money = f.assign(amount_wan=f.amount_wan.astype(float)).groupby("center_id").amount_wan.sum().rename("funds_wan")
    out = brand.set_index("center_id")[["brand_name", "center_name", "brand_category", "region_code"]]
    out = out.join(counts).join(acts).join(money).fillna(0)
    names = raw["regions"].set_index("region_code").region_name
    out["region_name"] = out.region_code.map(names)
    return out.sort_index()


@pytest.mark.parametrize("category, channel", [("", ""), ("05", ""), ("", "窗口"), ("11", "电话")])
def test_brand_scorecard_matches_pandas_in_kazuo(con, raw, category, channel):
    start, end = dt.date(2021, 7, 1), dt.date(2022, 6, 30)
    got = db.run(con, "brand_scorecard", {"region": "211324", "start": start, "end": end,
                                          "category": category, "channel": channel})
    want = expected_scorecard(raw, "211324", start, end, category, channel)
    assert len(got) == 14 == len(want)
    got = got.set_index("center_id").sort_index()
    for col in ("brand_name", "center_name", "brand_category", "region_name"):
        assert got[col].tolist() == want[col].tolist(), col
    for col in ("received", "closed", "valid", "contacted", "solved", "satisfied", "basic", "activities"):
        assert got[col].astype(int).tolist() == want[col].astype(int).tolist(), col
    pd.testing.assert_series_equal(got.volunteer_hours, want.volunteer_hours.astype(float), check_names=False)
    pd.testing.assert_series_equal(got.funds_wan.round(2), want.funds_wan.round(2), check_names=False)


def test_brand_scorecard_names_the_report_communities(con):
    got = db.run(con, "brand_scorecard", {"region": "211324", "start": dt.date(2022, 1, 1),
                                          "end": dt.date(2022, 12, 31), "category": "", "channel": ""})
    brands = dict(zip(got.region_name, got.brand_name))
    assert brands["新华社区"] == "功能型网格党支部"
    assert brands["古塔社区"] == "雷锋志愿服务社区"
    assert brands["双桥社区"] == "红色网格堡垒"
    assert brands["敖木伦社区"] == "暖心服务"


def test_brand_scorecard_is_empty_without_brands(con):
    got = db.run(con, "brand_scorecard", {"region": "210682", "start": dt.date(2022, 1, 1),
                                          "end": dt.date(2022, 12, 31), "category": "", "channel": ""})
    assert got.empty
    assert "brand_name" in got.columns
