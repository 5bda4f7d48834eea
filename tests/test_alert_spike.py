"""诉求突增 (dangqun/alerts/rules/spike.py, queries/alert_item_counts.sql): the Poisson test and the adjusted
baseline on constructed counts, the counts against pandas, and the planted spike found."""
from __future__ import annotations

from decimal import Decimal
from math import factorial

import pandas as pd
import pytest

from dangqun import alerts, db, demo
from dangqun.demo import anomalies as A
from tests.alert_helpers import CFG, LATEST, exact_poisson_sf, exact_poisson_sf_dec, in_month, rule_alerts, town_records


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
