"""重复诉求 (dangqun/alerts/rules/repeat.py, queries/alert_repeats.sql): the planted resident found once, and
constructed cases inside and outside the window."""
from __future__ import annotations

from dangqun import alerts, db
from dangqun.demo import anomalies as A
from tests.alert_helpers import CFG, LATEST, add_cases, rule_alerts


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
