"""brand_scorecard against an independent pandas computation on the demo's raw rows."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import db
from expected import activities_in, centers_in, counts_by, funds_in, window


def expected_scorecard(raw, prefix, start, end, category="", channel=""):
    """brand_scorecard from the raw tables: the brand communities under `prefix`, their counts of the
    records in the window, their activities and their funds."""
    brand = centers_in(raw, prefix)
    brand = brand[brand.brand_name.notna()]

    def in_brand(df):
        return df[df.center_id.isin(brand.center_id)]

    counts = counts_by(in_brand(window(raw["service_records"], prefix, start, end, category, channel)), "center_id")
    acts = in_brand(activities_in(raw, prefix, start, end)).groupby("center_id").agg(
        activities=("activity_id", "size"), volunteer_hours=("volunteer_hours", "sum"))
    money = in_brand(funds_in(raw, prefix, start, end)).groupby("center_id").amount_wan.sum().rename("funds_wan")
    out = brand.set_index("center_id")[["brand_name", "center_name", "brand_category", "region_code"]]
    out = out.join(counts).join(acts).join(money).fillna(0)
    names = raw["regions"].set_index("region_code").region_name
    out["region_name"] = out.region_code.map(names)
    return out.sort_index()


@pytest.mark.parametrize("category, channel", [("", ""), ("05", ""), ("", "窗口"), ("11", "电话")])
def test_brand_scorecard_matches_pandas_in_kazuo(demo_con, demo_raw, category, channel):
    start, end = dt.date(2021, 7, 1), dt.date(2022, 6, 30)
    got = db.run(demo_con, "brand_scorecard", {"region": "211324", "start": start, "end": end,
                                               "category": category, "channel": channel, "as_of": None})
    want = expected_scorecard(demo_raw, "211324", start, end, category, channel)
    assert len(got) == 14 == len(want)
    got = got.set_index("center_id").sort_index()
    for col in ("brand_name", "center_name", "brand_category", "region_name"):
        assert got[col].tolist() == want[col].tolist(), col
    for col in ("received", "closed", "valid", "contacted", "solved", "satisfied", "basic", "activities"):
        assert got[col].astype(int).tolist() == want[col].astype(int).tolist(), col
    pd.testing.assert_series_equal(got.volunteer_hours, want.volunteer_hours.astype(float), check_names=False)
    pd.testing.assert_series_equal(got.funds_wan.round(2), want.funds_wan.round(2), check_names=False)


def test_brand_scorecard_names_the_report_communities(demo_con):
    got = db.run(demo_con, "brand_scorecard", {"region": "211324", "start": dt.date(2022, 1, 1),
                                               "end": dt.date(2022, 12, 31), "category": "", "channel": "",
                                               "as_of": None})
    brands = dict(zip(got.region_name, got.brand_name))
    assert brands["新华社区"] == "功能型网格党支部"
    assert brands["古塔社区"] == "雷锋志愿服务社区"
    assert brands["双桥社区"] == "红色网格堡垒"
    assert brands["敖木伦社区"] == "暖心服务"


def test_brand_scorecard_is_empty_without_brands(demo_con):
    got = db.run(demo_con, "brand_scorecard", {"region": "210682", "start": dt.date(2022, 1, 1),
                                               "end": dt.date(2022, 12, 31), "category": "", "channel": "",
                                               "as_of": None})
    assert got.empty
    assert "brand_name" in got.columns
