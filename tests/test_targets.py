"""Targets per metric (config/metrics.toml [targets]): read without Streamlit, judged on the 总览 cards."""
import pytest

from dangqun import metrics
from dangqun.views import overview

ROW = dict(received=100, closed=96, closed_on_time=90, overdue=0, valid=10, contacted=9, solved=8,
           satisfied=8, basic=2, proxy=0, proactive=0, funds_wan=0, centers=1, activities=0)


def test_the_shipped_config_sets_targets():
    assert metrics.targets() == {"close_rate": 0.95, "on_time_rate": 0.95, "satisfaction_rate": 0.90,
                                 "composite_score": 90.0}


def test_targets_are_optional_and_checked(tmp_path):
    base = metrics.CONFIG_PATH.read_text(encoding="utf-8").split("[targets]")[0]
    none = tmp_path / "none.toml"
    none.write_text(base, encoding="utf-8")
    assert metrics.targets(none) == {}
    bad = tmp_path / "bad.toml"
    bad.write_text(base + "[targets]\nsatisfaction_rate = 90\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[targets\] satisfaction_rate = 90 应为 0 到 1 之间的数（率写作小数，0.90 即 90%）"):
        metrics.targets(bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(base + "[targets]\nhappiness = 0.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="happiness 不是可设目标的指标"):
        metrics.targets(unknown)


@pytest.mark.parametrize("key, value, text", [("satisfaction_rate", 0.9, "90%"), ("close_rate", 0.955, "95.5%"),
                                              ("composite_score", 90.0, "90"), ("composite_score", 92.5, "92.50")])
def test_fmt_target(key, value, text):
    assert metrics.fmt_target(key, value) == text


def test_cards_say_met_or_missed():
    # 办结率 96% ≥ 95%; 按期办结率 90/96 = 93.75% < 95%; 满意率 (8 + 0.9×2)/10 = 98% ≥ 90%;
    # 综合成绩 100 × (0.1×0.9 + 0.5×0.8 + 0.4×0.98) = 88.2 < 90
    cards = {c.label: c for c in overview.cards(ROW, None, targets=metrics.targets())}
    assert (cards["办结率"].target, cards["办结率"].target_met) == ("目标 ≥ 95%：已达成", True)
    assert (cards["按期办结率"].target, cards["按期办结率"].target_met) == ("目标 ≥ 95%：未达成", False)
    assert (cards["满意率"].target, cards["满意率"].target_met) == ("目标 ≥ 90%：已达成", True)
    assert (cards["综合成绩"].target, cards["综合成绩"].target_met) == ("目标 ≥ 90 分：未达成", False)
    assert cards["受理量"].target is None
    en = {c.label: c for c in overview.cards(ROW, None, "en", targets=metrics.targets())}
    assert en["Composite score"].target == "Target ≥ 90 pts: missed"


def test_a_target_exactly_met_and_no_value():
    cards = {c.label: c for c in overview.cards(ROW, None, targets={"close_rate": 0.96})}
    assert cards["办结率"].target == "目标 ≥ 96%：已达成"          # 96/100 is not below 0.96
    empty = dict(ROW, received=0, closed=0, closed_on_time=0)
    cards = {c.label: c for c in overview.cards(empty, None, targets={"close_rate": 0.95})}
    assert (cards["办结率"].target, cards["办结率"].target_met) == ("目标 ≥ 95%", None)
    assert {c.target for c in overview.cards(ROW, None, targets={})} == {None}


def test_the_overview_shows_the_targets(open_page):
    at = open_page("app_pages/overview.py", county="210681000000")
    # 东港市 2022: 办结率 97.6%, 按期办结率 97.6%, 满意率 92.5%, 综合成绩 92.81 (the overview's cards)
    captions = [c.value for c in at.caption if "目标" in c.value]
    assert captions == [":green[目标 ≥ 95%：已达成]", ":green[目标 ≥ 95%：已达成]", ":green[目标 ≥ 90%：已达成]",
                        ":green[目标 ≥ 90 分：已达成]"]


def test_the_satisfaction_page_shows_the_targets(open_page, demo_raw, monkeypatch):
    import datetime as dt

    from expected import rates, window

    year = window(demo_raw["service_records"], "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    _, response, solve, sat, score = rates(year)
    goals = {"response_rate": 0.95, "solve_rate": 0.95, "satisfaction_rate": 0.9, "composite_score": 90.0}
    monkeypatch.setattr(metrics, "targets", lambda path=None: goals)
    at = open_page("app_pages/satisfaction.py", county="210681000000")
    captions = [c.value for c in at.caption if "目标" in c.value]

    def verdict(value, goal, text):
        return f":{'green' if value >= goal else 'red'}[目标 ≥ {text}：{'已达成' if value >= goal else '未达成'}]"

    assert captions == [verdict(response, 0.95, "95%"), verdict(solve, 0.95, "95%"), verdict(sat, 0.9, "90%"),
                        verdict(score, 90.0, "90 分")]
    assert any("未达成" in c for c in captions)      # 东港市's 解决率 (92.0%) misses 95%
