"""The frame's and 总览's queries against independent pandas computations on the demo rows."""
import datetime as dt

import pytest

from dangqun import db
from expected import counts, flag, valid, window

START, END = dt.date(2022, 3, 1), dt.date(2022, 8, 31)


@pytest.fixture(scope="module")
def records(demo_raw):
    """Records of 东港市 (210681), category 11, channel 电话, received March–August 2022, in pandas."""
    return window(demo_raw["service_records"], "210681", START, END, "11", "电话")


PARAMS = {"region": "210681", "start": START, "end": END, "category": "11", "channel": "电话",
          "as_of": None}


def test_kpi_summary(demo_con, records):
    got = db.run(demo_con, "kpi_summary", PARAMS).iloc[0]
    want = counts(records, END)
    assert {k: int(got[k]) for k in want} == want
    assert want["received"] > 50   # the filter is not trivially empty
    assert int(got["proxy"]) == int(flag(records.is_proxy).sum())
    assert int(got["proactive"]) == int((records.origin == "未诉先办").sum())
    funds = demo_con.execute("""select sum(amount_wan) from funds join centers using (center_id)
                                where region_code like '210681%' and fiscal_year = 2022""").fetchone()[0]
    assert got["funds_wan"] == float(funds)   # DECIMAL(18,2) arrives in pandas as float64
    activities = demo_con.execute("""select count(*) from activities join centers using (center_id)
                                     where region_code like '210681%'
                                       and activity_date between $s and $e""", {"s": START, "e": END}).fetchone()[0]
    assert got["activities"] == activities


def test_monthly_trend(demo_con, records):
    got = db.run(demo_con, "monthly_trend", PARAMS)
    assert [str(m)[:7] for m in got.month] == ["2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08"]
    for month, group in records.groupby(records.received_at.dt.to_period("M")):
        row = got[got.month.astype(str).str[:7] == str(month)].iloc[0]
        want = counts(group, END)
        want.pop("overdue")
        want["unsatisfied"] = len(valid(group).query("satisfaction == '不满意'"))
        assert {k: int(row[k]) for k in want} == want
    assert got.unsatisfied.sum() > 0


def test_unit_scores_by_town(demo_con, records):
    got = db.run(demo_con, "unit_scores", dict(PARAMS, child_digits=9)).set_index("unit_code")
    records = records.assign(unit=records.region_code.str[:9].str.ljust(12, "0"))
    assert sorted(got.index) == sorted(records.unit.unique())
    for unit, group in records.groupby("unit"):
        want = counts(group, END)
        assert {k: int(got.loc[unit, k]) for k in want} == want
    names = demo_con.execute("select region_code, region_name from regions").df().set_index("region_code").region_name
    assert (got.unit_name == names.reindex(got.index)).all()


def test_unit_scores_below_a_village_are_its_centers(demo_con):
    village = demo_con.execute("""select region_code from centers where region_code like '210681%'
                                  and right(region_code, 3) <> '000' order by 1 limit 1""").fetchone()[0]
    got = db.run(demo_con, "unit_scores", {"region": village, "start": dt.date(2021, 1, 1),
                                           "end": dt.date(2022, 12, 31), "category": "", "channel": "", "as_of": None,
                                           "child_digits": 0})
    want = demo_con.execute("""select c.center_id, c.center_name, count(*) from service_records s join centers c
                               using (center_id) where c.region_code = $v group by all order by 1""",
                            {"v": village}).fetchall()
    assert list(zip(got.unit_code, got.unit_name, got.received)) == want


def test_region_options_are_the_ancestors_of_centers(demo_con):
    got = db.run(demo_con, "region_options")
    codes = demo_con.execute("select distinct region_code from centers").df().region_code
    want = {code[:n].ljust(12, "0") for code in codes for n in (2, 4, 6, 9, 12)}
    regions = set(demo_con.execute("select region_code from regions").df().region_code)
    assert set(got.region_code) == want & regions
    assert got.set_index("region_code").loc["210681000000"].tolist() == ["东港市", 2, "210600000000"]


def test_data_span_and_categories(demo_con):
    span = db.run(demo_con, "data_span").iloc[0]
    assert (span.first_day.date(), span.last_day.date()) == (dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    cats = db.run(demo_con, "category_options")
    assert list(cats.category_code) == [f"{i:02d}" for i in range(1, 13)]
    assert cats.category_name.iloc[10] == "法律服务与调解" and set(cats.item_count) == {10}
