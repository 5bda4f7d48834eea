"""Where no survey fields were imported (a platform exporting no 回访 columns), the 三率 and 综合成绩 read
无回访数据 — on the cards of 总览 and 满意度与考核 and in place of their survey charts — never 0% or a
line at zero. The records are imported into app_db dated 2018, before the demo's years."""
import pytest

from dangqun import metrics
from dangqun.views import overview

CSV = ("受理编号,中心编码,受理时间,事项编码,办理状态\n"
       "NS2018000001,ZX210681107201,2018-05-05 09:07,0101,已办结\n"
       "NS2018000002,ZX210681107201,2018-06-06 10:00,0102,办理中\n")
PERIOD = {"start": "2018-01-01", "end": "2018-12-31", "county": "210681000000"}


@pytest.fixture(scope="module")
def no_survey_records(app_db, tmp_path_factory):
    from dangqun import ingest, publish, ui

    path = tmp_path_factory.mktemp("nosurvey") / "no_survey.csv"
    path.write_text(CSV, encoding="utf-8")
    with publish.importing(app_db, who="test") as cur:     # the importer: the app reads its new version
        (report,) = ingest.import_files(cur, [str(path)])
    assert (report.imported, report.quarantined) == (2, 0)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_cards_say_no_survey_data_not_zero():
    now = {"received": 2, "closed": 1, "closed_on_time": 1, "valid": 0, "contacted": 0, "solved": 0,
           "satisfied": 0, "basic": 0, "funds_wan": 0, "centers": 1, "activities": 0, "proxy": 0}
    cards = {c.label: c.value for c in overview.cards(now, None)}
    assert (cards["满意率"], cards["综合成绩"], cards["办结率"]) == ("无回访数据", "无回访数据", "50.0%")
    en = {c.label: c.value for c in overview.cards(now, None, "en")}
    assert en["Satisfaction rate"] == "No follow-up survey data"
    assert metrics.fmt_survey_pct(0.0, 4) == "0.0%"          # a real 0% among 4 surveys stays 0%


def test_overview_and_satisfaction_pages(open_page, no_survey_records):
    at = open_page("app_pages/overview.py", **PERIOD)
    assert not at.exception
    assert metric(at, "受理量") == "2"
    assert (metric(at, "满意率"), metric(at, "综合成绩")) == ("无回访数据", "无回访数据")

    at = open_page("app_pages/satisfaction.py", **PERIOD)
    assert not at.exception
    assert [metric(at, k) for k in ("有效回访", "响应率", "解决率", "满意率", "综合成绩")] == [
        "0", "无回访数据", "无回访数据", "无回访数据", "无回访数据"]
    assert [i.value for i in at.info].count("无回访数据") == 2      # the rates trend and the levels donut
    keys = [c.key for c in at.get("plotly_chart")]
    assert "chart_rates_trend" not in keys and "chart_levels" not in keys
