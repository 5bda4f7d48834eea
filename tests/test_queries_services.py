"""服务办理's queries, working days overdue and the category drill against independent pandas
computations on the demo rows."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dangqun import db, workdays
from dangqun.views import services
from dangqun.charts import services as charts
from expected import flag, hours_between, median_p90, window, workdays_between
from expected import overdue as expected_overdue

START, END = dt.date(2022, 2, 1), dt.date(2022, 9, 30)
PARAMS = {"region": "210681", "start": START, "end": END, "category": "02", "channel": "", "as_of": None}


@pytest.fixture(scope="module")
def all_records(demo_raw):
    """Every record, carrying its center's region_code."""
    return demo_raw["service_records"]


@pytest.fixture(scope="module")
def records(all_records):
    """东港市 (210681), category 02 社会保险, February–September 2022."""
    return window(all_records, "210681", START, END, "02")


def late(r, end):
    return expected_overdue(r.status, r.closed_at, r.due_on, end)


def test_service_categories(demo_con, all_records, demo_raw):
    r = window(all_records, "210681", START, END, channel="电话")
    got = db.run(demo_con, "service_categories", dict(PARAMS, category="", channel="电话")).set_index("category_code")
    g = r.assign(cat=r.item_code.str[:2], closed=r.status == "已办结", late=late(r, END)).groupby("cat")
    want = pd.DataFrame({"received": g.size(), "closed": g.closed.sum(), "overdue": g.late.sum()})
    assert got[["received", "closed", "overdue"]].sort_index().to_dict() == want.sort_index().astype(int).to_dict()
    names = demo_raw["catalog"].groupby("category_code").category_name.first()
    assert (got.category_name == names.reindex(got.index)).all()
    assert got.received.is_monotonic_decreasing and len(got) == 12


def test_service_items_within_a_category(demo_con, records, demo_raw):
    got = db.run(demo_con, "service_items", PARAMS).set_index("item_code")
    g = records.assign(closed=records.status == "已办结", late=late(records, END)).groupby("item_code")
    want = pd.DataFrame({"received": g.size(), "closed": g.closed.sum(), "overdue": g.late.sum()}).astype(int)
    assert got[["received", "closed", "overdue"]].sort_index().to_dict() == want.sort_index().to_dict()
    assert set(got.category_code) == {"02"}
    assert (got.item_name == demo_raw["catalog"].set_index("item_code").item_name.reindex(got.index)).all()


def test_service_channels(demo_con, records):
    got = db.run(demo_con, "service_channels", PARAMS).set_index("channel")
    g = records.assign(proxy=flag(records.is_proxy),
                       proactive=records.origin == "未诉先办").groupby(records.channel.fillna("未注明渠道"))
    want = pd.DataFrame({"received": g.size(), "proxy": g.proxy.sum(), "proactive": g.proactive.sum()}).astype(int)
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert got.received.sum() == len(records) > 1000


def test_service_groups(demo_con, records):
    got = db.run(demo_con, "service_groups", dict(PARAMS, channel="上门")).set_index("group_tag")
    r = records[records.channel == "上门"]
    g = r.assign(closed=r.status == "已办结", proxy=flag(r.is_proxy)) \
        .groupby(r.group_tag.fillna("未注明人群"))
    want = pd.DataFrame({"received": g.size(), "closed": g.closed.sum(), "proxy": g.proxy.sum()}).astype(int)
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert "新就业群体" in got.index and got.received.sum() == len(r) > 100


def test_workflow_durations_agree_with_pandas_quantiles(demo_con, records):
    got = db.run(demo_con, "workflow_durations", PARAMS).set_index("step")
    closed = records[records.status == "已办结"]
    spans = {
        "受理至派单": hours_between(records.received_at, records.dispatched_at),
        "派单至接单": hours_between(records.dispatched_at, records.accepted_at),
        "受理至办结": hours_between(closed.received_at, closed.closed_at),
    }
    assert got.index.tolist() == list(spans)
    for step, hours in spans.items():
        hours = hours.dropna()
        assert got.loc[step, "count"] == len(hours) > 1000
        # numpy's quantiles directly, and expected.median_p90 (which drops missing values too)
        med, p90 = np.quantile(hours, [0.5, 0.9])
        assert got.loc[step, "median_hours"] == pytest.approx(med, rel=1e-9)
        assert got.loc[step, "p90_hours"] == pytest.approx(p90, rel=1e-9)
        assert (got.loc[step, "median_hours"], got.loc[step, "p90_hours"]) == pytest.approx(median_p90(hours))


def test_workflow_durations_empty_window_has_no_numbers(demo_con):
    got = db.run(demo_con, "workflow_durations", dict(PARAMS, region="999999"))
    assert got["count"].tolist() == [0, 0, 0]
    assert got.median_hours.isna().all() and got.p90_hours.isna().all()


def test_overdue_cases(demo_con, all_records):
    params = dict(PARAMS, category="", max_rows=50)
    r = window(all_records, "210681", START, END)
    want = r[late(r, END)]
    got = db.run(demo_con, "overdue_cases", params)
    assert len(got) == 50 and len(want) > 50
    # the page's total (共 N 件超期) is kpi_summary's
    assert db.run(demo_con, "kpi_summary", dict(params)).overdue.iloc[0] == len(want)
    assert set(got.record_id) <= set(want.record_id)
    # the 50 most days past the deadline (calendar days to the closing day or the window's end)
    days = (want.closed_at.dt.normalize().fillna(pd.Timestamp(END)) - pd.to_datetime(want.due_on)).dt.days
    assert sorted(got.days_late, reverse=True) == sorted(days, reverse=True)[:50]
    everything = db.run(demo_con, "overdue_cases", dict(params, max_rows=100_000))
    assert sorted(everything.record_id) == sorted(want.record_id)


def test_overdue_cases_include_open_cases_past_the_deadline(demo_con, all_records):
    r = all_records[all_records.status.isin(["待受理", "办理中", "延期"])]
    assert len(r) > 0
    end = dt.date(2022, 12, 31)
    params = {"region": "21", "start": dt.date(2022, 1, 1), "end": end, "category": "", "channel": "",
              "max_rows": 1_000_000}
    got = db.run(demo_con, "overdue_cases", params)
    open_late = window(r, "21", dt.date(2022, 1, 1), end)
    open_late = open_late[pd.to_datetime(open_late.due_on) < pd.Timestamp(end)]
    assert len(open_late) > 0
    assert set(open_late.record_id) <= set(got.record_id)


def test_workdays_overdue_counts_working_days():
    due = pd.to_datetime(pd.Series(["2022-09-30", "2022-09-30", "2022-12-20", None, "2022-01-05"]))
    closed = pd.to_datetime(pd.Series(["2022-10-10 09:00", None, None, "2022-01-01 10:00", "2022-01-04 10:00"]))
    status = pd.Series(["已办结", "办理中", "延期", "已办结", "已办结"])
    got = services.workdays_overdue(due, closed, status, dt.date(2022, 10, 8))
    # 国庆 2022: 10-01..10-07 off, Saturday 10-08 an adjusted working day, 10-10 Monday
    assert got.tolist()[:3] == [3, 1, 0]
    assert got.isna().tolist() == [False, False, False, True, False]
    assert got.iloc[4] == 0
    many = workdays.workdays_between_many(np.array(["2022-09-30", "2022-01-03"], dtype="datetime64[D]"),
                                          np.array(["2022-10-10", "2022-01-10"], dtype="datetime64[D]"))
    assert many.tolist() == [workdays_between(dt.date(2022, 9, 30), dt.date(2022, 10, 10)),
                             workdays_between(dt.date(2022, 1, 3), dt.date(2022, 1, 10))]


def test_overdue_table_columns_and_order(demo_con):
    cases = db.run(demo_con, "overdue_cases", dict(PARAMS, max_rows=30))
    as_of = services.as_of_day(END, dt.date(2022, 12, 31))
    table = services.overdue_table(cases, as_of)
    assert table.columns.tolist() == ["record_id", "center_name", "item_name", "received_at", "promised_days",
                                      "due_on", "closed_at", "status", "workdays_overdue"]
    assert table.workdays_overdue.is_monotonic_decreasing
    for _, row in table.iterrows():
        until = row.closed_at.date() if row.status == "已办结" else as_of
        assert row.workdays_overdue == workdays_between(row.due_on.date(), until)
    assert services.as_of_day(dt.date(2023, 3, 31), dt.date(2022, 12, 31)) == dt.date(2022, 12, 31)


def test_category_bars_carry_the_code_a_click_sets(demo_con):
    cats = db.run(demo_con, "service_categories", dict(PARAMS, category=""))
    fig = charts.category_bars(cats)
    codes = [c[0] for c in fig.data[0].customdata]
    assert sorted(codes) == sorted(cats.category_code) and codes[0] == cats.category_code.iloc[0]
    from dangqun.ui import clicked_code

    event = {"selection": {"points": [{"customdata": list(fig.data[0].customdata[2])}]}}
    assert clicked_code(event) == codes[2]
