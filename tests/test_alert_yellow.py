"""低于黄榜线 (dangqun/alerts/rules/yellow.py, on 满意率下滑's frame queries/alert_satisfaction.sql): a town under
the 黄榜 line with enough 有效回访, the line itself not under it; the planted fall stays above it."""
from __future__ import annotations

from dangqun import alerts
from dangqun.demo import anomalies as A
from tests.alert_helpers import CFG, rule_alerts
from tests.test_alert_satisfaction import follow_ups


def test_a_town_under_the_yellow_line_is_flagged_and_one_on_it_is_not():
    found = alerts.yellow_alerts(follow_ups(), "2022-10", CFG)
    # 甲镇's 70.0 % is on the 黄榜 line, not under it; 丙镇's 69 % on 20 follow-ups is under it
    assert [(a["rule"], a["unit_code"], a["severity"]) for a in found] == [("yellow", "210681003000", "中")]
    assert found[0]["numbers"] == "本月满意率 69.0%，低于黄榜线 70%"
    assert found[0]["explanation"] == "本月满意率 69.0%（有效回访 20 件），低于黄榜线 70%。"
    # under yellow_min_valid follow-ups a rate says too little
    few = follow_ups().assign(valid=lambda d: d["valid"].where(d["unit_code"] != "210681003000", 9))
    assert alerts.yellow_alerts(few.assign(satisfied=lambda d: d["satisfied"].where(d["valid"] != 9, 5)),
                                "2022-10", CFG) == []
    assert CFG.yellow.min_valid == 10


def test_the_planted_fall_is_above_the_line(alerts_con):
    """The planted 满意率下滑 (75.7 %) is no 低于黄榜线: only the comparison with its own past finds it."""
    assert A.FALL_TOWN not in {a["unit_code"] for a in rule_alerts(alerts_con, "yellow", "2022-10")}
