"""The frame's and 总览's queries against independent pandas computations on the demo rows."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dangqun import db

START, END = dt.date(2022, 3, 1), dt.date(2022, 8, 31)


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def records(con):
    """Records of 东港市 (210681), category 11, channel 电话, received March–August 2022, in pandas."""
    r = con.execute("select * from service_records").df()
    c = con.execute("select center_id, region_code from centers").df()
    r = r.merge(c, on="center_id")
    return r[r.region_code.str.startswith("210681") & (r.item_code.str[:2] == "11") & (r.channel == "电话")
             & (r.received_at >= pd.Timestamp(START)) & (r.received_at < pd.Timestamp(END) + pd.Timedelta(days=1))]


PARAMS = {"region": "210681", "start": START, "end": END, "category": "11", "channel": "电话"}


def counts(r, end=END):
    valid = r.survey_valid.fillna(False).astype(bool) & r.in_assessment.fillna(False).astype(bool)
    closed = r.status == "已办结"
    due = pd.to_datetime(r.due_on)
    late_closed = closed & (r.closed_at.dt.normalize() > due)
    late_open = r.status.isin(["待受理", "办理中", "延期"]) & (due < pd.Timestamp(end))
    return {
        "received": len(r),
        "closed": int(closed.sum()),
        "closed_on_time": int((closed & (r.closed_at.dt.normalize() <= due)).sum()),
        "overdue": int((late_closed | late_open).sum()),
        "valid": int(valid.sum()),
        "contacted": int((valid & r.contacted.fillna(False).astype(bool)).sum()),
        "solved": int((valid & r.solved.fillna(False).astype(bool)).sum()),
        "satisfied": int((valid & (r.satisfaction == "满意")).sum()),
        "basic": int((valid & (r.satisfaction == "基本满意")).sum()),
    }


def test_kpi_summary(con, records):
    got = db.run(con, "kpi_summary", PARAMS).iloc[0]
    want = counts(records)
    assert {k: int(got[k]) for k in want} == want
    assert want["received"] > 50   # the filter is not trivially empty
    assert int(got["proxy"]) == int(records.is_proxy.fillna(False).astype(bool).sum())
    assert int(got["proactive"]) == int((records.origin == "未诉先办").sum())
    funds = con.execute("""select sum(amount_wan) from funds join centers using (center_id)
                           where region_code like '210681%' and fiscal_year = 2022""").fetchone()[0]
    assert got["funds_wan"] == float(funds)   # DECIMAL(18,2) arrives in pandas as float64
    activities = con.execute("""select count(*) from activities join centers using (center_id)
                                where region_code like '210681%'
                                  and activity_date between $s and $e""", {"s": START, "e": END}).fetchone()[0]
    assert got["activities"] == activities


def test_monthly_trend(con, records):
    got = db.run(con, "monthly_trend", PARAMS)
    assert [str(m)[:7] for m in got.month] == ["2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08"]
    for month, group in records.groupby(records.received_at.dt.to_period("M")):
        row = got[got.month.astype(str).str[:7] == str(month)].iloc[0]
        want = counts(group)
        want.pop("overdue")
        assert {k: int(row[k]) for k in want} == want


def test_unit_scores_by_town(con, records):
    got = db.run(con, "unit_scores", dict(PARAMS, child_digits=9)).set_index("unit_code")
    records = records.assign(unit=records.region_code.str[:9].str.ljust(12, "0"))
    assert sorted(got.index) == sorted(records.unit.unique())
    for unit, group in records.groupby("unit"):
        assert {k: int(got.loc[unit, k]) for k in counts(group)} == counts(group)
    names = con.execute("select region_code, region_name from regions").df().set_index("region_code").region_name
    assert (got.unit_name == names.reindex(got.index)).all()


def test_unit_scores_below_a_village_are_its_centers(con):
    village = con.execute("""select region_code from centers where region_code like '210681%'
                             and right(region_code, 3) <> '000' order by 1 limit 1""").fetchone()[0]
    got = db.run(con, "unit_scores", {"region": village, "start": dt.date(2021, 1, 1), "end": dt.date(2022, 12, 31),
                                      "category": "", "channel": "", "child_digits": 0})
    want = con.execute("""select c.center_id, c.center_name, count(*) from service_records s join centers c
                          using (center_id) where c.region_code = $v group by all order by 1""",
                       {"v": village}).fetchall()
    assert list(zip(got.unit_code, got.unit_name, got.received)) == want


def test_region_options_are_the_ancestors_of_centers(con):
    got = db.run(con, "region_options")
    codes = con.execute("select distinct region_code from centers").df().region_code
    want = {code[:n].ljust(12, "0") for code in codes for n in (2, 4, 6, 9, 12)}
    regions = set(con.execute("select region_code from regions").df().region_code)
    assert set(got.region_code) == want & regions
    assert got.set_index("region_code").loc["210681000000"].tolist() == ["东港市", 2, "210600000000"]


def test_data_span_and_categories(con):
    span = db.run(con, "data_span").iloc[0]
    assert (span.first_day.date(), span.last_day.date()) == (dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    cats = db.run(con, "category_options")
    assert list(cats.category_code) == [f"{i:02d}" for i in range(1, 13)]
    assert cats.category_name.iloc[10] == "法律服务与调解" and set(cats.item_count) == {10}
