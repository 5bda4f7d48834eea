"""超期积压 (dangqun/alerts/rules/backlog.py, queries/alert_backlog.sql): the late cases against an independent
count on the demo, and the configured lines on constructed cases counted in working days."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dangqun import alerts, db, metrics
from tests.alert_helpers import CFG


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
    assert CFG.backlog.min_cases == 5
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
        long = sum(d > CFG.backlog.escalate_days for d in days_late)
        assert (f"其中 {long} 件超期超过 10 个工作日。" in said) if long else ("都没有超期超过 10 个工作日。" in said)


def test_a_case_past_its_date_over_a_weekend_only_is_no_backlog():
    sunday = dt.date(2022, 10, 30)
    frame = backlog_frame([0, 1, 1, 2, 2], sunday)      # due on the Saturday: no working day late
    assert alerts.backlog_cases(frame, sunday)["workdays_overdue"].tolist() == [1, 1, 2, 2]
    assert alerts.backlog_alerts(frame, "2022-10", sunday, CFG) == []     # four remain: no alert
